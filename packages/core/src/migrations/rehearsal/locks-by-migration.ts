/**
 * The sampler's episodes folded into what a person reads: per migration and table, the strongest lock mode it took
 * and how long that mode was held, with the table's size and row estimate.
 */
import { type LockMode, lockStrength } from './lock-modes.js';
import type { LockEpisode } from './lock-sampler.js';

export interface RehearsedLock {
  /** schema.table, as shown to people. */
  relation: string;
  schema: string;
  table: string;
  /** The strongest mode taken on this table. */
  mode: LockMode;
  /**
   * How long that mode was held: from the first to the last sample that saw it granted (the longest such span when
   * it was taken in several transactions). A lower bound, up to one sample interval short at either end; 0 when a
   * single sample saw it.
   */
  heldMs: number;
  /** Samples that saw the mode granted. */
  samples: number;
  /** How long a session waited for a lock on this table (first to last sample that saw it waiting), when it did. */
  waitedMs?: number;
  /** Heap, indexes and TOAST, read once from the catalog after the run (absent when the table is gone). */
  sizeBytes?: number;
  /** The planner's estimate before the migration (pg_class.reltuples); absent when never analyzed. */
  rowsEstimate?: number;
}

/** Groups episodes by table; the locks strongest first, then longest held. `sizes` by oid. */
export function foldLocks(episodes: LockEpisode[], sizes: Map<string, number>): RehearsedLock[] {
  const byTable = new Map<string, LockEpisode[]>();
  for (const episode of episodes) byTable.set(episode.oid, [...(byTable.get(episode.oid) ?? []), episode]);
  const locks: RehearsedLock[] = [];
  for (const [oid, group] of byTable) {
    const granted = group.filter((e) => e.grantedSamples > 0);
    // A table only waited for still counts: the wait itself blocks everyone queued behind it.
    const considered = granted.length > 0 ? granted : group;
    const mode = considered.reduce<LockMode>(
      (strongest, e) => (lockStrength(e.mode) > lockStrength(strongest) ? e.mode : strongest),
      considered[0]!.mode,
    );
    const ofMode = considered.filter((e) => e.mode === mode);
    const heldMs = Math.max(0, ...ofMode.map((e) => span(e.firstGrantedAt, e.lastGrantedAt)));
    const waited = group.filter((e) => e.waitSamples > 0);
    const first = group[0]!;
    const size = sizes.get(oid);
    const rows = group.find((e) => e.rowsEstimate !== undefined)?.rowsEstimate;
    locks.push({
      relation: `${first.schema}.${first.table}`,
      schema: first.schema,
      table: first.table,
      mode,
      heldMs,
      samples: ofMode.reduce((sum, e) => sum + e.grantedSamples, 0),
      ...(waited.length > 0 ? { waitedMs: Math.max(...waited.map((e) => span(e.firstWaitAt, e.lastWaitAt))) } : {}),
      ...(size !== undefined ? { sizeBytes: size } : {}),
      ...(rows !== undefined ? { rowsEstimate: rows } : {}),
    });
  }
  return locks.sort((a, b) => lockStrength(b.mode) - lockStrength(a.mode) || b.heldMs - a.heldMs);
}

function span(first: Date | undefined, last: Date | undefined): number {
  return first && last ? last.getTime() - first.getTime() : 0;
}
