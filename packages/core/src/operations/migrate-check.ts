import { randomBytes } from 'node:crypto';
import { engineFor, sqlEngineFor } from '../databases/index.js';
import type { DatabaseTarget } from '../databases/engine.js';
import { DbopsError } from '../errors.js';
import type { BigTable } from '../migrations/lint/lint.js';
import { databaseUrlOn } from '../migrations/command-environment.js';
import { migrationCommand } from '../migrations/command-line.js';
import { findMigrationSource, type FindSourceOptions } from '../migrations/find-source.js';
import { prismaSchemaOf, withPrismaSchema } from '../migrations/prisma-url.js';
import { rehearseMigrations, type RehearsalResult } from '../migrations/rehearsal/rehearse.js';
import { sameDatabase } from '../migrations/rehearsal/scratch-target.js';
import type { Logger } from '../log.js';
import type { BackupSelection } from '../restore/select-backup.js';
import type { Secrets } from '../secrets.js';
import { type LintFailOn, type MigrateResult, readStatusAndLint, stopBeforeRunning } from './migrate-deploy.js';
import { restoreTest } from './restore-test.js';

export interface MigrateCheckOptions {
  /** The disposable server the scratch database is made on (target-url). */
  target: DatabaseTarget;
  /** The production database (database-url), when given: only compared with target, never connected to. */
  production?: DatabaseTarget;
  project: FindSourceOptions;
  command?: string;
  /** Restore the newest backup from here into the scratch database; without it, the migrations build the schema. */
  rehearseFrom?: Omit<BackupSelection, 'target'>;
  lockTimeoutMs: number;
  statementTimeoutMs?: number;
  maxLockTimeMs?: number;
  maxDurationMs?: number;
  lintFailOn: LintFailOn;
  bigTable?: BigTable;
  pgBinDir?: string;
  env: NodeJS.ProcessEnv;
  secrets: Secrets;
  log: Logger;
  signal?: AbortSignal;
}

/**
 * migrate-deploy's check mode, for pull requests: a scratch database on target-url (the newest backup restored, or
 * empty), status and lint there (a restored copy has production's table sizes), then the pending migrations run
 * there with the same command while their locks are sampled; thresholds fail the check. The scratch database is
 * dropped; database-url is never connected to.
 */
export async function migrateCheck(options: MigrateCheckOptions): Promise<MigrateResult> {
  const { log, target } = options;
  options.secrets.add(target.password);
  options.secrets.add(options.production?.password);
  refuseProduction(target, options.production);
  // The schema Prisma migrates: target-url's, else production's (database-url's), so the rehearsal migrates the same.
  const prismaSchema = prismaSchemaOf(target) ?? prismaSchemaOf(options.production);
  const source = await findMigrationSource({ ...options.project, ...(prismaSchema ? { prismaSchema } : {}) });
  const command = migrationCommand(source.tool, options.command);
  const context = { log, ...(options.signal ? { signal: options.signal } : {}) };

  const scratch = await createScratch(options);
  try {
    const scratchTarget = withPrismaSchema({ ...target, database: scratch.database }, prismaSchema);
    const read = await readStatusAndLint(source, scratchTarget, command, { ...options, mode: 'check' });
    const rehearsal = await log.group(
      `Rehearsing ${read.status.pending.length} migration(s) on ${scratch.database}`,
      () =>
        rehearseMigrations({
          scratchUrl: databaseUrlOn(scratchTarget, scratch.database),
          source,
          command,
          cwd: options.project.projectDir,
          env: options.env,
          secrets: options.secrets,
          lockTimeoutMs: options.lockTimeoutMs,
          ...(options.statementTimeoutMs ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
          ...(options.maxLockTimeMs !== undefined ? { maxLockTimeMs: options.maxLockTimeMs } : {}),
          ...(options.maxDurationMs !== undefined ? { maxDurationMs: options.maxDurationMs } : {}),
          log,
          onLine: (line) => log.info(`  ${line}`),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
    );
    for (const m of rehearsal.migrations) log.info(m.summary);
    const result: MigrateResult = { ...read, rehearsal, scratch };
    const failure = stopBeforeRunning(result, options.lintFailOn) ?? rehearsalFailure(rehearsal);
    return failure ? { ...result, failure } : result;
  } finally {
    await dropScratch(target, scratch.database, context).catch((error: Error) =>
      log.warn(`Could not drop scratch database ${scratch.database}: ${error.message}`),
    );
  }
}

/** Refused before anything connects: a rehearsal runs migrations for real in target-url's database. */
function refuseProduction(target: DatabaseTarget, production: DatabaseTarget | undefined): void {
  if (!production || !sameDatabase(target, production)) return;
  throw new DbopsError(
    'UNSAFE_TARGET',
    `target-url names the same database as database-url (${target.host}:${target.port}/${target.database}): check mode runs the pending migrations on target-url's server`,
    {
      input: 'target-url',
      hint: 'Point target-url at a disposable server (e.g. a postgres service container); check mode never touches database-url.',
    },
  );
}

/** The newest backup restored and kept by restore-test's machinery, or an empty database. */
async function createScratch(options: MigrateCheckOptions): Promise<{ database: string; backupId?: string }> {
  const { log, target } = options;
  if (options.rehearseFrom) {
    const restored = await log.group('Restoring the newest backup into a scratch database', () =>
      restoreTest({
        ...options.rehearseFrom!,
        target,
        checks: [],
        keep: true,
        record: false,
        ...(options.pgBinDir ? { pgBinDir: options.pgBinDir } : {}),
        env: options.env,
        secrets: options.secrets,
        log,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    return { database: restored.scratchDatabase, backupId: restored.backupId };
  }
  const database = `dbops_rehearsal_${randomBytes(4).toString('hex')}`;
  const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
  await sqlEngineFor(target, 'migrate-deploy').withSqlSession(target, context, (client) =>
    client.query(`CREATE DATABASE "${database}"`),
  );
  log.info(`Created empty scratch database ${database}: the migrations build the schema from nothing.`);
  return { database };
}

async function dropScratch(target: DatabaseTarget, database: string, context: { log: Logger }): Promise<void> {
  const server = await engineFor(target).openScratchServer(target, context);
  try {
    await server.dropDatabase(database);
  } finally {
    await server.close();
  }
}

function rehearsalFailure(rehearsal: RehearsalResult): DbopsError | undefined {
  if (rehearsal.passed) return undefined;
  if (rehearsal.failure) {
    const which = rehearsal.failure.migration ? `Migration ${rehearsal.failure.migration}` : 'The migration command';
    return new DbopsError('CHECK_FAILED', `${which} failed in the rehearsal: ${rehearsal.failure.error}`, {
      hint: 'Fix the migration; the rehearsal ran it on a scratch copy, and production is untouched.',
    });
  }
  return new DbopsError(
    'CHECK_FAILED',
    `The rehearsal exceeded its thresholds: ${rehearsal.violations.map((v) => v.message).join('; ')}`,
    {
      input: rehearsal.violations[0]?.threshold,
      hint: 'Rewrite the migration to lock less (the lint findings say how), or raise the threshold if the lock is acceptable.',
    },
  );
}
