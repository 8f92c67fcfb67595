import { sqlEngineFor } from '../databases/index.js';
import type { DatabaseTarget } from '../databases/engine.js';
import { cancelled, DbopsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Secrets } from '../secrets.js';
import { appliedDiff, type AppliedDiff } from '../migrations/applied-diff.js';
import { migrationBlockers, type MigrationBlocker } from '../migrations/blockers.js';
import { commandEnvironment } from '../migrations/command-environment.js';
import { migrationCommand } from '../migrations/command-line.js';
import { cancelCommandQueries, commandApplicationName } from '../migrations/cancel-command-queries.js';
import { acquireDeployLock, lockNotHeld } from '../migrations/deploy-lock.js';
import { findMigrationSource, type FindSourceOptions } from '../migrations/find-source.js';
import { pgbouncerWarning, prismaSchemaOf } from '../migrations/prisma-url.js';
import { type BigTable, type LintFinding, lintMigrations } from '../migrations/lint/lint.js';
import { catalogTableSizes } from '../migrations/lint/table-sizes.js';
import { runMigrationCommand, type MigrationCommandResult } from '../migrations/run-command.js';
import { explainFailure, type FailureExplanation } from '../migrations/failure/explain-failure.js';
import { prismaCommandOf } from '../migrations/failure/recovery.js';
import { resolveRolledBack } from '../migrations/failure/resolve-rolled-back.js';
import {
  describeSchemaChange,
  type SchemaChange,
  schemaDiff,
  withoutTrackingTable,
} from '../migrations/schema-diff.js';
import { type SchemaSnapshot, takeSchemaSnapshot } from '../migrations/schema-snapshot.js';
import type { RehearsalResult } from '../migrations/rehearsal/rehearse.js';
import type { MigrationSource } from '../migrations/source.js';
import { readMigrationStatus, type MigrationStatus } from '../migrations/status.js';
import { backup, type BackupOptions, type BackupResult } from './backup.js';

export const LINT_FAIL_ON = ['error', 'warning', 'never'] as const;
export type LintFailOn = (typeof LINT_FAIL_ON)[number];

/** What the deploy's backup takes besides the target and the run's context: the backup action's own inputs. */
export type DeployBackupOptions = Omit<BackupOptions, 'target' | 'log' | 'secrets' | 'env' | 'signal'>;

export const RESOLVE_FAILED = ['never', 'rolled-back'] as const;

export interface MigrateOptions {
  /** status: read and lint only; deploy: back up, then run the command. (check mode is migrate-check.ts.) */
  mode: 'status' | 'deploy';
  target: DatabaseTarget;
  project: FindSourceOptions;
  /** The shell command that applies the migrations; the tool's own deploy command when absent. */
  command?: string;
  /** lock_timeout for the command's sessions (PGOPTIONS); 0 for none. */
  lockTimeoutMs: number;
  statementTimeoutMs?: number;
  /** How long to wait for another deploy of the same database to finish. */
  deployLockTimeoutMs: number;
  lintFailOn: LintFailOn;
  bigTable?: BigTable;
  /** The verified backup taken before migrating; undefined only when the user said backup: false. */
  backup?: DeployBackupOptions;
  /** rolled-back: a failed Prisma migration proven to have left nothing is marked rolled back, so it runs again. */
  resolveFailed?: (typeof RESOLVE_FAILED)[number];
  env: NodeJS.ProcessEnv;
  secrets: Secrets;
  log: Logger;
  signal?: AbortSignal;
}

export interface MigrateResult {
  mode: MigrateOptions['mode'] | 'check';
  source: Pick<MigrationSource, 'tool' | 'folder' | 'tracking'>;
  /** The command that ran (or would run), as the user wrote it. */
  command?: string;
  /** Before anything ran. */
  status: MigrationStatus;
  blockers: MigrationBlocker[];
  lint: LintFinding[];
  /** JavaScript migrations (node-pg-migrate) that the SQL linter cannot read. */
  notLinted: string[];
  backup?: BackupResult;
  run?: MigrationCommandResult;
  /** What the run applied and what failed, from the tool's record. */
  applied?: AppliedDiff;
  /** What the run changed in the schema, object by object. */
  schemaChanges?: SchemaChange[];
  /** A failed run explained: the migration, the error and its line, what it left, the ways out. */
  explanation?: FailureExplanation;
  /** The failed migration marked rolled back (resolve-failed: rolled-back). */
  resolved?: string;
  /** check mode: the pending migrations run on a scratch database, their locks and durations. */
  rehearsal?: RehearsalResult;
  /** check mode: the scratch database, and the backup it was restored from (none: built from the migrations). */
  scratch?: { database: string; backupId?: string };
  /** Set when the run (or the status check) failed: the adapters show the summary, then this error. */
  failure?: Error;
}

/**
 * migrate-deploy: reads where each migration stands and lints the pending ones against the live catalog; in deploy
 * mode all of it under dbops's deploy lock: the reads, then a verified backup (no backup, no migration), the user's
 * command with the target in its environment, and what it applied and changed. Restoring the backup is never
 * automatic.
 */
export async function migrateDeploy(options: MigrateOptions): Promise<MigrateResult> {
  options.secrets.add(options.target.password);
  const prismaSchema = prismaSchemaOf(options.target);
  const source = await findMigrationSource({ ...options.project, ...(prismaSchema ? { prismaSchema } : {}) });
  const command =
    options.mode === 'deploy' || options.command ? migrationCommand(source.tool, options.command) : undefined;
  if (options.mode === 'status') {
    const result = await readStatusAndLint(source, options.target, command, options);
    const stop = stopBeforeRunning(result, options.lintFailOn);
    return stop ? { ...result, failure: stop } : result;
  }
  const bouncer = pgbouncerWarning(options.target);
  if (bouncer) options.log.warn(bouncer);
  return underDeployLock(options, async () => {
    // Read under the lock: before it, another deploy's migration still running looks failed (its row is not
    // finished), its ACCESS EXCLUSIVE locks stop the size reads, and what it applies or fails meanwhile is not seen.
    const result = await readStatusAndLint(source, options.target, command, options);
    const stop = stopBeforeRunning(result, options.lintFailOn);
    if (stop) return { ...result, failure: stop };
    if (result.status.pending.length === 0 && source.tracking.table) {
      options.log.info('Nothing to apply: every migration in the repository is applied. No backup was taken.');
      return result;
    }
    return deploy(source, command!, result, options);
  });
}

/**
 * Runs `work` holding the deploy lock, on a session of its own that a cancel does not end: a cancelled deploy keeps
 * the lock until `work` has stopped the command and the SQL it left running (stoppedMidRun), so a waiting deploy
 * never starts beside a migration still running. A crash still frees it: PostgreSQL drops the lock with the session.
 */
async function underDeployLock(options: MigrateOptions, work: () => Promise<MigrateResult>): Promise<MigrateResult> {
  const { log, target, signal } = options;
  if (signal?.aborted) throw cancelled('No migration was run.');
  return sqlEngineFor(target, 'migrate-deploy').withSqlSession(target, { log }, async (client) => {
    const lock = await acquireDeployLock(client, {
      timeoutMs: options.deployLockTimeoutMs,
      ...(signal ? { signal } : {}),
    });
    try {
      return await work();
    } finally {
      if (!(await lock.release())) log.warn(lockNotHeld());
    }
  });
}

/**
 * Where each migration stands in `target`'s database, what blocks a deploy, and the pending migrations linted with
 * its tables' sizes (findings logged on their lines). Reads only.
 */
export async function readStatusAndLint(
  source: MigrationSource,
  target: DatabaseTarget,
  command: string | undefined,
  options: Pick<MigrateOptions, 'project' | 'lockTimeoutMs' | 'bigTable' | 'log' | 'signal'> & {
    mode: MigrateResult['mode'];
  },
): Promise<MigrateResult> {
  const { log } = options;
  const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
  // Reading table sizes takes a lock on each table: behind another session's ACCESS EXCLUSIVE it would wait forever
  // (and queue everyone else behind it), so dbops's own reads are bounded by lock-timeout too (5s when it is none).
  const readLockTimeoutMs = Math.round(options.lockTimeoutMs > 0 ? options.lockTimeoutMs : 5000);
  const read = await sqlEngineFor(target, 'migrate-deploy').withSqlSession(target, context, async (client) => {
    await client.query(`SET lock_timeout = ${readLockTimeoutMs}`);
    const status = await readMigrationStatus(source, client);
    try {
      const { findings, notLinted } = await lintPending(source, status, options, catalogTableSizes(client));
      return { status, lint: findings, notLinted };
    } catch (error) {
      if ((error as { code?: string }).code !== '55P03') throw error;
      throw new DbopsError(
        'CHECK_FAILED',
        `Lock timeout: reading the sizes of the tables the pending migrations touch waited longer than lock-timeout ` +
          `(${readLockTimeoutMs / 1000}s); another session holds a lock on one of them. No migration was run.`,
        {
          input: 'lock-timeout',
          hint:
            'Find the holder with SELECT pid, application_name, state, query FROM pg_stat_activity WHERE pid IN ' +
            "(SELECT pid FROM pg_locks WHERE mode = 'AccessExclusiveLock'); let it finish, then deploy again.",
        },
      );
    }
  });
  const blockers = migrationBlockers(read.status, {
    projectDir: options.project.projectDir,
    ...(command ? prismaPrefix(command) : {}),
  });
  annotate(read.lint, log);
  return {
    mode: options.mode,
    source: { tool: source.tool, folder: source.folder, tracking: source.tracking },
    ...(command ? { command } : {}),
    ...read,
    blockers,
  };
}

/** Lints the migrations the next deploy runs, in order, with the live tables' sizes. */
async function lintPending(
  source: MigrationSource,
  status: MigrationStatus,
  options: Pick<MigrateOptions, 'lockTimeoutMs' | 'bigTable'>,
  tableSizes: ReturnType<typeof catalogTableSizes>,
): Promise<{ findings: LintFinding[]; notLinted: string[] }> {
  const pending = new Set(status.tracking.table ? status.pending : status.migrations.map((m) => m.name));
  const migrations = (await source.list()).filter((m) => pending.has(m.name));
  const readable = migrations.flatMap((m) => (m.sql === undefined ? [] : [{ name: m.name, file: m.file, sql: m.sql }]));
  const findings = await lintMigrations(readable, {
    transactionMode: source.transactionMode,
    tableSizes,
    lockTimeoutGiven: options.lockTimeoutMs > 0,
    ...(options.bigTable ? { bigTable: options.bigTable } : {}),
  });
  return { findings, notLinted: migrations.filter((m) => m.sql === undefined).map((m) => m.name) };
}

/** Each finding on its migration's line: an annotation on GitHub, `file:line:` in a terminal. */
function annotate(findings: LintFinding[], log: Logger): void {
  for (const f of findings) {
    const at = { file: f.file, line: f.line, ...(f.column !== undefined ? { column: f.column } : {}) };
    const message = `[${f.rule}] ${f.reason} Fix: ${f.fix}`;
    if (f.severity === 'error') log.error(message, at);
    else if (f.severity === 'warning') log.warn(message, at);
    else log.info(`${f.file}:${f.line}: [${f.rule}] ${f.reason}`);
  }
}

/** A deploy that would fail anyway (a blocker) or that lint refuses stops before the backup and the command. */
export function stopBeforeRunning(result: MigrateResult, failOn: LintFailOn): DbopsError | undefined {
  if (result.blockers.length > 0) {
    const first = result.blockers[0]!;
    return new DbopsError(
      'CHECK_FAILED',
      `${result.blockers.length} problem(s) stop the deploy before anything runs: ${first.message}`,
      { hint: first.steps.join(' ') },
    );
  }
  const failing = result.lint.filter(
    (f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning'),
  );
  if (failOn !== 'never' && failing.length > 0) {
    const first = failing[0]!;
    return new DbopsError(
      'CHECK_FAILED',
      `Lint found ${failing.length} finding(s) at or above lint-fail-on (${failOn}); the first: ${first.migration} ` +
        `line ${first.line}: [${first.rule}] ${first.reason}`,
      {
        input: 'lint-fail-on',
        hint: `${first.fix} Or suppress it: -- dbops-lint-disable ${first.rule} reason: <why it is safe>`,
      },
    );
  }
  return undefined;
}

/** Deploy mode past the checks, under the deploy lock: backup, command, and what it did. */
async function deploy(
  source: MigrationSource,
  command: string,
  result: MigrateResult,
  options: MigrateOptions,
): Promise<MigrateResult> {
  const { log, target, signal } = options;
  const context = { log, ...(signal ? { signal } : {}) };
  const engine = sqlEngineFor(target, 'migrate-deploy');
  const before = result.status;
  return engine.withSqlSession(target, context, async (client) => {
    const taken = options.backup ? await preDeployBackup(options) : undefined;
    if (!taken) log.warn('backup: false: migrating without a backup taken first.');
    if (signal?.aborted) throw cancelled('No migration was run.');

    // A second session reads half of each schema snapshot, so that the server reads it on two cores.
    return await engine.withSqlSession(target, context, async (reader) => {
      const schemaBefore = await takeSchemaSnapshot(client, reader);
      log.info(`Running \`${options.secrets.redact(command)}\` in ${options.project.projectDir}`);
      let run: MigrationCommandResult | undefined;
      let error: unknown;
      const applicationName = commandApplicationName();
      const environment = await commandEnvironment(target, options.env, applicationName);
      try {
        run = await runMigrationCommand({
          command,
          cwd: options.project.projectDir,
          databaseUrl: environment.databaseUrl,
          secrets: options.secrets,
          lockTimeoutMs: options.lockTimeoutMs,
          ...(options.statementTimeoutMs ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
          env: environment.env,
          onLine: (line) => log.info(`  ${line}`),
          ...(signal ? { signal } : {}),
        });
      } catch (failed) {
        error = failed;
      }
      if (signal?.aborted) {
        await environment.dispose();
        throw await stoppedMidRun(source, before, schemaBefore, command, applicationName, options);
      }
      const after = await readMigrationStatus(source, client);
      const schemaAfter = await takeSchemaSnapshot(client, reader);
      const done: MigrateResult = {
        ...result,
        status: before,
        ...(taken ? { backup: taken } : {}),
        ...(run ? { run } : {}),
        applied: appliedDiff(before, after),
        schemaChanges: withoutTrackingTable(schemaDiff(schemaBefore, schemaAfter), source.tracking.table),
      };
      try {
        if (error === undefined && nothingApplied(done, source)) {
          // The schema changed: the command migrated this database, recording it somewhere dbops does not read (a
          // tool's own tracking table name or schema). Only a run that changed nothing here is a failure.
          if (done.schemaChanges!.length > 0) log.warn(trackingUnmoved(done, source));
          else return { ...done, failure: nothingAppliedError(done, source) };
        }
        if (error === undefined) return done;
        if ((error as DbopsError).code === 'CANCELLED') throw error;
        const explanation = await explainFailure({
          source,
          statusBefore: before,
          statusAfter: after,
          schemaBefore,
          schemaAfter,
          outcome: { error },
          ...(taken ? { backup: backupRecord(taken, options.backup!) } : {}),
          command,
          projectDir: options.project.projectDir,
          secrets: options.secrets,
        });
        for (const line of explanation.lines) log.error(line);
        const resolved =
          options.resolveFailed === 'rolled-back'
            ? await resolveFailed(explanation, source, client, command, environment, options)
            : undefined;
        return {
          ...done,
          explanation,
          ...(resolved ? { resolved } : {}),
          failure: failureOf(explanation, error),
        };
      } finally {
        await environment.dispose();
      }
    });
  });
}

/**
 * The command exited 0, yet every migration pending before is pending still (nothing applied, nothing failed): it
 * migrated something else, most likely another database.
 */
function nothingApplied(done: MigrateResult, source: MigrationSource): boolean {
  const diff = done.applied!;
  return (
    Boolean(source.tracking.table) &&
    done.status.pending.length > 0 &&
    diff.applied.length === 0 &&
    diff.failed.length === 0
  );
}

function pendingShown(done: MigrateResult): string {
  const pending = done.status.pending;
  return pending.slice(0, 5).join(', ') + (pending.length > 5 ? ` and ${pending.length - 5} more` : '');
}

function trackingUnmoved(done: MigrateResult, source: MigrationSource): string {
  return (
    `The migration command changed the schema (${done.schemaChanges!.length} change(s)) but ${source.tracking.table} ` +
    `still lists ${done.status.pending.length} pending migration(s) (${pendingShown(done)}): the tool records its ` +
    'migrations elsewhere (another tracking table or schema), so dbops cannot tell which were applied.'
  );
}

function nothingAppliedError(done: MigrateResult, source: MigrationSource): DbopsError {
  const pending = done.status.pending;
  const shown = pendingShown(done);
  return new DbopsError(
    'CHECK_FAILED',
    `The migration command exited 0 but applied none of the ${pending.length} pending migration(s) (${shown}): ` +
      `${source.tracking.table} in this database is unchanged, so the command most likely migrated another database.`,
    {
      input: 'command',
      hint:
        'The command must migrate the database in DATABASE_URL, which dbops sets for it: check that the tool reads ' +
        'that variable (Prisma: the datasource\'s url = env("DATABASE_URL") in schema.prisma or prisma.config.ts), ' +
        'that the command does not set a URL of its own, and that it runs on the migrations folder dbops read ' +
        `(${source.folder}).`,
    },
  );
}

/**
 * A cancel stopped the command mid-run. It also ended dbops's own sessions, so a new one (outside the cancel, bounded
 * by connect-timeout) stops the SQL the command left running in the server, reads where each migration stands, and
 * compares the schema with the snapshot taken before the command: what the run left applied, or proof that nothing is.
 */
async function stoppedMidRun(
  source: MigrationSource,
  before: MigrationStatus,
  schemaBefore: SchemaSnapshot,
  command: string,
  applicationName: string,
  options: MigrateOptions,
): Promise<DbopsError> {
  const { log, target } = options;
  const stopped = 'The migration command was stopped mid-run';
  const check = `Run \`dbops migrate-status\` to see where each migration stands before deploying again.`;
  try {
    return await sqlEngineFor(target, 'migrate-deploy').withSqlSession(target, { log }, async (client) => {
      const queries = await cancelCommandQueries(client, applicationName);
      const after = await readMigrationStatus(source, client);
      const diff = appliedDiff(before, after);
      const left = withoutTrackingTable(
        schemaDiff(schemaBefore, await takeSchemaSnapshot(client)),
        source.tracking.table,
      );
      const ended = queries.cancelled.length + queries.terminated.length;
      const sql =
        ended > 0
          ? `its ${ended} statement(s) still running in PostgreSQL were cancelled (backend ${[...queries.cancelled, ...queries.terminated].join(', ')}${queries.terminated.length > 0 ? `; ${queries.terminated.length} had to be terminated` : ''})`
          : 'none of its statements was still running in PostgreSQL';
      const state = [
        `applied by this run: ${diff.applied.map((m) => m.name).join(', ') || 'none'}`,
        ...(after.failed.length > 0 ? [`started and not finished: ${after.failed.join(', ')}`] : []),
        `still pending: ${after.pending.join(', ') || 'none'}`,
      ].join('; ');
      // A migration the tool recorded as started stops the next deploy (Prisma's P3009): say how to clear it.
      const blocked = migrationBlockers(after, { projectDir: options.project.projectDir, ...prismaPrefix(command) })
        .filter((b) => b.kind === 'failed' && !before.failed.includes(b.migration))
        .map((b) => ` ${b.migration} blocks the next deploy until it is resolved: ${b.steps.join(' ')}`)
        .join('');
      return cancelled(
        `${stopped}; ${sql}. State left: ${state}. ${schemaLeft(left, diff.applied.length > 0)}${blocked} ${check}`,
      );
    });
  } catch (error) {
    return cancelled(
      `${stopped}; the migration it was running was not finished and may be partly applied ` +
        `(pending before: ${before.pending.join(', ')}). Its statements may still be running in PostgreSQL (find them ` +
        `with SELECT pid, query FROM pg_stat_activity WHERE application_name = '${applicationName}'): dbops could ` +
        `not reach the server to cancel them (${options.secrets.redact((error as Error).message)}). ${check}`,
    );
  }
}

/** What a stopped run left in the schema, from the snapshots before the command and after the cancel. */
function schemaLeft(changes: SchemaChange[], appliedSome: boolean): string {
  if (changes.length === 0)
    return 'The schema is as it was before the run (same fingerprint): nothing of the stopped migration is applied.';
  const shown = changes.slice(0, 10).map(describeSchemaChange).join('; ');
  const more = changes.length > 10 ? `; and ${changes.length - 10} more` : '';
  const whose = appliedSome
    ? 'the migrations it applied and any part of the stopped one that ran outside a transaction'
    : 'the stopped migration ran partly outside a transaction';
  return `Schema changes left by this run (${whose}): ${shown}${more}.`;
}

/** The backup before migrating, through the backup operation; its failure stops the deploy (nothing is migrated). */
async function preDeployBackup(options: MigrateOptions): Promise<BackupResult> {
  const { log } = options;
  try {
    return await log.group('Backup before migrating', () =>
      backup({
        ...options.backup!,
        target: options.target,
        log,
        secrets: options.secrets,
        env: options.env,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.code === 'CANCELLED') throw error;
    throw new DbopsError('CHECK_FAILED', `The backup before migrating failed, so no migration was run: ${e.message}`, {
      input: 'backup-to',
      cause: error,
      hint: (error as DbopsError).hint ?? 'Fix the backup (the message above says what failed) and deploy again.',
    });
  }
}

/** The Prisma CLI prefix for the blockers' commands, where the command shows it. */
function prismaPrefix(command: string): { prismaCommand?: string } {
  try {
    return { prismaCommand: prismaCommandOf(command).prefix };
  } catch {
    return {};
  }
}

function backupRecord(taken: BackupResult, options: DeployBackupOptions) {
  return {
    id: taken.backupId,
    location: options.to,
    takenAt: new Date(taken.manifest.startedAt),
    ...(options.recipients.length > 0
      ? { encryption: 'recipients' as const }
      : options.passphrase
        ? { encryption: 'passphrase' as const }
        : {}),
  };
}

/** resolve-failed: rolled-back, only where the explanation proves nothing of the migration was applied. */
async function resolveFailed(
  explanation: FailureExplanation,
  source: MigrationSource,
  client: Parameters<typeof resolveRolledBack>[0]['client'],
  command: string,
  environment: { env: NodeJS.ProcessEnv; databaseUrl: string },
  options: MigrateOptions,
): Promise<string | undefined> {
  const { log } = options;
  try {
    const resolved = await resolveRolledBack({
      explanation,
      source,
      client,
      command,
      cwd: options.project.projectDir,
      databaseUrl: environment.databaseUrl,
      secrets: options.secrets,
      lockTimeoutMs: options.lockTimeoutMs,
      env: environment.env,
      onLine: (line) => log.info(`  ${line}`),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    log.info(`resolve-failed: ${resolved.migration} is marked rolled back; the next deploy runs it again.`);
    return resolved.migration;
  } catch (error) {
    log.error(`resolve-failed: rolled-back refused: ${(error as Error).message}`);
    return undefined;
  }
}

/** The run's error, told as the explanation tells it; the hint carries the first way out. */
function failureOf(explanation: FailureExplanation, error: unknown): DbopsError {
  const route = explanation.routes[0];
  return new DbopsError((error as DbopsError).code ?? 'CHECK_FAILED', explanation.lines.slice(0, 3).join(' '), {
    cause: error,
    ...(route ? { hint: `${route.title}: ${route.steps.join(' ')}` } : {}),
  });
}
