/**
 * A plan's counts for one rule: expired rows, those a legal hold or a compliance minimum keeps, and the rest, which
 * a purge would delete or anonymize. Counted exactly up to a limit, then lower bounds; the planner's estimate is
 * always given too. Runs in the caller's read-only transaction.
 */
import type pg from 'pg';
import type { RuleTarget } from '../../data-retention/targets.js';
import { countSql, estimateSql } from './data-retention-predicate.js';

export interface RuleCounts {
  /** Rows past the rule's own cutoff (and within its `where`). */
  expired: number;
  protectedByHold: number;
  protectedByMinimum: number;
  /** expired − rows kept by a hold or a minimum (a row kept by both counts once). */
  toPurge: number;
  /** False when more than the count limit expired: the counts above are then lower bounds over the first rows seen. */
  exact: boolean;
  /** The planner's estimate of `expired` (from statistics; as good as the last ANALYZE). MongoDB: the count. */
  estimatedExpired: number;
  /**
   * MongoDB only (no schema holds its documents to a type): documents whose `by` field is missing or not a date.
   * They never expire, so none is purged; a plan shows how many so a typo or a string date is seen.
   */
  withoutTime?: number;
}

export async function countRule(client: pg.ClientBase, target: RuleTarget, limit: number): Promise<RuleCounts> {
  const count = countSql(target, limit);
  const { rows } = await client.query<{ expired: number; held: number; young: number; kept: number }>(
    count.text,
    count.values,
  );
  const estimate = estimateSql(target);
  const plan = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    estimate.text,
    estimate.values,
  );
  const r = rows[0]!;
  return {
    expired: r.expired,
    protectedByHold: r.held,
    protectedByMinimum: r.young,
    toPurge: r.expired - r.kept,
    exact: r.expired <= limit,
    estimatedExpired: plan.rows[0]!['QUERY PLAN'][0].Plan['Plan Rows'],
  };
}
