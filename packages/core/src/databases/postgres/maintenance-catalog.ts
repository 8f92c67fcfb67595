// What the maintenance plan reads from PostgreSQL's catalog and statistics views, one query per concern.
import type pg from 'pg';

export interface TableHealth {
  schema: string;
  name: string;
  liveTuples: number;
  deadTuples: number;
  modifiedSinceAnalyze: number;
  lastAnalyzed: Date | null;
  xidAge: number;
  bytes: number;
  /** Rows updated and deleted since the statistics were reset: the table's churn. */
  changedRows: number;
  /** Seconds since the statistics were reset (or the server started): the period `changedRows` covers. */
  statsAgeSeconds: number;
  /** Seconds since the last VACUUM or autovacuum of the table; null if never (since the statistics reset). */
  lastVacuumAgeSeconds: number | null;
  /** The autovacuum settings in force for the table: its own reloptions, else the server's. */
  autovacuum: { enabled: boolean; scaleFactor: number; threshold: number };
}

export interface IndexInfo {
  schema: string;
  name: string;
  table: string;
  bytes: number;
}

export interface BloatedIndex extends IndexInfo {
  /** Bytes a freshly built index would take, estimated from row count and key widths. */
  expectedBytes: number;
}

export interface UnusedIndex extends IndexInfo {
  scans: number;
}

export interface DuplicateIndexGroup {
  schema: string;
  table: string;
  /** Same table, columns, operator classes, expressions and predicate; the one to keep first. */
  indexes: IndexInfo[];
}

export interface SequenceUsage {
  schema: string;
  name: string;
  dataType: string;
  lastValue: number;
  maxValue: number;
}

const USER_SCHEMAS = `not in ('pg_catalog', 'information_schema', 'pg_toast')`;

/** A table's own autovacuum reloption, else the server's setting. */
const setting = (name: string) =>
  `coalesce((select split_part(o, '=', 2) from unnest(c.reloptions) o where o like '${name}=%' limit 1), current_setting('${name}'))`;

/**
 * Sizes come from pg_class.relpages (table and TOAST, as the last VACUUM or ANALYZE counted them), not
 * pg_table_size(): that stats every file of every table (6 s for 10,000 tables in bench/maintenance-plan.mjs) and
 * waits behind another session's ACCESS EXCLUSIVE lock. Planning takes no lock on any table this way.
 */
export async function tableHealth(client: pg.Client): Promise<TableHealth[]> {
  const { rows } = await client.query(`
    select s.schemaname as schema, s.relname as name, s.n_live_tup::float8 as live, s.n_dead_tup::float8 as dead,
           s.n_mod_since_analyze::float8 as modified, greatest(s.last_analyze, s.last_autoanalyze) as analyzed,
           age(c.relfrozenxid)::float8 as xid_age,
           ((c.relpages + coalesce(tc.relpages, 0))::float8 * current_setting('block_size')::int) as bytes,
           (s.n_tup_upd + s.n_tup_del)::float8 as changed,
           extract(epoch from now() - greatest(s.last_vacuum, s.last_autovacuum))::float8 as vacuum_age,
           current_setting('autovacuum')::bool
             and coalesce((select split_part(o, '=', 2) from unnest(c.reloptions) o where o like 'autovacuum_enabled=%' limit 1), 'on')::bool
             as av_enabled,
           ${setting('autovacuum_vacuum_scale_factor')}::float8 as av_scale,
           ${setting('autovacuum_vacuum_threshold')}::float8 as av_threshold
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid left join pg_class tc on tc.oid = c.reltoastrelid
     order by 1, 2`);
  const { rows: since } = await client.query(
    `select extract(epoch from now() - coalesce(stats_reset, pg_postmaster_start_time()))::float8 as age
       from pg_stat_database where datname = current_database()`,
  );
  const statsAgeSeconds = since[0]?.age ?? 0;
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    liveTuples: r.live,
    deadTuples: r.dead,
    modifiedSinceAnalyze: r.modified,
    lastAnalyzed: r.analyzed,
    xidAge: r.xid_age,
    bytes: r.bytes,
    changedRows: r.changed,
    statsAgeSeconds,
    lastVacuumAgeSeconds: r.vacuum_age,
    autovacuum: { enabled: r.av_enabled, scaleFactor: r.av_scale, threshold: r.av_threshold },
  }));
}

// No pg_get_indexdef(): it locks the index's table, so one session's ACCESS EXCLUSIVE lock would stall the plan.
const INDEX_COLUMNS = `n.nspname as schema, i.relname as name, t.relname as "table",
  pg_relation_size(i.oid)::float8 as bytes`;
/**
 * An index at least $1 bytes: relpages first, then the file's size. CASE keeps pg_relation_size() to indexes: as a
 * plain filter the planner may push it onto the scan of pg_class, sizing (and locking) every table too.
 */
const BIG_INDEX = `case when i.relkind = 'i' and i.relpages::float8 * current_setting('block_size')::int >= $1
  then pg_relation_size(i.oid) >= $1 else false end`;
const INDEX_JOINS = `from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
  join pg_namespace n on n.oid = i.relnamespace`;

/**
 * Indexes left invalid, typically by a failed CREATE INDEX CONCURRENTLY; `partitioned` for a partitioned table's
 * index (CREATE INDEX ON ONLY), which stays invalid until an index of every partition is attached to it.
 */
export async function invalidIndexes(client: pg.Client): Promise<Array<IndexInfo & { partitioned: boolean }>> {
  const { rows } = await client.query(
    `select ${INDEX_COLUMNS}, i.relkind = 'I' as partitioned ${INDEX_JOINS}
      where not x.indisvalid and n.nspname ${USER_SCHEMAS} order by 1, 2`,
  );
  return rows as Array<IndexInfo & { partitioned: boolean }>;
}

/**
 * Valid B-tree indexes at least `minBytes` big, with the size a fresh build would have: rows × (key width + 8-byte
 * tuple header + 4-byte line pointer) at the default 90% fill factor. An estimate like pghero's, no extension needed.
 */
export async function btreeIndexSizes(client: pg.Client, minBytes: number): Promise<BloatedIndex[]> {
  const { rows } = await client.query(
    `select ${INDEX_COLUMNS},
            (greatest(i.reltuples, 0) * (12 + coalesce((
               select sum(coalesce(st.avg_width, 8)) from unnest(x.indkey) k(attnum)
                 left join pg_stats st on st.schemaname = n.nspname and st.tablename = t.relname
                  and st.attname = (select attname from pg_attribute where attrelid = t.oid and attnum = k.attnum)
             ), 8)) / 0.9 + current_setting('block_size')::int)::float8 as expected
       ${INDEX_JOINS} join pg_am am on am.oid = i.relam
      where x.indisvalid and am.amname = 'btree' and n.nspname ${USER_SCHEMAS}
        and ${BIG_INDEX}
      order by 1, 2`,
    [minBytes],
  );
  return rows.map((r) => ({ ...r, expectedBytes: r.expected }));
}

/** Indexes never scanned since statistics were reset, that enforce nothing (not unique, not a constraint). */
export async function unusedIndexes(client: pg.Client, minBytes: number): Promise<UnusedIndex[]> {
  const { rows } = await client.query(
    `select ${INDEX_COLUMNS}, s.idx_scan::float8 as scans ${INDEX_JOINS}
       join pg_stat_user_indexes s on s.indexrelid = x.indexrelid
      where s.idx_scan = 0 and x.indisvalid and not x.indisunique and not x.indisprimary
        and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
        and ${BIG_INDEX}
      order by 1, 2`,
    [minBytes],
  );
  return rows as UnusedIndex[];
}

/**
 * Groups first on the catalog's own columns, then reads sizes and definitions for the duplicates only: a size is a
 * file-system call (and waits behind an ACCESS EXCLUSIVE lock), too dear for every index of a large catalog.
 */
export async function duplicateIndexes(client: pg.Client): Promise<DuplicateIndexGroup[]> {
  const { rows } = await client.query(
    `with groups as (
       select x.indrelid, array_agg(x.indexrelid order by x.indisprimary desc, x.indisunique desc, i.relname) as members
         ${INDEX_JOINS}
        where x.indisvalid and n.nspname ${USER_SCHEMAS}
        group by x.indrelid, x.indkey::text, x.indclass::text, x.indcollation::text,
                 coalesce(pg_get_expr(x.indexprs, x.indrelid), ''), coalesce(pg_get_expr(x.indpred, x.indrelid), ''),
                 i.relam
       having count(*) > 1
     )
     select n.nspname as schema, t.relname as "table",
            (select json_agg(json_build_object('schema', n.nspname, 'name', i.relname, 'table', t.relname,
                      'bytes', pg_relation_size(i.oid)) order by m.ord)
               from unnest(g.members) with ordinality m(oid, ord) join pg_class i on i.oid = m.oid) as indexes
       from groups g join pg_class t on t.oid = g.indrelid join pg_namespace n on n.oid = t.relnamespace
      order by 1, 2`,
  );
  return rows as DuplicateIndexGroup[];
}

export async function sequenceUsage(client: pg.Client): Promise<SequenceUsage[]> {
  const { rows } = await client.query(
    `select schemaname as schema, sequencename as name, data_type::text as data_type,
            last_value::float8 as last_value, max_value::float8 as max_value
       from pg_sequences
      where last_value is not null and increment_by > 0 and schemaname ${USER_SCHEMAS}
      order by 1, 2`,
  );
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    dataType: r.data_type,
    lastValue: r.last_value,
    maxValue: r.max_value,
  }));
}
