/**
 * The purge of a plan's MongoDB rules: per rule, batches of expired, unheld documents deleted by `_id`
 * (data-retention-batch.ts), paced like PostgreSQL's purge (data-retention/throttle.ts: a pause proportional to
 * each batch, the max-runtime budget, the abort signal), holds read again before every batch. A rule with archive-to
 * archives each batch's documents (raw BSON, zstd, age: data-retention/archive.ts, as PostgreSQL's rows) and checks
 * the stored object before the batch's delete: no archive, no delete. A crash between the two leaves the documents,
 * and the next run archives them again. After the first batch it never throws: the result says what was deleted,
 * with outcome 'failed' and the error, so a receipt records it.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoClient } from 'mongodb';
import { type ArchiveRecord, archiveBatch } from '../../data-retention/archive.js';
import { RunArchives } from '../../data-retention/archive-run.js';
import type { RetentionPlan } from '../../data-retention/plan.js';
import {
  DEFAULT_PURGE_STATEMENT_TIMEOUT_MS,
  type PurgeOptions,
  type PurgeOutcome,
  type PurgeResult,
  type RulePurge,
} from '../../data-retention/purge.js';
import { budgetSpent, type Pacing, pauseAfterBatch } from '../../data-retention/throttle.js';
import { asDbopsError, DbopsError } from '../../errors.js';
import { formatSeconds } from '../../format.js';
import { silentLogger } from '../../log.js';
import { runCollectionBatch } from './data-retention-batch.js';
import { readHeldIds } from './data-retention-filter.js';
import { type CollectionTarget, resolveCollectionTargets } from './data-retention-target.js';
import { collectionTombstones } from './data-retention-tombstones.js';
import { describeHolder, type Lease, takeLease } from './lease.js';
import { purgeOplogReading } from './data-retention-oplog.js';
import { secondaryLagMs } from './replication-lag.js';

/**
 * One purge at a time per collection. Two runs at once (a schedule overlapping a manual run) would pick the same
 * documents: both would archive them, and the run whose delete finds them gone would count them in its receipt as
 * its own. PostgreSQL needs no such guard (its delete locks the rows and returns the ones it removed); a MongoDB
 * delete returns only a count. So a rule's run holds a lease on its collection (lease.ts), renewed before every
 * batch for PURGE_LEASE_MS (longer than any one batch: each command has its maxTimeMS, an archive upload its retries).
 */
export const PURGE_LEASE_MS = 15 * 60_000;
export const purgeLeaseKey = (collection: string) => `retention:${collection}`;
const leaseEnd = () => new Date(Date.now() + PURGE_LEASE_MS);

export async function purgeCollections(
  client: MongoClient,
  plan: RetentionPlan,
  options: PurgeOptions,
): Promise<PurgeResult> {
  const startedAt = new Date();
  const started = performance.now();
  const { targets, skipped } = await resolveCollectionTargets(
    client,
    plan.policy,
    new Date(plan.now),
    plan.rules.map((r) => r.rule),
  );
  const archives = new RunArchives(options.archive);
  const policy = plan.policy;
  const pacing: Pacing = {
    sleepMs: options.sleepMs ?? policy.defaults.sleepMs,
    sleepCoefficient: options.sleepCoefficient ?? policy.defaults.sleepCoefficient,
    maxRuntimeMs: options.maxRuntimeMs ?? policy.defaults.maxRuntimeMs,
  };
  const size = options.batchSize ?? policy.defaults.batchSize;
  const maxTimeMS = options.statementTimeoutMs ?? DEFAULT_PURGE_STATEMENT_TIMEOUT_MS;
  const log = options.log ?? silentLogger;
  let outcome: PurgeOutcome = 'complete';
  let error: DbopsError | undefined;
  const stopped = () => {
    if (options.signal?.aborted) outcome = 'aborted';
    return options.signal?.aborted === true;
  };
  /** Sleeps unless that would spend the budget or the run is aborted; false to stop. */
  const pause = async (ms: number) => {
    if (stopped()) return false;
    if (budgetSpent(pacing, performance.now() - started, ms)) {
      outcome = 'time-budget';
      return false;
    }
    if (ms > 0)
      await sleep(ms, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => undefined);
    return !stopped();
  };

  const maxLagMs = options.maxReplicationLagMs ?? policy.defaults.maxReplicationLagMs;
  let minOplogWindowMs = options.minOplogWindowMs ?? policy.defaults.minOplogWindowMs;
  const warnings: string[] = [];
  // A server with no oplog has no window to keep: the bound cannot apply, and the run says so rather than pass it by.
  if (minOplogWindowMs !== undefined && (await purgeOplogReading(client, maxTimeMS)).kind === 'standalone') {
    const warning = `min-oplog-window (${formatSeconds(minOplogWindowMs / 1000)}) does not apply: the server is not a replica set member, so it has no oplog; the purge went on without that bound`;
    log.warn(warning);
    warnings.push(warning);
    minOplogWindowMs = undefined;
  }
  const waits = { lag: 0, oplog: 0 };
  let waitingFor: string | undefined;
  /** Why the server has no room for a batch now (and which wait it counts to), or undefined when it has. */
  const pressure = async (): Promise<{ wait: keyof typeof waits; reason: string } | undefined> => {
    const lag = await secondaryLagMs(client);
    if (lag > maxLagMs)
      return {
        wait: 'lag',
        reason: `A secondary lags ${Math.round(lag)} ms behind (max-replication-lag ${maxLagMs} ms)`,
      };
    if (minOplogWindowMs === undefined) return undefined;
    const oplog = await purgeOplogReading(client, maxTimeMS);
    const seconds = oplog.kind === 'window' ? oplog.seconds : 0;
    if (seconds * 1000 >= minOplogWindowMs) return undefined;
    return {
      wait: 'oplog',
      reason:
        oplog.kind === 'window'
          ? `The oplog window is ${formatSeconds(seconds)} (min-oplog-window ${formatSeconds(minOplogWindowMs / 1000)})`
          : `The oplog (local.oplog.rs) has no entries, so no window (min-oplog-window ${formatSeconds(minOplogWindowMs / 1000)})`,
    };
  };
  /** Before each batch: waits while a secondary lags or the oplog window is short; false to stop. */
  const waitForRoom = async () => {
    for (;;) {
      if (stopped()) return false;
      const short = await pressure();
      if (!short) {
        waitingFor = undefined;
        return true;
      }
      if (waitingFor !== short.reason) log.info(`${short.reason}; waiting`);
      waitingFor = short.reason;
      const before = performance.now();
      const goOn = await pause(options.lagCheckIntervalMs ?? 1000);
      waits[short.wait] += performance.now() - before;
      if (!goOn) return false;
    }
  };

  /** The rule's archiving step, or undefined when it does not archive; throws before its first batch when unusable. */
  const archiveStep = async (target: CollectionTarget, stored: (record: ArchiveRecord) => void) => {
    if (target.archiveTo === undefined) return undefined;
    const { storage, encryption } = await archives.forRule(target.rule, target.archiveTo);
    return async (documents: Buffer[], keys: string[], batch: number) => {
      const record = await archiveBatch(
        storage,
        encryption,
        archives.runId,
        {
          rule: target.rule,
          table: target.namespace,
          batch,
          content: 'bson',
          rows: documents,
          keyRange: { first: keys[0]!, last: keys.at(-1)! },
        },
        options.signal,
      );
      stored(record);
      log.info(`Rule '${target.rule}': ${documents.length} documents archived to ${record.location}`);
      await options.afterArchive?.(record);
    };
  };
  // Every rule has its entry, a rule the run did not reach with nothing deleted, as PostgreSQL's purge has.
  const results = targets.map(
    (target): RulePurge => ({
      rule: target.rule,
      table: target.namespace,
      action: target.action,
      cutoff: target.cutoff.toISOString(),
      effectiveCutoff: target.effectiveCutoff.toISOString(),
      rows: 0,
      batches: 0,
      durationMs: 0,
      complete: false,
      keysSha256: createHash('sha256').digest('hex'),
      archives: [],
    }),
  );
  for (const [i, target] of targets.entries()) {
    if (i > 0 && !(await pause(0))) break;
    const result = results[i]!;
    const hash = createHash('sha256');
    const ruleStart = performance.now();
    // The current batch's archive, once stored: named by the receipt when the batch deleted documents.
    let archived: ArchiveRecord | undefined;
    let lease: Lease | undefined;
    try {
      // One run at a time per collection (PURGE_LEASE_MS): another run's rule is left to it.
      const db = client.db(target.collection.database);
      const key = purgeLeaseKey(target.collection.name);
      const taken = await takeLease(db, key, archives.runId, leaseEnd(), maxTimeMS);
      if ('heldBy' in taken) {
        const warning = `Rule '${target.rule}' left to another run: ${target.namespace} is being purged by ${describeHolder(taken.heldBy)}`;
        log.warn(warning);
        warnings.push(warning);
        continue;
      }
      lease = taken.lease;
      const archive = await archiveStep(target, (record) => (archived = record));
      // Erased soft-deleted documents leave tombstones (age rules' expired documents are no one's erasure).
      const tombstones =
        target.kind === 'soft-delete' && target.action === 'delete'
          ? await collectionTombstones(client, target, maxTimeMS)
          : undefined;
      if (tombstones) {
        // A run that stopped between tombstone and delete (or delete and completion) is finished first.
        const finished = await tombstones.finishUnfinished(() => readHeldIds(client, target, maxTimeMS));
        if (finished.completed + finished.takenBack > 0)
          log.info(
            `Rule '${target.rule}': an earlier run stopped mid-erasure; ${finished.completed} tombstones completed (their documents are gone), ${finished.takenBack} taken back (their documents are no longer expired)`,
          );
      }
      for (;;) {
        if (!(await waitForRoom())) break;
        await lease.extend(leaseEnd());
        const batchStart = performance.now();
        const batch = await runCollectionBatch(
          client,
          target,
          () => readHeldIds(client, target, maxTimeMS),
          size,
          maxTimeMS,
          undefined,
          archive && ((documents, keys) => archive(documents, keys, result.batches + 1)),
          tombstones,
        );
        const batchMs = performance.now() - batchStart;
        const record = archived;
        archived = undefined;
        if (batch.rows > 0) {
          result.rows += batch.rows;
          result.batches++;
          if (record) result.archives.push(record);
          for (const key of batch.keys) hash.update(`${key}\n`);
          await options.onBatch?.({
            rule: target.rule,
            table: target.namespace,
            batch: result.batches,
            rows: batch.rows,
            ruleRows: result.rows,
            durationMs: Math.round(batchMs),
          });
        }
        // Fewer than a batch: the rule is done. None of a full batch deleted: every one changed meanwhile; stop
        // rather than pick them again.
        if (batch.found < size || batch.rows === 0) {
          result.complete = batch.found < size;
          break;
        }
        if (!(await pause(pauseAfterBatch(pacing, batchMs)))) break;
      }
    } catch (cause) {
      // A delete that failed may still have run on the server: the receipt names its archive all the same.
      if (archived) result.archives.push(archived);
      // A cancel closes the client under a running command: that is an abort, not a failure.
      if (stopped()) break;
      outcome = 'failed';
      const failure = asDbopsError(cause);
      error = new DbopsError(
        failure.code,
        `Rule '${target.rule}' on ${target.namespace}: ${failure.message}; ${result.rows} documents in ${result.batches} batches stay ${target.action === 'anonymize' ? 'anonymized' : 'deleted'}`,
        { cause, ...(failure.hint ? { hint: failure.hint } : {}), ...(failure.input ? { input: failure.input } : {}) },
      );
    } finally {
      result.keysSha256 = hash.digest('hex');
      result.durationMs = Math.round(performance.now() - ruleStart);
      // A client closed by a cancel cannot release it: the lease then ends by itself (PURGE_LEASE_MS).
      await lease?.release().catch(() => undefined);
    }
    if (outcome !== 'complete') break;
    log.info(
      `Rule '${target.rule}': ${result.rows} documents ${target.action === 'anonymize' ? 'anonymized in' : 'deleted from'} ${target.namespace} in ${result.batches} batches`,
    );
  }
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    now: plan.now,
    outcome,
    ...(error ? { error } : {}),
    rules: results,
    skipped,
    lagWaitMs: Math.round(waits.lag),
    ...(minOplogWindowMs === undefined ? {} : { oplogWaitMs: Math.round(waits.oplog) }),
    ...(waitingFor ? { stoppedWaitingFor: waitingFor } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
