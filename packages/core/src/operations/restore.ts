import { asDbopsError, cancelled, DbopsError, invalidInput } from '../errors.js';
import type { Logger } from '../log.js';
import type { Secrets } from '../secrets.js';
import { engineForBackup } from '../databases/index.js';
import {
  FULL_SCOPE,
  type DatabaseEngine,
  type DatabaseTarget,
  type DumpScope,
  type EngineContext,
  type RestoreChoice,
  type RestoreTargetSession,
} from '../databases/engine.js';
import { SAFETY_BACKUP_PREFIX } from '../manifest/layout.js';
import type { BackupManifest } from '../manifest/manifest.js';
import type { CheckResult } from '../restore/checks.js';
import { fetchBackup, restoreArchive } from '../restore/restore-backup.js';
import { selectBackup, type BackupSelection } from '../restore/select-backup.js';
import { backup, type BackupResult } from './backup.js';
import { identityToRecipient } from '../crypto/age/index.js';

export interface RestoreOptions extends BackupSelection {
  /** The database to restore into. It must exist. */
  target: DatabaseTarget;
  /** Drop and replace the target's objects; required when it already holds tables. */
  clean: boolean;
  /** Take a backup of the target before touching it (default true when it holds tables). */
  safetyBackup: boolean;
  /** Where the safety backup goes; defaults to `from`. */
  safetyBackupTo?: string;
  noOwner: boolean;
  /** MongoDB only: collections keep the UUIDs they had at backup time. */
  preserveUuids?: boolean;
  /** MongoDB, a backup of several databases: the one restored into the target's database, or all (RestoreChoice). */
  choice?: RestoreChoice;
  jobs?: number;
  pgBinDir?: string;
  env: NodeJS.ProcessEnv;
  secrets: Secrets;
  log: Logger;
  signal?: AbortSignal;
}

export interface RestoreResult {
  backupId: string;
  manifest: BackupManifest;
  target: string;
  safetyBackup?: BackupResult;
  restoredBytes: number;
  restoreSeconds: number;
  rows: number;
  checks: CheckResult[];
  passed: boolean;
}

/**
 * A real recovery: restores a backup into an existing database. A database that already holds tables is only
 * overwritten with clean: true (docs/architecture.md invariant 6), and by default after a safety backup of it.
 */
export async function restore(given: RestoreOptions): Promise<RestoreResult> {
  const { storage, manifest } = await selectBackup(given, given.secrets);
  if (given.preserveUuids && manifest.engine !== 'mongodb') {
    throw invalidInput(
      'preserve-uuids',
      `applies to MongoDB backups, and backup ${manifest.backupId} is a PostgreSQL one`,
      'preserve-uuids only with a MongoDB backup (PostgreSQL tables have no UUIDs to keep)',
    );
  }
  const engine = engineForBackup(manifest, given.target);
  // The databases the backup goes into: a backup of several databases needs the user's choice (before any download).
  const options = { ...given, target: await restoreTarget(engine, manifest, given) };
  const { log } = options;
  const context: EngineContext = { log, ...(options.signal ? { signal: options.signal } : {}) };
  /** Whether the target has been changed (emptied, or pg_restore started): what a cancel leaves depends on it. */
  let changed = false;
  try {
    // Refusals and missing client tools cost no download.
    const restorer = await engine.withRestoreTarget(options.target, context, async (session) => {
      await refuseUnlessClean(session, engine, options);
      await session.checkFits(manifest);
      const server = await session.server();
      const tools = { ...(options.pgBinDir ? { binDir: options.pgBinDir } : {}), env: options.env };
      return engine.findRestorer(server, manifest, tools);
    });
    // The backup is fetched and verified before the target is touched: a wrong key, a corrupt object or a full disk
    // fail while the target is as it was.
    const archive = await fetchBackup({
      storage,
      manifest,
      decryption: options.decryption,
      env: options.env,
      log,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      // The download may have taken hours: look at the target again, on a fresh session. Each step has its own
      // session, so none sits idle through a safety backup or a long pg_restore (idle_session_timeout, NAT timeouts).
      const { existing, scope } = await engine.withRestoreTarget(options.target, context, async (session) => {
        const existing = await refuseUnlessClean(session, engine, options);
        return { existing, scope: existing > 0 ? await session.safetyScope?.() : undefined };
      });
      const safetyBackup =
        existing > 0 && options.safetyBackup
          ? await takeSafetyBackup(options, manifest, engine, scope ?? FULL_SCOPE)
          : undefined;
      if (options.signal?.aborted) throw cancelled();
      if (existing > 0) {
        log.info(`Emptying ${engine.describe(options.target)} (clean: true)`);
        // One transaction: a cancel that ends the session rolls it back.
        await engine.withRestoreTarget(options.target, context, (session) => session.clear());
        changed = true;
      }
      try {
        if (options.signal?.aborted) throw cancelled();
        changed = true;
        const restored = await restoreArchive(archive, {
          into: options.target,
          restorer,
          ...(options.jobs ? { jobs: options.jobs } : {}),
          noOwner: options.noOwner,
          ...(options.preserveUuids ? { preserveUuids: true } : {}),
          env: options.env,
          log,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        const restoredChecks = await engine.checkRestored(
          options.target,
          manifest,
          [],
          context,
          undefined,
          restored.outcome,
        );
        const checks = [...restored.checks, ...restoredChecks.checks];
        const rows = restoredChecks.rows;
        return {
          backupId: manifest.backupId,
          manifest,
          target: engine.describe(options.target),
          ...(safetyBackup ? { safetyBackup } : {}),
          restoredBytes: archive.rawBytes,
          restoreSeconds: archive.seconds + restored.seconds,
          rows,
          checks,
          passed: checks.every((c) => c.passed),
        };
      } catch (error) {
        if (existing > 0) throw afterEmptying(error, options, engine, safetyBackup);
        throw afterEmpty(error, options, engine);
      }
    } finally {
      await archive.dispose();
    }
  } catch (error) {
    if (options.signal?.aborted && !changed) throw cancelled(`${engine.describe(options.target)} was not changed.`);
    throw error;
  }
}

/** The target a backup is restored into: the engine's, given the user's choice among the backup's databases. */
async function restoreTarget(
  engine: DatabaseEngine,
  manifest: BackupManifest,
  options: RestoreOptions,
): Promise<DatabaseTarget> {
  const choice = options.choice ?? {};
  if (engine.restoreTarget) return engine.restoreTarget(options.target, manifest, choice);
  const input = choice.sourceDatabase !== undefined ? 'source-database' : choice.allDatabases ? 'all-databases' : '';
  if (!input) return options.target;
  throw invalidInput(
    input,
    `applies to MongoDB backups of several databases, and backup ${manifest.backupId} is a ${engine.name} one`,
    `no ${input}: the backup is restored into the database target-url names`,
  );
}

/** What each engine counts as the target's user objects (its restore target's userObjects). */
const USER_OBJECTS: Record<DatabaseEngine['name'], string> = {
  postgresql: 'tables, views, sequences, functions or large objects',
  mongodb: 'collections or views',
};

/** The number of user objects in the target; refuses a non-empty target without clean (docs/architecture.md invariant 6). */
async function refuseUnlessClean(
  session: RestoreTargetSession,
  engine: DatabaseEngine,
  options: RestoreOptions,
): Promise<number> {
  const existing = await session.userObjects();
  if (existing > 0 && !options.clean) {
    throw new DbopsError(
      'UNSAFE_TARGET',
      `${engine.describe(options.target)} already holds ${existing} objects (${USER_OBJECTS[engine.name]})`,
      {
        input: 'clean',
        hint: 'Pass --clean to drop and replace its objects (a safety backup is taken first), or restore into an empty database.',
      },
    );
  }
  return existing;
}

/** A failure once the target was emptied leaves a partial restore: say so, and where its previous state is. */
function afterEmptying(
  error: unknown,
  options: RestoreOptions,
  engine: DatabaseEngine,
  safetyBackup: BackupResult | undefined,
): DbopsError {
  const failure = options.signal?.aborted ? cancelled('Run the restore again.') : asDbopsError(error);
  const previous = safetyBackup
    ? `Its previous state is in safety backup ${safetyBackup.backupId} (${safetyBackup.location}).`
    : 'No safety backup was taken (safety-backup: false).';
  return new DbopsError(
    failure.code,
    `${failure.message}, after ${engine.describe(options.target)} was emptied: it now holds a partial restore`,
    {
      hint: `${failure.hint ?? 'Run the restore again.'} ${previous}`,
      ...(failure.input ? { input: failure.input } : {}),
      cause: error,
    },
  );
}

/**
 * A failure once the restore began writing into a target that was empty: it may now hold part of the backup, which
 * makes the next run refuse it as not empty. Say so, and how to clean it up.
 */
function afterEmpty(error: unknown, options: RestoreOptions, engine: DatabaseEngine): DbopsError {
  const target = engine.describe(options.target);
  const cleanUp =
    'empty it before you run the restore again, or run it with --clean --safety-backup false (they drop what it holds; a part of this backup needs no safety backup).';
  if (options.signal?.aborted) return cancelled(`${target}, empty before, may now hold part of the backup: ${cleanUp}`);
  const failure = asDbopsError(error);
  return new DbopsError(
    failure.code,
    `${failure.message}, and ${target}, empty before, may now hold part of the backup`,
    {
      hint: `${failure.hint ?? 'Fix the cause above.'} Then ${cleanUp}`,
      ...(failure.input ? { input: failure.input } : {}),
      cause: error,
    },
  );
}

/** A backup of the target as it is, before a clean restore replaces it, next to the backups (`pre-restore/<name>`). */
async function takeSafetyBackup(
  options: RestoreOptions,
  manifest: BackupManifest,
  engine: DatabaseEngine,
  scope: DumpScope,
): Promise<BackupResult> {
  const { log } = options;
  log.info(`Taking a safety backup of ${engine.describe(options.target)} before restoring over it`);
  if (options.decryption.identities.length === 0 && !options.decryption.passphrase) {
    log.warn(
      'The safety backup is not encrypted: the backup being restored was not either. Pass decrypt-with to encrypt it.',
    );
  }
  const result = await backup({
    target: options.target,
    to: options.safetyBackupTo ?? options.from,
    toInput: options.safetyBackupTo ? 'safety-backup-to' : 'from',
    ...(options.s3 ? { s3: options.s3 } : {}),
    name: `${SAFETY_BACKUP_PREFIX}${manifest.name}`,
    compression: 'zstd',
    compressionLevel: 3,
    // The current data is as sensitive as the backups: encrypt it with the key that reads them.
    recipients: options.decryption.identities.map(identityToRecipient),
    ...(options.decryption.identities.length === 0 && options.decryption.passphrase
      ? { passphrase: options.decryption.passphrase }
      : {}),
    scope,
    pgDumpArgs: [],
    ...(options.pgBinDir ? { pgBinDir: options.pgBinDir } : {}),
    exactCountMaxBytes: 0,
    env: options.env,
    secrets: options.secrets,
    log,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  log.info(`Safety backup ${result.backupId} stored at ${result.location}`);
  return result;
}

/** The error a restore fails with when it restored but a check failed: the data is there, but inspect it first. */
export function restoreChecksFailure(result: RestoreResult): DbopsError | undefined {
  const failed = result.checks.filter((c) => !c.passed);
  if (failed.length === 0) return undefined;
  return new DbopsError(
    'CHECK_FAILED',
    `Restored, but ${failed.length} checks failed: ${failed.map((c) => c.name).join(', ')}`,
    { hint: 'Inspect the restored database before putting it back into service.' },
  );
}
