import { DUMP_CONSISTENCIES, type DumpConsistency } from '../databases/engine.js';
import { MAX_PARTITIONS_NAMED, parsePgDumpArgs } from '../databases/postgres/dump.js';
import { parseTimeoutMs } from '../duration.js';
import type { BackupOptions } from '../operations/backup.js';
import { COMPRESSIONS, parseCompression, parseLevel } from '../pipeline/compression.js';
import { parseSize } from '../size.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition } from './types.js';

/** How the dump is compressed. */
export const COMPRESSION_INPUTS: InputDefinition[] = [
  { name: 'compression', description: 'zstd, gzip or none.', type: 'enum', values: COMPRESSIONS, default: 'zstd' },
  {
    name: 'compression-level',
    description: 'zstd 1-19 (default 3), gzip 1-9 (default 6).',
    type: 'integer',
    min: 1,
    max: 19,
  },
];

/** What the dump holds and how long it may wait: pg_dump's scope, extra flags and dbops's own limits. */
export const DUMP_SCOPE_INPUTS: InputDefinition[] = [
  { name: 'schemas', description: 'Only these schemas (pg_dump -n patterns, comma-separated).', type: 'list' },
  { name: 'exclude-schemas', description: 'Leave out these schemas (pg_dump -N patterns).', type: 'list' },
  {
    name: 'tables',
    description: `Only these tables (pg_dump -t patterns, e.g. public.orders, audit.*; unquoted A-Z fold to lower case, other letters are kept). A partitioned table brings its partitions (with pg_dump before 16, which must be given each one, at most ${MAX_PARTITIONS_NAMED} of them across tables and exclude-tables: beyond that, name them by a pattern, e.g. public.events*).`,
    type: 'list',
  },
  {
    name: 'exclude-tables',
    description:
      "Leave out these tables (pg_dump -T patterns); a partitioned table's partitions are left out with it (see tables for pg_dump before 16).",
    type: 'list',
  },
  {
    name: 'databases',
    description:
      "MongoDB: back up these databases into one archive (name patterns: * any run of characters, ? one; e.g. shop,billing or app_*) instead of the URL's one database. admin, local and config are never backed up. tables/exclude-tables then match db.collection.",
    type: 'list',
  },
  {
    name: 'exclude-databases',
    description:
      'MongoDB: leave out these databases (name patterns); alone, it backs up every user database but these.',
    type: 'list',
  },
  {
    name: 'pg-dump-args',
    description: 'Extra pg_dump flags, e.g. "--no-owner --exclude-table-data=audit_log".',
    type: 'string',
  },
  {
    name: 'lock-wait-timeout',
    description:
      "How long the backup waits for a table lock before it fails naming the sessions in the way, e.g. 30m. Only an exclusive lock blocks it (a migration's ALTER TABLE, VACUUM FULL, a transaction left open); unbounded, such a wait can last for ever. 0s waits without limit.",
    default: '10m',
    type: 'duration',
  },
  {
    name: 'statement-timeout',
    description:
      "Limit for each of dbops's own queries (row counts, schema fingerprint), e.g. 10m; pg_dump itself is not limited.",
    type: 'duration',
  },
  {
    name: 'exact-count-max-size',
    description:
      'Tables up to this size (as of their last VACUUM or ANALYZE) get exact row counts in the manifest (others the planner estimate).',
    default: '64MB',
    type: 'size',
  },
  {
    name: 'consistency',
    description:
      "MongoDB: point-in-time captures the oplog written during the dump into the archive (as mongodump --oplog; a restore replays it), so the backup is the database as it was at the dump's end, collections and indexes created or dropped meanwhile included; it needs a replica set member whose oplog the user can read. per-collection reads each collection on its own. auto: point-in-time when the oplog can be read, else per-collection (the log says why). PostgreSQL backups are always one snapshot and ignore it.",
    type: 'enum',
    values: DUMP_CONSISTENCIES,
    default: 'auto',
  },
];

type DumpOptions = Pick<
  BackupOptions,
  | 'compression'
  | 'compressionLevel'
  | 'scope'
  | 'pgDumpArgs'
  | 'pgBinDir'
  | 'exactCountMaxBytes'
  | 'lockWaitTimeoutMs'
  | 'consistency'
>;

export function readCompression(reader: InputReader): Pick<BackupOptions, 'compression' | 'compressionLevel'> {
  const compression = parseCompression(reader.optional('compression'));
  return { compression, compressionLevel: parseLevel(reader.optional('compression-level'), compression) };
}

/** The dump's options from COMPRESSION_INPUTS, DUMP_SCOPE_INPUTS and pg-bin-dir. */
export function readDumpOptions(reader: InputReader): DumpOptions {
  return {
    ...readCompression(reader),
    scope: {
      schemas: reader.list('schemas'),
      excludeSchemas: reader.list('exclude-schemas'),
      tables: reader.list('tables'),
      excludeTables: reader.list('exclude-tables'),
      databases: reader.list('databases'),
      excludeDatabases: reader.list('exclude-databases'),
    },
    pgDumpArgs: parsePgDumpArgs(reader.optional('pg-dump-args')),
    ...(reader.optional('pg-bin-dir') ? { pgBinDir: reader.optional('pg-bin-dir')! } : {}),
    exactCountMaxBytes: parseSize(reader.optional('exact-count-max-size')!, 'exact-count-max-size'),
    lockWaitTimeoutMs: parseTimeoutMs(
      reader.optional('lock-wait-timeout')!,
      'lock-wait-timeout',
      '30m; or 0s to wait without limit',
    ),
    consistency: reader.oneOf<DumpConsistency>('consistency'),
  };
}

/** statement-timeout, which applies to dbops's own queries on the connection. */
export function readStatementTimeout(reader: InputReader): { statementTimeoutMs?: number } {
  const value = reader.optional('statement-timeout');
  return value ? { statementTimeoutMs: parseTimeoutMs(value, 'statement-timeout', '10m') } : {};
}
