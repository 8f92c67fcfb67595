// The maintenance plan: what the live database needs, why (with the figures), the lock each step takes, how long it
// should take and what it gains. Nothing here runs a step; report-only steps are never applied by dbops.
import type pg from 'pg';
import {
  btreeIndexSizes,
  duplicateIndexes,
  invalidIndexes,
  sequenceUsage,
  tableHealth,
  unusedIndexes,
} from '../databases/postgres/maintenance-catalog.js';
import { quoteIdent } from '../databases/postgres/inventory.js';

export interface MaintenanceThresholds {
  /** Dead tuples / (live + dead) at or above which a table is vacuumed … */
  deadTupleRatio: number;
  /** … when it has at least this many dead tuples (small tables are autovacuum's job). */
  minDeadTuples: number;
  /** Rows modified since the last ANALYZE / live rows at or above which statistics are stale … */
  staleStatsRatio: number;
  minModifiedRows: number;
  /** age(relfrozenxid) at or above which a table is frozen (autovacuum forces it at 200 million by default). */
  xidAge: number;
  /** Estimated bloat (1 - expected / actual size) at or above which an index is rebuilt … */
  indexBloatRatio: number;
  /** … when it is at least this big. Also the smallest unused index worth reporting. */
  minIndexBytes: number;
  /** last_value / max_value at or above which a sequence is reported. */
  sequenceUsedRatio: number;
}

export const DEFAULT_THRESHOLDS: MaintenanceThresholds = {
  deadTupleRatio: 0.2,
  minDeadTuples: 1000,
  staleStatsRatio: 0.2,
  minModifiedRows: 1000,
  xidAge: 150_000_000,
  indexBloatRatio: 0.5,
  minIndexBytes: 10 * 1024 * 1024,
  sequenceUsedRatio: 0.8,
};

export type StepKind =
  | 'vacuum-analyze'
  | 'vacuum-freeze'
  | 'reindex-invalid'
  | 'drop-invalid-leftover'
  | 'reindex-bloated'
  | 'drop-duplicate-index'
  | 'drop-unused-index'
  | 'widen-sequence';

export interface MaintenanceStep {
  kind: StepKind;
  /** Schema-qualified, quoted name of the table, index or sequence. */
  object: string;
  statement: string;
  /** 'apply' steps may be run by `--apply`; 'report' steps are for a person to decide. */
  mode: 'apply' | 'report';
  why: string;
  figures: Record<string, number>;
  lock: string;
  estimatedSeconds: number;
  expectedGain: string;
}

export interface MaintenancePlan {
  steps: MaintenanceStep[];
}

// Rough throughputs on ordinary disks, for an order of magnitude, not a promise.
const VACUUM_BYTES_PER_S = 100 * 1024 * 1024;
const REINDEX_BYTES_PER_S = 30 * 1024 * 1024;
const SHARE_UPDATE_EXCLUSIVE = 'SHARE UPDATE EXCLUSIVE on the table (reads and writes continue; DDL waits)';

const seconds = (bytes: number, rate: number) => Math.max(1, Math.ceil(bytes / rate));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;
const qualified = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

/** Reads the database through `client` and returns the steps, in the order they should run. */
export async function planMaintenance(
  client: pg.Client,
  thresholds: MaintenanceThresholds = DEFAULT_THRESHOLDS,
): Promise<MaintenancePlan> {
  const steps: MaintenanceStep[] = [];

  for (const t of await tableHealth(client)) {
    const table = qualified(t.schema, t.name);
    if (t.xidAge >= thresholds.xidAge) {
      steps.push({
        kind: 'vacuum-freeze',
        object: table,
        statement: `VACUUM (FREEZE, ANALYZE) ${table}`,
        mode: 'apply',
        why: `transaction-ID age ${t.xidAge} ≥ ${thresholds.xidAge}`,
        figures: { xidAge: t.xidAge, bytes: t.bytes },
        lock: SHARE_UPDATE_EXCLUSIVE,
        estimatedSeconds: seconds(t.bytes, VACUUM_BYTES_PER_S),
        expectedGain: 'resets the table’s transaction-ID age, keeping it far from wraparound',
      });
      continue;
    }
    const total = t.liveTuples + t.deadTuples;
    const deadRatio = total === 0 ? 0 : t.deadTuples / total;
    const staleRatio = t.modifiedSinceAnalyze / Math.max(t.liveTuples, 1);
    const dead = deadRatio >= thresholds.deadTupleRatio && t.deadTuples >= thresholds.minDeadTuples;
    const stale = staleRatio >= thresholds.staleStatsRatio && t.modifiedSinceAnalyze >= thresholds.minModifiedRows;
    if (!dead && !stale) continue;
    const reasons = [
      dead && `${t.deadTuples} dead tuples, ${pct(deadRatio)} of ${total} (≥ ${pct(thresholds.deadTupleRatio)})`,
      stale && `${t.modifiedSinceAnalyze} rows modified since the last ANALYZE, ${pct(staleRatio)} of the live rows`,
    ].filter(Boolean);
    steps.push({
      kind: 'vacuum-analyze',
      object: table,
      statement: `VACUUM (ANALYZE) ${table}`,
      mode: 'apply',
      why: reasons.join('; '),
      figures: {
        liveTuples: t.liveTuples,
        deadTuples: t.deadTuples,
        deadRatio,
        modifiedSinceAnalyze: t.modifiedSinceAnalyze,
        bytes: t.bytes,
      },
      lock: SHARE_UPDATE_EXCLUSIVE,
      estimatedSeconds: seconds(t.bytes, VACUUM_BYTES_PER_S),
      expectedGain: dead
        ? `about ${mb(t.bytes * deadRatio)} made reusable, fresh planner statistics`
        : 'fresh planner statistics',
    });
  }

  for (const i of await invalidIndexes(client)) {
    const index = qualified(i.schema, i.name);
    // The transient copy of an interrupted REINDEX CONCURRENTLY: PostgreSQL's advice is to drop it, not rebuild it.
    if (/_cc(new|old)\d*$/.test(i.name)) {
      steps.push({
        ...dropIndex('drop-invalid-leftover', index, i.bytes),
        mode: 'apply',
        why: `invalid index on ${qualified(i.schema, i.table)} left by an interrupted REINDEX CONCURRENTLY: maintained on every write, never used`,
        figures: { bytes: i.bytes },
      });
      continue;
    }
    steps.push({
      ...reindex('reindex-invalid', index, i.bytes),
      why: `invalid index on ${qualified(i.schema, i.table)} (left by a failed CREATE INDEX CONCURRENTLY): maintained on every write, never used by queries`,
      figures: { bytes: i.bytes },
      expectedGain: 'a usable index; if the rebuild fails again (e.g. duplicates under a unique index), drop it',
    });
  }

  for (const i of await btreeIndexSizes(client, thresholds.minIndexBytes)) {
    const bloat = 1 - i.expectedBytes / i.bytes;
    if (bloat < thresholds.indexBloatRatio) continue;
    const index = qualified(i.schema, i.name);
    steps.push({
      ...reindex('reindex-bloated', index, i.bytes),
      why: `estimated bloat ${pct(bloat)}: ${mb(i.bytes)} where a fresh build would take about ${mb(i.expectedBytes)}`,
      figures: { bytes: i.bytes, expectedBytes: i.expectedBytes, bloatRatio: bloat },
      expectedGain: `about ${mb(i.bytes - i.expectedBytes)} freed`,
    });
  }

  for (const group of await duplicateIndexes(client)) {
    const [kept, ...duplicates] = group.indexes;
    for (const d of duplicates) {
      const index = qualified(d.schema, d.name);
      steps.push({
        ...dropIndex('drop-duplicate-index', index, d.bytes),
        why: `same columns, operator classes and predicate as ${qualified(kept!.schema, kept!.name)} on ${qualified(group.schema, group.table)}`,
        figures: { bytes: d.bytes },
      });
    }
  }

  for (const i of await unusedIndexes(client, thresholds.minIndexBytes)) {
    const index = qualified(i.schema, i.name);
    steps.push({
      ...dropIndex('drop-unused-index', index, i.bytes),
      why: `never scanned since statistics were last reset (check replicas before dropping): ${mb(i.bytes)}`,
      figures: { bytes: i.bytes, scans: i.scans },
    });
  }

  for (const s of await sequenceUsage(client)) {
    const used = s.lastValue / s.maxValue;
    if (used < thresholds.sequenceUsedRatio) continue;
    const sequence = qualified(s.schema, s.name);
    steps.push({
      kind: 'widen-sequence',
      object: sequence,
      statement: `ALTER SEQUENCE ${sequence} AS bigint MAXVALUE 9223372036854775807`,
      mode: 'report',
      why: `${pct(used)} used: last value ${s.lastValue} of maximum ${s.maxValue} (${s.dataType}); the columns it fills must be bigint too`,
      figures: { lastValue: s.lastValue, maxValue: s.maxValue, usedRatio: used },
      lock: 'ACCESS EXCLUSIVE on the sequence, briefly',
      estimatedSeconds: 1,
      expectedGain: 'nextval() keeps working instead of failing when the maximum is reached',
    });
  }

  return { steps };
}

/** What every concurrent rebuild of an index shares: applied, one lock level, time by size. */
function reindex(kind: MaintenanceStep['kind'], index: string, bytes: number) {
  return {
    kind,
    object: index,
    statement: `REINDEX INDEX CONCURRENTLY ${index}`,
    mode: 'apply' as const,
    lock: SHARE_UPDATE_EXCLUSIVE,
    estimatedSeconds: seconds(bytes, REINDEX_BYTES_PER_S),
  };
}

/** What every suggested index drop shares: reported, never applied. */
function dropIndex(kind: MaintenanceStep['kind'], index: string, bytes: number) {
  return {
    kind,
    object: index,
    statement: `DROP INDEX CONCURRENTLY ${index}`,
    mode: 'report' as const,
    lock: 'SHARE UPDATE EXCLUSIVE on the table, briefly ACCESS EXCLUSIVE on the index',
    estimatedSeconds: 1,
    expectedGain: `${mb(bytes)} freed and one index fewer to maintain on every write`,
  };
}
