import { MongoClient, MongoServerError, type MongoClientOptions } from 'mongodb';
import { cancelled, DbopsError } from '../../errors.js';
import type { EngineContext } from '../engine.js';
import { describeMongoTarget, type MongoTarget } from './target.js';

/** How long to look for a server that answers before giving up (the driver retries within it). */
const SERVER_SELECTION_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The driver's settings for a target. The password stays inside the driver (no child process, no argv), and the
 * URL is never printed: errors name the input instead (invariant 5).
 */
function clientOptions(target: MongoTarget): MongoClientOptions {
  return {
    appName: 'dbops',
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    // One bounded retry of a read the network cut (the driver's own rule); a dump cursor is not retried.
    retryReads: true,
    ...(target.tlsCa ? { tls: true, ca: target.tlsCa } : {}),
  };
}

/**
 * Runs `use` with a connected client, closed afterwards. A cancel closes the client, which ends its cursors and
 * commands on the server side.
 */
export async function withMongoClient<T>(
  target: MongoTarget,
  context: EngineContext,
  use: (client: MongoClient) => Promise<T>,
): Promise<T> {
  const session = await openMongoClient(target, context);
  try {
    return await use(session.client);
  } finally {
    await session.close();
  }
}

/**
 * A connected client for a session that outlives one call (restore-test's scratch server); the caller closes it.
 * Until then a cancel closes it, as withMongoClient's does.
 */
export async function openMongoClient(
  target: MongoTarget,
  context: EngineContext,
): Promise<{ client: MongoClient; close(): Promise<void> }> {
  if (context.signal?.aborted) throw cancelled();
  const client = new MongoClient(target.url, clientOptions(target));
  const onAbort = () => void client.close(true).catch(() => undefined);
  context.signal?.addEventListener('abort', onAbort, { once: true });
  const close = async () => {
    context.signal?.removeEventListener('abort', onAbort);
    await client.close().catch(() => undefined);
  };
  try {
    await client.connect();
    // connect() only finds a server; a command proves the credentials and the database name.
    await client.db(target.database).command({ ping: 1 });
  } catch (error) {
    await close();
    if (context.signal?.aborted) throw cancelled();
    throw connectionError(target, error);
  }
  return { client, close };
}

/** A failure to connect as the error users should see: the input named, the URL and password never echoed. */
export function connectionError(target: MongoTarget, error: unknown): DbopsError {
  const input = target.urlInput ?? 'database-url';
  const where = describeMongoTarget(target);
  const detail = scrub(target, error instanceof Error ? error.message : String(error));
  if (isAuthFailure(error)) {
    return new DbopsError('CONNECTION_FAILED', `MongoDB refused the credentials of ${where} (${input}): ${detail}`, {
      input,
      cause: error,
      hint: `Check the user and password in ${input} (percent-encode special characters) and its authSource.`,
    });
  }
  return new DbopsError('CONNECTION_FAILED', `Could not connect to MongoDB at ${where} (${input}): ${detail}`, {
    input,
    cause: error,
    hint: `Check the host and port in ${input}, that the server runs and accepts connections from here, and TLS settings.`,
  });
}

function isAuthFailure(error: unknown): boolean {
  if (error instanceof MongoServerError && (error.code === 18 || error.codeName === 'AuthenticationFailed'))
    return true;
  return error instanceof Error && /auth(entication)? failed/i.test(error.message);
}

/** A message with every form of the target's password and URL taken out (the driver never prints them; be sure). */
export function scrub(target: MongoTarget, message: string): string {
  let out = message.split(target.url).join('<database-url>');
  if (target.password) {
    for (const form of new Set([target.password, encodeURIComponent(target.password)])) {
      out = out.split(form).join('***');
    }
  }
  return out;
}

/** The server's version, as buildInfo reports it, and its major number. */
export async function serverVersion(client: MongoClient): Promise<{ text: string; major: number }> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  const text = String(info.version ?? '');
  return { text, major: Number.parseInt(text, 10) || 0 };
}

/** What kind of deployment the client reached: it decides what a consistent dump can be. */
export interface Topology {
  kind: 'standalone' | 'replica-set' | 'sharded';
  /** The replica set's name, which with the server's identity plays the part of PostgreSQL's system identifier. */
  replicaSet?: string;
}

export async function readTopology(client: MongoClient): Promise<Topology> {
  const hello = await client.db('admin').command({ hello: 1 });
  if (hello.msg === 'isdbgrid') return { kind: 'sharded' };
  if (typeof hello.setName === 'string') return { kind: 'replica-set', replicaSet: hello.setName };
  return { kind: 'standalone' };
}
