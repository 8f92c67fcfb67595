import type pg from 'pg';
import { DbopsError } from '../../errors.js';
import { formatSeconds } from '../../format.js';
import { APPLICATION_NAME } from './connection.js';

/**
 * Waiting for table locks. A backup reads every table under ACCESS SHARE locks, which only an exclusive lock blocks:
 * a migration's ALTER TABLE, VACUUM FULL, a LOCK TABLE left open. Unbounded, that wait can also never end: once
 * dbops holds its locks, an ALTER TABLE queued behind them makes pg_dump queue behind the ALTER, while dbops waits
 * for pg_dump, a cycle PostgreSQL cannot see. `lock-wait-timeout` bounds it.
 */
export const LOCK_WAIT_INPUT = 'lock-wait-timeout';

/** SQLSTATE lock_not_available: a lock_timeout expired. */
export function isLockTimeout(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '55P03';
}

/** pg_dump's --lock-wait-timeout failure (it bounds its LOCK TABLE statements with a statement timeout). */
export function isDumpLockTimeout(stderr: string): boolean {
  return /LOCK TABLE/.test(stderr) && /(statement|lock) timeout/i.test(stderr);
}

/** The sessions holding or queued for an exclusive lock on a table of this database, described for an error. */
export async function describeExclusiveLockers(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ pid: number; relation: string; granted: boolean; application: string; usename: string; state: string; query: string }>(
    `select a.pid, l.relation::regclass::text as relation, l.granted, a.application_name as application, a.usename, a.state, left(a.query, 120) as query
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
        and l.database = (select oid from pg_database where datname = current_database())
        and a.pid <> pg_backend_pid() and a.application_name is distinct from $1
      order by l.granted desc, a.pid
      limit 3`,
    [APPLICATION_NAME],
  );
  return rows
    .map((r) => `session ${r.pid} (${r.granted ? 'holds' : 'waits for'} an exclusive lock on ${r.relation}; application '${r.application}', user '${r.usename}', ${r.state}: ${r.query.replace(/\s+/g, ' ').trim()})`)
    .join('; ');
}

export function lockWaitError(timeoutMs: number, lockers: string, cause: unknown): DbopsError {
  return new DbopsError('DUMP_FAILED', `Waited longer than ${LOCK_WAIT_INPUT} (${formatSeconds(timeoutMs / 1000)}) for a table lock${lockers ? `: ${lockers}` : ''}`, {
    input: LOCK_WAIT_INPUT,
    cause,
    hint: 'Another session held or queued for an exclusive lock on a table the backup reads (a migration, VACUUM FULL, a transaction left open). Back up when it is done, end that session, or raise lock-wait-timeout. Nothing was recorded as a backup.',
  });
}
