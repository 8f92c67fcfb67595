// The maintenance plan: what the live database needs, why (with the figures), the lock each step takes, how long it
// should take and what it gains. Nothing here runs a step; report-only steps are never applied by dbops.
import type pg from 'pg';
import {
  btreeIndexSizes,
  duplicateIndexes,
  invalidIndexes,
  type SequenceUsage,
  sequenceUsage,
  tableHealth,
  unusedIndexes,
} from '../databases/postgres/maintenance-catalog.js';
import {
  installedExtensions,
  tableBloatInputs,
  unindexedForeignKeys,
} from '../databases/postgres/maintenance-tables.js';
import { measureTables } from '../databases/postgres/pgstattuple-bloat.js';
import { isRepackWorkTable, repackLeftovers } from '../databases/postgres/repack-leftovers.js';
import { quoteIdent } from '../databases/postgres/inventory.js';
import { resolveRelations } from '../databases/postgres/resolve-relations.js';
import { invalidInput } from '../errors.js';
import type { Finding } from '../monitor/types.js';
import {
  attachFindings,
  type FindingsByObject,
  findingsOf,
  type MonitorFindings,
  RAISING_CHECKS,
} from './monitor-findings.js';
import {
  mb,
  pct,
  qualified,
  REINDEX_BYTES_PER_S,
  REWRITE_BYTES_PER_S,
  SHARE_UPDATE_EXCLUSIVE,
  seconds,
  VACUUM_BYTES_PER_S,
} from './step-figures.js';
import { repackLeftoverSteps } from './repack-leftover-steps.js';
import type { MaintenanceStep } from './step.js';
import { autovacuumSteps, foreignKeyIndexSteps } from './suggestions.js';
import { DEFAULT_REBUILD_POLICY, planTableRebuilds, type TableRebuildPolicy } from './table-rebuild.js';

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
  /** Estimated table bloat at or above which a table is rebuilt (pg_repack, or VACUUM FULL when allowed) … */
  tableBloatRatio: number;
  /** … when its main fork is at least this big. Also the smallest table whose unindexed foreign keys are reported. */
  minTableBytes: number;
  /** Sequential scans of a table at or above which its unindexed foreign keys are reported. */
  minSeqScans: number;
  /** Autovacuum is reported as not keeping up when a table past its threshold has not been vacuumed for this long. */
  autovacuumLagSeconds: number;
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
  tableBloatRatio: 0.5,
  minTableBytes: 10 * 1024 * 1024,
  minSeqScans: 100,
  autovacuumLagSeconds: 86_400,
};

export type { MaintenanceStep, StepKind } from './step.js';

export interface MaintenancePlan {
  steps: MaintenanceStep[];
  /** With monitor-report findings: the report, how many findings named a step, and those none answers (why). */
  monitor?: { file: string; generatedAt: string; used: number; ignored: string[] };
}

/**
 * Reads the database through `client` and returns the steps, in the order they should run. A table that gets an
 * 'apply' rebuild (pg_repack, VACUUM FULL) gets no VACUUM and its indexes no REINDEX: the rebuild does both; only a
 * freeze it needs is planned after it too, which apply runs when the rebuild was not applied. What an
 * interrupted pg_repack left comes first (a rebuild of the same table is refused until it is gone), and pg_repack's
 * own work tables (schema repack) are never vacuumed, rebuilt or reindexed.
 */
export async function planMaintenance(
  client: pg.Client,
  thresholds: MaintenanceThresholds = DEFAULT_THRESHOLDS,
  rebuildPolicy: TableRebuildPolicy = DEFAULT_REBUILD_POLICY,
  monitor?: MonitorFindings,
): Promise<MaintenancePlan> {
  const steps: MaintenanceStep[] = [];
  const { byObject, ignored } = monitor
    ? await findingsByObject(client, monitor)
    : { byObject: new Map(), ignored: [] };
  const flagged = (object: string, checks: readonly string[]) => findingsOf(byObject, object, checks).length > 0;
  const extensions = await installedExtensions(client);
  if (extensions.has('pg_repack')) steps.push(...repackLeftoverSteps(await repackLeftovers(client)));
  const users = <T extends { schema: string }>(rows: T[], name: (row: T) => string) =>
    rows.filter((r) => !isRepackWorkTable(r.schema, name(r)));
  const health = users(await tableHealth(client), (t) => t.name);
  const bloatInputs = users(await tableBloatInputs(client, thresholds.minTableBytes), (t) => t.name);
  const rebuilds = planTableRebuilds(
    bloatInputs,
    thresholds.tableBloatRatio,
    extensions.has('pg_repack'),
    rebuildPolicy,
    extensions.has('pgstattuple') ? await measureTables(client, bloatInputs) : undefined,
    (table) => flagged(table, RAISING_CHECKS.bloat),
  );
  const rebuilt = (table: string) => rebuilds.get(table)?.mode === 'apply';

  for (const t of health) {
    const table = qualified(t.schema, t.name);
    const rebuild = rebuilds.get(table);
    if (rebuild) steps.push(rebuild);
    if (t.xidAge >= thresholds.xidAge || flagged(table, RAISING_CHECKS.freeze)) {
      // Planned after the rebuild too: a rebuild skipped (lock, window) or failed must not leave the table unfrozen.
      // When it is applied, apply skips this step (a rewrite freezes the table as well).
      const fallback = rebuilt(table) ? '; runs only if the rebuild before it is not applied' : '';
      steps.push({
        kind: 'vacuum-freeze',
        object: table,
        statement: `VACUUM (FREEZE, ANALYZE) ${table}`,
        mode: 'apply',
        why: `transaction-ID age ${t.xidAge}${t.xidAge >= thresholds.xidAge ? ` ≥ ${thresholds.xidAge}` : `, below ${thresholds.xidAge}`}${fallback}`,
        figures: { xidAge: t.xidAge, bytes: t.bytes },
        lock: SHARE_UPDATE_EXCLUSIVE,
        estimatedSeconds: seconds(t.bytes, VACUUM_BYTES_PER_S),
        expectedGain: 'resets the table’s transaction-ID age, keeping it far from wraparound',
      });
      continue;
    }
    if (rebuilt(table)) continue; // a rewrite also analyzes
    const total = t.liveTuples + t.deadTuples;
    const deadRatio = total === 0 ? 0 : t.deadTuples / total;
    const staleRatio = t.modifiedSinceAnalyze / Math.max(t.liveTuples, 1);
    const dead = deadRatio >= thresholds.deadTupleRatio && t.deadTuples >= thresholds.minDeadTuples;
    const stale = staleRatio >= thresholds.staleStatsRatio && t.modifiedSinceAnalyze >= thresholds.minModifiedRows;
    if (!dead && !stale && !flagged(table, RAISING_CHECKS.vacuum)) continue;
    const reasons = [
      dead && `${t.deadTuples} dead tuples, ${pct(deadRatio)} of ${total} (≥ ${pct(thresholds.deadTupleRatio)})`,
      stale && `${t.modifiedSinceAnalyze} rows modified since the last ANALYZE, ${pct(staleRatio)} of the live rows`,
    ].filter(Boolean);
    steps.push({
      kind: 'vacuum-analyze',
      object: table,
      statement: `VACUUM (ANALYZE) ${table}`,
      mode: 'apply',
      why: reasons.length > 0 ? reasons.join('; ') : `${t.deadTuples} dead tuples, below the plan's thresholds`,
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

  for (const i of users(await invalidIndexes(client), (i) => i.table)) {
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
    // REINDEX cannot make it valid (PostgreSQL 14+ would rebuild every partition's index each run, 12-13 refuse).
    if (i.partitioned) {
      steps.push({
        ...reindex('reindex-invalid', index, i.bytes),
        mode: 'report',
        statement: `ALTER INDEX ${index} ATTACH PARTITION <the matching index of each partition of ${qualified(i.schema, i.table)} not attached yet>`,
        why: `invalid index on the partitioned table ${qualified(i.schema, i.table)} (created ON ONLY the parent): it becomes valid once an index of every partition is attached to it`,
        figures: { bytes: i.bytes },
        expectedGain: 'a usable index on the partitioned table',
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

  for (const i of users(await btreeIndexSizes(client, thresholds.minIndexBytes), (i) => i.table)) {
    const bloat = 1 - i.expectedBytes / i.bytes;
    if (bloat < thresholds.indexBloatRatio || rebuilt(qualified(i.schema, i.table))) continue;
    const index = qualified(i.schema, i.name);
    steps.push({
      ...reindex('reindex-bloated', index, i.bytes),
      why: `estimated bloat ${pct(bloat)}: ${mb(i.bytes)} where a fresh build would take about ${mb(i.expectedBytes)}`,
      figures: { bytes: i.bytes, expectedBytes: i.expectedBytes, bloatRatio: bloat },
      expectedGain: `about ${mb(i.bytes - i.expectedBytes)} freed`,
    });
  }

  for (const group of users(await duplicateIndexes(client), (g) => g.table)) {
    const [kept, ...duplicates] = group.indexes;
    // A constraint's index, or one attached to a partitioned index: DROP INDEX refuses it.
    for (const d of duplicates.filter((d) => !d.locked)) {
      const index = qualified(d.schema, d.name);
      steps.push({
        ...(d.partitioned
          ? dropPartitionedIndex('drop-duplicate-index', index, d.bytes)
          : dropIndex('drop-duplicate-index', index, d.bytes)),
        why: `same key and INCLUDE columns, operator classes, sort orders and predicate as ${qualified(kept!.schema, kept!.name)} on ${qualified(group.schema, group.table)}`,
        figures: { bytes: d.bytes },
      });
    }
  }

  for (const i of users(await unusedIndexes(client, thresholds.minIndexBytes), (i) => i.table)) {
    const index = qualified(i.schema, i.name);
    steps.push({
      ...dropIndex('drop-unused-index', index, i.bytes),
      why: `never scanned since statistics were last reset (check replicas before dropping): ${mb(i.bytes)}`,
      figures: { bytes: i.bytes, scans: i.scans },
    });
  }

  for (const s of await sequenceUsage(client)) steps.push(...sequenceSteps(s, thresholds, flagged));
  steps.push(
    ...foreignKeyIndexSteps(
      users(await unindexedForeignKeys(client, thresholds.minTableBytes, thresholds.minSeqScans), (k) => k.table),
    ),
    ...autovacuumSteps(health, thresholds.minDeadTuples, thresholds.autovacuumLagSeconds),
  );
  if (!monitor) return { steps };
  const named = attachFindings(steps, byObject, monitor.generatedAt);
  const unanswered = named.unused.map((f) => `${f.check} ${f.subject}: no maintenance step answers this check`);
  return {
    steps: named.steps,
    monitor: {
      file: monitor.file,
      generatedAt: monitor.generatedAt,
      used: monitor.findings.length - ignored.length - named.unused.length,
      ignored: [...ignored, ...unanswered],
    },
  };
}

/**
 * The report's findings by the plan's name of their subject. A report of another database (by name, host and port as
 * each run connected) is refused; a subject that
 * is no relation here (a database, a setting, a session, a table dropped since) is ignored, and said.
 */
async function findingsByObject(client: pg.Client, monitor: MonitorFindings) {
  const { rows } = await client.query('select current_database() as name');
  // By name alone, a report of another server's database of the same name (staging's "shop" for production's)
  // would raise steps here from figures that are not this database's.
  const here = `database '${rows[0].name}' on ${client.host}:${client.port}`;
  const there = `database '${monitor.database}' on ${monitor.host}:${monitor.port}`;
  if (here !== there)
    throw invalidInput(
      'monitor-report',
      `names '${monitor.file}', a report of ${there}, but this run maintains ${here}`,
      'the report.json of a monitor-report run on the same database, through the same host and port',
    );
  const names = await resolveRelations(
    client,
    monitor.findings.map((f) => f.subject),
  );
  const byObject = new Map<string, Finding[]>();
  const ignored: string[] = [];
  for (const f of monitor.findings) {
    const object = names.get(f.subject);
    if (!object) {
      ignored.push(`${f.check} ${f.subject}: not a table, index or sequence of this database`);
      continue;
    }
    byObject.set(object, [...(byObject.get(object) ?? []), f]);
  }
  return { byObject: byObject as FindingsByObject, ignored };
}

/**
 * A sequence near its limit: the smaller of its own maximum and the largest value of the int2/int4 columns it fills.
 * The statement widens whatever sets that limit: the columns (ALTER TABLE rewrites the table), the sequence, or both.
 */
function sequenceSteps(
  s: SequenceUsage,
  thresholds: MaintenanceThresholds,
  flagged: (object: string, checks: readonly string[]) => boolean,
): MaintenanceStep[] {
  const limit = Math.min(s.maxValue, ...s.columns.map((c) => c.maxValue));
  const used = s.lastValue / limit;
  const sequence = qualified(s.schema, s.name);
  if (used < thresholds.sequenceUsedRatio && !flagged(sequence, RAISING_CHECKS.sequence)) return [];
  const columns = s.columns.map((c) => ({ ...c, name: `${qualified(c.schema, c.table)}.${quoteIdent(c.column)}` }));
  const statements = [
    ...columns.map(
      (c) => `ALTER TABLE ${qualified(c.schema, c.table)} ALTER COLUMN ${quoteIdent(c.column)} TYPE bigint`,
    ),
    ...(s.maxValue <= limit || s.dataType !== 'bigint'
      ? [`ALTER SEQUENCE ${sequence} AS bigint MAXVALUE 9223372036854775807`]
      : []),
  ];
  const narrowest = columns.find((c) => c.maxValue === limit && limit < s.maxValue);
  const of = narrowest
    ? `maximum ${limit}, the largest ${narrowest.dataType} of column ${narrowest.name} it fills (the sequence itself goes up to ${s.maxValue}, ${s.dataType})`
    : `maximum ${s.maxValue} (${s.dataType})`;
  const also = columns.length > 0 ? '' : '; the columns it fills must be bigint too';
  const tableBytes = columns.reduce((sum, c) => sum + c.bytes, 0);
  return [
    {
      kind: 'widen-sequence',
      object: sequence,
      statement: statements.join('; '),
      mode: 'report',
      why: `${pct(used)} used: last value ${s.lastValue} of ${of}${also}`,
      figures: { lastValue: s.lastValue, maxValue: limit, usedRatio: used },
      lock:
        columns.length > 0
          ? 'ACCESS EXCLUSIVE on each table for the rewrite of its column (reads and writes wait); on the sequence, briefly'
          : 'ACCESS EXCLUSIVE on the sequence, briefly',
      estimatedSeconds: columns.length > 0 ? seconds(tableBytes, REWRITE_BYTES_PER_S) : 1,
      expectedGain: 'nextval() and the inserts it serves keep working instead of failing when the maximum is reached',
    },
  ];
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

/**
 * A partitioned table's index: PostgreSQL refuses DROP INDEX CONCURRENTLY for it, so the drop is a plain one, which
 * drops every partition's index with it under the locks that takes. Reported, never applied, like every drop.
 */
function dropPartitionedIndex(kind: MaintenanceStep['kind'], index: string, bytes: number) {
  return {
    ...dropIndex(kind, index, bytes),
    statement: `DROP INDEX ${index}`,
    lock: 'ACCESS EXCLUSIVE on the partitioned table and each of its partitions until the drop commits (reads and writes wait): PostgreSQL refuses CONCURRENTLY for a partitioned index',
    expectedGain: `${mb(bytes)} freed (its partitions' indexes) and one index fewer to maintain on every write to each partition`,
  };
}
