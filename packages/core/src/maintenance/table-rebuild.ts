// Bloated tables: space left by updates and deletes that VACUUM makes reusable but never gives back. Rebuilding gives
// it back: online with pg_repack when the database has the extension (and the table a key it can use), otherwise
// VACUUM FULL, which holds ACCESS EXCLUSIVE for the whole rewrite, so only when allowed and only up to a size.
import type { TableBloatInput } from '../databases/postgres/maintenance-tables.js';
import type { MeasuredTable, MeasureFailure } from '../databases/postgres/pgstattuple-bloat.js';
import { expectedPages, LINE_POINTER, MAXALIGN, PAGE_HEADER } from '../monitor/checks/bloat.js';
import type { MaintenanceStep } from './step.js';
import { mb, pct, qualified, REWRITE_BYTES_PER_S, seconds } from './step-figures.js';

export interface TableRebuildPolicy {
  /** VACUUM FULL may be applied (allow-vacuum-full); otherwise it is only reported. */
  allowVacuumFull: boolean;
  /** Largest table, with its indexes and TOAST, VACUUM FULL is applied to (vacuum-full-max-size). */
  vacuumFullMaxBytes: number;
}

export const DEFAULT_REBUILD_POLICY: TableRebuildPolicy = {
  allowVacuumFull: false,
  vacuumFullMaxBytes: 1024 * 1024 * 1024,
};

export interface TableBloat {
  ratio: number;
  bytes: number;
  expectedBytes: number;
  /** Where the estimate came from, for the plan: pgstattuple_approx, or the statistics and why. */
  source: string;
}

/**
 * A table's estimated bloat: 1 - bytes a fresh copy at its fillfactor would need / bytes it has. From
 * pgstattuple_approx's live tuples when measured (`measured`), else from the statistics (undefined without them);
 * `fallback` says why the statistics were used.
 */
export function tableBloat(
  t: TableBloatInput,
  measured?: MeasuredTable | MeasureFailure,
  fallback = 'pgstattuple is not installed',
): TableBloat | undefined {
  if (measured && !('failed' in measured)) {
    if (measured.tableBytes <= 0) return undefined;
    // On the pages it reads, live bytes are the tuples' own lengths: add a line pointer and average alignment
    // padding per row. On the pages it does not (all-visible), they are the page less its recorded free space,
    // headers and line pointers already in.
    const scanned = measured.scannedPercent / 100;
    const live = measured.liveTupleBytes + scanned * measured.liveTuples * (LINE_POINTER + MAXALIGN / 2);
    const usable = ((t.blockSize - PAGE_HEADER) * t.fillfactor) / 100;
    const pages = Math.ceil(live / usable);
    const expectedBytes = Math.min(measured.tableBytes, pages * t.blockSize);
    return {
      ratio: 1 - expectedBytes / measured.tableBytes,
      bytes: measured.tableBytes,
      expectedBytes,
      source: `pgstattuple_approx (${Math.round(measured.scannedPercent)}% of the pages read, the rest from the free-space map)`,
    };
  }
  if (t.width === null || t.tuples < 0 || t.pages <= 0) return undefined;
  const expected = Math.min(t.pages, expectedPages({ ...t, width: t.width }));
  const why = measured && 'failed' in measured ? measured.failed : fallback;
  return {
    ratio: 1 - expected / t.pages,
    bytes: t.pages * t.blockSize,
    expectedBytes: expected * t.blockSize,
    source: `statistics: pg_class and pg_stats (${why})`,
  };
}

/** Shell-quoted, so the statement shown can be pasted as it is. */
const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** The command line of a pg_repack step (the connection comes from PG* variables, never the arguments). */
export const repackCommand = (table: string) => `pg_repack --no-kill-backend --table ${shellQuote(table)}`;

/**
 * The rebuild steps, and the tables an 'apply' rebuild replaces VACUUM and REINDEX for. `measured`: pgstattuple_approx
 * of the tables, keyed by `${schema}.${name}` (empty without the extension: every estimate from the statistics);
 * `flagged`: tables a monitor-report finding names, rebuilt even below `minRatio`.
 */
export function planTableRebuilds(
  tables: readonly TableBloatInput[],
  minRatio: number,
  hasPgRepack: boolean,
  policy: TableRebuildPolicy,
  measured: ReadonlyMap<string, MeasuredTable | MeasureFailure> = new Map(),
  flagged: (table: string) => boolean = () => false,
): Map<string, MaintenanceStep> {
  const steps = new Map<string, MaintenanceStep>();
  for (const t of tables) {
    const bloat = tableBloat(t, measured.get(`${t.schema}.${t.name}`));
    const table = qualified(t.schema, t.name);
    if (!bloat || (bloat.ratio < minRatio && !flagged(table))) continue;
    const why = `estimated bloat ${pct(bloat.ratio)} (from ${bloat.source}): ${mb(bloat.bytes)} where a fresh copy would take about ${mb(bloat.expectedBytes)}`;
    const figures = { bytes: bloat.bytes, expectedBytes: bloat.expectedBytes, bloatRatio: bloat.ratio };
    const source = bloat.source;
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
        source,
        lock: 'ACCESS EXCLUSIVE only briefly, at the start and the swap (pg_repack waits lock-timeout, never kills sessions); reads and writes continue',
        estimatedSeconds,
        expectedGain,
      });
      continue;
    }
    // VACUUM FULL writes a new copy of the table, its indexes and its TOAST before it drops the old: that is the
    // free space it needs and the time it holds its lock for, so that is what vacuum-full-max-size bounds.
    const rewriteBytes = bloat.bytes + t.indexAndToastPages * t.blockSize;
    const guard = !policy.allowVacuumFull
      ? 'allow-vacuum-full is off'
      : rewriteBytes > policy.vacuumFullMaxBytes
        ? `${mb(rewriteBytes)} (the table ${mb(bloat.bytes)} with its indexes and TOAST, all of which VACUUM FULL rewrites) is over vacuum-full-max-size (${mb(policy.vacuumFullMaxBytes)})`
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
      source,
      lock: 'ACCESS EXCLUSIVE on the table for the whole rewrite: reads and writes wait (lock-timeout bounds only the wait for it)',
      estimatedSeconds,
      expectedGain,
    });
  }
  return steps;
}
