import pg from 'pg';
import { cancelled, DbopsError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { withRetry } from '../../retry.js';
import { translateServerError } from './server-errors.js';
import { describeTarget, type PgTarget } from './target.js';

export const APPLICATION_NAME = 'dbops';

/**
 * For a target without a password: pg takes undefined from a password function as "none". Without one, pg would look
 * for a password file itself, in process.env rather than the environment dbops was given (parsePgTarget has read
 * the password file already).
 */
const NO_PASSWORD = (() => undefined) as unknown as () => string;

/** node-postgres settings for a target, with libpq's sslmode semantics spelled out. */
export function clientConfig(target: PgTarget): pg.ClientConfig {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password ?? NO_PASSWORD,
    ssl: sslConfig(target),
    application_name: APPLICATION_NAME,
    connectionTimeoutMillis: target.connectTimeoutSeconds * 1000,
    // A session is silent while a long query runs (a count over a big table) and between steps of a long run: TCP
    // keepalives every minute keep NAT gateways and load balancers (AWS NLB: 350 s) from dropping it meanwhile.
    keepAlive: true,
    keepAliveInitialDelayMillis: 60_000,
    ...(target.statementTimeoutMs > 0 ? { statement_timeout: target.statementTimeoutMs } : {}),
  };
}

function sslConfig(target: PgTarget): pg.ClientConfig['ssl'] {
  switch (target.sslMode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      // node-postgres cannot fall back from TLS to plain text; 'prefer' and 'allow' connect without TLS, as libpq
      // does against a server that does not offer it. Use 'require' or stricter when TLS matters.
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, ca: target.sslRootCert, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ...(target.sslRootCert ? { ca: target.sslRootCert } : {}) };
  }
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', '57P03', '53300']);

/** Transient: the server is starting, restarting, or briefly out of connection slots. */
export function isTransientConnectError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  return error instanceof Error && /timeout expired|Connection terminated unexpectedly/i.test(error.message);
}

/** Connects with bounded retry for transient errors; authentication and other errors fail at once. */
export async function connect(target: PgTarget, log: Logger, signal?: AbortSignal): Promise<pg.Client> {
  try {
    return await withRetry(
      async () => {
        const client = new pg.Client(clientConfig(target));
        try {
          await client.connect();
        } catch (error) {
          await client.end().catch(() => undefined);
          throw error;
        }
        // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
        client.on('error', (error) => log.debug(`connection to ${describeTarget(target)} lost: ${error.message}`));
        return client;
      },
      isTransientConnectError,
      {
        ...(signal ? { signal } : {}),
        onRetry: (error, attempt, delayMs) =>
          log.info(
            `Cannot connect to ${describeTarget(target)} yet (${(error as Error).message}); retry ${attempt} in ${delayMs} ms`,
          ),
      },
    );
  } catch (error) {
    throw signal?.aborted ? cancelled() : connectError(target, error);
  }
}

function connectError(target: PgTarget, error: unknown): DbopsError {
  const reason = error instanceof Error ? error.message : String(error);
  const where = describeTarget(target);
  const input = target.urlInput ?? 'database-url';
  const server = translateServerError(error, {
    role: target.user,
    input,
    connecting: { server: where, database: target.database },
  });
  if (server) return server;
  return new DbopsError('CONNECTION_FAILED', `Cannot connect to PostgreSQL at ${where}: ${reason}`, {
    input,
    hint: `Check host, port and sslmode in ${input} (or the host / port / sslmode inputs), and that the runner can reach the server (firewall, service container ports).`,
    cause: error,
  });
}

/** Reads the server's version numbers ("15.4" → major 15). */
export async function serverVersion(client: pg.Client): Promise<{ major: number; text: string }> {
  const { rows } = await client.query<{ num: string; text: string }>(
    "select current_setting('server_version_num') as num, current_setting('server_version') as text",
  );
  const row = rows[0]!;
  return { major: Math.floor(Number(row.num) / 10000), text: row.text.split(' ')[0]! };
}

/** The cluster's identity, to recognise the server a backup came from; undefined without the privilege. */
export async function systemIdentifier(client: pg.Client): Promise<string | undefined> {
  try {
    const { rows } = await client.query<{ id: string }>(
      'select system_identifier::text as id from pg_control_system()',
    );
    return rows[0]?.id;
  } catch {
    return undefined;
  }
}

/**
 * Ends `client`'s session as soon as `signal` aborts, together with whatever query it is running or waiting on.
 * Closing the socket alone leaves that query running on the server (it notices a vanished client only when it next
 * sends), and a cancel request that reaches the server before it has read the query is dropped. pg_terminate_backend,
 * from a second short-lived connection of the same role, is neither. It names the backend by pid and start time, so
 * a pid the server has since given to another session is left alone. Returns the function that stops watching (and
 * waits for a termination in flight).
 */
async function endSessionOnAbort(
  client: pg.Client,
  target: PgTarget,
  log: Logger,
  signal: AbortSignal | undefined,
): Promise<() => Promise<void>> {
  if (!signal) return async () => undefined;
  const { rows } = await client.query<{ pid: number; started: string }>(
    'select pid, extract(epoch from backend_start)::text as started from pg_stat_activity where pid = pg_backend_pid()',
  );
  const backend = rows[0];
  let terminating: Promise<void> | undefined;
  const onAbort = () => {
    terminating ??= (backend ? terminateBackend(target, backend, log) : Promise.resolve()).finally(() =>
      client.end().catch(() => undefined),
    );
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return async () => {
    signal.removeEventListener('abort', onAbort);
    await terminating;
  };
}

/**
 * Runs `use` on a new session with `target` that a cancel ends, query and all (endSessionOnAbort); then closes it.
 * The server's errors that escape `use` (a missing privilege, a limit, a timeout) become DbopsErrors saying so.
 */
export async function withSession<T>(
  target: PgTarget,
  log: Logger,
  signal: AbortSignal | undefined,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connect(target, log, signal);
  let stopWatching = async () => {};
  try {
    stopWatching = await endSessionOnAbort(client, target, log, signal);
    return await use(client);
  } catch (error) {
    throw (
      (signal?.aborted
        ? undefined
        : translateServerError(error, { role: target.user, input: target.urlInput ?? 'database-url' })) ?? error
    );
  } finally {
    await stopWatching();
    await client.end().catch(() => undefined);
  }
}

async function terminateBackend(
  target: PgTarget,
  backend: { pid: number; started: string },
  log: Logger,
): Promise<void> {
  const terminator = new pg.Client(clientConfig({ ...target, connectTimeoutSeconds: 5 }));
  terminator.on('error', () => undefined);
  try {
    await terminator.connect();
    await terminator.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where pid = $1 and extract(epoch from backend_start)::text = $2',
      [backend.pid, backend.started],
    );
  } catch (error) {
    log.debug(`could not end the session's running query: ${(error as Error).message}`);
  } finally {
    await terminator.end().catch(() => undefined);
  }
}
