/**
 * Rehearsal (migrate-deploy's `mode: check`): runs the pending migrations with the user's own command in a scratch
 * database while a sampler watches pg_locks, and reports per migration how long it ran, the strongest lock it took,
 * on which table (with that table's size) and for how long, against the max-lock-time and max-duration thresholds.
 * The caller creates the scratch database (restored from a backup, or empty) and drops it afterwards; this module
 * connects to nothing else, and refuses a scratch URL that names the database in database-url.
 *
 * A command that fails is a result (the failed migration named, with its error), not an exception: a migration that
 * fails on a copy of production is what a rehearsal is for. A cancel, or a command that cannot start, still throws.
 */
import type pg from 'pg';
import { connect } from '../../databases/postgres/connection.js';
import { describeTarget } from '../../databases/postgres/target.js';
import { DbopsError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Secrets } from '../../secrets.js';
import { type AppliedDiff, appliedDiff } from '../applied-diff.js';
import { commandApplicationName } from '../cancel-command-queries.js';
import { type CommandEnvironment, commandEnvironment } from '../command-environment.js';
import { runMigrationCommand } from '../run-command.js';
import type { MigrationSource, MigrationTool } from '../source.js';
import { type MigrationStatus, readMigrationStatus } from '../status.js';
import { type AttributionCandidate, type AttributionMethod, attributeEpisodes } from './attribution.js';
import { describeLock, formatMs } from './describe.js';
import { failedMigration, type RehearsalFailure } from './failed-migration.js';
import { blocksWrites } from './lock-modes.js';
import { DEFAULT_SAMPLE_INTERVAL_MS, type LockEpisode, startLockSampler } from './lock-sampler.js';
import { foldLocks, type RehearsedLock } from './locks-by-migration.js';
import { scratchTarget } from './scratch-target.js';

export interface RehearsalOptions {
  /** The scratch database (target-url). It must exist; the migrations run in it for real. */
  scratchUrl: string;
  /** The database the migrations are for (database-url): only compared with scratchUrl, never connected to. */
  databaseUrl?: string;
  source: MigrationSource;
  /** The user's migration command, run as migrate-deploy runs it (runMigrationCommand). */
  command: string;
  cwd: string;
  /** The job's environment; the command gets it as commandEnvironment makes it for the scratch database. */
  env?: NodeJS.ProcessEnv;
  secrets: Secrets;
  /** lock_timeout for the command's sessions; 0 for none. */
  lockTimeoutMs: number;
  statementTimeoutMs?: number;
  /** max-lock-time: a lock that blocks writes (SHARE or stronger) held longer fails the check. */
  maxLockTimeMs?: number;
  /** max-duration: a migration running longer fails the check. */
  maxDurationMs?: number;
  /** Between two samples of pg_locks (default 100 ms); a lock held for less may be missed. */
  sampleIntervalMs?: number;
  signal?: AbortSignal;
  log: Logger;
  /** Each line the command prints, redacted. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export type RehearsalOutcome =
  /** The tool recorded it applied. */
  | 'applied'
  | 'failed'
  /** Still pending after the run: an earlier migration failed. */
  | 'not-run'
  /** The tool keeps no record (a plain SQL folder): only the locks tell it ran. */
  | 'ran';

export interface ThresholdViolation {
  threshold: 'max-lock-time' | 'max-duration';
  /** Absent when the whole command was measured (the tool records no per-migration duration). */
  migration?: string;
  limitMs: number;
  actualMs: number;
  message: string;
}

export interface RehearsedMigration {
  name: string;
  outcome: RehearsalOutcome;
  /** From the tool's record (Prisma's started_at/finished_at); absent where the tool keeps none. */
  durationMs?: number;
  /** The strongest lock it took (then the longest held of that mode). */
  strongestLock?: RehearsedLock;
  /** Every table it locked, strongest first. */
  locks: RehearsedLock[];
  violations: ThresholdViolation[];
  /** The database's error, for the failed migration. */
  error?: string;
  /** "20261201_add_status holds ACCESS EXCLUSIVE on public.orders (12 M rows, 1.2 GiB) for 48.0 s" */
  summary: string;
}

export interface RehearsalResult {
  /** user@host:port/database of the scratch database (no password). */
  scratch: string;
  tool: MigrationTool;
  /** Pending before the run with a tool record; for a plain SQL folder, the migrations seen running. In order. */
  migrations: RehearsedMigration[];
  /** Locks no migration could be tied to (attribution methods: docs/migrate-rehearsal.md). */
  unattributed: RehearsedLock[];
  /** How the locks were tied to migrations (each method used at least once). */
  attribution: AttributionMethod[];
  command: { succeeded: boolean; durationMs: number; lastLines: string[] };
  failure?: RehearsalFailure;
  /** Every threshold violation, the migrations' and the command's. */
  violations: ThresholdViolation[];
  /** No failure and no violation. */
  passed: boolean;
  sampling: {
    intervalMs: number;
    samples: number;
    /** Time spent in the sampling queries, summed. */
    samplingMs: number;
    /** samplingMs over the command's duration. */
    overheadRatio: number;
    /** Samples that failed (the first few): the locks may be incomplete. */
    errors: string[];
  };
}

const KEPT_OUTPUT_LINES = 200;

export async function rehearseMigrations(options: RehearsalOptions): Promise<RehearsalResult> {
  const { log, secrets, source } = options;
  secrets.add(options.scratchUrl);
  secrets.add(options.databaseUrl);
  const target = scratchTarget(options.scratchUrl, options.databaseUrl, options.env);
  secrets.add(target.password);

  const statusClient = await connect(target, log, options.signal);
  let samplerClient: pg.Client | undefined;
  let environment: CommandEnvironment | undefined;
  try {
    samplerClient = await connect(target, log, options.signal);
    const before = await readMigrationStatus(source, statusClient);
    const repository = await source.list();
    const tracked = source.tracking.table !== undefined;
    const candidateNames = tracked ? before.pending : repository.map((m) => m.name);
    if (tracked && candidateNames.length === 0) log.info('No pending migrations: the command runs all the same');
    const statusPid = (await statusClient.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

    // As a deploy builds it: the job's PG* variables (production's, in a pipeline that also deploys) are replaced by
    // the scratch database's, or a psql in the command would migrate the database they name. The command's sessions
    // get a name of their own, not dbops's.
    environment = await commandEnvironment(target, options.env ?? process.env, commandApplicationName());
    const sampler = await startLockSampler(samplerClient, {
      intervalMs: options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
      ignorePids: [statusPid],
    });
    const output: string[] = [];
    const started = Date.now();
    let commandError: DbopsError | undefined;
    try {
      await runMigrationCommand({
        command: options.command,
        cwd: options.cwd,
        databaseUrl: environment.databaseUrl,
        secrets,
        lockTimeoutMs: options.lockTimeoutMs,
        ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
        env: environment.env,
        ...(options.signal ? { signal: options.signal } : {}),
        onLine: (line, stream) => {
          output.push(line);
          if (output.length > KEPT_OUTPUT_LINES) output.shift();
          options.onLine?.(line, stream);
        },
      });
    } catch (error) {
      // Only a command that ran and failed is a rehearsal result; a cancel or a command that cannot start is not.
      if (!(error instanceof DbopsError) || error.code !== 'CHECK_FAILED') {
        await sampler.stop();
        throw error;
      }
      commandError = error;
    }
    const commandMs = Date.now() - started;
    const observations = await sampler.stop();

    const after = await readMigrationStatus(source, statusClient);
    const diff = tracked ? appliedDiff(before, after) : undefined;
    const excluded = await trackingTableOid(statusClient, source);
    const episodes = observations.episodes.filter((e) => e.oid !== excluded);
    const sizes = await tableSizes(
      statusClient,
      episodes.map((e) => e.oid),
    );

    const bySql = new Map(repository.map((m) => [m.name, m.sql]));
    const candidates = candidateNames.map((name) => candidate(name, bySql.get(name), after));
    const attributions = attributeEpisodes(episodes, candidates);
    const episodesOf = new Map<string | undefined, LockEpisode[]>();
    attributions.forEach((a, i) => {
      episodesOf.set(a.migration, [...(episodesOf.get(a.migration) ?? []), episodes[i]!]);
    });

    const failure = commandError ? failedMigration(diff, candidateNames, output, commandError.message) : undefined;
    const reported = tracked
      ? candidateNames
      : candidateNames.filter((name) => episodesOf.has(name) || failure?.migration === name);
    const migrations = reported.map((name) =>
      rehearsedMigration(name, {
        locks: foldLocks(episodesOf.get(name) ?? [], sizes),
        outcome: outcomeOf(name, tracked, diff, failure),
        durationMs: diff?.applied.find((a) => a.name === name)?.durationMs,
        ...(failure?.migration === name ? { error: failure.error } : {}),
        options,
      }),
    );

    const violations = migrations.flatMap((m) => m.violations);
    const anyDuration = migrations.some((m) => m.durationMs !== undefined);
    if (options.maxDurationMs !== undefined && !anyDuration && commandMs > options.maxDurationMs) {
      violations.push({
        threshold: 'max-duration',
        limitMs: options.maxDurationMs,
        actualMs: commandMs,
        message: `The migration command ran ${formatMs(commandMs)}, over max-duration ${formatMs(options.maxDurationMs)} (no migration's own duration was recorded, so the whole command is measured)`,
      });
    }
    const result: RehearsalResult = {
      scratch: describeTarget(target),
      tool: source.tool,
      migrations,
      unattributed: foldLocks(episodesOf.get(undefined) ?? [], sizes),
      attribution: [...new Set(attributions.flatMap((a) => (a.method ? [a.method] : [])))],
      command: { succeeded: !commandError, durationMs: commandMs, lastLines: output.slice(-40) },
      ...(failure ? { failure } : {}),
      violations,
      passed: !failure && violations.length === 0,
      sampling: {
        intervalMs: observations.intervalMs,
        samples: observations.samples,
        samplingMs: Math.round(observations.samplingMs),
        overheadRatio: commandMs > 0 ? observations.samplingMs / commandMs : 0,
        errors: observations.errors.map((e) => secrets.redact(e)),
      },
    };
    for (const m of migrations) log.info(m.summary);
    for (const v of result.violations.filter((v) => !v.migration)) log.warn(v.message);
    log.debug(
      `Lock sampling: ${result.sampling.samples} samples every ${result.sampling.intervalMs} ms, ${result.sampling.samplingMs} ms in queries (${(result.sampling.overheadRatio * 100).toFixed(1)}% of the command's ${commandMs} ms)`,
    );
    return result;
  } finally {
    await environment?.dispose();
    await samplerClient?.end().catch(() => undefined);
    await statusClient.end().catch(() => undefined);
  }
}

function candidate(name: string, sql: string | undefined, after: MigrationStatus): AttributionCandidate {
  const entry = after.migrations.find((m) => m.name === name);
  return {
    name,
    ...(sql !== undefined ? { sql } : {}),
    ...(entry?.startedAt ? { startedAt: entry.startedAt } : {}),
    ...(entry?.finishedAt ? { finishedAt: entry.finishedAt } : {}),
  };
}

function outcomeOf(
  name: string,
  tracked: boolean,
  diff: AppliedDiff | undefined,
  failure: RehearsalFailure | undefined,
): RehearsalOutcome {
  if (failure?.migration === name) return 'failed';
  if (!tracked) return 'ran';
  return diff?.applied.some((a) => a.name === name) ? 'applied' : 'not-run';
}

function rehearsedMigration(
  name: string,
  parts: {
    locks: RehearsedLock[];
    outcome: RehearsalOutcome;
    durationMs: number | undefined;
    error?: string;
    options: Pick<RehearsalOptions, 'maxLockTimeMs' | 'maxDurationMs'>;
  },
): RehearsedMigration {
  const { locks, outcome, durationMs, error, options } = parts;
  const strongestLock = locks[0];
  const violations: ThresholdViolation[] = [];
  if (options.maxLockTimeMs !== undefined) {
    for (const lock of locks) {
      if (!blocksWrites(lock.mode) || lock.heldMs <= options.maxLockTimeMs) continue;
      violations.push({
        threshold: 'max-lock-time',
        migration: name,
        limitMs: options.maxLockTimeMs,
        actualMs: lock.heldMs,
        message: `${name} holds ${lock.mode} on ${lock.relation} for ${formatMs(lock.heldMs)}, over max-lock-time ${formatMs(options.maxLockTimeMs)}`,
      });
    }
  }
  if (options.maxDurationMs !== undefined && durationMs !== undefined && durationMs > options.maxDurationMs) {
    violations.push({
      threshold: 'max-duration',
      migration: name,
      limitMs: options.maxDurationMs,
      actualMs: durationMs,
      message: `${name} ran ${formatMs(durationMs)}, over max-duration ${formatMs(options.maxDurationMs)}`,
    });
  }
  return {
    name,
    outcome,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(strongestLock ? { strongestLock } : {}),
    locks,
    violations,
    ...(error !== undefined ? { error } : {}),
    summary: sentence(name, outcome, strongestLock, durationMs, error),
  };
}

function sentence(
  name: string,
  outcome: RehearsalOutcome,
  lock: RehearsedLock | undefined,
  durationMs: number | undefined,
  error: string | undefined,
): string {
  if (outcome === 'not-run') return `${name} did not run: an earlier migration failed`;
  if (outcome === 'failed') {
    const before = lock ? `; before that it ${describeLock(lock, true)}` : '';
    return `${name} failed: ${error ?? 'see the command output'}${before}`;
  }
  const ran = durationMs !== undefined ? `; it ran ${formatMs(durationMs)}` : '';
  return `${name} ${lock ? describeLock(lock) : 'took no lock the sampler saw on an existing table'}${ran}`;
}

/** The tool's own table (Prisma's bookkeeping locks it on every migration): left out of the report. */
async function trackingTableOid(client: pg.ClientBase, source: MigrationSource): Promise<string | undefined> {
  if (!source.tracking.table) return undefined;
  const { rows } = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::oid::text AS oid', [
    source.tracking.table,
  ]);
  return rows[0]?.oid ?? undefined;
}

/** Sizes of the tables seen locked, by oid, in one query; a table dropped since is absent. */
async function tableSizes(client: pg.ClientBase, oids: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(oids)];
  if (unique.length === 0) return new Map();
  const { rows } = await client.query<{ oid: string; bytes: string }>(
    'SELECT c.oid::text AS oid, pg_total_relation_size(c.oid) AS bytes FROM pg_class c WHERE c.oid = ANY($1::oid[])',
    [unique],
  );
  return new Map(rows.map((r) => [r.oid, Number(r.bytes)]));
}
