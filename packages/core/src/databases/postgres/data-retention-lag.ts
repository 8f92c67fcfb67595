/**
 * The replication lag that purges (data-retention-pressure.ts) and maintenance wait on (pt-archiver's --max-lag):
 * the largest replay lag among this primary's standbys. Deletes make WAL that standbys must replay; a purge that
 * outruns them delays every read there.
 * Without standbys, or when the role may not see their lag (pg_monitor grants it), this is 0: the purge then goes
 * on, paced by its own pauses (docs/retention.md says so).
 */
import type pg from 'pg';

/**
 * How many standbys (walsenders) this primary has, and the largest replay lag among them (0 as above). Any role
 * sees the rows, so the count holds even when the lag is hidden: maintenance reads the lag again before every step
 * only while there is a standby to lag.
 */
export async function replicationState(client: pg.ClientBase): Promise<{ standbys: number; lagMs: number }> {
  const { rows } = await client.query<{ standbys: number; lag: number | null }>(
    'SELECT count(*)::int AS standbys, max(extract(epoch FROM replay_lag))::float8 * 1000 AS lag FROM pg_stat_replication',
  );
  return { standbys: rows[0]?.standbys ?? 0, lagMs: rows[0]?.lag ?? 0 };
}
