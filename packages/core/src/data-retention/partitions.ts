/**
 * Whole partitions instead of rows (issue 16 part 3): for an age rule on a table range-partitioned by its `by`
 * column, a partition lying entirely before the effective cutoff is detached and dropped in one step instead of
 * being deleted row by row, archived first when the rule archives. Rows are deleted in batches only where a drop
 * would take too much or cannot be proven safe: the default partition, the partition across the cutoff, a partition
 * holding a row under legal hold, any partition of a rule with a `where` filter or whose table other tables
 * reference. The plan and the purge decide with the same function, so the plan shows exactly what a purge drops.
 */
import type pg from 'pg';
import {
  canDetachConcurrently,
  countRows,
  detachPartition,
  dropDetached,
  type PartitionFacts,
  partitionChunk,
  partitionHasHold,
  partitionLayout,
  reattachDetached,
} from '../databases/postgres/data-retention-partitions.js';
import { isLockTimeout } from '../databases/postgres/lock-wait.js';
import { asDbopsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ArchiveRecord } from './archive.js';
import type { RuleTarget } from './targets.js';

export interface PartitionToDrop {
  name: string;
  /** As PostgreSQL prints it: `FOR VALUES FROM (...) TO (...)`. */
  bounds: string;
  /** The planner's count (as good as the last ANALYZE). */
  estimatedRows: number;
  bytes: number;
}

/** A partition holding expired rows that are deleted in batches instead, and why it is not dropped whole. */
export interface PartitionByRows {
  name: string;
  bounds: string;
  reason: string;
}

export interface PartitionPlan {
  /** How partitions are detached: CONCURRENTLY (PostgreSQL 14+, no default partition) or under lock_timeout. */
  detach: 'concurrently' | 'with-lock-timeout';
  drop: PartitionToDrop[];
  rows: PartitionByRows[];
  /** Set when no partition can be dropped at all (e.g. partitioned by another column). */
  unsuitable?: string;
}

/** A partition the purge dropped, as the receipt records it. */
export interface DroppedPartition {
  name: string;
  bounds: string;
  /** Counted under the lock that the drop held: exactly what went. */
  rows: number;
  /** Its rows' archive objects (rules with archive-to), written and verified before the drop committed. */
  archives: ArchiveRecord[];
}

export interface PartitionPurge {
  dropped: DroppedPartition[];
  /** Partitions left to the batches, with why (the plan's, plus drops that failed and were undone). */
  byRows: PartitionByRows[];
  /** Tables an earlier run detached but did not drop, attached again before this one started. */
  reattached: string[];
}

/** Undefined for rules whose table is not partitioned, and for soft-delete rules (their column is not the key). */
export async function planPartitions(client: pg.ClientBase, target: RuleTarget): Promise<PartitionPlan | undefined> {
  if (!target.partitioned || target.kind !== 'age') return undefined;
  const layout = await partitionLayout(client, target, target.effectiveCutoff);
  const detach = !layout.hasDefault && (await canDetachConcurrently(client)) ? 'concurrently' : 'with-lock-timeout';
  const plan: PartitionPlan = { detach, drop: [], rows: [] };
  if (layout.unsuitable) return { ...plan, unsuitable: layout.unsuitable };
  const blocker =
    target.where !== undefined
      ? "the rule's where filter keeps some of its rows"
      : target.dependants.length > 0
        ? `other tables reference ${target.table} (${target.dependants.map((d) => d.table).join(', ')})`
        : undefined;
  for (const p of layout.partitions) {
    if (p.position === 'after') continue; // nothing in it has expired
    const reason = await byRowsReason(client, target, p, blocker);
    if (reason) plan.rows.push({ name: p.name, bounds: p.bound, reason });
    else plan.drop.push({ name: p.name, bounds: p.bound, estimatedRows: p.estimatedRows, bytes: p.bytes });
  }
  return plan;
}

async function byRowsReason(client: pg.ClientBase, target: RuleTarget, p: PartitionFacts, blocker?: string) {
  if (p.position === 'default') return 'the default partition: only its expired rows go';
  if (p.position === 'straddles') return 'it straddles the cutoff: only its expired rows go';
  if (!p.leaf) return 'it is partitioned itself';
  if (blocker) return blocker;
  if (await partitionHasHold(client, target, p.name)) return 'a legal hold names rows in it';
  return undefined;
}

export interface DropSetup {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** Rows per archive object when the rule archives. */
  batchSize: number;
  /** Archives one chunk of a partition's rows (JSON text, key order); set when the rule has archive-to. */
  archive?: (partition: string, chunk: number, rows: string[], keys: string[]) => Promise<ArchiveRecord>;
  /** True once the run must stop: no further partition is started. */
  stopped: () => boolean;
  log: Logger;
}

/**
 * Drops the partitions the plan would drop, one at a time: marked, detached, then in one transaction under the
 * detached table's lock the holds checked again (a hold added since the plan still protects), its rows archived and
 * counted, and the table dropped. A partition whose drop fails is attached again and left to the batches.
 *
 * Fills `result` as it goes rather than returning it: when a later step throws (attaching a partition back fails),
 * the partitions already dropped are gone for good and the caller's receipt must still name them.
 */
export async function dropExpiredPartitions(
  client: pg.ClientBase,
  target: RuleTarget,
  setup: DropSetup,
  result: PartitionPurge,
): Promise<void> {
  result.reattached.push(...(await reattachDetached(client, target.table, setup.lockTimeoutMs)));
  for (const name of result.reattached)
    setup.log.warn(`Rule '${target.rule}': ${name} was detached by an interrupted run; attached again`);
  const plan = await planPartitions(client, target);
  result.byRows.push(...(plan?.rows ?? []));
  for (const p of plan?.drop ?? []) {
    if (setup.stopped()) break;
    try {
      await detachPartition(
        client,
        target.table,
        { name: p.name, bound: p.bounds },
        {
          concurrently: plan!.detach === 'concurrently',
          lockTimeoutMs: setup.lockTimeoutMs,
          statementTimeoutMs: setup.statementTimeoutMs,
        },
      );
    } catch (error) {
      // Nothing changed but the marker (a pending CONCURRENTLY detach is finished and undone by the next run).
      await reattachDetached(client, target.table, setup.lockTimeoutMs, p.name).catch(() => undefined);
      result.byRows.push({ name: p.name, bounds: p.bounds, reason: `its detach failed (${reasonOf(error)})` });
      continue;
    }
    try {
      const dropped = await dropDetached(client, p.name, setup, () => archiveAndCount(client, target, p, setup));
      result.dropped.push(dropped);
      setup.log.info(`Rule '${target.rule}': partition ${p.name} (${dropped.rows} rows) detached and dropped`);
    } catch (error) {
      await reattachDetached(client, target.table, setup.lockTimeoutMs, p.name);
      result.byRows.push({ name: p.name, bounds: p.bounds, reason: `not dropped (${reasonOf(error)})` });
    }
  }
}

class HoldAppeared extends Error {}

async function archiveAndCount(
  client: pg.ClientBase,
  target: RuleTarget,
  p: PartitionToDrop,
  setup: DropSetup,
): Promise<DroppedPartition> {
  if (await partitionHasHold(client, target, p.name)) throw new HoldAppeared('a legal hold names rows in it');
  const archives: ArchiveRecord[] = [];
  if (!setup.archive) return { name: p.name, bounds: p.bounds, rows: await countRows(client, p.name), archives };
  let rows = 0;
  let afterKey: string[] | undefined;
  for (let chunk = 1; ; chunk++) {
    const next = await partitionChunk(client, target, p.name, setup.batchSize, afterKey);
    if (next.rows.length === 0) break;
    archives.push(await setup.archive(p.name, chunk, next.rows, next.keys));
    rows += next.rows.length;
    if (next.rows.length < setup.batchSize) break;
    afterKey = next.lastKey;
  }
  return { name: p.name, bounds: p.bounds, rows, archives };
}

function reasonOf(error: unknown): string {
  if (error instanceof HoldAppeared) return error.message;
  if (isLockTimeout(error)) return 'lock-timeout reached';
  return asDbopsError(error).message;
}
