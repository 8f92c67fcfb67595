import type { CheckDefinition } from '../check.js';
import { QUALIFIED, USER_SCHEMA } from './sql.js';

/**
 * An index's size from pg_class.relpages (set by CREATE INDEX, VACUUM and ANALYZE) rather than pg_relation_size,
 * which locks and stats every index: on 20,000 indexes that alone takes seconds. `ci` is the index's pg_class row.
 */
const INDEX_BYTES = `(ci.relpages::float8 * current_setting('block_size')::int)`;

export const unusedIndexes: CheckDefinition = {
  id: 'unused-indexes',
  title: 'Unused indexes',
  why: 'An index no query uses still slows every write to its table and takes disk, cache and backup space.',
  action: 'Confirm it is unused on every replica and over a full business cycle, then DROP INDEX CONCURRENTLY.',
  unit: 'bytes',
  direction: 'above',
  warning: 1024 * 1024,
  async run({ query, standby }) {
    // Unique and constraint indexes enforce rules even when no query reads them: never "unused".
    const rows = await query<{ name: string; table: string; bytes: number }>(
      `select quote_ident(s.schemaname) || '.' || quote_ident(s.indexrelname) as name,
              quote_ident(s.schemaname) || '.' || quote_ident(s.relname) as table, ${INDEX_BYTES} as bytes
       from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid join pg_class ci on ci.oid = s.indexrelid
       where s.idx_scan = 0 and not i.indisunique and not i.indisprimary and i.indisvalid
         and not exists (select 1 from pg_constraint co where co.conindid = s.indexrelid)`,
    );
    const [since] = await query<{ since: string | null }>(
      `select stats_reset::text as since from pg_stat_database where datname = current_database()`,
    );
    const notes = [
      `index scans are counted since ${since?.since ?? 'the statistics began'}${standby ? ', on this standby only' : ''}`,
    ];
    return {
      observations: rows.map((r) => ({
        subject: r.name,
        table: r.table,
        value: r.bytes,
        detail: `no scans; ${r.table}`,
      })),
      notes,
    };
  },
};

interface IndexRow {
  oid: number;
  name: string;
  table: string;
  am: string;
  columns: string;
  key_count: number;
  classes: string;
  collations: string;
  options: string;
  predicate: string | null;
  expressions: string | null;
  unique: boolean;
  nulls_not_distinct: boolean;
  bytes: number;
  /** A partitioned table's index (relkind 'I'). */
  partitioned: boolean;
  /** The partitioned index it is attached to, if any. */
  parent: number | null;
}

export interface IndexShape {
  oid: number;
  table: string;
  am: string;
  /** Key columns (attnums, 0 for an expression), in order: what the index is searched and sorted by. */
  keys: string[];
  /** INCLUDE columns: carried for index-only scans, not searched, not part of a unique rule. */
  included: string[];
  /** Per key column: operator class, collation, and indoption (DESC, NULLS FIRST). */
  classes: string[];
  collations: string[];
  options: string[];
  predicate: string | null;
  expressions: string | null;
  unique: boolean;
  /** UNIQUE NULLS NOT DISTINCT (15+): a stricter rule than plain UNIQUE on the same keys. */
  nullsNotDistinct?: boolean;
}

/**
 * The index that makes `a` redundant, if any: a btree on the same table with the same predicate and expressions
 * whose leading key columns (with the same operator classes, collations and orderings) are all of a's key columns,
 * and which holds every column a includes. A unique index is kept unless its twin is unique (the same way) on
 * exactly the same key columns; of two identical indexes, the newer is reported.
 */
export function coveringIndex<T extends IndexShape>(a: T, others: T[]): T | undefined {
  if (a.am !== 'btree') return undefined;
  const prefix = (x: string[], y: string[]) => x.every((v, i) => y[i] === v);
  const within = (x: string[], y: string[]) => x.every((v) => y.includes(v));
  return others.find((b) => {
    if (b.oid === a.oid || b.table !== a.table || b.am !== a.am) return false;
    if (b.predicate !== a.predicate || b.expressions !== a.expressions) return false;
    if (b.keys.length < a.keys.length) return false;
    if (!prefix(a.keys, b.keys) || !prefix(a.classes, b.classes) || !prefix(a.collations, b.collations)) return false;
    if (!prefix(a.options, b.options)) return false;
    // An index-only scan of a reads its included columns: b must hold them too, as key or included column.
    if (!within(a.included, [...b.keys, ...b.included])) return false;
    const sameKeys = b.keys.length === a.keys.length;
    // b holds no column a lacks: of the two, only their age tells which to drop.
    const identical = sameKeys && within(b.included, [...a.keys, ...a.included]);
    if (a.unique) {
      if (!sameKeys || !b.unique || Boolean(b.nullsNotDistinct) !== Boolean(a.nullsNotDistinct)) return false;
      return !identical || b.oid < a.oid;
    }
    if (identical && !b.unique) return b.oid < a.oid;
    return true;
  });
}

const PARTITIONED_DROP =
  "; a partitioned table's index: drop it with DROP INDEX (PostgreSQL refuses CONCURRENTLY for it), which drops its partitions' indexes and locks the table and every partition ACCESS EXCLUSIVE until it commits";

export const duplicateIndexes: CheckDefinition = {
  id: 'duplicate-indexes',
  title: 'Duplicate indexes',
  why: 'An index whose columns are the leading columns of another index does nothing the other cannot, but costs every write.',
  action:
    "Drop the redundant index (DROP INDEX CONCURRENTLY; a partitioned table's index: plain DROP INDEX, in a quiet hour) after checking no query hint or constraint names it.",
  unit: 'bytes',
  direction: 'above',
  warning: 0,
  async run({ query, major }) {
    // indkey lists the key columns, then the INCLUDE ones; indclass, indcollation and indoption only the keys.
    const nullsNotDistinct = major >= 15 ? 'i.indnullsnotdistinct' : 'false';
    const rows = await query<IndexRow>(
      `select i.indexrelid::int8 as oid, quote_ident(n.nspname) || '.' || quote_ident(ci.relname) as name, ${QUALIFIED} as table,
              am.amname as am, i.indkey::text as columns, i.indnkeyatts::int as key_count, i.indclass::text as classes,
              i.indcollation::text as collations, i.indoption::text as options,
              pg_get_expr(i.indpred, i.indrelid) as predicate, pg_get_expr(i.indexprs, i.indrelid) as expressions,
              i.indisunique as unique, ${nullsNotDistinct} as nulls_not_distinct, ${INDEX_BYTES} as bytes,
              ci.relkind = 'I' as partitioned,
              (select h.inhparent::int8 from pg_inherits h where h.inhrelid = i.indexrelid) as parent
       from pg_index i
       join pg_class ci on ci.oid = i.indexrelid join pg_am am on am.oid = ci.relam
       join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
       where i.indisvalid and ${USER_SCHEMA}`,
    );
    const shapes = rows.map((r) => {
      const columns = r.columns.split(' ');
      return {
        ...r,
        oid: Number(r.oid),
        parent: r.parent === null ? null : Number(r.parent),
        keys: columns.slice(0, r.key_count),
        included: columns.slice(r.key_count),
        classes: r.classes.split(' '),
        collations: r.collations.split(' '),
        options: r.options.split(' '),
        nullsNotDistinct: r.nulls_not_distinct,
      };
    });
    const byTable = new Map<string, typeof shapes>();
    for (const s of shapes) byTable.set(s.table, [...(byTable.get(s.table) ?? []), s]);

    const covered = shapes.flatMap((a) => {
      const b = coveringIndex(a, byTable.get(a.table) ?? []);
      return b ? [{ a, b }] : [];
    });
    // A partition's index attached to a partitioned index cannot be dropped alone: where its parent, or the parent
    // of the index covering it, is reported, that parent's drop settles it (whichever of the two twins is newer).
    const reported = new Set(covered.map(({ a }) => a.oid));
    const settled = (parent: number | null) => parent !== null && reported.has(parent);
    const pairs = covered.filter(({ a, b }) => a.parent === null || !(settled(a.parent) || settled(b.parent)));
    if (pairs.length === 0) return { observations: [] };
    const defs = await query<{ oid: string; def: string }>(
      `select indexrelid::int8::text as oid, pg_get_indexdef(indexrelid) as def from pg_index where indexrelid = any($1::oid[])`,
      [pairs.flatMap(({ a, b }) => [a.oid, b.oid])],
    );
    const def = new Map(defs.map((d) => [Number(d.oid), d.def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON /, '')]));
    // A partitioned index has no storage of its own: its size is its partitions' indexes, which its drop drops.
    const partitioned = pairs.filter(({ a }) => a.partitioned).map(({ a }) => a.oid);
    const treeBytes =
      partitioned.length === 0
        ? []
        : await query<{ oid: string; bytes: number }>(
            `select x.oid::int8::text as oid, coalesce(sum(ci.relpages::float8 * current_setting('block_size')::int), 0)::float8 as bytes
             from unnest($1::oid[]) x(oid), pg_partition_tree(x.oid) p join pg_class ci on ci.oid = p.relid
             group by x.oid`,
            [partitioned],
          );
    const bytes = new Map(treeBytes.map((t) => [Number(t.oid), t.bytes]));
    return {
      observations: pairs.map(({ a, b }) => ({
        subject: a.name,
        table: a.table,
        value: bytes.get(a.oid) ?? a.bytes,
        detail: `${def.get(a.oid)} is covered by ${b.name} ${def.get(b.oid)}${a.partitioned ? PARTITIONED_DROP : ''}`,
      })),
    };
  },
};

export const invalidIndexes: CheckDefinition = {
  id: 'invalid-indexes',
  title: 'Invalid indexes',
  why: 'An index left invalid by a failed CREATE INDEX CONCURRENTLY is never used by queries but is still updated by every write.',
  action: 'DROP INDEX CONCURRENTLY the invalid index and create it again (or REINDEX INDEX CONCURRENTLY).',
  unit: 'bytes',
  direction: 'above',
  warning: 0,
  async run({ query }) {
    // An index being built right now is invalid too: those are left out.
    const rows = await query<{ name: string; table: string; bytes: number }>(
      `select quote_ident(n.nspname) || '.' || quote_ident(ci.relname) as name, ${QUALIFIED} as table, pg_relation_size(i.indexrelid)::float8 as bytes
       from pg_index i join pg_class ci on ci.oid = i.indexrelid
       join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
       where not i.indisvalid and ${USER_SCHEMA}
         and not exists (select 1 from pg_stat_progress_create_index p where p.index_relid = i.indexrelid)`,
    );
    return {
      observations: rows.map((r) => ({
        subject: r.name,
        table: r.table,
        value: r.bytes,
        detail: `invalid index on ${r.table}`,
      })),
    };
  },
};

export const missingIndexes: CheckDefinition = {
  id: 'missing-indexes',
  title: 'Missing-index candidates',
  why: 'A large table read mostly by sequential scans usually lacks an index for a frequent query, and each scan reads the whole table.',
  action: 'Find the queries that scan it (pg_stat_statements, EXPLAIN) and add an index for their WHERE/JOIN columns.',
  unit: 'ratio',
  direction: 'above',
  warning: 0.5,
  params: {
    'min-rows': { default: 10_000, unit: 'count', description: 'Only tables with at least this many live rows.' },
    'min-scans': { default: 100, unit: 'count', description: 'Only tables scanned sequentially at least this often.' },
  },
  async run({ query, param }) {
    const rows = await query<{ name: string; seq: number; idx: number; rows_read: number; live: number }>(
      `select quote_ident(schemaname) || '.' || quote_ident(relname) as name, seq_scan::float8 as seq, coalesce(idx_scan, 0)::float8 as idx,
              seq_tup_read::float8 as rows_read, n_live_tup::float8 as live
       from pg_stat_user_tables where n_live_tup >= $1 and seq_scan >= $2
       order by seq_tup_read desc limit 500`,
      [param('min-rows'), param('min-scans')],
    );
    return {
      observations: rows.map((r) => ({
        subject: r.name,
        table: r.name,
        value: r.seq / (r.seq + r.idx),
        detail: `${r.seq} sequential scans (${Math.round(r.rows_read / r.seq)} rows each), ${r.idx} index scans; ${r.live} rows`,
      })),
    };
  },
};
