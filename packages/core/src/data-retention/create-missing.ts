import type pg from 'pg';

/**
 * Runs `create` (a CREATE TABLE) only when `table` is not there yet. CREATE TABLE IF NOT EXISTS checks CREATE on the
 * schema before it looks for the table, so a role that may use dbops's tables but not create any would be refused
 * by it on every run.
 */
export async function createTableWhenMissing(client: pg.ClientBase, table: string, create: string): Promise<void> {
  const { rows } = await client.query<{ missing: boolean }>('SELECT to_regclass($1) IS NULL AS missing', [table]);
  if (rows[0]!.missing) await client.query(create);
}
