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
    // reltuples is -1 until the table is first analyzed (PostgreSQL 14+; 0 before, read as an estimate of none).
    const { rows } = await client.query<{ name: string; bytes: string; reltuples: number }>(
      `SELECT q.name, pg_total_relation_size(c.oid) AS bytes, c.reltuples
         FROM unnest($1::text[]) AS q(name) JOIN pg_class c ON c.oid = to_regclass(q.name)`,
      [names],
    );
    for (const row of rows) {
      sizes.set(row.name, {
        bytes: Number(row.bytes),
        ...(row.reltuples >= 0 ? { rows: Math.round(row.reltuples) } : {}),
      });
    }
    return sizes;
  };
}
