/**
 * The purge: each rule's rows past its effective cutoff, not held, deleted (or anonymized) in keyset batches on the
 * primary key, each batch one short transaction under lock_timeout and statement_timeout. Between batches it paces
 * itself (throttle.ts), waits while standbys lag, and stops cleanly when aborted or out of time: every batch is
 * committed or rolled back whole, and the result says exactly what committed so a receipt can record it. Legal
 * holds are part of every batch's statement, so a hold added after the plan still protects its rows. A rule with
 * archive-to archives each batch (archive.ts), and the rows its DELETE cascades into, inside its transaction, before
 * it commits: no archive, no delete.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import {
  type BeforeCommit,
  describeTableLockers,
  runBatch,
  TooManyCascaded,
} from '../databases/postgres/data-retention-batch.js';
import { type PurgePressure, readPurgePressure } from '../databases/postgres/data-retention-pressure.js';
import { isLockTimeout } from '../databases/postgres/lock-wait.js';
import { translateServerError } from '../databases/postgres/server-errors.js';
import { asDbopsError, DbopsError } from '../errors.js';
import { formatBytes } from '../format.js';
import { type Logger, silentLogger } from '../log.js';
import { type ArchiveRecord, archiveBatch } from './archive.js';
import { type ArchiveSetup, RunArchives } from './archive-run.js';
import { dropExpiredPartitions, type PartitionPurge } from './partitions.js';
import type { RetentionPlan } from './plan.js';
import type { DataRetentionPolicy } from './policy.js';
import { type ResolvedPolicy, type RetentionAction, type RuleTarget, resolveRuleTargets } from './targets.js';
import { budgetSpent, type Pacing, pauseAfterBatch } from './throttle.js';
import { completeTombstones, erases, withTombstones } from './tombstones.js';
import type { VacuumOutcome } from './vacuum.js';

export const DEFAULT_PURGE_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_LOCK_RETRIES = 2;

export interface PurgeOptions {
  /** The run's `now` (a policy only; a plan brings its own). Default: the time the purge starts. */
  now?: Date;
  /** Only these rules (by name). Default: a plan's rules, or every PostgreSQL rule of a policy. */
  rules?: string[];
  /** Defaults for the next four: the policy's `defaults`. */
  batchSize?: number;
  lockTimeoutMs?: number;
  /** For rules with archive-to whose deletes cascade. Default: the policy's `max-cascade-rows` (100,000). */
  maxCascadeRows?: number;
  maxRuntimeMs?: number;
  maxReplicationLagMs?: number;
  /** Defaults: the policy's `max-slot-wal` and `max-active-sessions` (unset: not checked). */
  maxSlotWalBytes?: number;
  maxActiveSessions?: number;
  /** MongoDB: default the policy's `min-oplog-window` (unset: not checked). */
  minOplogWindowMs?: number;
  /** Per batch statement. Default 30 s. */
  statementTimeoutMs?: number;
  /** Pause after every batch. Default: the policy's `sleep` (0). */
  sleepMs?: number;
  /** Extra pause per millisecond a batch took. Default: the policy's `sleep-coefficient` (2). */
  sleepCoefficient?: number;
  /** Times a batch that hit lock_timeout is tried again (after 1, 2, 4... × lockRetryDelayMs). Default 2. */
  lockRetries?: number;
  lockRetryDelayMs?: number;
  /** How long to wait before looking at the lag, the slots and the load again. Default 1 s. */
  lagCheckIntervalMs?: number;
  /** Stops the run between batches; a batch under way commits first. */
  signal?: AbortSignal;
  /** For rules with archive-to: how to reach their storage and how to encrypt. Required when a rule archives. */
  archive?: ArchiveSetup;
  /**
   * Called after each archive object of a batch (its rows', then each cascade path's) is stored and verified, before
   * its delete commits: throwing rolls the batch back.
   * For tests of the crash between the two; nothing else should use it.
   */
  afterArchive?: (archive: ArchiveRecord) => void | Promise<void>;
  /** Called after each committed batch, before the pause. */
  onBatch?: (event: BatchEvent) => void | Promise<void>;
  log?: Logger;
}

export type { ArchiveSetup } from './archive-run.js';

export interface BatchEvent {
  rule: string;
  table: string;
  /** 1, 2, ... within the rule. */
  batch: number;
  rows: number;
  /** Rows of the rule committed so far, this batch included. */
  ruleRows: number;
  durationMs: number;
}

/** complete: every rule ran to its end; the others stopped the run early, between batches. */
export type PurgeOutcome = 'complete' | 'time-budget' | 'aborted' | 'failed';

export interface RulePurge {
  rule: string;
  table: string;
  action: RetentionAction;
  cutoff: string;
  effectiveCutoff: string;
  /** Rows deleted or anonymized, every one committed. */
  rows: number;
  /** Committed batches. */
  batches: number;
  durationMs: number;
  /** The rule ran until a batch found fewer rows than the batch size. */
  complete: boolean;
  /** SHA-256 over the changed rows' keys (key text + "\n", in commit order): proof without the keys themselves. */
  keysSha256: string;
  /** Archive objects of committed batches, in commit order (rules with archive-to). */
  archives: ArchiveRecord[];
  /** Age rules on partitioned tables: partitions dropped whole (their rows are in `rows`, not in keysSha256). */
  partitions?: PartitionPurge;
}

export interface PurgeResult {
  /** ISO 8601 */
  startedAt: string;
  finishedAt: string;
  /** The `now` the cutoffs were taken from. */
  now: string;
  outcome: PurgeOutcome;
  /** Why the run stopped when outcome is 'failed'; the batches before it stay committed. */
  error?: DbopsError;
  rules: RulePurge[];
  skipped: ResolvedPolicy['skipped'];
  /** Time spent waiting for standbys to catch up. */
  lagWaitMs: number;
  /** Time spent waiting while a slot held back more WAL than max-slot-wal (when that is set). */
  slotWalWaitMs?: number;
  /** Time spent waiting while more sessions than max-active-sessions were active (when that is set). */
  loadWaitMs?: number;
  /** MongoDB: time spent waiting while the oplog window was shorter than min-oplog-window (when that is set). */
  oplogWaitMs?: number;
  /** What the run was waiting for when its time budget ran out or it was stopped, e.g. a slot's retained WAL. */
  stoppedWaitingFor?: string;
  /** What the run could not do as the policy asks and went on without, e.g. min-oplog-window on a server with no oplog. */
  warnings?: string[];
  /**
   * VACUUM (ANALYZE) of each table the purge changed: run by the caller once the receipt is stored (vacuum.ts), so
   * that a VACUUM waiting on a lock or a run killed during it never costs the receipt of rows already gone.
   */
  vacuum?: VacuumOutcome[];
}

/**
 * Purges a plan (at its cutoffs, for its rules) or a policy. Throws, having changed nothing, when the policy does
 * not match the database or a hold cannot be read; after the first batch it never throws for a batch: it returns
 * what committed, with outcome 'failed' and the error, so the caller can record a receipt before failing the run.
 */
export async function purgeRetention(
  client: pg.ClientBase,
  source: RetentionPlan | DataRetentionPolicy,
  options: PurgeOptions = {},
): Promise<PurgeResult> {
  const plan = 'policy' in source ? source : undefined;
  const policy = plan ? plan.policy : (source as DataRetentionPolicy);
  const now = plan ? new Date(plan.now) : (options.now ?? new Date());
  // A plan's rules, and those it skipped: they are skipped again, and a refused one fails the run again.
  const rules = options.rules ?? (plan ? [...plan.rules, ...plan.skipped].map((r) => r.rule) : undefined);
  const startedAt = new Date();
  const started = performance.now();
  const resolved = await resolveRuleTargets(client, policy, now, rules);
  const run = new PurgeRun(client, policy, options, started);
  await run.purge(resolved.targets);
  // A rule refused when resolved (its cascades cannot be checked for holds) fails the run once the others have run.
  if (run.outcome === 'complete' && resolved.refused[0]) {
    run.outcome = 'failed';
    run.error = resolved.refused[0];
  }
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    now: now.toISOString(),
    outcome: run.outcome,
    ...(run.error ? { error: run.error } : {}),
    rules: run.results,
    skipped: resolved.skipped,
    lagWaitMs: Math.round(run.waits.lag),
    ...(run.maxSlotWalBytes === undefined ? {} : { slotWalWaitMs: Math.round(run.waits.slotWal) }),
    ...(run.maxActiveSessions === undefined ? {} : { loadWaitMs: Math.round(run.waits.load) }),
    ...(run.waitingFor ? { stoppedWaitingFor: run.waitingFor } : {}),
  };
}

class PurgeRun {
  outcome: PurgeOutcome = 'complete';
  error: DbopsError | undefined;
  readonly results: RulePurge[] = [];
  /** Milliseconds waited, per bound. */
  readonly waits = { lag: 0, slotWal: 0, load: 0 };
  /** Why the run is waiting right now (set while it waits; left set when the wait ended the run). */
  waitingFor: string | undefined;
  readonly maxSlotWalBytes: number | undefined;
  readonly maxActiveSessions: number | undefined;
  private readonly pacing: Pacing;
  private readonly size: number;
  private readonly maxCascadeRows: number;
  readonly lockTimeoutMs: number;
  private readonly lockRetries: number;
  private readonly maxLagMs: number;
  private readonly log: Logger;
  private readonly archives: RunArchives;

  constructor(
    private readonly client: pg.ClientBase,
    policy: DataRetentionPolicy,
    private readonly options: PurgeOptions,
    private readonly started: number,
  ) {
    this.size = options.batchSize ?? policy.defaults.batchSize;
    this.maxCascadeRows = options.maxCascadeRows ?? policy.defaults.maxCascadeRows;
    this.pacing = {
      sleepMs: options.sleepMs ?? policy.defaults.sleepMs,
      sleepCoefficient: options.sleepCoefficient ?? policy.defaults.sleepCoefficient,
      maxRuntimeMs: options.maxRuntimeMs ?? policy.defaults.maxRuntimeMs,
    };
    this.lockTimeoutMs = options.lockTimeoutMs ?? policy.defaults.lockTimeoutMs;
    this.lockRetries = options.lockRetries ?? DEFAULT_LOCK_RETRIES;
    this.maxLagMs = options.maxReplicationLagMs ?? policy.defaults.maxReplicationLagMs;
    this.maxSlotWalBytes = options.maxSlotWalBytes ?? policy.defaults.maxSlotWalBytes;
    this.maxActiveSessions = options.maxActiveSessions ?? policy.defaults.maxActiveSessions;
    this.log = options.log ?? silentLogger;
    this.archives = new RunArchives(options.archive);
  }

  async purge(targets: RuleTarget[]): Promise<void> {
    const results = targets.map((t) => ({
      result: {
        rule: t.rule,
        table: t.table,
        action: t.action,
        cutoff: t.cutoff.toISOString(),
        effectiveCutoff: t.effectiveCutoff.toISOString(),
        rows: 0,
        batches: 0,
        durationMs: 0,
        complete: false,
        keysSha256: '',
        archives: [] as ArchiveRecord[],
      },
      hash: createHash('sha256'),
    }));
    this.results.push(...results.map((r) => r.result));
    try {
      for (const [i, target] of targets.entries()) {
        const { result, hash } = results[i]!;
        // Between rules as between batches: the budget and the abort signal may end the run here.
        if (i > 0 && !(await this.pause(0))) return;
        const ruleStart = performance.now();
        try {
          await this.dropPartitions(target, result);
          if (!(await this.purgeRule(target, result, hash))) return;
        } catch (error) {
          // Not a batch (those are handled in purgeRule): the lag query, or the caller's onBatch. Still no throw.
          this.outcome = 'failed';
          const cause = translateServerError(error) ?? asDbopsError(error);
          this.error = new DbopsError(
            cause.code,
            `Rule '${target.rule}' on ${target.table}: ${cause.message}; ${result.rows} rows in ${result.batches} committed batches stay ${target.action === 'delete' ? 'deleted' : 'anonymized'}`,
            { cause: error, ...(cause.hint ? { hint: cause.hint } : {}) },
          );
          return;
        } finally {
          result.durationMs = Math.round(performance.now() - ruleStart);
        }
        this.log.info(
          `Rule '${target.rule}': ${result.rows} rows ${target.action === 'delete' ? 'deleted' : 'anonymized'} from ${target.table} in ${result.batches} batches`,
        );
      }
    } finally {
      for (const { result, hash } of results) result.keysSha256 = hash.digest('hex');
    }
  }

  /** Age rules on partitioned tables: expired partitions go whole first (partitions.ts); batches do the rest. */
  private async dropPartitions(target: RuleTarget, result: RulePurge): Promise<void> {
    if (!target.partitioned || target.kind !== 'age') return;
    const location = target.archiveTo;
    let archive: Parameters<typeof dropExpiredPartitions>[2]['archive'];
    if (location !== undefined) {
      const { storage, encryption } = await this.archives.forRule(target.rule, location);
      archive = async (partition, chunk, rows, keys) => {
        const segment = partition.replace(/[^A-Za-z0-9_-]+/g, '-');
        const batch = { rule: target.rule, table: target.table, batch: chunk, rows };
        const keyRange = { first: keys[0]!, last: keys.at(-1)! };
        const record = await archiveBatch(
          storage,
          encryption,
          `${this.archives.runId}-${segment}`,
          { ...batch, keyRange },
          this.options.signal,
        );
        this.log.info(`Rule '${target.rule}': ${rows.length} rows of ${partition} archived to ${record.location}`);
        await this.options.afterArchive?.(record);
        return record;
      };
    }
    const partitions: PartitionPurge = { dropped: [], byRows: [], reattached: [] };
    result.partitions = partitions;
    const setup = {
      lockTimeoutMs: this.lockTimeoutMs,
      statementTimeoutMs: this.options.statementTimeoutMs ?? DEFAULT_PURGE_STATEMENT_TIMEOUT_MS,
      batchSize: this.size,
      ...(archive ? { archive } : {}),
      stopped: () => this.stopped() || budgetSpent(this.pacing, performance.now() - this.started, 0),
      log: this.log,
    };
    try {
      await dropExpiredPartitions(this.client, target, setup, partitions);
    } finally {
      // Also when a later partition failed: the ones dropped before it are in the receipt.
      for (const dropped of partitions.dropped) result.rows += dropped.rows;
    }
  }

  /** Runs one rule's batches; false when the run must stop (outcome and error set). */
  private async purgeRule(target: RuleTarget, result: RulePurge, hash: ReturnType<typeof createHash>) {
    let afterKey: string[] | undefined;
    // Fewer than batch-size once a batch's cascade was over max-cascade-rows: kept for the rule's later batches.
    let size = this.size;
    for (;;) {
      if (!(await this.waitForHeadroom())) return false;
      const batchStart = performance.now();
      let outcome: Awaited<ReturnType<typeof runBatch>>;
      const archived: ArchiveRecord[] = [];
      try {
        const archive = await this.archiveStep(target, result, archived);
        outcome = await this.batchWithRetries(target, size, afterKey, withTombstones(this.client, target, archive));
      } catch (error) {
        this.outcome = 'failed';
        const failure = await this.batchError(error, target, result);
        // A rule refused for its cascades: the rows it left are this rule's alone, the next rules still run.
        if (error instanceof TooManyCascaded) {
          this.error ??= failure;
          return true;
        }
        this.error = failure;
        return false;
      }
      const batchMs = performance.now() - batchStart;
      if (outcome.rows > 0) {
        result.rows += outcome.rows;
        result.batches++;
        result.archives.push(...archived); // committed: only now does the receipt name it
        for (const key of outcome.keys) hash.update(`${key}\n`);
        // Committed: only now may a backup no longer hold the batch's rows. Should this fail, the batch stays counted
        // and its tombstones are completed by the next erasure.
        if (erases(target)) {
          try {
            await completeTombstones(this.client);
          } catch (error) {
            this.outcome = 'failed';
            this.error = await this.batchError(error, target, result);
            return false;
          }
        }
        await this.options.onBatch?.({
          rule: target.rule,
          table: target.table,
          batch: result.batches,
          rows: outcome.rows,
          ruleRows: result.rows,
          durationMs: Math.round(batchMs),
        });
      }
      if (outcome.shrunkTo !== undefined && outcome.shrunkTo < size) {
        size = outcome.shrunkTo;
        this.log.info(
          `Rule '${target.rule}': batches of ${size} rows from now on (their ON DELETE CASCADE reaches more than max-cascade-rows, ${this.maxCascadeRows}, rows otherwise)`,
        );
      }
      if (outcome.rows < (outcome.shrunkTo ?? size)) {
        result.complete = true;
        return true;
      }
      afterKey = outcome.lastKey;
      if (!(await this.pause(pauseAfterBatch(this.pacing, batchMs)))) return false;
    }
  }

  /**
   * The step that archives a batch inside its transaction, or undefined when the rule does not archive. `archived`
   * gets the batch's archive once stored; a retried batch (lock timeout) archives anew under its attempt's own name,
   * and only the committed attempt's archive counts: an earlier attempt's object stays, named by no receipt.
   */
  private async archiveStep(
    target: RuleTarget,
    result: RulePurge,
    archived: ArchiveRecord[],
  ): Promise<BeforeCommit | undefined> {
    const location = target.archiveTo;
    if (location === undefined) return undefined;
    const { storage, encryption } = await this.archives.forRule(target.rule, location);
    let attempt = 0;
    return async (rows, keys, cascaded) => {
      attempt++;
      const batch = {
        rule: target.rule,
        batch: result.batches + 1,
        attempt,
        keyRange: { first: keys[0]!, last: keys.at(-1)! },
      };
      const records: ArchiveRecord[] = [];
      archived.splice(0, archived.length);
      const record = await archiveBatch(
        storage,
        encryption,
        this.archives.runId,
        { ...batch, table: target.table, rows },
        this.options.signal,
      );
      records.push(record);
      this.log.info(`Rule '${target.rule}': ${rows.length} rows archived to ${record.location}`);
      // The rows the DELETE cascaded into, per path: archived before the commit as the rule's own (invariant 7).
      for (const [i, path] of cascaded.entries()) {
        if (path.rows.length === 0) continue;
        const cascade = { part: i + 1, via: path.via };
        const part = await archiveBatch(
          storage,
          encryption,
          this.archives.runId,
          { ...batch, table: path.table, rows: path.rows, cascade },
          this.options.signal,
        );
        records.push(part);
        this.log.info(
          `Rule '${target.rule}': ${path.rows.length} rows of ${path.table} deleted with them (ON DELETE CASCADE) archived to ${part.location}`,
        );
      }
      archived.push(...records);
      for (const each of records) await this.options.afterArchive?.(each);
    };
  }

  private async batchWithRetries(
    target: RuleTarget,
    size: number,
    afterKey: string[] | undefined,
    beforeCommit?: BeforeCommit,
  ) {
    const limits = {
      size,
      maxCascadeRows: this.maxCascadeRows,
      lockTimeoutMs: this.lockTimeoutMs,
      statementTimeoutMs: this.options.statementTimeoutMs ?? DEFAULT_PURGE_STATEMENT_TIMEOUT_MS,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await runBatch(this.client, target, limits, afterKey, beforeCommit);
      } catch (error) {
        if (!isLockTimeout(error) || attempt >= this.lockRetries) throw error;
        const delay = (this.options.lockRetryDelayMs ?? 1000) * 2 ** attempt;
        this.log.warn(`Rule '${target.rule}': ${target.table} is locked; trying the batch again in ${delay} ms`);
        if (!(await this.pause(delay))) throw error;
      }
    }
  }

  /** Waits while a standby lags more than allowed; false when the run must stop meanwhile. */
  /**
   * Before each batch: waits while a standby lags, a slot holds back WAL or the server is busy beyond the policy's
   * bounds (checked in that order, one query), so a purge never adds to a replica's lag or a full WAL disk. False
   * when the run must stop (the budget ran out or it was aborted while waiting; waitingFor then says why).
   */
  private async waitForHeadroom(): Promise<boolean> {
    for (;;) {
      if (this.stopped()) return false;
      const over = this.overBound(await readPurgePressure(this.client));
      if (!over) {
        this.waitingFor = undefined;
        return true;
      }
      if (over.reason !== this.waitingFor) this.log.info(`${over.reason}; waiting`);
      this.waitingFor = over.reason;
      const before = performance.now();
      const goOn = await this.pause(this.options.lagCheckIntervalMs ?? 1000);
      this.waits[over.bound] += performance.now() - before;
      if (!goOn) return false;
    }
  }

  /** The first bound the server is past, and a sentence naming it; undefined when there is room. */
  private overBound(pressure: PurgePressure): { bound: keyof PurgeRun['waits']; reason: string } | undefined {
    if (pressure.lagMs > this.maxLagMs)
      return {
        bound: 'lag',
        reason: `A standby lags ${Math.round(pressure.lagMs)} ms behind (max-replication-lag ${this.maxLagMs} ms)`,
      };
    const slot = pressure.slot;
    if (this.maxSlotWalBytes !== undefined && slot && slot.retainedBytes > this.maxSlotWalBytes)
      return {
        bound: 'slotWal',
        reason: `Replication slot '${slot.name}' holds back ${formatBytes(slot.retainedBytes)} of WAL (max-slot-wal ${formatBytes(this.maxSlotWalBytes)})`,
      };
    if (this.maxActiveSessions !== undefined && pressure.activeSessions > this.maxActiveSessions)
      return {
        bound: 'load',
        reason: `${pressure.activeSessions} other sessions are running a statement (max-active-sessions ${this.maxActiveSessions})`,
      };
    return undefined;
  }

  /** Sleeps between batches unless that would spend the budget or the run is aborted; false to stop. */
  private async pause(ms: number): Promise<boolean> {
    if (this.stopped()) return false;
    if (budgetSpent(this.pacing, performance.now() - this.started, ms)) {
      // A rule refused before (its cascades) keeps the run failed.
      if (this.outcome === 'complete') this.outcome = 'time-budget';
      return false;
    }
    if (ms <= 0) return true;
    try {
      await sleep(ms, undefined, this.options.signal ? { signal: this.options.signal } : undefined);
    } catch {
      // aborted while sleeping: stopped() records it
    }
    return !this.stopped();
  }

  private stopped(): boolean {
    if (this.options.signal?.aborted) {
      if (this.outcome === 'complete') this.outcome = 'aborted';
      return true;
    }
    return false;
  }

  /** The batch's error, naming the rule and table and saying what stays committed. */
  private async batchError(error: unknown, target: RuleTarget, result: RulePurge): Promise<DbopsError> {
    const at = `Rule '${target.rule}' on ${target.table}`;
    const kept = `${result.rows} rows in ${result.batches} committed batches stay ${target.action === 'delete' ? 'deleted' : 'anonymized'}; the failed batch was rolled back whole`;
    if (isLockTimeout(error)) {
      const lockers = await describeTableLockers(this.client, target.table).catch(() => '');
      return new DbopsError(
        'TIMEOUT',
        `${at}: a batch waited longer than lock-timeout (${this.lockTimeoutMs} ms) for a lock on ${target.table}, ${1 + this.lockRetries} times; ${kept}`,
        {
          input: 'lock-timeout',
          cause: error,
          hint: `${lockers ? `${lockers}. ` : 'Another session holds a lock on the table. '}Run again once it is released (the next run continues where this one stopped), end that session, or raise lock-timeout.`,
        },
      );
    }
    if ((error as { code?: string }).code === '23503')
      // The server's message names the constraint and the referencing table, not the key (that is in its detail).
      return new DbopsError('CHECK_FAILED', `${at}: ${(error as Error).message}; ${kept}`, {
        cause: error,
        hint: `Rows of ${target.table} are still referenced by another table's foreign key (the plan lists them as dependants). Purge the dependants first (a rule on that table, listed before this one), or make the foreign key ON DELETE CASCADE or SET NULL; dbops never cascades by itself.`,
      });
    const translated = translateServerError(error, { relation: target.table }) ?? asDbopsError(error);
    return new DbopsError(translated.code, `${at}: ${translated.message}; ${kept}`, {
      cause: error,
      ...(translated.hint ? { hint: translated.hint } : {}),
      ...(translated.input ? { input: translated.input } : {}),
    });
  }
}
