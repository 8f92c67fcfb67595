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

/**
 * The sessions holding or queued for an exclusive lock on a table of this database, described for an error (and so
 * for notifications): what identifies each session and what it does, never its SQL text, which can hold passwords
 * (ALTER ROLE ... PASSWORD) or personal data (literals in a WHERE clause).
 */
export async function describeExclusiveLockers(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{
    pid: number;
    relation: string;
    granted: boolean;
    application: string;
    usename: string;
    client: string | null;
    state: string;
    seconds: number;
    query: string;
  }>(
    `select a.pid, l.relation::regclass::text as relation, l.granted, a.application_name as application, a.usename,
            host(a.client_addr) as client, a.state,
            extract(epoch from now() - coalesce(a.xact_start, a.query_start))::float8 as seconds, left(a.query, 200) as query
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
        and l.database = (select oid from pg_database where datname = current_database())
        and a.pid <> pg_backend_pid() and a.application_name is distinct from $1
      order by l.granted desc, a.pid
      limit 3`,
    [APPLICATION_NAME],
  );
  return rows
    .map((r) => {
      const doing = r.state === 'active' ? `running ${commandTag(r.query)}` : `last statement ${commandTag(r.query)}`;
      const since = Number.isFinite(r.seconds) ? ` for ${formatSeconds(Math.max(0, r.seconds))}` : '';
      return `session ${r.pid} (${r.granted ? 'holds' : 'waits for'} an exclusive lock on ${r.relation}; application '${r.application}', user '${r.usename}', client ${r.client ?? 'local socket'}, ${r.state}${since}, ${doing})`;
    })
    .join('; ');
}

/** Statements whose second word says what kind of object they act on: ALTER TABLE, DROP INDEX, VACUUM FULL. */
const KIND_WORDS = new Set([
  'TABLE',
  'INDEX',
  'VIEW',
  'MATERIALIZED',
  'SEQUENCE',
  'SCHEMA',
  'TYPE',
  'FUNCTION',
  'PROCEDURE',
  'TRIGGER',
  'DOMAIN',
  'EXTENSION',
  'DATABASE',
  'ROLE',
  'USER',
  'FULL',
  'POLICY',
  'RULE',
]);

/** The statement's command ("ALTER TABLE", "SELECT") from its SQL text, leaving out comments, names and values. */
export function commandTag(query: string): string {
  const text = query.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  const words = /^([A-Za-z]+)(?:\s+([A-Za-z]+)\b)?/.exec(text);
  if (!words) return 'an unrecognised statement';
  const first = words[1]!.toUpperCase();
  const second = words[2]?.toUpperCase();
  return second && KIND_WORDS.has(second) ? `${first} ${second}` : first;
}

export function lockWaitError(timeoutMs: number, lockers: string, cause: unknown): DbopsError {
  return new DbopsError(
    'DUMP_FAILED',
    `Waited longer than ${LOCK_WAIT_INPUT} (${formatSeconds(timeoutMs / 1000)}) for a table lock${lockers ? `: ${lockers}` : ''}`,
    {
      input: LOCK_WAIT_INPUT,
      cause,
      hint: 'Another session held or queued for an exclusive lock on a table the backup reads (a migration, VACUUM FULL, a transaction left open). Back up when it is done, end that session, or raise lock-wait-timeout. Nothing was recorded as a backup.',
    },
  );
}
