/**
 * What a purge reads before each batch to decide whether the server has room for it (pt-archiver's --max-lag and
 * --max-load), in one round trip:
 * - the largest replay lag among this primary's standbys (data-retention-lag.ts says why, and why it may read 0);
 * - the replication slot holding back the most WAL: deletes write WAL that no slot-holder has consumed yet, so an
 *   abandoned or slow slot turns a big purge into a full WAL disk;
 * - how many other client sessions are running a statement: the server's own busy-ness, which needs pg_monitor (or
 *   pg_read_all_stats) to see other roles' sessions; without it only the role's own sessions count.
 */
import type pg from 'pg';

export interface PurgePressure {
  lagMs: number;
  /** The slot retaining the most WAL; undefined without slots (or on a standby, where no WAL is written). */
  slot?: { name: string; retainedBytes: number };
  activeSessions: number;
}

export async function readPurgePressure(client: pg.ClientBase): Promise<PurgePressure> {
  const { rows } = await client.query<{
    lag: number | null;
    slot: string | null;
    retained: number | null;
    active: number;
  }>(
    `SELECT (SELECT max(extract(epoch FROM replay_lag))::float8 * 1000 FROM pg_stat_replication) AS lag,
            s.slot_name AS slot, s.retained,
            (SELECT count(*)::int FROM pg_stat_activity
              WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()) AS active
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT slot_name, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS retained
           FROM pg_replication_slots
          WHERE restart_lsn IS NOT NULL AND NOT pg_is_in_recovery()
          ORDER BY 2 DESC LIMIT 1) AS s ON true`,
  );
  const row = rows[0]!;
  return {
    lagMs: row.lag ?? 0,
    ...(row.slot === null || row.retained === null ? {} : { slot: { name: row.slot, retainedBytes: row.retained } }),
    activeSessions: row.active,
  };
}
