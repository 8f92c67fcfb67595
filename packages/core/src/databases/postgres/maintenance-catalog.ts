// What the maintenance plan reads from PostgreSQL's catalog and statistics views, one query per concern.
import type pg from 'pg';
import { SEQUENCE_COLUMNS } from './sequence-columns.js';

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
  /**
   * Same table, key and INCLUDE columns, operator classes, sort orders, expressions and predicate; the one to keep
   * first. `locked`: it backs a constraint or is attached to a partitioned index, so it cannot be dropped alone.
   * `partitioned`: a partitioned table's index (relkind 'I'), which DROP INDEX CONCURRENTLY refuses; its `bytes`
   * are its partitions' indexes, which a drop of it drops too.
   */
  indexes: Array<IndexInfo & { locked: boolean; partitioned: boolean }>;
}

export interface SequenceUsage {
  schema: string;
  name: string;
  dataType: string;
  lastValue: number;
  maxValue: number;
  /** The int2/int4 columns it fills, each failing at its type's maximum (`maxValue`); `bytes`: its table's. */
  columns: Array<{ schema: string; table: string; column: string; dataType: string; maxValue: number; bytes: number }>;
}

const USER_SCHEMAS = `not in ('pg_catalog', 'information_schema', 'pg_toast')`;

/** A table's own autovacuum reloption, else the server's setting. */
const setting = (name: string) =>
  `coalesce((select split_part(o, '=', 2) from unnest(c.reloptions) o where o like '${name}=%' limit 1), current_setting('${name}'))`;

/**
 * Not partitioned tables: they hold no rows (their partitions are listed and vacuumed on their own) and their
 * relfrozenxid is 0, whose age() is 2147483647, so each would be frozen, the whole hierarchy, on every run. Not
 * temporary tables: another session's cannot be vacuumed by this one. The transaction-ID age is the older of the
 * table's and its TOAST table's: autovacuum forces a freeze when either passes autovacuum_freeze_max_age, and a VACUUM
 * of the table freezes both.
 *
 * Sizes come from pg_class.relpages (table and TOAST, as the last VACUUM or ANALYZE counted them), not
 * pg_table_size(): that stats every file of every table (6 s for 10,000 tables in bench/maintenance-plan.mjs) and
 * waits behind another session's ACCESS EXCLUSIVE lock. Planning takes no lock on any table this way.
 */
export async function tableHealth(client: pg.Client): Promise<TableHealth[]> {
  const { rows } = await client.query(`
    select s.schemaname as schema, s.relname as name, s.n_live_tup::float8 as live, s.n_dead_tup::float8 as dead,
           s.n_mod_since_analyze::float8 as modified, greatest(s.last_analyze, s.last_autoanalyze) as analyzed,
           greatest(age(c.relfrozenxid), coalesce(age(tc.relfrozenxid), 0))::float8 as xid_age,
           ((c.relpages + coalesce(tc.relpages, 0))::float8 * current_setting('block_size')::int) as bytes,
           (s.n_tup_upd + s.n_tup_del)::float8 as changed,
           extract(epoch from now() - greatest(s.last_vacuum, s.last_autovacuum))::float8 as vacuum_age,
           current_setting('autovacuum')::bool
             and coalesce((select split_part(o, '=', 2) from unnest(c.reloptions) o where o like 'autovacuum_enabled=%' limit 1), 'on')::bool
             as av_enabled,
           ${setting('autovacuum_vacuum_scale_factor')}::float8 as av_scale,
           ${setting('autovacuum_vacuum_threshold')}::float8 as av_threshold
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid left join pg_class tc on tc.oid = c.reltoastrelid
     where c.relkind <> 'p' and c.relpersistence <> 't'
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
/** Not another session's temporary tables' indexes: this session can neither use nor rebuild them. */
const INDEX_JOINS = `from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
  join pg_namespace n on n.oid = i.relnamespace and t.relpersistence <> 't'`;

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

/** An index (pg_index x) a DROP INDEX of its own refuses: a constraint's, or a partition's of a partitioned index. */
const LOCKED = `(exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
  or exists (select 1 from pg_inherits h where h.inhrelid = x.indexrelid))`;

/**
 * Indexes never scanned since statistics were reset, that enforce nothing (not unique, not a constraint) and can be
 * dropped alone (not attached to a partitioned table's index).
 */
export async function unusedIndexes(client: pg.Client, minBytes: number): Promise<UnusedIndex[]> {
  const { rows } = await client.query(
    `select ${INDEX_COLUMNS}, s.idx_scan::float8 as scans ${INDEX_JOINS}
       join pg_stat_user_indexes s on s.indexrelid = x.indexrelid
      where s.idx_scan = 0 and x.indisvalid and not x.indisunique and not x.indisprimary
        and not ${LOCKED}
        and ${BIG_INDEX}
      order by 1, 2`,
    [minBytes],
  );
  return rows as UnusedIndex[];
}

/**
 * Groups first on the catalog's own columns, then reads sizes and definitions for the duplicates only: a size is a
 * file-system call (and waits behind an ACCESS EXCLUSIVE lock), too dear for every index of a large catalog. Key
 * columns and INCLUDE columns apart (indnkeyatts: (a) INCLUDE (b) is no duplicate of (a, b)), with their sort
 * orders (indoption) and NULLS NOT DISTINCT (PostgreSQL 15+; read through to_jsonb, absent before). An index that
 * backs a constraint or is attached to a partitioned table's index cannot be dropped alone: it is kept first where
 * it can be, and marked `locked`, never to be suggested for a drop.
 */
export async function duplicateIndexes(client: pg.Client): Promise<DuplicateIndexGroup[]> {
  const { rows } = await client.query(
    `with groups as (
       select x.indrelid,
              array_agg(x.indexrelid order by x.indisprimary desc, x.indisunique desc, ${LOCKED} desc, i.relname) as members
         ${INDEX_JOINS}
        where x.indisvalid and n.nspname ${USER_SCHEMAS}
        group by x.indrelid, x.indnkeyatts, x.indkey::text, x.indclass::text, x.indcollation::text, x.indoption::text,
                 coalesce(to_jsonb(x) ->> 'indnullsnotdistinct', ''),
                 coalesce(pg_get_expr(x.indexprs, x.indrelid), ''), coalesce(pg_get_expr(x.indpred, x.indrelid), ''),
                 i.relam
       having count(*) > 1
     )
     select n.nspname as schema, t.relname as "table",
            (select json_agg(json_build_object('schema', n.nspname, 'name', i.relname, 'table', t.relname,
                      'bytes', case when i.relkind = 'I'
                                 then (select coalesce(sum(pg_relation_size(p.relid)), 0) from pg_partition_tree(i.oid) p)
                                 else pg_relation_size(i.oid) end,
                      'locked', ${LOCKED}, 'partitioned', i.relkind = 'I') order by m.ord)
               from unnest(g.members) with ordinality m(oid, ord) join pg_class i on i.oid = m.oid
               join pg_index x on x.indexrelid = i.oid) as indexes
       from groups g join pg_class t on t.oid = g.indrelid join pg_namespace n on n.oid = t.relnamespace
      order by 1, 2`,
  );
  return rows as DuplicateIndexGroup[];
}

/**
 * Sequences with the int2/int4 columns they fill (SEQUENCE_COLUMNS: owned ones and those whose default calls
 * nextval() on them). Such a column fails at its type's maximum, long before a bigint sequence does. A partition's column is left out: altering the partitioned table's alters it.
 */
export async function sequenceUsage(client: pg.Client): Promise<SequenceUsage[]> {
  const { rows } = await client.query(
    `select s.schemaname as schema, s.sequencename as name, s.data_type::text as data_type,
            s.last_value::float8 as last_value, s.max_value::float8 as max_value,
            (select coalesce(json_agg(json_build_object('schema', tn.nspname, 'table', t.relname, 'column', a.attname,
                      'dataType', format_type(a.atttypid, null),
                      'maxValue', case a.atttypid when 'int2'::regtype then 32767 else 2147483647 end,
                      'bytes', t.relpages::float8 * current_setting('block_size')::int)
                      order by tn.nspname, t.relname, a.attnum), '[]')
               from (${SEQUENCE_COLUMNS}) col
               join pg_attribute a on a.attrelid = col.relid and a.attnum = col.attnum and not a.attisdropped
               join pg_class t on t.oid = col.relid join pg_namespace tn on tn.oid = t.relnamespace
              where col.seq = seq.oid and a.atttypid in ('int2'::regtype, 'int4'::regtype)
                and not t.relispartition) as columns
       from pg_sequences s join pg_namespace sn on sn.nspname = s.schemaname
       join pg_class seq on seq.relnamespace = sn.oid and seq.relname = s.sequencename
      where s.last_value is not null and s.increment_by > 0 and s.schemaname ${USER_SCHEMAS}
      order by 1, 2`,
  );
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    dataType: r.data_type,
    lastValue: r.last_value,
    maxValue: r.max_value,
    columns: r.columns,
  }));
}
