// A table's live data measured by pgstattuple_approx() (the pgstattuple extension): it reads the pages the visibility
// map does not mark all-visible and estimates the rest from the free-space map, so unlike the statistics estimate it
// needs no ANALYZE and no row widths, but it does read the table: called only for tables already past min-table-size,
// one statement each, under the session's lock_timeout and statement_timeout (it takes ACCESS SHARE on the table).
import type pg from 'pg';
import { quoteIdent } from './inventory.js';

export interface MeasuredTable {
  tableBytes: number;
  /** Bytes of live tuples (headers included) and their count: a fresh copy needs these plus line pointers. */
  liveTupleBytes: number;
  liveTuples: number;
  /** The share of the table's pages actually read; the rest estimated from the free-space map. */
  scannedPercent: number;
}

/** Why a table's measurement fell back to the statistics, in a few words. */
export type MeasureFailure = { failed: string };

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';
const INSUFFICIENT_PRIVILEGE = '42501';
const UNDEFINED_TABLE = '42P01';

/** The schema the pgstattuple extension lives in, or undefined when the database does not have it. */
export async function pgstattupleSchema(client: pg.Client): Promise<string | undefined> {
  const { rows } = await client.query(
    `select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pgstattuple'`,
  );
  return rows[0]?.nspname;
}

/** pgstattuple_approx() of one table; a lock, time, privilege or dropped table is a MeasureFailure, not an error. */
export async function measureTable(
  client: pg.Client,
  schema: string,
  table: { schema: string; name: string },
): Promise<MeasuredTable | MeasureFailure> {
  try {
    const { rows } = await client.query(
      `select table_len::float8 as bytes, approx_tuple_len::float8 as live_bytes, approx_tuple_count::float8 as live,
              scanned_percent::float8 as scanned
         from ${quoteIdent(schema)}.pgstattuple_approx($1::regclass)`,
      [`${quoteIdent(table.schema)}.${quoteIdent(table.name)}`],
    );
    const r = rows[0];
    return { tableBytes: r.bytes, liveTupleBytes: r.live_bytes, liveTuples: r.live, scannedPercent: r.scanned };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === LOCK_NOT_AVAILABLE) return { failed: 'pgstattuple_approx waited past lock-timeout' };
    if (code === QUERY_CANCELED) return { failed: 'pgstattuple_approx ran past statement-timeout' };
    if (code === INSUFFICIENT_PRIVILEGE)
      return { failed: 'pgstattuple_approx is not permitted to this role (grant pg_stat_scan_tables)' };
    if (code === UNDEFINED_TABLE) return { failed: 'the table was dropped while planning' };
    throw error;
  }
}

/**
 * pgstattuple_approx() of each table, keyed by `${schema}.${name}` as given; an empty map without the extension.
 * Sequential: one table read at a time, like the maintenance steps themselves.
 */
export async function measureTables(
  client: pg.Client,
  tables: ReadonlyArray<{ schema: string; name: string }>,
): Promise<Map<string, MeasuredTable | MeasureFailure>> {
  const measured = new Map<string, MeasuredTable | MeasureFailure>();
  const schema = await pgstattupleSchema(client);
  if (schema === undefined) return measured;
  for (const t of tables) measured.set(`${t.schema}.${t.name}`, await measureTable(client, schema, t));
  return measured;
}
