import type pg from 'pg';
import { DbopsError } from '../../errors.js';
import { timed, type Logger } from '../../log.js';
import type { BackupManifest } from '../../manifest/manifest.js';
import { readTombstones, type TombstoneSet } from '../../data-retention/tombstones.js';
import type { CheckResult, UserCheck } from '../../restore/checks.js';
import type { DatabaseEngine, DatabaseServer, EngineContext, RestoreTargetSession, ScratchServer } from '../engine.js';
import { connect, serverVersion, systemIdentifier, withSession } from './connection.js';
import { createDatabaseStatement, localeDifferences, readDatabaseLocale } from './database-locale.js';
import { withPgDumpSource } from './dump-source.js';
import { withPgHealthSession } from './health-session.js';
import { checkTombstones } from './tombstone-check.js';
import { checkSchema, checkTables, runUserChecks } from './restore-checks.js';
import { findPgRestorer } from './restorer.js';
import {
  clearDatabase,
  countUserObjects,
  createScratchDatabase,
  dropDatabase,
  scratchDatabaseName,
} from './scratch-database.js';
import { asPgTarget, describeTarget, withDatabase, type PgTarget } from './target.js';

/** PostgreSQL behind the engine interface (docs/architecture.md): each member delegates to this folder's modules. */
export const postgresEngine: DatabaseEngine = {
  name: 'postgresql',
  describe: (target) => describeTarget(asPgTarget(target)),
  withDumpSource: (target, settings, context, use) => withPgDumpSource(asPgTarget(target), settings, context, use),

  async openScratchServer(target, context) {
    const pgTarget = asPgTarget(target);
    const admin = await connect(pgTarget, context.log, context.signal);
    try {
      return scratchServer(admin, pgTarget, await describeServer(admin), context.log);
    } catch (error) {
      await admin.end().catch(() => undefined);
      throw error;
    }
  },

  withRestoreTarget: (target, context, use) => {
    const pgTarget = asPgTarget(target);
    return withSession(pgTarget, context.log, context.signal, (client) =>
      use(restoreTargetSession(client, pgTarget, context.log)),
    );
  },

  findRestorer: findPgRestorer,

  // A cancel during a long count or a user's check ends that query, so a scratch database can be dropped.
  checkRestored: (into, manifest, userChecks, context, tombstones) =>
    timed(context.log, 'Checked the restored database', () =>
      checkRestoredPg(asPgTarget(into), manifest, userChecks, context, tombstones),
    ),

  withHealthSession: (target, context, use) => withPgHealthSession(asPgTarget(target), context, use),
  readTombstones: (target, _manifest, context) =>
    withSession(asPgTarget(target), context.log, context.signal, readTombstones),
  withSqlSession: (target, context, use) => withSession(asPgTarget(target), context.log, context.signal, use),
};

/**
 * The row counts read every table and the other checks read the catalog: on two sessions they run side by side,
 * on two of the server's cores (at 10,000 tables each takes seconds). Both sessions end before this returns, also
 * when one of them fails, so nothing still reads the scratch database when it is dropped.
 */
async function checkRestoredPg(
  into: PgTarget,
  manifest: BackupManifest,
  userChecks: UserCheck[],
  { log, signal }: EngineContext,
  tombstones?: TombstoneSet,
): Promise<{ checks: CheckResult[]; rows: number }> {
  const [tables, others] = await Promise.allSettled([
    withSession(into, log, signal, (client) =>
      timed(log, 'Checked the tables and row counts', () => checkTables(client, manifest)),
    ),
    withSession(into, log, signal, async (client) => {
      const schema = await timed(log, 'Checked the schema fingerprint', () => checkSchema(client, manifest));
      const erased = await timed(log, 'Checked the tombstones', () => checkTombstones(client, manifest, tombstones));
      const user = await timed(log, "Ran the user's checks", () => runUserChecks(client, userChecks));
      return [schema, ...(erased ? [erased] : []), ...user];
    }),
  ]);
  if (tables.status === 'rejected') throw tables.reason;
  if (others.status === 'rejected') throw others.reason;
  return { checks: [...tables.value.checks, ...others.value], rows: tables.value.rows };
}

async function describeServer(client: pg.Client): Promise<DatabaseServer> {
  const version = await serverVersion(client);
  const id = await systemIdentifier(client);
  const identity = id ? { systemIdentifier: id } : {};
  return { product: 'PostgreSQL', version: version.text, major: version.major, ...identity };
}

function scratchServer(admin: pg.Client, target: PgTarget, server: DatabaseServer, log: Logger): ScratchServer {
  return {
    server,
    scratchName: scratchDatabaseName,
    async createDatabase(name, manifest) {
      await createScratchDatabase(admin, name, manifest.locale);
      return withDatabase(target, name);
    },
    // On a session of its own: the admin session sat idle through the fetch, the restore and the checks, and a
    // server with idle_session_timeout (or a NAT) has ended it by then. No signal: the drop runs after a cancel too.
    dropDatabase: (name) => withSession(target, log, undefined, (client) => dropDatabase(client, name)),
    close: () => admin.end(),
  };
}

function restoreTargetSession(client: pg.Client, target: PgTarget, log: Logger): RestoreTargetSession {
  return {
    server: () => describeServer(client),
    userObjects: () => countUserObjects(client),
    checkFits: (manifest) => compareLocale(client, target, manifest, log),
    clear: () => clearDatabase(client),
  };
}

/**
 * A database's encoding and locale are fixed when it is created, and pg_restore cannot change them: another
 * encoding may not hold the backup's bytes (refused), another locale sorts and compares text differently (a warning).
 */
async function compareLocale(
  client: pg.Client,
  target: PgTarget,
  manifest: BackupManifest,
  log: Logger,
): Promise<void> {
  if (!manifest.locale) return;
  const actual = await readDatabaseLocale(client);
  const differences = localeDifferences(manifest.locale, actual);
  if (differences.length === 0) return;
  const create = createDatabaseStatement(target.database, manifest.locale);
  if (actual.encoding !== manifest.locale.encoding) {
    throw new DbopsError(
      'UNSAFE_TARGET',
      `${describeTarget(target)} has ${differences.join(', ')}: the backup's text may not be valid in it`,
      {
        input: 'target-url',
        hint: `Restore into a database created like the source: ${create}`,
      },
    );
  }
  log.warn(
    `${describeTarget(target)} has ${differences.join(', ')}: text sorts and compares differently than in the source. A database like the source: ${create}`,
  );
}
