/** Reading a migration tool's table, which may not exist yet (no migration ever applied). */
import type pg from 'pg';

/** The table's name for to_regclass and queries: "schema"."table", quoted. */
export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The rows of `select` over the table, or [] when the table does not exist. */
export async function readTableRows<T extends pg.QueryResultRow>(
  client: pg.ClientBase,
  table: string,
  select: string,
): Promise<T[]> {
  const found = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
  if (!found.rows[0]?.exists) return [];
  return (await client.query<T>(select)).rows;
}
