import type pg from 'pg';
import { parseNamePattern } from './name-patterns.js';
import { sqlName, translateServerError } from './server-errors.js';
import type { DumpScope } from '../dump-scope.js';
import { countsOf, countStatement } from './count-statement.js';

// The scope is pg_dump's -n / -N / -t / -T patterns.
export { FULL_SCOPE, type DumpScope } from '../dump-scope.js';

/** What pg_dump flags leave out of the archive's data (the tables stay): dbops neither counts nor reads it. */
export interface DataExclusions {
  /** --exclude-table-data patterns. */
  tables: string[];
  /** --no-unlogged-table-data (implied on a hot standby, where unlogged tables cannot be read). */
  unlogged: boolean;
  /** --schema-only (or pg_dump 18's --no-data, --statistics-only). */
  all: boolean;
}

export const NO_DATA_EXCLUSIONS: DataExclusions = { tables: [], unlogged: false, all: false };

export interface TableInventory {
  oid: number;
  schema: string;
  name: string;
  /** pg_dump leaves this table's rows out of the archive (DataExclusions): no count is taken. */
  dataExcluded: boolean;
  /** Exact row count, taken in the dump's own snapshot, for tables up to the size limit. */
  rows?: number;
  /** The planner's estimate (pg_class.reltuples); -1 when the table was never analyzed. */
  rowEstimate: number;
  /**
   * The table's size on disk (with its TOAST table) as the last VACUUM or ANALYZE saw it (pg_class.relpages);
   * measured on disk for a table never vacuumed or analyzed, whose relpages says nothing.
   */
  bytes: number;
}

/**
 * A table's size from pg_class.relpages (table and TOAST) rather than pg_table_size(), which stats every file of
 * every table and took 5.9 s of a backup of 10,000 tables (bench/README.md, many tables); the figure chooses which
 * tables are counted exactly and sizes uploads, for which the last VACUUM's or ANALYZE's is close enough (autovacuum
 * analyzes a table once a tenth of it changed). A table never vacuumed or analyzed (reltuples -1; before PostgreSQL
 * 14, 0 with no pages) has no such figure: it is measured.
 */
const TABLE_BYTES = `case when c.reltuples < 0 or (c.relpages = 0 and c.reltuples = 0 and current_setting('server_version_num')::int < 140000)
        then pg_catalog.pg_table_size(c.oid)
        else (c.relpages::bigint + coalesce(t.relpages, 0)) * current_setting('block_size')::bigint end`;

/**
 * The tables a dump with this scope holds, as pg_dump selects them: ordinary tables and partitions (a partitioned
 * parent holds no data), unlogged included, temporary and extension-owned ones excluded (extension configuration
 * tables, such as PostGIS's spatial_ref_sys, are dumped and so included); each marked when pg_dump leaves its
 * data out. pg_dump's rules: -t selects tables regardless of -n / -N, and a pattern without a schema matches only
 * tables visible on the search path. A partitioned table named in tables / exclude-tables brings `partitions`.
 */
export async function listDumpedTables(
  client: pg.Client,
  scope: DumpScope,
  exclusions: DataExclusions = NO_DATA_EXCLUSIONS,
  partitions: PartitionSelection = NO_PARTITIONS,
): Promise<Array<Omit<TableInventory, 'rows'>>> {
  const params: unknown[] = [];
  const param = parameter(params);
  const matches = (patterns: string[]) => tableMatches(patterns, param);
  // The partitions that come with a partitioned table the patterns name (withPartitions): one array parameter.
  const orPartitions = (oids: number[]) => (oids.length > 0 ? ` or c.oid = any(${param(oids)}::oid[])` : '');
  const schemaMatches = (patterns: string[]) =>
    patterns.map((p) => `n.nspname ~ ${param(parseNamePattern(p).name)}`).join(' or ');

  const where = [
    `c.relkind = 'r'`,
    `c.relpersistence <> 't'`,
    `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')`,
    `n.nspname not like 'pg_temp_%'`,
    `(not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
      or exists (select 1 from pg_extension e where c.oid = any(e.extconfig)))`,
  ];
  if (scope.tables.length > 0) where.push(`(${matches(scope.tables)}${orPartitions(partitions.tables.oids)})`);
  else {
    if (scope.schemas.length > 0) where.push(`(${schemaMatches(scope.schemas)})`);
    if (scope.excludeSchemas.length > 0) where.push(`not (${schemaMatches(scope.excludeSchemas)})`);
  }
  if (scope.excludeTables.length > 0)
    where.push(`not (${matches(scope.excludeTables)}${orPartitions(partitions.excludeTables.oids)})`);

  // pg_dump never reads unlogged tables on a hot standby: they cannot be read there.
  const unlogged = exclusions.unlogged ? 'true' : 'pg_catalog.pg_is_in_recovery()';
  const dataExcluded = exclusions.all
    ? 'true'
    : `(c.relpersistence = 'u' and ${unlogged})${exclusions.tables.length > 0 ? ` or (${matches(exclusions.tables)})` : ''}`;

  const { rows } = await client.query<{
    oid: number;
    schema: string;
    name: string;
    estimate: string;
    bytes: string;
    excluded: boolean;
  }>(
    `select c.oid, n.nspname as schema, c.relname as name, c.reltuples::bigint as estimate, ${TABLE_BYTES} as bytes,
            coalesce(${dataExcluded}, false) as excluded
       from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_class t on t.oid = c.reltoastrelid
      where ${where.join(' and ')}
      order by n.nspname, c.relname`,
    params,
  );
  return rows.map((r) => ({
    oid: Number(r.oid),
    schema: r.schema,
    name: r.name,
    dataExcluded: r.excluded,
    rowEstimate: Number(r.estimate),
    bytes: Number(r.bytes),
  }));
}

/** A placeholder ($n) for each value, appended to params. */
function parameter(params: unknown[]) {
  return (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
}

/** SQL true when the relation `c` in the schema `n` matches one of these -t / -T patterns, as pg_dump matches them. */
function tableMatches(patterns: string[], param: (value: unknown) => string, c = 'c', n = 'n'): string {
  return patterns
    .map((p) => {
      const { schema, name } = parseNamePattern(p);
      return `(${c}.relname ~ ${param(name)} and ${schema ? `${n}.nspname ~ ${param(schema)}` : `pg_catalog.pg_table_is_visible(${c}.oid)`})`;
    })
    .join(' or ');
}

/** A pg_dump pattern matching exactly this table: quoted text is taken literally ("" is a quote). */
const exactPattern = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

/** The partitions one input (tables or exclude-tables) brings with the partitioned tables it names. */
export interface InputPartitions {
  /** The partitions, at every level, that the input's patterns do not match themselves: for the inventory. */
  oids: number[];
  /** The same partitions as exact pg_dump patterns: for a pg_dump before 16, which must be given each one. */
  names: string[];
  /** The partitioned tables the patterns match that have such partitions, as exact patterns: for pg_dump 16's
   * --table-and-children / --exclude-table-and-children, which select the partitions themselves. */
  parents: string[];
}

export interface PartitionSelection {
  tables: InputPartitions;
  excludeTables: InputPartitions;
}

export const NO_PARTITIONS: PartitionSelection = {
  tables: { oids: [], names: [], parents: [] },
  excludeTables: { oids: [], names: [], parents: [] },
};

/**
 * The partitions of each partitioned table that `tables` or `exclude-tables` names, which go with it. pg_dump -t /
 * -T select a partitioned table alone: `tables: public.events` dumped the parent's definition and none of its rows,
 * and the inventory, which lists tables with rows, expected none, so the backup held no events and passed. A user
 * naming a partitioned table means its rows: its partitions, at every level, are selected (or left out) with it.
 * Read in the dump's snapshot, so pg_dump sees the same partitions.
 *
 * They are returned by OID (and name), never added to the scope's patterns: at 10,000 partitions, one pattern
 * each made the inventory's listing a query of 10,000 ORed regular expressions (the server caches 32 compiled
 * ones, so it compiled them again and again), with two bind parameters each (over 32,767 partitions, more than
 * the protocol's 65,535), and gave pg_dump one --table each (dump.ts partitionArgs).
 */
export async function withPartitions(
  client: pg.Client,
  scope: DumpScope,
): Promise<{
  partitions: PartitionSelection;
  added: Array<{ input: 'tables' | 'exclude-tables'; partitions: number }>;
}> {
  const partitions: PartitionSelection = {
    tables: { oids: [], names: [], parents: [] },
    excludeTables: { oids: [], names: [], parents: [] },
  };
  const added: Array<{ input: 'tables' | 'exclude-tables'; partitions: number }> = [];
  for (const [input, key] of [
    ['tables', 'tables'],
    ['exclude-tables', 'excludeTables'],
  ] as const) {
    const patterns = scope[key];
    if (patterns.length === 0) continue;
    const params: unknown[] = [];
    const param = parameter(params);
    // The partitions below a partitioned table the patterns match, which the patterns do not match themselves;
    // with the matching partitioned tables above each.
    const { rows } = await client.query<{ oid: number; schema: string; name: string; ps: string[]; pn: string[] }>(
      `select c.oid, n.nspname as schema, c.relname as name,
              array_agg(pn.nspname::text) as ps, array_agg(pc.relname::text) as pn
         from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         cross join lateral pg_catalog.pg_partition_ancestors(c.oid) a
         join pg_catalog.pg_class pc on pc.oid = a.relid
         join pg_catalog.pg_namespace pn on pn.oid = pc.relnamespace
        where c.relispartition and not (${tableMatches(patterns, param)})
          and pc.relkind = 'p' and pc.oid <> c.oid and (${tableMatches(patterns, param, 'pc', 'pn')})
        group by c.oid, n.nspname, c.relname
        order by n.nspname, c.relname`,
      params,
    );
    if (rows.length === 0) continue;
    const parents = new Set<string>();
    for (const r of rows) {
      partitions[key].oids.push(Number(r.oid));
      partitions[key].names.push(exactPattern(r.schema, r.name));
      for (const [i, schema] of r.ps.entries()) parents.add(exactPattern(schema, r.pn[i]!));
    }
    partitions[key].parents = [...parents].sort();
    added.push({ input, partitions: rows.length });
  }
  return { partitions, added };
}

/** Tables counted per query: one round trip for many small tables, short enough for the server to plan quickly. */
const COUNT_BATCH = 500;

/**
 * Tables up to this size are counted by COPY ... TO STDOUT, whose command tag is the number of rows it sent: it
 * reads the table as pg_dump does, with no plan. Planning count(*) opens every index of the table, which made
 * counting 10,000 small tables cost more than dumping them (bench/README.md, many tables); above this size, sending
 * the rows costs more than the plan, and count(*) is used.
 */
export const COPY_COUNT_MAX_BYTES = 128 * 1024;

type Table = Omit<TableInventory, 'rows'>;

/** How a batch of tables is counted: its SQL, and the counts (in the batch's order) from the query's result. */
interface CountMethod {
  sql(batch: Table[]): string;
  counts(result: pg.QueryResult | pg.QueryResult[], size: number): number[];
}

const qualified = (t: Table) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;

/**
 * One COPY statement per table in one simple query: a result (its rowCount) per statement. The rows are sent in
 * the database's own encoding (client_encoding SQL_ASCII converts nothing), as pg_dump reads them: converted to this
 * session's UTF8, a SQL_ASCII database's bytes such as 0xff would fail the count, and every row would cost a
 * conversion. The rows themselves are dropped unread; a failed batch's savepoint undoes the setting with it.
 */
const BY_COPY: CountMethod = {
  sql: (batch) =>
    [
      `set local client_encoding = 'SQL_ASCII'`,
      ...batch.map((t) => `copy ${qualified(t)} to stdout`),
      'set local client_encoding = default',
    ].join('; '),
  counts: (result) =>
    (Array.isArray(result) ? result : [result])
      .filter((r) => r.command === 'COPY')
      .map((r) => r.rowCount ?? Number.NaN),
};

/**
 * A `union all` of count(*)s: a row per table, numbered (count-statement.ts). FROM ONLY: an inheritance parent's
 * own rows, which are all the archive holds of it (COPY's count too); each child is listed and counted on its own.
 */
const BY_COUNT: CountMethod = {
  sql: (batch) => countStatement(batch.map((t) => `only ${qualified(t)}`)),
  counts: (result, size) => countsOf((result as pg.QueryResult<{ i: number; n: string }>).rows, size),
};

/**
 * Counts rows exactly for tables no larger than maxBytes; bigger tables keep their estimate only, and tables whose
 * data the dump leaves out are not read at all (the backup role may not be allowed to, nor need to). Small tables
 * are counted by COPY (COPY_COUNT_MAX_BYTES), the others by count(*).
 *
 * The counts go COUNT_BATCH tables to a query: at 10,000 small tables one round trip per table was most of a
 * backup's time. A batch runs under a savepoint, so when one fails (a lock wait, a table the role may not read) it
 * is undone and its tables are counted one at a time, which names the table at fault with the same error as
 * before; the snapshot transaction survives the failed batch. A batch that waited out the lock timeout, was
 * cancelled or lost its session fails the run at once: counting its tables again would only wait again.
 */
export async function countRows(client: pg.Client, tables: Table[], maxBytes: number): Promise<TableInventory[]> {
  const counts = new Map<number, number>();
  const counted = tables.filter((t) => t.bytes <= maxBytes && !t.dataExcluded);
  // Both count a table's own rows (the manifest's rowCounts: 'own'): an inheritance parent's count once included
  // its children's, which failed restore-test when a child or its data was out of the backup.
  const byCopy = counted.filter((t) => t.bytes <= COPY_COUNT_MAX_BYTES);
  const byCount = counted.filter((t) => t.bytes > COPY_COUNT_MAX_BYTES);
  for (const [method, list] of [
    [BY_COPY, byCopy],
    [BY_COUNT, byCount],
  ] as const) {
    for (let at = 0; at < list.length; at += COUNT_BATCH) {
      const batch = list.slice(at, at + COUNT_BATCH);
      if (batch.length > 1 && (await countBatch(client, method, batch, counts, tables.length))) continue;
      for (const table of batch)
        counts.set(table.oid, await countOne(client, method, table, counts.size, tables.length));
    }
  }
  return tables.map((t) => (counts.has(t.oid) ? { ...t, rows: counts.get(t.oid)! } : t));
}

/** Counts a batch in one query; false (nothing counted, the batch undone) when the server refused it. */
async function countBatch(
  client: pg.Client,
  method: CountMethod,
  batch: Table[],
  counts: Map<number, number>,
  of: number,
): Promise<boolean> {
  await client.query('savepoint dbops_count_batch');
  let result: pg.QueryResult | pg.QueryResult[];
  try {
    result = await client.query(method.sql(batch));
    await client.query('release savepoint dbops_count_batch');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const retryable = typeof code === 'string' && code !== LOCK_NOT_AVAILABLE && code !== QUERY_CANCELED;
    const undone =
      retryable &&
      (await client.query('rollback to savepoint dbops_count_batch').then(
        () => true,
        () => false,
      ));
    if (undone) return false;
    throw countFailed(client, error, { locked: counts.size, of });
  }
  const found = method.counts(result, batch.length);
  for (const [i, table] of batch.entries()) counts.set(table.oid, checkedCount(found[i], table));
  return true;
}

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';

async function countOne(client: pg.Client, method: CountMethod, table: Table, locked: number, of: number) {
  try {
    return checkedCount(method.counts(await client.query(method.sql([table])), 1)[0], table);
  } catch (error) {
    throw countFailed(client, error, { locked, of }, `${sqlName(table.schema)}.${sqlName(table.name)}`);
  }
}

/** A count the server's answer lacked is a fault of dbops, never a number to record. */
function checkedCount(count: number | undefined, table: Table): number {
  if (count === undefined || !Number.isSafeInteger(count) || count < 0)
    throw new Error(`No row count for ${sqlName(table.schema)}.${sqlName(table.name)} in the server's answer`);
  return count;
}

/** The server's refusal of a count, in the backup's words. Each count holds its table's lock until the snapshot
 * ends, so the error says how many were locked. */
function countFailed(client: pg.Client, error: unknown, locking: { locked: number; of: number }, relation?: string) {
  return (
    translateServerError(error, {
      backup: true,
      locking,
      ...(relation ? { relation } : {}),
      ...(client.user ? { role: client.user } : {}),
    }) ?? error
  );
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
