/**
 * Stopping the migration command does not stop its SQL: PostgreSQL notices a vanished client only when it next talks
 * to it, so a `SELECT pg_sleep(600)` or a long `CREATE INDEX` the command had sent runs on, holding its locks, until it
 * ends. The command's sessions carry an application_name of their own (commandEnvironment), by which a cancel finds
 * them: each running statement gets pg_cancel_backend (its transaction is rolled back and the orphaned backend exits
 * as soon as it tries to answer), and whatever is still there after a short grace gets pg_terminate_backend.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/** How long cancelled statements have to end before their backends are terminated. */
export const CANCEL_GRACE_MS = 3000;
const POLL_MS = 100;

/** A name unique to one run, under PostgreSQL's 63-byte limit: dbops-migrate-<12 hex digits>. */
export function commandApplicationName(): string {
  return `dbops-migrate-${randomBytes(6).toString('hex')}`;
}

export interface StoppedQueries {
  /** Backends whose running statement was cancelled. */
  cancelled: number[];
  /** Backends still there after the grace, ended. */
  terminated: number[];
}

/**
 * Cancels what the command's sessions (named `applicationName`) still run, then terminates those still busy after
 * `graceMs` (an idle orphan exits on its own once its socket closes). The command has exited by then, so none of its
 * sessions has an owner any more. Never touches the calling session.
 */
export async function cancelCommandQueries(
  client: pg.ClientBase,
  applicationName: string,
  graceMs = CANCEL_GRACE_MS,
): Promise<StoppedQueries> {
  // The functions sit in the select list, evaluated for the matching rows only (a WHERE may be evaluated in any order).
  const { rows: cancelledRows } = await client.query<{ pid: number; sent: boolean }>(
    `SELECT pid, pg_cancel_backend(pid) AS sent FROM pg_stat_activity
      WHERE application_name = $1 AND pid <> pg_backend_pid() AND state <> 'idle'`,
    [applicationName],
  );
  const deadline = Date.now() + graceMs;
  let left = await commandBackends(client, applicationName);
  while (left > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = await commandBackends(client, applicationName);
  }
  const { rows: terminatedRows } =
    left > 0
      ? await client.query<{ pid: number; sent: boolean }>(
          `SELECT pid, pg_terminate_backend(pid) AS sent FROM pg_stat_activity
            WHERE application_name = $1 AND pid <> pg_backend_pid() AND state <> 'idle'`,
          [applicationName],
        )
      : { rows: [] };
  const pids = (rows: Array<{ pid: number; sent: boolean }>) => rows.filter((r) => r.sent).map((r) => r.pid);
  return { cancelled: pids(cancelledRows), terminated: pids(terminatedRows) };
}

/** The command's backends still running a statement or holding a transaction open. */
async function commandBackends(client: pg.ClientBase, applicationName: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE application_name = $1 AND pid <> pg_backend_pid() AND state <> 'idle'`,
    [applicationName],
  );
  return rows[0]!.n;
}
