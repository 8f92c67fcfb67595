/**
 * Test harness: a content snapshot of a PostgreSQL database, to prove a restore reproduced the data exactly.
 *
 * databaseContents(url) reads, in one REPEATABLE READ READ ONLY transaction:
 * - every user table's rows as a sha256 that does not depend on physical order or on a primary key: each row's text
 *   form ((alias.*)::text) is hashed by the server, the row hashes are sorted, and the sorted hashes are hashed
 *   again here. Duplicate rows therefore count (a multiset, not a set), and only 32 bytes per row cross the wire.
 *   Covered: ordinary tables and leaf partitions (relkind 'r', read with ONLY so inheritance parents and children
 *   are each counted once; partitioned parents, relkind 'p', are skipped: their rows are their leaves' rows),
 *   unlogged tables and materialized views (relkind 'm'). Skipped: system schemas, temp tables, and tables that
 *   belong to an extension (the extension recreates them).
 * - large objects: contents only, hashed in content order, so the result does not depend on OIDs (pg_restore keeps
 *   them, but a reload with lo_import would not). The OIDs themselves are still checked through any table that
 *   stores them (a plain oid column is part of that table's rows).
 * - sequences: last_value and is_called, read from each sequence (pg_sequences hides last_value when !is_called).
 *
 * Every text form that depends on session settings (time zone, date/interval style, float digits, bytea output,
 * money locale, search_path for reg* types) is pinned, so two sessions with different defaults agree.
 * row_security is off: if RLS would hide rows from the connecting role, the read fails instead of hashing a subset.
 * Connect as a superuser (or a role that owns/reads everything, including large objects).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

export interface DatabaseContents {
  /** `"schema"."table"` (identifiers always double-quoted, `"` doubled) → sha256 (hex) of the table's rows. */
  tables: Record<string, string>;
  /** sha256 (hex) over the large objects' contents, ordered by content hash (OID-independent). */
  largeObjects: string;
  /** `"schema"."sequence"` → its state. lastValue is a decimal string (bigint range). */
  sequences: Record<string, { lastValue: string; isCalled: boolean }>;
}

/** Marker used instead of a hash for a materialized view created WITH NO DATA (it cannot be read). */
export const UNPOPULATED = 'unpopulated materialized view';

const FETCH_ROWS = 10_000;

/** Schemas that hold no user data: catalogs, TOAST, and every backend's temp schemas. */
const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'`;
/** Not a member of an extension (CREATE EXTENSION recreates those). */
const NOT_EXTENSION_MEMBER = `not exists (
  select 1 from pg_catalog.pg_depend d
  where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e')`;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function databaseContents(url: string): Promise<DatabaseContents> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // a dying server must reject the pending query, not crash the process
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query(`
      set local timezone = 'UTC';
      set local datestyle = 'ISO, YMD';
      set local intervalstyle = 'postgres';
      set local extra_float_digits = 1;
      set local bytea_output = 'hex';
      set local lc_monetary = 'C';
      set local search_path = pg_catalog;
      set local row_security = off;
      set local statement_timeout = 0;
    `);

    const relations = (
      await client.query<{ nspname: string; relname: string; relkind: string; populated: boolean }>(`
        select n.nspname, c.relname, c.relkind::text as relkind, c.relispopulated as populated
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'm') and c.relpersistence <> 't' and ${USER_SCHEMA} and ${NOT_EXTENSION_MEMBER}
        order by n.nspname collate "C", c.relname collate "C"`)
    ).rows;

    const tables: Record<string, string> = {};
    for (const rel of relations) {
      const name = `${quoteIdent(rel.nspname)}.${quoteIdent(rel.relname)}`;
      if (rel.relkind === 'm' && !rel.populated) {
        tables[name] = UNPOPULATED;
        continue;
      }
      // (alias.*)::text, not alias::text: a column with the alias's name would win over the whole-row reference.
      // convert_to(..., database encoding) is a no-op conversion that yields the row's exact bytes.
      tables[name] = await sortedHashDigest(
        client,
        `select pg_catalog.sha256(pg_catalog.convert_to(("dbops row".*)::text, pg_catalog.getdatabaseencoding()))
         from only ${name} as "dbops row"`,
      );
    }

    const largeObjects = await sortedHashDigest(
      client,
      'select pg_catalog.sha256(pg_catalog.lo_get(m.oid)) from pg_catalog.pg_largeobject_metadata m',
    );

    const sequenceRows = (
      await client.query<{ nspname: string; relname: string }>(`
        select n.nspname, c.relname
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'S' and c.relpersistence <> 't' and ${USER_SCHEMA} and ${NOT_EXTENSION_MEMBER}
        order by n.nspname collate "C", c.relname collate "C"`)
    ).rows;
    const sequences: DatabaseContents['sequences'] = {};
    for (const seq of sequenceRows) {
      const name = `${quoteIdent(seq.nspname)}.${quoteIdent(seq.relname)}`;
      const [row] = (
        await client.query<{ last_value: string; is_called: boolean }>(
          `select last_value::text as last_value, is_called from ${name}`,
        )
      ).rows;
      if (!row) throw new Error(`sequence ${name} returned no row`);
      sequences[name] = { lastValue: row.last_value, isCalled: row.is_called };
    }

    await client.query('commit');
    return { tables, largeObjects, sequences };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Differences between two snapshots, one readable line each ([] when equal), e.g. for a test failure message:
 * `table "s"."t": contents differ`, `table "s"."t": only in restored`, `sequence "s"."q": 15/true vs 22/true`.
 */
export function diffContents(
  source: DatabaseContents,
  restored: DatabaseContents,
  labels: [string, string] = ['source', 'restored'],
): string[] {
  const out: string[] = [];
  const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const name of keys(source.tables, restored.tables)) {
    const [a, b] = [source.tables[name], restored.tables[name]];
    if (a === undefined) out.push(`table ${name}: only in ${labels[1]}`);
    else if (b === undefined) out.push(`table ${name}: only in ${labels[0]}`);
    else if (a !== b) out.push(`table ${name}: contents differ`);
  }
  if (source.largeObjects !== restored.largeObjects) out.push('large objects: contents differ');
  for (const name of keys(source.sequences, restored.sequences)) {
    const [a, b] = [source.sequences[name], restored.sequences[name]];
    if (a === undefined) out.push(`sequence ${name}: only in ${labels[1]}`);
    else if (b === undefined) out.push(`sequence ${name}: only in ${labels[0]}`);
    else if (a.lastValue !== b.lastValue || a.isCalled !== b.isCalled) {
      out.push(`sequence ${name}: ${a.lastValue}/${a.isCalled} vs ${b.lastValue}/${b.isCalled}`);
    }
  }
  return out;
}

/**
 * Runs `select <bytea hash> from ...` through a cursor in sorted hash order and returns sha256 over the
 * concatenated hashes (each fixed-length, so the concatenation is unambiguous and encodes the row count).
 */
async function sortedHashDigest(client: pg.Client, select: string): Promise<string> {
  const digest = createHash('sha256');
  await client.query(`declare dbops_snapshot no scroll cursor for select h from (${select}) as x(h) order by h`);
  for (;;) {
    const { rows } = await client.query<{ h: Buffer | null }>(`fetch forward ${FETCH_ROWS} from dbops_snapshot`);
    for (const { h } of rows) {
      if (!h) throw new Error(`unexpected NULL hash from: ${select}`);
      digest.update(h);
    }
    if (rows.length < FETCH_ROWS) break;
  }
  await client.query('close dbops_snapshot');
  return digest.digest('hex');
}
