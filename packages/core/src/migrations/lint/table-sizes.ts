/** How big the tables a migration touches are, from the live database's catalog (no table is read). */
import type pg from 'pg';
import { tableSql, type TableRef } from './tables.js';

export interface TableSize {
  /** Heap, indexes and TOAST: what a rewrite writes again. */
  bytes: number;
  /** The planner's estimate (pg_class.reltuples); undefined when the table was never analyzed. */
  rows?: number;
}

/** Sizes by tableSql(table); a table the database does not have is absent. */
export type TableSizeLookup = (tables: TableRef[]) => Promise<Map<string, TableSize>>;

/** Resolves names as the migration will (the session's search_path). */
export function catalogTableSizes(client: pg.ClientBase): TableSizeLookup {
  return async (tables) => {
    const names = [...new Set(tables.map(tableSql))];
    const sizes = new Map<string, TableSize>();
    if (names.length === 0) return sizes;
    // reltuples is -1 until the table is first analyzed (PostgreSQL 14+; 0 before, read as an estimate of none). A
    // partitioned table (relkind p) has no storage of its own: size 0, reltuples -1. Its partitions hold its rows, so
    // it is as big as its leaves together (what a rewrite or scan of it goes through).
    const { rows } = await client.query<{ name: string; bytes: string; reltuples: number | null }>(
      `SELECT q.name,
              CASE WHEN c.relkind = 'p'
                   THEN (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0)
                           FROM pg_partition_tree(c.oid) t WHERE t.isleaf)
                   ELSE pg_total_relation_size(c.oid) END AS bytes,
              CASE WHEN c.relkind = 'p'
                   THEN (SELECT sum(l.reltuples) FILTER (WHERE l.reltuples >= 0)
                           FROM pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
                   ELSE c.reltuples END AS reltuples
         FROM unnest($1::text[]) AS q(name) JOIN pg_class c ON c.oid = to_regclass(q.name)`,
      [names],
    );
    for (const row of rows) {
      sizes.set(row.name, {
        bytes: Number(row.bytes),
        ...(row.reltuples !== null && row.reltuples >= 0 ? { rows: Math.round(row.reltuples) } : {}),
      });
    }
    return sizes;
  };
}
