import { APPLICATION_NAME } from '../../databases/postgres/connection.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../check.js';
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
  run: (context) =>
    sessionAges(
      context,
      'query_start',
      `state = 'active' and backend_type = 'client backend' and query_start is not null`,
    ),
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
  run: (context) =>
    sessionAges(context, 'state_change', `state in ('idle in transaction', 'idle in transaction (aborted)')`),
};

export const longTransactions: CheckDefinition = {
  id: 'long-transactions',
  title: 'Long transactions',
  why: 'A transaction open for long holds its locks, and its snapshot stops vacuum everywhere, even when each of its statements is short.',
  action:
    'Find the job or application path that keeps one transaction open (a batch loop, a session left in BEGIN); commit in smaller transactions; set transaction_timeout (17+) for the role.',
  unit: 'seconds',
  direction: 'above',
  warning: 600,
  critical: 3600,
  // Measured from the transaction's start, whatever the session does now: many short statements in one BEGIN
  // cross neither the long-query nor the idle-in-transaction check. dbops's own sessions are left out: a backup's
  // pg_dump holds one snapshot on purpose for as long as it runs, and would page every night it overlaps a report.
  run: (context) =>
    sessionAges(
      context,
      'xact_start',
      `xact_start is not null and backend_type = 'client backend' and application_name is distinct from '${APPLICATION_NAME}'`,
    ),
};

/** Other sessions matching `where`, each with its age since the pg_stat_activity timestamp `since`, oldest first. */
async function sessionAges(
  { query, seesAllSessions }: CheckContext,
  since: 'query_start' | 'state_change' | 'xact_start',
  where: string,
): Promise<CheckOutcome> {
  if (!seesAllSessions) return { observations: [], unknown: OTHER_SESSIONS_HIDDEN };
  const rows = await query<SessionRow>(
    `select pid, usename, extract(epoch from clock_timestamp() - ${since})::float8 as seconds, query
     from pg_stat_activity where ${where} and pid <> pg_backend_pid()
     order by ${since} limit 200`,
  );
  return { observations: rows.map(sessionObservation) };
}

function sessionObservation(row: SessionRow) {
  return {
    subject: `pid ${row.pid}${row.usename ? ` (${row.usename})` : ''}`,
    value: Math.max(0, row.seconds),
    detail: maskQuery(row.query),
  };
}
