// Report-only suggestions: what a person should decide, with the statement to run. A missing index changes query
// plans and an autovacuum setting changes the server's background work: dbops never applies either.
import type { TableHealth } from '../databases/postgres/maintenance-catalog.js';
import type { UnindexedForeignKey } from '../databases/postgres/maintenance-tables.js';
import { quoteIdent } from '../databases/postgres/inventory.js';
import type { MaintenanceStep } from './step.js';
import { mb, qualified, REINDEX_BYTES_PER_S, SHARE_UPDATE_EXCLUSIVE, seconds } from './step-figures.js';

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
const MAX_NAME_BYTES = 63;

/** `<table>_<columns>_idx`, cut to 63 bytes like PostgreSQL's own default names. */
export function indexName(table: string, columns: readonly string[]): string {
  const suffix = '_idx';
  let base = `${table}_${columns.join('_')}`;
  while (Buffer.byteLength(base + suffix) > MAX_NAME_BYTES) base = base.slice(0, -1);
  return base + suffix;
}

export function foreignKeyIndexSteps(keys: readonly UnindexedForeignKey[]): MaintenanceStep[] {
  return keys.map((k) => {
    const table = qualified(k.schema, k.table);
    const columns = k.columns.map(quoteIdent).join(', ');
    const indexBytes = (k.rows * (k.keyWidth + 12)) / 0.9;
    return {
      kind: 'create-foreign-key-index',
      object: table,
      statement: `CREATE INDEX CONCURRENTLY ${quoteIdent(indexName(k.table, k.columns))} ON ${table} (${columns})`,
      mode: 'report',
      why: `foreign key ${quoteIdent(k.constraint)} (${columns}) → ${k.referenced} has no index: every delete or key update in ${k.referenced} reads all of ${table} (${mb(k.bytes)}; ${k.seqScans} sequential scans so far, ${k.seqRowsRead} rows read)`,
      figures: { bytes: k.bytes, rows: k.rows, seqScans: k.seqScans, seqRowsRead: k.seqRowsRead, indexBytes },
      lock: `${SHARE_UPDATE_EXCLUSIVE}; if the build fails it leaves an invalid index to drop`,
      estimatedSeconds: seconds(k.bytes, REINDEX_BYTES_PER_S),
      expectedGain: `deletes in ${k.referenced} and joins on (${columns}) use an index of about ${mb(indexBytes)} instead of scanning ${mb(k.bytes)}`,
    };
  });
}

/** What has piled up since the last vacuum should have taken this many autovacuum runs: smaller, more often. */
const RUNS_PER_BACKLOG = 4;
const MIN_SCALE_FACTOR = 0.001;

/** Two significant digits: a setting a person reads, not a computed float. */
const round2 = (x: number) => Number(x.toPrecision(2));

const ago = (s: number) => (s >= 86_400 ? `${(s / 86_400).toFixed(1)} days` : `${(s / 3600).toFixed(1)} hours`);

/**
 * Tables where autovacuum is on but has not kept up: dead tuples past the table's autovacuum threshold and no vacuum
 * for `lagSeconds` (or ever). Suggests the scale factor at which autovacuum would have run four times over the dead
 * tuples gathered since (at least `minDeadTuples` rows each), when that is lower than the one in force.
 */
export function autovacuumSteps(tables: readonly TableHealth[], minDeadTuples: number, lagSeconds: number) {
  const steps: MaintenanceStep[] = [];
  for (const t of tables) {
    const av = t.autovacuum;
    if (!av.enabled || t.deadTuples < minDeadTuples || t.liveTuples <= 0) continue;
    const threshold = av.threshold + av.scaleFactor * t.liveTuples;
    const age = t.lastVacuumAgeSeconds ?? t.statsAgeSeconds;
    if (t.deadTuples <= threshold || age < lagSeconds) continue;
    const churnPerDay = (t.changedRows / Math.max(t.statsAgeSeconds, 1)) * 86_400;
    const target = Math.max(minDeadTuples, t.deadTuples / RUNS_PER_BACKLOG);
    const scaleFactor = Math.max(MIN_SCALE_FACTOR, round2(target / t.liveTuples));
    if (scaleFactor >= av.scaleFactor) continue;
    const table = qualified(t.schema, t.name);
    const newThreshold = Math.round(av.threshold + scaleFactor * t.liveTuples);
    steps.push({
      kind: 'tune-autovacuum',
      object: table,
      statement: `ALTER TABLE ${table} SET (autovacuum_vacuum_scale_factor = ${scaleFactor})`,
      mode: 'report',
      why: `autovacuum is not keeping up: ${t.deadTuples} dead tuples are past its threshold of ${Math.round(threshold)} (${av.threshold} + ${av.scaleFactor} × ${t.liveTuples} rows), and the last vacuum was ${t.lastVacuumAgeSeconds === null ? `never (statistics cover ${ago(t.statsAgeSeconds)})` : `${ago(age)} ago`}; churn about ${Math.round(churnPerDay)} updated or deleted rows a day`,
      figures: {
        deadTuples: t.deadTuples,
        liveTuples: t.liveTuples,
        threshold,
        scaleFactor: av.scaleFactor,
        suggestedScaleFactor: scaleFactor,
        churnPerDay,
        secondsSinceVacuum: age,
        bytes: t.bytes,
      },
      lock: 'SHARE UPDATE EXCLUSIVE on the table, for a moment (a catalog change)',
      estimatedSeconds: 1,
      expectedGain: `autovacuum starts at about ${newThreshold} dead tuples instead of ${Math.round(threshold)}: smaller, more frequent runs that keep the table from bloating`,
    });
  }
  return steps;
}
