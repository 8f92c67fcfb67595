/**
 * VACUUM (ANALYZE) of a purged table: marks the deleted rows' space reusable and refreshes the planner's statistics
 * now rather than whenever autovacuum gets to it. VACUUM cannot run inside a transaction, so its lock_timeout is a
 * session setting, set for the statement and put back after it.
 */
import type pg from 'pg';

export async function vacuumAnalyze(client: pg.ClientBase, table: string, lockTimeoutMs: number): Promise<void> {
  const { rows } = await client.query<{ lock: string }>("SELECT current_setting('lock_timeout') AS lock");
  await client.query("SELECT set_config('lock_timeout', $1, false)", [`${lockTimeoutMs}ms`]);
  try {
    await client.query(`VACUUM (ANALYZE) ${table}`);
  } finally {
    await client.query("SELECT set_config('lock_timeout', $1, false)", [rows[0]!.lock]);
  }
}
