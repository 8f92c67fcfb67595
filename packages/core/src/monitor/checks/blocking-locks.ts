import type { CheckDefinition } from '../check.js';
import { maskQuery } from './query-text.js';
import { OTHER_SESSIONS_HIDDEN } from './sessions.js';

interface WaiterRow {
  pid: number;
  blockers: number[];
  seconds: number;
  query: string | null;
}

interface SessionRow {
  pid: number;
  state: string | null;
  query: string | null;
  blockers: number[];
}

export const blockingLocks: CheckDefinition = {
  id: 'blocking-locks',
  title: 'Blocked sessions (lock chains)',
  why: 'A session waiting on a lock does no work; a chain of them behind one blocker stalls the application.',
  action:
    'Look at the root blocker: finish or terminate it (pg_terminate_backend(pid)); keep transactions short; set lock_timeout for migrations.',
  unit: 'seconds',
  direction: 'above',
  warning: 10,
  critical: 60,
  async run({ query, major, seesAllSessions }) {
    if (!seesAllSessions) return { observations: [], unknown: OTHER_SESSIONS_HIDDEN };
    // pg_locks.waitstart (14+) is when the wait began; before that the query start is the best bound we have.
    const waitStart =
      major >= 14
        ? `coalesce((select min(l.waitstart) from pg_locks l where l.pid = a.pid and not l.granted), a.query_start)`
        : 'a.query_start';
    const waiters = await query<WaiterRow>(
      `select a.pid, pg_blocking_pids(a.pid) as blockers, extract(epoch from clock_timestamp() - ${waitStart})::float8 as seconds, a.query
       from pg_stat_activity a
       where a.wait_event_type = 'Lock' and a.pid <> pg_backend_pid()
       order by seconds desc limit 200`,
    );
    const waiting = waiters.filter((w) => w.blockers.length > 0);
    if (waiting.length === 0) return { observations: [] };

    // The sessions in the chains, to name each chain's root blocker (a blocker that waits on nobody).
    const pids = [...new Set(waiting.flatMap((w) => [w.pid, ...w.blockers]))];
    const sessions = await query<SessionRow>(
      `select pid, state, query, pg_blocking_pids(pid) as blockers from pg_stat_activity where pid = any($1)`,
      [pids],
    );
    const byPid = new Map(sessions.map((s) => [s.pid, s]));
    return {
      observations: waiting.map((w) => {
        const root = rootBlocker(w.pid, byPid);
        const rootSession = byPid.get(root);
        return {
          subject: `pid ${w.pid} blocked by ${w.blockers.map((b) => `pid ${b}`).join(', ')}`,
          value: Math.max(0, w.seconds),
          detail: `waits on: ${maskQuery(w.query, 120)}; root blocker pid ${root} (${rootSession?.state ?? 'unknown'}): ${maskQuery(rootSession?.query, 120)}`,
        };
      }),
    };
  },
};

/** Follows the first blocker until a session that waits on nobody (or a cycle: a deadlock about to be broken). */
export function rootBlocker(pid: number, sessions: Map<number, { blockers: number[] }>): number {
  const seen = new Set<number>([pid]);
  let current = pid;
  for (;;) {
    const next = sessions.get(current)?.blockers[0];
    if (next === undefined || seen.has(next)) return current;
    seen.add(next);
    current = next;
  }
}
