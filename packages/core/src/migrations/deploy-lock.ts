/**
 * One deploy at a time per database: a session-level advisory lock of dbops's own, held on a dedicated connection for
 * the whole deploy, so two pipelines (or a pipeline and a terminal) never run migrations at once. A session-level lock
 * outlives transactions and is released by PostgreSQL itself if the connection dies, so a crashed run cannot leave
 * the database locked.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { cancelled, DbopsError } from '../errors.js';
import { formatSeconds } from '../format.js';

/** The lock's name; its key is derived from it so the key is documented, not a magic number. */
export const DEPLOY_LOCK_NAME = 'dbops:migrate-deploy';

/**
 * The advisory lock key: the first 8 bytes of sha256("dbops:migrate-deploy") as a signed 64-bit integer, as text for
 * node-postgres. Any other dbops version computes the same key, so they exclude each other too.
 */
export const DEPLOY_LOCK_KEY = createHash('sha256').update(DEPLOY_LOCK_NAME).digest().readBigInt64BE(0).toString();

export const DEPLOY_LOCK_INPUT = 'deploy-lock-timeout';

const POLL_MS = 500;

export interface DeployLockOptions {
  /** How long to wait for another deploy to finish before failing; 0 fails at once. */
  timeoutMs: number;
  /** How often to try again while another session holds the lock. */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface DeployLock {
  /**
   * Releases the lock; safe to call twice. False when PostgreSQL says this session did not hold it (lockNotHeld
   * says what that means); true otherwise, also when the connection is gone (the lock went with it).
   */
  release(): Promise<boolean>;
}

/**
 * Takes the lock on `client`'s session, waiting up to `timeoutMs` for a holder to let go. `client` must stay open
 * (and must not be a pooled connection handed to others) until release.
 */
export async function acquireDeployLock(client: pg.ClientBase, options: DeployLockOptions): Promise<DeployLock> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw cancelled('No migration was run.');
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      DEPLOY_LOCK_KEY,
    ]);
    if (rows[0]?.locked) return lockOn(client);
    const left = deadline - Date.now();
    if (left <= 0) throw await lockTakenError(client, options.timeoutMs);
    try {
      await sleep(Math.min(options.pollMs ?? POLL_MS, left), undefined, { signal: options.signal });
    } catch {
      throw cancelled('No migration was run.');
    }
  }
}

/** Runs `work` while holding the lock, and releases it whether `work` succeeds or fails. */
export async function withDeployLock<T>(
  client: pg.ClientBase,
  options: DeployLockOptions,
  work: () => Promise<T>,
): Promise<T> {
  const lock = await acquireDeployLock(client, options);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

function lockOn(client: pg.ClientBase): DeployLock {
  let released = false;
  return {
    async release() {
      if (released) return true;
      released = true;
      try {
        const { rows } = await client.query<{ unlocked: boolean }>(
          'SELECT pg_advisory_unlock($1::bigint) AS unlocked',
          [DEPLOY_LOCK_KEY],
        );
        return rows[0]?.unlocked === true;
      } catch {
        // The connection is gone, and PostgreSQL released the lock with the session.
        return true;
      }
    },
  };
}

/**
 * Why a release that PostgreSQL refused matters: the session that unlocked is not the one that locked. Behind a pooler
 * in transaction mode each statement may run on another server connection, so the lock never excluded anything, and
 * the server connection that took it holds it still (until the pooler closes it), stopping the next deploys.
 */
export function lockNotHeld(): string {
  return (
    `The deploy lock (advisory lock ${DEPLOY_LOCK_KEY}) was not held by this session when released: ` +
    'pg_advisory_unlock returned false. database-url most likely goes through a pooler in transaction mode ' +
    '(PgBouncer pool_mode = transaction, port 6543 on Supabase), where lock and unlock ran on different server ' +
    'connections: this deploy was not protected from another one, and the lock may still be held by a pooled ' +
    'connection, making the next deploys wait. Point database-url at the server directly or at a session-mode pool.'
  );
}

export interface DeployLockHolder {
  pid: number;
  applicationName: string;
  user: string;
  /** Client address, or undefined for a local socket. */
  clientAddress?: string;
  /** When the holding session connected: a session-level lock is held since then at most. */
  sessionStart: Date;
  state: string;
}

/** Who holds the deploy lock (none when it was released meanwhile). Never the SQL text, which can hold secrets. */
export async function deployLockHolder(client: pg.ClientBase): Promise<DeployLockHolder | undefined> {
  // pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
  const { rows } = await client.query<{
    pid: number;
    application: string;
    usename: string;
    client: string | null;
    backend_start: Date;
    state: string;
  }>(
    `SELECT a.pid, a.application_name AS application, a.usename, host(a.client_addr) AS client, a.backend_start, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = (($1::bigint >> 32) & 4294967295)::oid
        AND l.objid = ($1::bigint & 4294967295)::oid
      LIMIT 1`,
    [DEPLOY_LOCK_KEY],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    pid: row.pid,
    applicationName: row.application,
    user: row.usename,
    ...(row.client ? { clientAddress: row.client } : {}),
    sessionStart: row.backend_start,
    state: row.state,
  };
}

async function lockTakenError(client: pg.ClientBase, timeoutMs: number): Promise<DbopsError> {
  const holder = await deployLockHolder(client);
  const who = holder
    ? `session ${holder.pid} (application '${holder.applicationName}', user '${holder.user}', client ` +
      `${holder.clientAddress ?? 'local socket'}, connected since ${holder.sessionStart.toISOString()}, ${holder.state})`
    : 'a session that released it just now';
  return new DbopsError(
    'CONFLICT',
    `Another deploy holds the migration lock of this database (advisory lock ${DEPLOY_LOCK_KEY}, ` +
      `"${DEPLOY_LOCK_NAME}"): waited ${formatSeconds(timeoutMs / 1000)} for ${who}`,
    {
      input: DEPLOY_LOCK_INPUT,
      hint:
        'Let the other deploy finish and run again, or raise deploy-lock-timeout. If that session is stuck, end it ' +
        `with SELECT pg_terminate_backend(${holder?.pid ?? '<pid>'}); its lock goes with it. No migration was run.`,
    },
  );
}
