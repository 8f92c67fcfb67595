// Applying a maintenance plan with guards: one step at a time, each under lock_timeout (a step that cannot get its
// lock is skipped, never queued in front of the application's queries) and a statement_timeout no longer than what
// is left of the window and the time budget; no step starts that its estimate says would not finish in time.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { DatabaseTarget } from '../databases/engine.js';
import { RepackLockError, runPgRepack } from '../databases/postgres/maintenance-repack.js';
import { replicationState } from '../databases/postgres/data-retention-lag.js';
import {
  dropRepackLeftovers,
  type RepackLeftover,
  RepackRunningError,
  repackLeftoversOf,
} from '../databases/postgres/repack-leftovers.js';
import { oldestOlderTransaction } from '../databases/postgres/older-transactions.js';
import { formatSeconds } from '../format.js';
import type { Logger } from '../log.js';
import type { Window } from '../maintenance-window/window.js';
import type { MaintenanceStep } from './plan.js';
import { STANDBY_RECHECK_MS, StandbyWatch } from './standby-watch.js';
import { stepTimeoutMs, stopReason, timeLeft } from './step-guards.js';
import { StepFigures } from './figures-ahead.js';
import { invalidIndexesBeside, type RelationFigures, setTimeouts } from './step-session.js';

export interface ApplySettings {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** The run stops starting steps this long after it began (startedAt: before planning). */
  maxRuntimeMs: number;
  /** When the run began, ms since the epoch on `now`'s clock; when applying began when absent. */
  startedAt?: number;
  /** Steps start only inside it; a step whose estimate exceeds what is left of it is not started. */
  window?: Window;
  /** The clock, for the window and the budget. */
  now: () => Date;
  log: Logger;
  signal?: AbortSignal;
  /** For steps that run a client program (pg_repack): the connection it is given, and its environment (PATH). */
  target?: DatabaseTarget;
  env?: NodeJS.ProcessEnv;
  /** maintenance_work_mem for the session, in bytes (maintenance-work-mem); the server's setting when absent. */
  maintenanceWorkMemBytes?: number;
  /**
   * Before each step: while a standby's replay lag exceeds this (max-replication-lag), the run pauses; when what is
   * left of the window or max-runtime cannot cover the wait and the step, it stops. No check when absent. Without
   * standbys, pg_stat_replication is read again only every 10 s (or this, when shorter): standby-watch.ts.
   */
  maxReplicationLagMs?: number;
  /** How often the lag is read again while pausing; 1 s by default. */
  lagCheckIntervalMs?: number;
}

export type StepStatus = 'applied' | 'skipped' | 'failed';

export interface StepOutcome {
  kind: MaintenanceStep['kind'];
  object: string;
  statement: string;
  status: StepStatus;
  /** Why a step was skipped or failed, in a sentence. */
  reason?: string;
  /** What the step did, in a sentence (MongoDB: validate's verdict, compact's bytes freed; what pg_repack left, removed). */
  result?: string;
  seconds?: number;
  before?: RelationFigures;
  after?: RelationFigures;
  /** Invalid indexes a failed concurrent rebuild left behind and that were dropped; a killed pg_repack's objects. */
  cleanedUp?: string[];
  /**
   * Ones that could not be dropped: DROP INDEX CONCURRENTLY each by hand. A failed pg_repack's objects (trigger, log
   * and copy tables, type): the next run removes them (drop-repack-leftovers).
   */
  leftOver?: string[];
}

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';
const UNDEFINED_TABLE = '42P01';
const REWRITES = new Set<MaintenanceStep['kind']>(['repack-table', 'vacuum-full']);

/** Runs the plan's 'apply' steps in order; returns one outcome per such step (report steps are never run). */
export async function applySteps(
  client: pg.Client,
  steps: readonly MaintenanceStep[],
  settings: ApplySettings,
): Promise<StepOutcome[]> {
  const started = settings.startedAt ?? settings.now().getTime();
  const outcomes: StepOutcome[] = [];
  // lock_timeout holds for the whole run (reading a step's figures waits for locks too); statement_timeout is per step.
  await setTimeouts(client, settings.lockTimeoutMs, settings.statementTimeoutMs, settings.maintenanceWorkMemBytes);
  let stop: string | undefined;
  const standbys = new StandbyWatch(Math.min(STANDBY_RECHECK_MS, settings.maxReplicationLagMs ?? STANDBY_RECHECK_MS));
  // Figures before a step are read with the next steps' and the previous steps' after them: figures-ahead.ts.
  const figures = new StepFigures(client, settings.statementTimeoutMs, settings.now);
  const applying = steps.filter((s) => s.mode === 'apply');
  // pg_repack refuses a table that still has a killed run's trigger (and says so only in a warning): its rebuild
  // waits for a run that has removed them.
  const repackBlocked = new Set(
    steps.filter((s) => s.kind === 'drop-repack-leftovers' && s.mode === 'report').map((s) => s.object),
  );
  // Tables a rewrite (pg_repack, VACUUM FULL) was applied to: it froze them, so their freeze planned after it is not
  // needed (plan.ts plans it in case the rebuild is not applied).
  const rewritten = new Set<string>();
  for (const [i, step] of applying.entries()) {
    const base = { kind: step.kind, object: step.object, statement: step.statement };
    if (step.kind === 'vacuum-freeze' && rewritten.has(step.object)) {
      const reason = `not needed: the rebuild of ${step.object} before it was applied, and a rewrite freezes the table too`;
      settings.log.info(`${step.statement}: ${reason}`);
      outcomes.push({ ...base, status: 'skipped', reason });
      continue;
    }
    stop ??= stopReason(step, settings, started);
    stop ??= await waitForStandbys(client, step, settings, started, standbys);
    if (stop) {
      outcomes.push({ ...base, status: 'skipped', reason: `not started: ${stop}` });
      continue;
    }
    if (step.kind === 'repack-table' && repackBlocked.has(step.object)) {
      const reason = `not started: what an interrupted pg_repack left on ${step.object} is still there, and pg_repack refuses the table until it is removed`;
      settings.log.warn(`${step.statement}: ${reason}`);
      outcomes.push({ ...base, status: 'skipped', reason });
      continue;
    }
    const timeout = stepTimeoutMs(settings, started);
    const outcome = await applyStep(client, applying, i, settings, started, timeout, figures);
    outcomes.push(outcome);
    if (outcome.status === 'applied' && REWRITES.has(step.kind)) rewritten.add(step.object);
    if (outcome.status === 'applied') figures.applied(outcome);
    else if (step.kind === 'drop-repack-leftovers') repackBlocked.add(step.object);
  }
  await figures.finish();
  return outcomes;
}

/**
 * Waits while a standby's replay lag exceeds max-replication-lag: each step's WAL (a VACUUM, a rebuild) must be
 * replayed there, and a step started behind a lagging standby delays every read on it further. Returns why the run
 * stops when the wait and the step no longer fit in the window or max-runtime, or the run was cancelled.
 */
async function waitForStandbys(
  client: pg.Client,
  step: MaintenanceStep,
  settings: ApplySettings,
  started: number,
  watch: StandbyWatch,
): Promise<string | undefined> {
  const max = settings.maxReplicationLagMs;
  if (max === undefined || !watch.due(settings.now().getTime())) return undefined;
  const interval = settings.lagCheckIntervalMs ?? 1000;
  for (;;) {
    const { standbys, lagMs: lag } = await replicationState(client);
    watch.seen(standbys, settings.now().getTime());
    if (lag <= max) return undefined;
    const { budgetLeft, windowLeft } = timeLeft(settings, started);
    const left = Math.min(budgetLeft, windowLeft);
    const lagging = `a standby's replay lag is ${Math.round(lag)} ms, over max-replication-lag (${max} ms)`;
    if (left < interval + step.estimatedSeconds * 1000)
      return `${lagging}, and ${Math.round(left / 1000)} s are left of the maintenance window or max-runtime to wait in`;
    settings.log.info(`${lagging}: pausing before ${step.statement}`);
    try {
      await sleep(interval, undefined, settings.signal ? { signal: settings.signal } : undefined);
    } catch {
      return 'the run was cancelled';
    }
  }
}

async function applyStep(
  client: pg.Client,
  steps: readonly MaintenanceStep[],
  i: number,
  settings: ApplySettings,
  started: number,
  statementTimeoutMs: number,
  figures: StepFigures,
): Promise<StepOutcome> {
  const step = steps[i]!;
  const base = { kind: step.kind, object: step.object, statement: step.statement };
  const isIndex = step.statement.startsWith('REINDEX INDEX');
  let before: RelationFigures | undefined;
  let invalidBefore = new Set<string>();
  try {
    const read = await figures.before(steps, i, statementTimeoutMs, isIndex);
    before = read.before;
    invalidBefore = new Set(read.invalidBeside);
  } catch (error) {
    if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
    const reason = explain(error, settings.lockTimeoutMs, statementTimeoutMs);
    settings.log.warn(`${step.statement}: ${reason}`);
    return { ...base, status: 'skipped', reason };
  }
  if (!before) return gone(step, settings);
  settings.log.info(`Running ${step.statement} (${step.why})`);
  const t0 = Date.now();
  let done: Pick<StepOutcome, 'result' | 'cleanedUp'>;
  try {
    done = await run(client, step, settings, started, statementTimeoutMs);
  } catch (error) {
    // Dropped after its figures were read (they may be read a little ahead: figures-ahead.ts).
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return gone(step, settings);
    const seconds = (Date.now() - t0) / 1000;
    // A pg_repack that failed after it had set up its trigger and log (or copied the table) and could not remove them.
    // Not when another pg_repack holds the table: the objects there are that run's, in use.
    const ours = step.kind === 'repack-table' && !(error instanceof RepackRunningError);
    const left = ours ? await repackLeftoversOf(client, step.object) : undefined;
    if (left) {
      const reason = repackLeftReason(error, left, step.object, settings.lockTimeoutMs);
      settings.log.warn(`${step.statement}: ${reason}`);
      return { ...base, status: 'failed', reason, seconds, before, leftOver: left.objects };
    }
    const lock =
      (error as { code?: string }).code === LOCK_NOT_AVAILABLE ||
      error instanceof RepackLockError ||
      error instanceof RepackRunningError;
    const status: StepStatus = lock ? 'skipped' : 'failed';
    const cleanup = isIndex ? await dropLeftovers(client, step.object, invalidBefore, settings) : {};
    // The rebuild had its table lock and had created its copy: its lock timeout was a wait for older transactions.
    const copied = (cleanup.cleanedUp?.length ?? 0) + (cleanup.leftOver?.length ?? 0) > 0;
    const reason =
      copied && (error as { code?: string }).code === LOCK_NOT_AVAILABLE
        ? await olderTransactionReason(client, seconds, settings.lockTimeoutMs, cleanup)
        : explain(error, settings.lockTimeoutMs, statementTimeoutMs);
    settings.log.warn(`${step.statement}: ${reason}`);
    return { ...base, status, reason, seconds, before, ...cleanup };
  }
  if (done.result) settings.log.info(`${step.object}: ${done.result}`);
  return { ...base, status: 'applied', seconds: (Date.now() - t0) / 1000, before, ...done };
}

function gone(step: MaintenanceStep, settings: ApplySettings): StepOutcome {
  settings.log.warn(`${step.statement}: skipped, ${step.object} no longer exists (dropped after the plan was made)`);
  const base = { kind: step.kind, object: step.object, statement: step.statement };
  return { ...base, status: 'skipped', reason: `${step.object} no longer exists` };
}

/**
 * A SQL statement on the session, a killed pg_repack's leftovers removed in a transaction of their own, or a client
 * program (pg_repack) on a connection of its own.
 */
async function run(
  client: pg.Client,
  step: MaintenanceStep,
  settings: ApplySettings,
  started: number,
  timeoutMs: number,
): Promise<Pick<StepOutcome, 'result' | 'cleanedUp'>> {
  if (step.kind === 'drop-repack-leftovers') {
    const removed = await dropRepackLeftovers(client, step.figures.tableOid!);
    if (removed.length === 0) return { result: 'nothing was left any more' };
    return { result: `removed what pg_repack left: ${removed.join(', ')}`, cleanedUp: removed };
  }
  if (step.kind !== 'repack-table') {
    await client.query(step.statement);
    return {};
  }
  if (!settings.target) throw new Error('pg_repack steps need the connection target');
  await runPgRepack(settings.target, step.object, {
    lockTimeoutMs: settings.lockTimeoutMs,
    timeoutMs,
    env: settings.env ?? {},
    log: settings.log,
    ...(settings.signal ? { signal: settings.signal } : {}),
  });
  // The rebuild took part of the step's time: the ANALYZE gets what is left of the window and max-runtime now.
  const left = Math.min(timeoutMs, stepTimeoutMs(settings, started));
  const skipped = left < 1 ? NOTHING_LEFT : await analyzeAfterRepack(client, step.object, left);
  return skipped === undefined ? {} : { result: analyzeSkippedResult(skipped, settings.lockTimeoutMs) };
}

const NOTHING_LEFT = new Error('nothing was left of the maintenance window or max-runtime after the rebuild');

/**
 * ANALYZE of a table pg_repack rebuilt (it runs with --no-analyze: maintenance-repack.ts), on this session under the
 * run's lock_timeout and a statement_timeout of `timeoutMs`, set for its transaction only (the session's stays the
 * step's, as figures-ahead.ts knows it). The rebuild is done whatever happens here: an error is returned, not
 * thrown, and the step stays applied.
 */
async function analyzeAfterRepack(client: pg.Client, table: string, timeoutMs: number): Promise<unknown> {
  try {
    await client.query('BEGIN');
    await client.query(`select set_config('statement_timeout', $1, true)`, [`${Math.floor(timeoutMs)}ms`]);
    await client.query(`ANALYZE ${table}`);
    await client.query('COMMIT');
    return undefined;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    return error ?? new Error('ANALYZE failed');
  }
}

/** The applied pg_repack step's result when its ANALYZE did not run to the end. */
function analyzeSkippedResult(error: unknown, lockTimeoutMs: number): string {
  const { code, message } = error as { code?: string; message?: string };
  const why =
    code === LOCK_NOT_AVAILABLE
      ? `another session held a conflicting lock on the table (a VACUUM, an ANALYZE, a SHARE UPDATE EXCLUSIVE lock or stronger) longer than lock-timeout (${lockTimeoutMs} ms)`
      : code === QUERY_CANCELED
        ? 'it was stopped by its statement_timeout (what was left of statement-timeout, the window or max-runtime)'
        : error === NOTHING_LEFT
          ? NOTHING_LEFT.message
          : `it failed: ${message ?? String(error)}`;
  return `rebuilt by pg_repack; ANALYZE was skipped: ${why}. Autovacuum will analyze the table; until then the planner uses its old statistics`;
}

/** The server's error as a sentence that says which limit ended the step. */
function explain(error: unknown, lockTimeoutMs: number, statementTimeoutMs: number): string {
  const { code, message } = error as { code?: string; message?: string };
  if (error instanceof RepackRunningError) return `skipped: ${message}`;
  if (error instanceof RepackLockError)
    return `skipped: pg_repack did not get its lock within lock-timeout (${lockTimeoutMs} ms) and killed no session (${message})`;
  if (code === LOCK_NOT_AVAILABLE)
    return `skipped: it did not get its lock within lock-timeout (${lockTimeoutMs} ms); another session holds a conflicting lock, and nothing was left waiting in front of the application's queries (${message})`;
  if (code === QUERY_CANCELED && /statement timeout/i.test(message ?? ''))
    return `stopped by its statement_timeout (${Math.round(statementTimeoutMs)} ms: statement-timeout, or what was left of the window or max-runtime)`;
  return `failed: ${message ?? String(error)}`;
}

/**
 * Why a pg_repack that left its objects failed: never a lock skip, since what it left costs every write (its trigger
 * logs each one) until it is removed. pg_repack 1.4 removes them itself only once it gets the table's ACCESS
 * EXCLUSIVE lock; its sessions' lock_timeout (maintenance-repack.ts) ends that wait after lock-timeout, leaving them.
 */
function repackLeftReason(error: unknown, left: RepackLeftover, table: string, lockTimeoutMs: number): string {
  const stage = left.objects.includes(`repack.table_${left.tableOid}`)
    ? 'after it had copied the table'
    : 'after it had set up its trigger and log table';
  const what =
    error instanceof RepackLockError
      ? `pg_repack did not get its lock within lock-timeout (${lockTimeoutMs} ms) ${stage}`
      : `pg_repack stopped ${stage}`;
  return `failed: ${what}, and left ${left.objects.join(', ')} on ${table}: every insert, update and delete on ${table} also writes to repack.log_${left.tableOid} until they are removed (the next run removes them first) (${(error as Error).message})`;
}

/**
 * A REINDEX CONCURRENTLY whose lock_timeout ended its wait for older transactions (databases/postgres/
 * older-transactions.ts), not for a lock on the table: the oldest still open is named, as what to wait for.
 */
async function olderTransactionReason(
  client: pg.Client,
  seconds: number,
  lockTimeoutMs: number,
  cleanup: Pick<StepOutcome, 'cleanedUp' | 'leftOver'>,
): Promise<string> {
  const oldest = await oldestOlderTransaction(client, seconds).catch(() => undefined);
  const which = oldest
    ? `session ${oldest.pid} (application '${oldest.application}', ${oldest.state}, its transaction open for ${formatSeconds(oldest.seconds)})`
    : 'none of them is open any more';
  const copy = cleanup.leftOver?.length ? 'could not be dropped (the next run drops it)' : 'was dropped';
  return `skipped: after building its new copy, REINDEX CONCURRENTLY waits for the transactions that began before it and write to the table or hold an older snapshot (a wait on their transaction IDs, not on a lock on the table), and one was still open after lock-timeout (${lockTimeoutMs} ms); the oldest: ${which}. The copy ${copy}; run it again once such transactions are over, or raise lock-timeout`;
}

/**
 * A failed REINDEX CONCURRENTLY leaves an invalid copy (…_ccnew) that every write maintains: drop it. Only an index
 * of that name: another invalid index on the table (a user's CREATE INDEX CONCURRENTLY that failed meanwhile) is not
 * the rebuild's to drop.
 */
async function dropLeftovers(
  client: pg.Client,
  index: string,
  invalidBefore: ReadonlySet<string>,
  settings: ApplySettings,
): Promise<Pick<StepOutcome, 'cleanedUp' | 'leftOver'>> {
  const fresh = (await invalidIndexesBeside(client, index).catch(() => [])).filter(
    (i) => !invalidBefore.has(i) && isReindexCopy(i, index),
  );
  const cleanedUp: string[] = [];
  const leftOver: string[] = [];
  for (const leftover of fresh) {
    try {
      await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${leftover}`);
      cleanedUp.push(leftover);
      settings.log.info(`Dropped ${leftover}, the invalid index the failed rebuild left`);
    } catch (error) {
      leftOver.push(leftover);
      settings.log.warn(
        `${leftover}, an invalid index the failed rebuild left, could not be dropped (${(error as Error).message}): run DROP INDEX CONCURRENTLY ${leftover}, or let the next run drop it`,
      );
    }
  }
  return { ...(cleanedUp.length ? { cleanedUp } : {}), ...(leftOver.length ? { leftOver } : {}) };
}

/**
 * Whether `candidate` is named as REINDEX CONCURRENTLY names its copy of `index` (both quoted and qualified, in one
 * schema): `<index>_ccnew`, `_ccold`, with a number when taken; the index's name cut to fit 63 bytes when long.
 */
export function isReindexCopy(candidate: string, index: string): boolean {
  const [copySchema, copyName] = unqualify(candidate);
  const [schema, name] = unqualify(index);
  if (copySchema === undefined || copySchema !== schema || name === undefined) return false;
  const base = /^(.*)_cc(new|old)\d*$/s.exec(copyName!)?.[1];
  if (!base) return false;
  // PostgreSQL cuts the index's name so that the copy's fits in 63 bytes (ChooseRelationName).
  return base === name || (Buffer.byteLength(copyName!) === 63 && name.startsWith(base));
}

/** Schema and name of a quoted, qualified name ("a"".b"."c" → a".b, c); nothing when it is not one. */
function unqualify(quoted: string): [string?, string?] {
  const m = /^"((?:[^"]|"")*)"\."((?:[^"]|"")*)"$/s.exec(quoted);
  return m ? [m[1]!.replace(/""/g, '"'), m[2]!.replace(/""/g, '"')] : [];
}
