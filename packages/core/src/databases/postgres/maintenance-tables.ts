// What the maintenance plan reads about whole tables beyond their health figures: the inputs of the bloat estimate,
// which extensions the database has (pg_repack, pgstattuple), and foreign keys no index serves. One query each.
import type pg from 'pg';

const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'`;

export interface TableBloatInput {
  schema: string;
  name: string;
  /** Main fork pages and rows as the last VACUUM or ANALYZE counted them. */
  pages: number;
  tuples: number;
  /**
   * Pages of its indexes, its TOAST table and the TOAST table's index, counted alike: a rewrite (VACUUM FULL)
   * copies them all, and needs that much free space besides the main fork's.
   */
  indexAndToastPages: number;
  /** Average data bytes per row from pg_stats; null when the table has no visible statistics. */
  width: number | null;
  hasNulls: boolean;
  columns: number;
  fillfactor: number;
  blockSize: number;
  /** pg_repack needs a primary key or a unique, non-partial index on NOT NULL columns. */
  repackable: boolean;
}

/**
 * Tables whose main fork is at least `minBytes`, with what the bloat estimate needs (the monitor's estimate). Not
 * temporary ones: another session's cannot be rebuilt by this one.
 */
export async function tableBloatInputs(client: pg.Client, minBytes: number): Promise<TableBloatInput[]> {
  const { rows } = await client.query(
    `with big as (
       select c.oid, c.reltoastrelid, n.nspname, c.relname, c.relpages::float8 as pages, c.reltuples::float8 as tuples,
              coalesce((select substring(o from '=(\\d+)')::int from unnest(c.reloptions) o where o like 'fillfactor=%'), 100) as fillfactor
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and c.relpersistence <> 't' and ${USER_SCHEMA} and c.relpages::float8 * current_setting('block_size')::int >= $1
     ), widths as (
       select s.schemaname, s.tablename, sum((1 - s.null_frac) * s.avg_width)::float8 as width,
              bool_or(s.null_frac > 0) as has_nulls
         from pg_stats s join big on big.nspname = s.schemaname and big.relname = s.tablename
        where not s.inherited group by 1, 2
     )
     select big.nspname as schema, big.relname as name, big.pages, big.tuples, w.width, coalesce(w.has_nulls, false) as has_nulls,
            big.fillfactor, current_setting('block_size')::int as block_size,
            (select coalesce(sum(r.relpages), 0)::float8 from pg_class r
              where r.oid = big.reltoastrelid
                 or r.oid in (select indexrelid from pg_index where indrelid in (big.oid, big.reltoastrelid))) as other_pages,
            (select count(*)::int from pg_attribute a where a.attrelid = big.oid and a.attnum > 0 and not a.attisdropped) as columns,
            exists (select 1 from pg_index x
                     where x.indrelid = big.oid and x.indisvalid and x.indisunique and x.indpred is null and x.indexprs is null
                       and not exists (select 1 from pg_attribute a
                                        where a.attrelid = big.oid and a.attnum = any (x.indkey) and not a.attnotnull)) as repackable
       from big left join widths w on w.schemaname = big.nspname and w.tablename = big.relname
      order by 1, 2`,
    [minBytes],
  );
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    pages: r.pages,
    tuples: r.tuples,
    indexAndToastPages: r.other_pages,
    width: r.width,
    hasNulls: r.has_nulls,
    columns: r.columns,
    fillfactor: r.fillfactor,
    blockSize: r.block_size,
    repackable: r.repackable,
  }));
}

/** Names of the extensions installed in this database. */
export async function installedExtensions(client: pg.Client): Promise<Set<string>> {
  const { rows } = await client.query(`select extname from pg_extension`);
  return new Set(rows.map((r) => r.extname as string));
}

export interface UnindexedForeignKey {
  schema: string;
  table: string;
  constraint: string;
  /** The referencing columns, in the constraint's order. */
  columns: string[];
  referenced: string;
  bytes: number;
  rows: number;
  /** Sum of the columns' average widths (pg_stats), 8 per column without statistics. */
  keyWidth: number;
  seqScans: number;
  seqRowsRead: number;
}

/**
 * Foreign keys whose referencing columns lead no valid, non-partial index, on tables at least `minBytes` big that
 * were sequentially scanned at least `minSeqScans` times: each delete or key update of a referenced row scans them.
 */
export async function unindexedForeignKeys(
  client: pg.Client,
  minBytes: number,
  minSeqScans: number,
): Promise<UnindexedForeignKey[]> {
  const { rows } = await client.query(
    `select n.nspname as schema, t.relname as "table", con.conname as constraint, con.confrelid::regclass::text as referenced,
            array(select a.attname from unnest(con.conkey) with ordinality k(attnum, ord)
                    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord)::text[] as columns,
            (select coalesce(sum(coalesce(st.avg_width, 8)), 8) from unnest(con.conkey) k(attnum)
               join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
               left join pg_stats st on st.schemaname = n.nspname and st.tablename = t.relname and st.attname = a.attname
                                    and not st.inherited)::float8 as key_width,
            t.relpages::float8 * current_setting('block_size')::int as bytes, greatest(t.reltuples, 0)::float8 as rows,
            s.seq_scan::float8 as seq_scans, s.seq_tup_read::float8 as seq_rows_read
       from pg_constraint con join pg_class t on t.oid = con.conrelid join pg_namespace n on n.oid = t.relnamespace
       join pg_stat_user_tables s on s.relid = t.oid
      where con.contype = 'f' and ${USER_SCHEMA} and t.relpersistence <> 't' and s.seq_scan >= $2
        and t.relpages::float8 * current_setting('block_size')::int >= $1
        and not exists (
          select 1 from pg_index x
           where x.indrelid = con.conrelid and x.indisvalid and x.indpred is null
             and (string_to_array(x.indkey::text, ' ')::int2[])[1:cardinality(con.conkey)] @> con.conkey)
      order by 1, 2, 3`,
    [minBytes, minSeqScans],
  );
  return rows.map((r) => ({
    schema: r.schema,
    table: r.table,
    constraint: r.constraint,
    columns: r.columns,
    referenced: r.referenced,
    bytes: r.bytes,
    rows: r.rows,
    keyWidth: r.key_width,
    seqScans: r.seq_scans,
    seqRowsRead: r.seq_rows_read,
  }));
}
