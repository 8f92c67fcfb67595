// The transactions a concurrent index build waits for. REINDEX CONCURRENTLY (like CREATE INDEX CONCURRENTLY), once it
// has created its new copy, waits for the transactions that write to the table and for every transaction whose
// snapshot is older than the copy: waits on their virtual transaction IDs (pg_locks: locktype virtualxid), which
// lock_timeout ends like any lock wait. A long REPEATABLE READ report elsewhere in the database is enough.
import type pg from 'pg';

export interface OlderTransaction {
  pid: number;
  /** Since its transaction began. */
  seconds: number;
  /** pg_stat_activity's state: 'idle in transaction', 'active'… */
  state: string;
  application: string;
}

/**
 * The oldest transaction of this database, other than this session's, that began at least `beganSecondsAgo` ago
 * and holds a snapshot or a transaction ID; undefined when none is open now. What identifies it, never its SQL
 * text (it can hold passwords or personal data).
 */
export async function oldestOlderTransaction(
  client: pg.Client,
  beganSecondsAgo: number,
): Promise<OlderTransaction | undefined> {
  const { rows } = await client.query(
    `select pid, extract(epoch from now() - xact_start)::float8 as seconds, state, application_name as application
       from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()
        and xact_start <= now() - make_interval(secs => $1) and (backend_xmin is not null or backend_xid is not null)
      order by xact_start
      limit 1`,
    [beganSecondsAgo],
  );
  return rows[0];
}
