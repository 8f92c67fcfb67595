/**
 * The replication lag a purge waits on (pt-archiver's --max-lag): the largest replay lag among this primary's
 * standbys. Deletes make WAL that standbys must replay; a purge that outruns them delays every read there.
 * Without standbys, or when the role may not see their lag (pg_monitor grants it), this is 0: the purge then goes
 * on, paced by its own pauses (docs/retention.md says so).
 */
import type pg from 'pg';

export async function replicationLagMs(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ lag: number | null }>(
    'SELECT max(extract(epoch FROM replay_lag))::float8 * 1000 AS lag FROM pg_stat_replication',
  );
  return rows[0]?.lag ?? 0;
}
