import type pg from 'pg';
import { parseNamePattern } from './name-patterns.js';

/** Which objects a dump covers: pg_dump's -n / -N / -t / -T patterns. */
export interface DumpScope {
  schemas: string[];
  excludeSchemas: string[];
  tables: string[];
  excludeTables: string[];
}

export const FULL_SCOPE: DumpScope = { schemas: [], excludeSchemas: [], tables: [], excludeTables: [] };

export interface TableInventory {
  schema: string;
  name: string;
  /** Exact row count, taken in the dump's own snapshot, for tables up to the size limit. */
  rows?: number;
  /** The planner's estimate (pg_class.reltuples); -1 when the table was never analyzed. */
  rowEstimate: number;
  bytes: number;
}

/**
 * The tables whose data a dump with this scope must contain, as pg_dump selects them: ordinary tables and
 * partitions (a partitioned parent holds no data), unlogged included, temporary and extension-owned ones excluded
 * (extension configuration tables, such as PostGIS's spatial_ref_sys, are dumped and so included).
 */
export async function listDumpedTables(client: pg.Client, scope: DumpScope): Promise<Array<Omit<TableInventory, 'rows'>>> {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const matches = (patterns: string[]) =>
    patterns
      .map((p) => {
        const { schema, name } = parseNamePattern(p);
        return `(c.relname ~ ${param(name)}${schema ? ` and n.nspname ~ ${param(schema)}` : ''})`;
      })
      .join(' or ');
  const schemaMatches = (patterns: string[]) => patterns.map((p) => `n.nspname ~ ${param(parseNamePattern(p).name)}`).join(' or ');

  const where = [
    `c.relkind = 'r'`,
    `c.relpersistence <> 't'`,
    `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')`,
    `n.nspname not like 'pg_temp_%'`,
    `(not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
      or exists (select 1 from pg_extension e where c.oid = any(e.extconfig)))`,
  ];
  // As in pg_dump: -t selects tables regardless of -n / -N.
  if (scope.tables.length > 0) where.push(`(${matches(scope.tables)})`);
  else {
    if (scope.schemas.length > 0) where.push(`(${schemaMatches(scope.schemas)})`);
    if (scope.excludeSchemas.length > 0) where.push(`not (${schemaMatches(scope.excludeSchemas)})`);
  }
  if (scope.excludeTables.length > 0) where.push(`not (${matches(scope.excludeTables)})`);

  const { rows } = await client.query<{ schema: string; name: string; estimate: string; bytes: string }>(
    `select n.nspname as schema, c.relname as name, c.reltuples::bigint as estimate, pg_table_size(c.oid) as bytes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where ${where.join(' and ')}
      order by n.nspname, c.relname`,
    params,
  );
  return rows.map((r) => ({ schema: r.schema, name: r.name, rowEstimate: Number(r.estimate), bytes: Number(r.bytes) }));
}

/** Counts rows exactly for tables no larger than maxBytes; bigger tables keep their estimate only. */
export async function countRows(
  client: pg.Client,
  tables: Array<Omit<TableInventory, 'rows'>>,
  maxBytes: number,
): Promise<TableInventory[]> {
  const result: TableInventory[] = [];
  for (const table of tables) {
    if (table.bytes > maxBytes) {
      result.push(table);
      continue;
    }
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quoteIdent(table.schema)}.${quoteIdent(table.name)}`);
    result.push({ ...table, rows: Number(rows[0]!.n) });
  }
  return result;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
