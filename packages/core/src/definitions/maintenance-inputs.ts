import { parseDuration, parseTimeoutMs } from '../duration.js';
import { invalidInput } from '../errors.js';
import { DEFAULT_THRESHOLDS, type MaintenanceThresholds } from '../maintenance/plan.js';
import type { TableRebuildPolicy } from '../maintenance/table-rebuild.js';
import { parseSize } from '../size.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition } from './types.js';

/** The maintenance action's guards: how long a step may wait for its lock and run, and how long the whole run. */
export const MAINTENANCE_GUARD_INPUTS: InputDefinition[] = [
  {
    name: 'lock-timeout',
    description:
      'lock_timeout for every step: a step that cannot get its lock in this time is skipped and reported, never left queued in front of the application.',
    type: 'duration',
    default: '5s',
  },
  {
    name: 'statement-timeout',
    description: 'statement_timeout for every step; a step is also ended when the window or max-runtime runs out.',
    type: 'duration',
    default: '1h',
  },
  {
    name: 'max-runtime',
    description: 'Time budget of the run: no step starts whose estimate would pass it.',
    type: 'duration',
    default: '1h',
  },
  {
    name: 'max-replication-lag',
    description:
      "Before each step, while a standby's replay lag exceeds this the run pauses; it stops when the window or max-runtime cannot cover the wait.",
    type: 'duration',
    default: '30s',
  },
  {
    name: 'maintenance-work-mem',
    description:
      "PostgreSQL's maintenance_work_mem for the run's session (VACUUM, index rebuilds), at least 1MB. The server's setting when unset.",
    type: 'size',
  },
];

const percent = (name: string, description: string, ratio: number): InputDefinition => ({
  name,
  description,
  type: 'integer',
  min: 0,
  max: 100,
  default: String(Math.round(ratio * 100)),
});
const count = (name: string, description: string, value: number): InputDefinition => ({
  name,
  description,
  type: 'integer',
  min: 0,
  default: String(value),
});

/** The plan's thresholds (docs/maintenance.md), each an input with the plan's default. */
export const MAINTENANCE_THRESHOLD_INPUTS: InputDefinition[] = [
  percent(
    'dead-tuple-percent',
    'A table is vacuumed when dead tuples are at least this % of its rows…',
    DEFAULT_THRESHOLDS.deadTupleRatio,
  ),
  count('min-dead-tuples', '…and at least this many.', DEFAULT_THRESHOLDS.minDeadTuples),
  percent(
    'stale-stats-percent',
    'Statistics are stale when rows modified since ANALYZE are at least this % of the live rows…',
    DEFAULT_THRESHOLDS.staleStatsRatio,
  ),
  count('min-modified-rows', '…and at least this many.', DEFAULT_THRESHOLDS.minModifiedRows),
  count(
    'xid-age',
    'A table is frozen (VACUUM FREEZE) when its transaction-ID age reaches this.',
    DEFAULT_THRESHOLDS.xidAge,
  ),
  percent(
    'index-bloat-percent',
    'A B-tree index is rebuilt (REINDEX CONCURRENTLY) when its estimated bloat reaches this %…',
    DEFAULT_THRESHOLDS.indexBloatRatio,
  ),
  {
    name: 'min-index-size',
    description: '…and it is at least this big; also the smallest unused index reported.',
    type: 'size',
    default: '10MB',
  },
  percent(
    'sequence-used-percent',
    'A sequence is reported when it has used this % of its range.',
    DEFAULT_THRESHOLDS.sequenceUsedRatio,
  ),
  percent(
    'table-bloat-percent',
    'A table is rebuilt (pg_repack, or VACUUM FULL when allowed) when its estimated bloat reaches this %…',
    DEFAULT_THRESHOLDS.tableBloatRatio,
  ),
  {
    name: 'min-table-size',
    description: '…and it is at least this big; also the smallest table whose unindexed foreign keys are reported.',
    type: 'size',
    default: '10MB',
  },
  count(
    'min-seq-scans',
    'A foreign key without an index is reported when its table was sequentially scanned this often.',
    DEFAULT_THRESHOLDS.minSeqScans,
  ),
  {
    name: 'autovacuum-lag',
    description:
      'Autovacuum settings are suggested for a table past its autovacuum threshold that was not vacuumed for this long.',
    type: 'duration',
    default: '1d',
  },
];

/** Table rebuilds without pg_repack: VACUUM FULL locks the table for the whole rewrite, so off unless allowed. */
export const MAINTENANCE_REBUILD_INPUTS: InputDefinition[] = [
  {
    name: 'allow-vacuum-full',
    description:
      'Let apply rebuild a bloated table with VACUUM FULL when pg_repack is not installed (reads and writes wait for the whole rewrite). false: reported only.',
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'vacuum-full-max-size',
    description:
      'Largest table VACUUM FULL is applied to, counting its indexes and TOAST (VACUUM FULL rewrites them all, and needs that much free disk); bigger ones are reported only.',
    type: 'size',
    default: '1GB',
  },
];

/** MongoDB only. */
export const MAINTENANCE_MONGODB_INPUTS: InputDefinition[] = [
  {
    name: 'validate-full',
    description:
      "MongoDB: validate each collection with { full: true }, which also checks the storage engine's structures (slower).",
    type: 'boolean',
    default: 'false',
  },
];

export function readRebuildPolicy(reader: InputReader): TableRebuildPolicy {
  return {
    allowVacuumFull: reader.boolean('allow-vacuum-full'),
    vacuumFullMaxBytes: parseSize(reader.optional('vacuum-full-max-size')!, 'vacuum-full-max-size'),
  };
}

/** PostgreSQL's bounds of maintenance_work_mem: 1024 kB to 2147483647 kB. */
const MIN_WORK_MEM = 1024 * 1024;
const MAX_WORK_MEM = 2147483647 * 1024;

export function readGuards(reader: InputReader) {
  const workMemText = reader.optional('maintenance-work-mem');
  const workMem = workMemText === undefined ? undefined : parseSize(workMemText, 'maintenance-work-mem');
  if (workMem !== undefined && (workMem < MIN_WORK_MEM || workMem > MAX_WORK_MEM))
    throw invalidInput(
      'maintenance-work-mem',
      `'${workMemText}' is outside what PostgreSQL takes`,
      'a size from 1MB to 2TB, e.g. 256MB or 1GB',
    );
  // 0 is no guard at all: PostgreSQL takes a lock_timeout of 0 as "wait forever", in front of the application.
  const guard = (name: string, example: string) => {
    const text = reader.optional(name)!;
    const ms = parseTimeoutMs(text, name, example);
    if (ms === 0)
      throw invalidInput(name, `is '${text}', which would turn this guard off`, `a duration above 0, e.g. ${example}`);
    return ms;
  };
  return {
    lockTimeoutMs: guard('lock-timeout', '5s'),
    statementTimeoutMs: guard('statement-timeout', '1h'),
    maxRuntimeMs: guard('max-runtime', '90m'),
    maxReplicationLagMs: parseTimeoutMs(reader.optional('max-replication-lag')!, 'max-replication-lag', '30s'),
    ...(workMem === undefined ? {} : { maintenanceWorkMemBytes: workMem }),
  };
}

export function readThresholds(reader: InputReader): MaintenanceThresholds {
  const ratio = (name: string) => reader.integer(name)! / 100;
  return {
    deadTupleRatio: ratio('dead-tuple-percent'),
    minDeadTuples: reader.integer('min-dead-tuples')!,
    staleStatsRatio: ratio('stale-stats-percent'),
    minModifiedRows: reader.integer('min-modified-rows')!,
    xidAge: reader.integer('xid-age')!,
    indexBloatRatio: ratio('index-bloat-percent'),
    minIndexBytes: parseSize(reader.optional('min-index-size')!, 'min-index-size'),
    sequenceUsedRatio: ratio('sequence-used-percent'),
    tableBloatRatio: ratio('table-bloat-percent'),
    minTableBytes: parseSize(reader.optional('min-table-size')!, 'min-table-size'),
    minSeqScans: reader.integer('min-seq-scans')!,
    autovacuumLagSeconds: parseDuration(reader.optional('autovacuum-lag')!, 'autovacuum-lag'),
  };
}
