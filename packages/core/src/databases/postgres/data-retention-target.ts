/**
 * What a purge needs to know about a rule's table beyond the catalog check (data-retention-catalog.ts): the names a
 * legal hold may give it, the primary key's types (batches walk the key with typed parameters, so the comparison
 * stays an index condition), the tables whose foreign keys point at it, and the bytes a row takes on average.
 */
import type pg from 'pg';
import { type Minimum, qualifiedNameText } from '../../data-retention/policy.js';
import { DbopsError } from '../../errors.js';

export interface TableShape {
  /** regclass text: schema-qualified when off the search_path, quoted when needed. */
  table: string;
  /** The names a hold row's subject_table may use for this table: `name` and `schema.name`. */
  holdNames: string[];
  primaryKey: { name: string; type: string }[];
  /** Average bytes per row (table size / estimated rows, partitions summed); undefined before the first ANALYZE. */
  bytesPerRow?: number;
}

/** A foreign key that references the rule's table, and what PostgreSQL does to its rows on DELETE. */
export interface Dependant {
  table: string;
  constraint: string;
  onDelete: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
}

const ON_DELETE: Record<string, Dependant['onDelete']> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

export async function tableShape(client: pg.ClientBase, table: string, primaryKey: string[]): Promise<TableShape> {
  const { rows } = await client.query<{
    table: string;
    schema: string;
    name: string;
    key_types: string[];
    bytes: number | null;
    tuples: number | null;
  }>(
    `SELECT c.oid::regclass::text AS table, n.nspname AS schema, c.relname AS name,
            array(SELECT format_type(a.atttypid, a.atttypmod)
                    FROM unnest($2::text[]) WITH ORDINALITY AS k(col, i)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = k.col ORDER BY k.i) AS key_types,
            sizes.bytes, sizes.tuples
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL (
         -- The table itself, or a partitioned table's leaf partitions (the parent holds no rows).
         SELECT sum(pg_table_size(l.oid))::float8 AS bytes, sum(greatest(l.reltuples, 0))::float8 AS tuples
           FROM pg_class l
          WHERE l.oid = c.oid OR l.oid IN (SELECT p.relid FROM pg_partition_tree(c.oid) AS p WHERE p.isleaf)
       ) AS sizes
      WHERE c.oid = to_regclass($1)`,
    [table, primaryKey],
  );
  const row = rows[0];
  if (!row || row.key_types.length !== primaryKey.length)
    throw new DbopsError('CONFLICT', `Table ${table} was dropped or altered while the policy was checked against it`, {
      hint: 'A migration changed the schema during the run; nothing was purged. Run again.',
    });
  const shape: TableShape = {
    table: row.table,
    holdNames: [...new Set([row.name, `${row.schema}.${row.name}`])],
    primaryKey: primaryKey.map((name, i) => ({ name, type: row.key_types[i]! })),
  };
  if (row.bytes !== null && row.tuples) shape.bytesPerRow = row.bytes / row.tuples;
  return shape;
}

/** Foreign keys referencing the table (one per constraint, not its copies on partitions). */
export async function dependants(client: pg.ClientBase, table: string): Promise<Dependant[]> {
  const { rows } = await client.query<{ table: string; constraint: string; action: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS constraint, confdeltype AS action
       FROM pg_constraint
      WHERE contype = 'f' AND confrelid = to_regclass($1) AND conparentid = 0
      ORDER BY 1, 2`,
    [table],
  );
  return rows.map((r) => ({ table: r.table, constraint: r.constraint, onDelete: ON_DELETE[r.action] ?? 'no action' }));
}

/** A table name as this session resolves it (search_path), or undefined when there is none. */
export async function resolveTable(client: pg.ClientBase, name: string): Promise<string | undefined> {
  const { rows } = await client.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [name]);
  return rows[0]?.table ?? undefined;
}

/**
 * Each minimum's table as this session resolves its name (resolveTable), undefined when there is none: purge and
 * subject erase alike match a minimum to a table by it, so both honour the same minimums.
 */
export async function resolveMinimumTables(
  client: pg.ClientBase,
  minimums: readonly Minimum[],
): Promise<Map<Minimum, string | undefined>> {
  const tables = new Map<Minimum, string | undefined>();
  for (const m of minimums) tables.set(m, await resolveTable(client, qualifiedNameText(m.table)));
  return tables;
}
