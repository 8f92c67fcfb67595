/**
 * The purge of a plan's MongoDB rules: per rule, batches of expired, unheld documents deleted by `_id`
 * (data-retention-batch.ts), paced like PostgreSQL's purge (data-retention/throttle.ts: a pause proportional to
 * each batch, the max-runtime budget, the abort signal), holds read again before every batch. After the first batch
 * it never throws: the result says what was deleted, with outcome 'failed' and the error, so a receipt records it.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoClient } from 'mongodb';
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
import { silentLogger } from '../../log.js';
import { runCollectionBatch } from './data-retention-batch.js';
import { readHeldIds } from './data-retention-filter.js';
import { resolveCollectionTargets } from './data-retention-target.js';

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
  // Invariant 7: a rule that archives must not lose a document; MongoDB archives are not built yet.
  const archiving = targets.find((t) => t.archiveTo !== undefined);
  if (archiving)
    throw new DbopsError(
      'INVALID_INPUT',
      `Policy line ${archiving.line}: rule '${archiving.rule}' archives to ${archiving.archiveTo}, but dbops cannot archive MongoDB documents yet; nothing was deleted`,
      { input: 'policy', hint: 'Remove archive-to from the rule to purge without an archive, or keep dry-run true.' },
    );
  const policy = plan.policy;
  const pacing: Pacing = {
    sleepMs: options.sleepMs ?? 0,
    sleepCoefficient: options.sleepCoefficient ?? 0.5,
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

  // Every rule has its entry, a rule the run did not reach with nothing deleted, as PostgreSQL's purge has.
  const results = targets.map(
    (target): RulePurge => ({
      rule: target.rule,
      table: target.namespace,
      action: 'delete',
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
    try {
      for (;;) {
        if (stopped()) break;
        const batchStart = performance.now();
        const batch = await runCollectionBatch(
          client,
          target,
          () => readHeldIds(client, target, maxTimeMS),
          size,
          maxTimeMS,
        );
        const batchMs = performance.now() - batchStart;
        if (batch.rows > 0) {
          result.rows += batch.rows;
          result.batches++;
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
      // A cancel closes the client under a running command: that is an abort, not a failure.
      if (stopped()) break;
      outcome = 'failed';
      const failure = asDbopsError(cause);
      error = new DbopsError(
        failure.code,
        `Rule '${target.rule}' on ${target.namespace}: ${failure.message}; ${result.rows} documents in ${result.batches} batches stay deleted`,
        { cause, ...(failure.hint ? { hint: failure.hint } : {}), ...(failure.input ? { input: failure.input } : {}) },
      );
    } finally {
      result.keysSha256 = hash.digest('hex');
      result.durationMs = Math.round(performance.now() - ruleStart);
    }
    if (outcome !== 'complete') break;
    log.info(
      `Rule '${target.rule}': ${result.rows} documents deleted from ${target.namespace} in ${result.batches} batches`,
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
    lagWaitMs: 0,
  };
}
