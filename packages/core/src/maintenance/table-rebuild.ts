// Bloated tables: space left by updates and deletes that VACUUM makes reusable but never gives back. Rebuilding gives
// it back: online with pg_repack when the database has the extension (and the table a key it can use), otherwise
// VACUUM FULL, which holds ACCESS EXCLUSIVE for the whole rewrite, so only when allowed and only up to a size.
import type { TableBloatInput } from '../databases/postgres/maintenance-tables.js';
import { expectedPages } from '../monitor/checks/bloat.js';
import type { MaintenanceStep } from './step.js';
import { mb, pct, qualified, REWRITE_BYTES_PER_S, seconds } from './step-figures.js';

export interface TableRebuildPolicy {
  /** VACUUM FULL may be applied (allow-vacuum-full); otherwise it is only reported. */
  allowVacuumFull: boolean;
  /** Largest table VACUUM FULL is applied to (vacuum-full-max-size). */
  vacuumFullMaxBytes: number;
}

export const DEFAULT_REBUILD_POLICY: TableRebuildPolicy = {
  allowVacuumFull: false,
  vacuumFullMaxBytes: 1024 * 1024 * 1024,
};

/** A table's estimated bloat: 1 - pages a fresh copy would need / pages it has. Undefined without statistics. */
export function tableBloat(t: TableBloatInput): { ratio: number; bytes: number; expectedBytes: number } | undefined {
  if (t.width === null || t.tuples < 0 || t.pages <= 0) return undefined;
  const expected = Math.min(t.pages, expectedPages({ ...t, width: t.width }));
  return { ratio: 1 - expected / t.pages, bytes: t.pages * t.blockSize, expectedBytes: expected * t.blockSize };
}

/** Shell-quoted, so the statement shown can be pasted as it is. */
const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** The command line of a pg_repack step (the connection comes from PG* variables, never the arguments). */
export const repackCommand = (table: string) => `pg_repack --no-kill-backend --table ${shellQuote(table)}`;

/** The rebuild steps, and the tables an 'apply' rebuild replaces VACUUM and REINDEX for. */
export function planTableRebuilds(
  tables: readonly TableBloatInput[],
  minRatio: number,
  hasPgRepack: boolean,
  policy: TableRebuildPolicy,
): Map<string, MaintenanceStep> {
  const steps = new Map<string, MaintenanceStep>();
  for (const t of tables) {
    const bloat = tableBloat(t);
    if (!bloat || bloat.ratio < minRatio) continue;
    const table = qualified(t.schema, t.name);
    const why = `estimated bloat ${pct(bloat.ratio)}: ${mb(bloat.bytes)} where a fresh copy would take about ${mb(bloat.expectedBytes)}`;
    const figures = { bytes: bloat.bytes, expectedBytes: bloat.expectedBytes, bloatRatio: bloat.ratio };
    const expectedGain = `about ${mb(bloat.bytes - bloat.expectedBytes)} given back to the file system, its indexes rebuilt too`;
    const estimatedSeconds = seconds(bloat.bytes, REWRITE_BYTES_PER_S);
    if (hasPgRepack && t.repackable) {
      steps.set(table, {
        kind: 'repack-table',
        object: table,
        statement: repackCommand(table),
        mode: 'apply',
        why: `${why}; pg_repack rebuilds it online`,
        figures,
        lock: 'ACCESS EXCLUSIVE only briefly, at the start and the swap (pg_repack waits lock-timeout, never kills sessions); reads and writes continue',
        estimatedSeconds,
        expectedGain,
      });
      continue;
    }
    const guard = !policy.allowVacuumFull
      ? 'allow-vacuum-full is off'
      : bloat.bytes > policy.vacuumFullMaxBytes
        ? `${mb(bloat.bytes)} is over vacuum-full-max-size (${mb(policy.vacuumFullMaxBytes)})`
        : undefined;
    const noRepack = hasPgRepack
      ? 'pg_repack needs a primary key or a unique index on NOT NULL columns'
      : 'the pg_repack extension is not installed in this database';
    steps.set(table, {
      kind: 'vacuum-full',
      object: table,
      statement: `VACUUM (FULL, ANALYZE) ${table}`,
      mode: guard ? 'report' : 'apply',
      why: `${why}; ${noRepack}${guard ? `; not applied: ${guard}` : ''}`,
      figures,
      lock: 'ACCESS EXCLUSIVE on the table for the whole rewrite: reads and writes wait (lock-timeout bounds only the wait for it)',
      estimatedSeconds,
      expectedGain,
    });
  }
  return steps;
}
