/**
 * The retention plan (a dry run, the default): per PostgreSQL rule, the cutoff frozen once for the run, how many
 * rows have expired, how many of them a legal hold or a compliance minimum keeps, and how many a purge would delete
 * or anonymize. It reads only, in one read-only REPEATABLE READ transaction that it rolls back: every rule is counted
 * on the same snapshot, and PostgreSQL itself refuses any write the plan's SQL could attempt.
 */
import type pg from 'pg';
import { countRule, type RuleCounts } from '../databases/postgres/data-retention-count.js';
import type { Dependant } from '../databases/postgres/data-retention-target.js';
import { translateServerError } from '../databases/postgres/server-errors.js';
import { type PartitionPlan, planPartitions } from './partitions.js';
import type { DataRetentionPolicy } from './policy.js';
import { type ResolvedPolicy, type RetentionAction, resolveRuleTargets } from './targets.js';

/** Rows counted exactly per rule before the counts become lower bounds (and the estimate is what to read). */
export const DEFAULT_COUNT_LIMIT = 1_000_000;
/** A plan's statements are bounded too: a count that runs away is stopped, not waited for. */
export const DEFAULT_PLAN_STATEMENT_TIMEOUT_MS = 60_000;

export interface PlanOptions {
  countLimit?: number;
  statementTimeoutMs?: number;
  /** Only these rules (by name); all PostgreSQL rules when left out. */
  rules?: string[];
}

export interface RulePlan {
  rule: string;
  /** collection: a MongoDB rule; its `table` is database.collection, its `timeColumn` the `by` field. */
  kind: 'age' | 'soft-delete' | 'collection';
  action: RetentionAction;
  table: string;
  partitioned: boolean;
  timeColumn: string;
  /** ISO 8601: now − keep (or grace). */
  cutoff: string;
  /** ISO 8601: the earlier of `cutoff` and now − the table's longest minimum; the purge deletes only before it. */
  effectiveCutoff: string;
  /** The table's longest minimum, in seconds before `now` at this run (a calendar year spans 365 or 366 days). */
  minimumSeconds?: number;
  rows: RuleCounts;
  /** toPurge × the table's average row size; undefined before the table's first ANALYZE. */
  estimatedBytes?: number;
  /** Foreign keys referencing the table: a delete cascades to, nulls, or is refused by them (per onDelete). */
  dependants: Dependant[];
  /** Age rules on a partitioned table: the partitions dropped whole, and those whose expired rows go in batches. */
  partitions?: PartitionPlan;
}

export interface RetentionPlan {
  /** ISO 8601: the one `now` every cutoff was taken from; a purge of this plan uses it again. */
  now: string;
  countLimit: number;
  rules: RulePlan[];
  skipped: ResolvedPolicy['skipped'];
  /** The policy planned: purgeRetention(client, plan) purges with it, at the plan's cutoffs. */
  policy: DataRetentionPolicy;
}

export async function planRetention(
  client: pg.ClientBase,
  policy: DataRetentionPolicy,
  now: Date,
  options: PlanOptions = {},
): Promise<RetentionPlan> {
  const countLimit = options.countLimit ?? DEFAULT_COUNT_LIMIT;
  const { targets, skipped } = await resolveRuleTargets(client, policy, now, options.rules);
  const rules: RulePlan[] = [];
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query("SELECT set_config('statement_timeout', $1, true)", [
      `${options.statementTimeoutMs ?? DEFAULT_PLAN_STATEMENT_TIMEOUT_MS}ms`,
    ]);
    for (const target of targets) {
      let rows: RuleCounts;
      try {
        rows = await countRule(client, target, countLimit);
      } catch (error) {
        throw translateServerError(error, { relation: target.table }) ?? error;
      }
      const plan: RulePlan = {
        rule: target.rule,
        kind: target.kind,
        action: target.action,
        table: target.table,
        partitioned: target.partitioned,
        timeColumn: target.timeColumn,
        cutoff: target.cutoff.toISOString(),
        effectiveCutoff: target.effectiveCutoff.toISOString(),
        rows,
        dependants: target.dependants,
      };
      if (target.minimumSeconds !== undefined) plan.minimumSeconds = target.minimumSeconds;
      if (target.bytesPerRow !== undefined) plan.estimatedBytes = Math.round(rows.toPurge * target.bytesPerRow);
      const partitions = await planPartitions(client, target);
      if (partitions) plan.partitions = partitions;
      rules.push(plan);
    }
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
  return { now: now.toISOString(), countLimit, rules, skipped, policy };
}
