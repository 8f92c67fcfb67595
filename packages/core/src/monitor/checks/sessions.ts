import type { CheckDefinition } from '../check.js';
import { maskQuery } from './query-text.js';

/** Why a check that reads other sessions cannot run: it would see none of them and report them healthy. */
export const OTHER_SESSIONS_HIDDEN =
  "this role sees only its own sessions, others' state and progress are hidden from it: grant it pg_monitor (or pg_read_all_stats)";

interface SessionRow {
  pid: number;
  usename: string | null;
  seconds: number;
  query: string | null;
}

export const longRunningQueries: CheckDefinition = {
  id: 'long-running-queries',
  title: 'Long-running queries',
  why: 'A long query holds its snapshot, which stops vacuum from removing dead rows everywhere, and may hold locks others wait for.',
  action:
    'Find out why the query runs so long (EXPLAIN); cancel it with pg_cancel_backend(pid) if it is stuck; set statement_timeout for the role.',
  unit: 'seconds',
  direction: 'above',
  warning: 60,
  critical: 300,
  async run({ query, seesAllSessions }) {
    if (!seesAllSessions) return { observations: [], unknown: OTHER_SESSIONS_HIDDEN };
    const rows = await query<SessionRow>(
      `select pid, usename, extract(epoch from clock_timestamp() - query_start)::float8 as seconds, query
       from pg_stat_activity
       where state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid() and query_start is not null
       order by query_start limit 200`,
    );
    return { observations: rows.map(sessionObservation) };
  },
};

export const idleInTransaction: CheckDefinition = {
  id: 'idle-in-transaction',
  title: 'Idle-in-transaction sessions',
  why: 'A transaction left open holds its locks and snapshot: vacuum cannot clean up and other sessions may queue behind it.',
  action:
    'Fix the application path that leaves the transaction open; terminate it with pg_terminate_backend(pid); set idle_in_transaction_session_timeout.',
  unit: 'seconds',
  direction: 'above',
  warning: 60,
  critical: 600,
  async run({ query, seesAllSessions }) {
    if (!seesAllSessions) return { observations: [], unknown: OTHER_SESSIONS_HIDDEN };
    const rows = await query<SessionRow>(
      `select pid, usename, extract(epoch from clock_timestamp() - state_change)::float8 as seconds, query
       from pg_stat_activity
       where state in ('idle in transaction', 'idle in transaction (aborted)') and pid <> pg_backend_pid()
       order by state_change limit 200`,
    );
    return { observations: rows.map(sessionObservation) };
  },
};

function sessionObservation(row: SessionRow) {
  return {
    subject: `pid ${row.pid}${row.usename ? ` (${row.usename})` : ''}`,
    value: Math.max(0, row.seconds),
    detail: maskQuery(row.query),
  };
}
