/**
 * After the purge and its receipt: VACUUM (ANALYZE) of each table whose rows it deleted or rewrote, so their space is
 * reused and the planner's statistics no longer count the rows that went. Under the purge's lock_timeout: a table
 * someone holds a lock on is skipped and reported, never waited for (autovacuum gets to it later). A failed VACUUM
 * never fails the purge: the rows are gone either way. Not after an aborted run: it was asked to stop.
 */
import type pg from 'pg';
import { vacuumAnalyze } from '../databases/postgres/data-retention-vacuum.js';
import { isLockTimeout } from '../databases/postgres/lock-wait.js';
import { asDbopsError } from '../errors.js';
import type { Logger } from '../log.js';

export interface VacuumOutcome {
  table: string;
  outcome: 'vacuumed' | 'skipped';
  durationMs: number;
  /** Why it was skipped. */
  reason?: string;
}

export async function vacuumPurged(
  client: pg.ClientBase,
  purge: {
    outcome: string;
    rules: { table: string; batches: number; partitions?: { byRows: { name: string }[] } }[];
  },
  lockTimeoutMs: number,
  log: Logger,
): Promise<VacuumOutcome[] | undefined> {
  if (purge.outcome === 'aborted') return undefined;
  const { rules } = purge;
  // Batches leave dead rows; dropped partitions left none. On a partitioned table only the partitions the batches
  // went through are vacuumed, not every month the parent has.
  const tables = [
    ...new Set(
      rules
        .filter((r) => r.batches > 0)
        .flatMap((r) =>
          r.partitions && r.partitions.byRows.length > 0 ? r.partitions.byRows.map((p) => p.name) : [r.table],
        ),
    ),
  ];
  const outcomes: VacuumOutcome[] = [];
  for (const table of tables) {
    const start = performance.now();
    try {
      await vacuumAnalyze(client, table, lockTimeoutMs);
      outcomes.push({ table, outcome: 'vacuumed', durationMs: Math.round(performance.now() - start) });
    } catch (error) {
      const reason = isLockTimeout(error)
        ? `another session held a conflicting lock for longer than lock-timeout (${lockTimeoutMs} ms)`
        : asDbopsError(error).message;
      log.warn(`VACUUM (ANALYZE) ${table} skipped: ${reason}`);
      outcomes.push({ table, outcome: 'skipped', durationMs: Math.round(performance.now() - start), reason });
    }
  }
  return outcomes;
}
