/**
 * Test harness: a throwaway FerretDB (SQLite backend) per call, or a handle on MONGO_URL when that is set.
 *
 * No MongoDB server can be installed on the project's machines; FerretDB speaks MongoDB's wire protocol over
 * SQLite, and scripts/install-mongo-test-tools.sh builds it (and mongo-tools' reference clients) into one folder
 * per machine. Each startMongo() runs FerretDB on a fresh temp dir and a free 127.0.0.1 port. With MONGO_URL (a
 * real MongoDB, as in the project's GitHub workflow) the same tests run against that server instead.
 *
 * Where FerretDB lacks a feature, a test is declared with itUnless(lacking(feature)): it runs on MongoDB and reports
 * itself skipped on FerretDB, with the reason (docs/mongodb.md keeps the list). Never fake a passing MongoDB test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { MongoClient } from 'mongodb';

export interface MongoServer {
  /** 'ferretdb' for the server the harness started, 'mongodb' for MONGO_URL. */
  kind: 'ferretdb' | 'mongodb';
  /** The server's reported MongoDB version (FerretDB reports the version it emulates). */
  version: string;
  /** A connection URL for `database` (none: the server's default). */
  url(database?: string): string;
  /** One client for the test's own setup and checks; closed by stop(). */
  client: MongoClient;
  /** False for MONGO_URL: a server we did not start cannot be killed. */
  canCrash: boolean;
  /** SIGKILL the server: the server dying mid-operation. */
  crash(): Promise<void>;
  /** Stops the server and removes its files. Safe to call twice, and after crash(). */
  stop(): Promise<void>;
}

/**
 * Features a test can need that FerretDB v1.24.2 (SQLite) does not have, each with the reason a skipped test
 * reports. Each was tried against it; docs/mongodb.md keeps the same list.
 */
export const FERRETDB_LACKS = {
  views: 'FerretDB has no views (create with viewOn: not implemented)',
  timeseries: 'FerretDB has no time series collections',
  collation: 'FerretDB has no collations, on collections or indexes',
  validators: 'FerretDB has no document validators',
  clusteredCollections: 'FerretDB accepts clusteredIndex but ignores it',
  indexKinds: 'FerretDB has no TTL, partial, sparse, text, 2dsphere or hashed indexes',
  allBsonTypes:
    'FerretDB rejects Decimal128, JavaScript code, symbol, MinKey, MaxKey, NaN and infinities, ' +
    'and $ or dotted field names',
  nonAsciiDatabaseNames: 'FerretDB (SQLite) takes only ASCII letters, digits, _ and - in database names',
  mongorestoreIndexes: "mongorestore sends each index with an 'ns' field, which FerretDB rejects",
  oplogReplay: 'FerretDB has no applyOps, which replaying an oplog needs (mongorestore --oplogReplay too)',
  indexStats: 'FerretDB has no $indexStats',
  applyOps: 'FerretDB has no applyOps, the one way to create a collection with a given UUID (preserve-uuids)',
} as const;
export type MongoFeature = keyof typeof FERRETDB_LACKS;

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
/** Where scripts/install-mongo-test-tools.sh puts FerretDB and mongo-tools. */
export const TEST_TOOLS_BIN = join(process.env.DBOPS_TEST_TOOLS_DIR ?? '/opt/dbops-test-tools', 'bin');

const external = process.env.MONGO_URL;

/** Why the tests' server cannot do `feature`, or undefined where it can (a real MongoDB, MONGO_URL, has them all). */
export function lacking(feature: MongoFeature): string | undefined {
  return external === undefined ? FERRETDB_LACKS[feature] : undefined;
}

/**
 * Why the tests' server has no oplog, or undefined when startMongo({ oplog: true }) gives one: FerretDB started as
 * a one-member "replica set" with local.oplog.rs (its basic oplog: inserts, updates, deletes; no replication), or a
 * MONGO_URL that names a replica set.
 */
export function oplogMissing(): string | undefined {
  if (external === undefined || /[?&]replicaSet=/.test(external)) return undefined;
  return 'MONGO_URL names a standalone server (no replicaSet= in it): it has no oplog';
}

/**
 * Why the tests' server is not a replica set primary, or undefined when it is: a MONGO_URL that names a replica set
 * (the driver sends commands to its primary). FerretDB has no replication, even with its oplog.
 */
export function notAPrimary(): string | undefined {
  if (external === undefined) return 'FerretDB has no replication: it is never a replica set primary';
  if (/[?&]replicaSet=/.test(external)) return undefined;
  return 'MONGO_URL names a standalone server (no replicaSet= in it): not a replica set primary';
}

/**
 * `it` when no reason is given; otherwise the test reports itself skipped, the first reason in its name, e.g.
 * itUnless(lacking('views'), mongoToolsMissing())('restores a view', ...).
 */
export function itUnless(...reasons: Array<string | undefined>): jest.It {
  const reason = reasons.find((r) => r !== undefined);
  if (reason === undefined) return it;
  return Object.assign(
    (name: string, fn?: jest.ProvidesCallback, timeout?: number) =>
      it.skip(`${name} [skipped: ${reason}]`, fn, timeout),
    it,
  ) as jest.It;
}

/**
 * A mongo-tools program (mongodump, mongorestore, bsondump): $MONGO_TOOLS_BIN, then the machine's test tools
 * folder, then PATH. Undefined when none is installed.
 */
export function mongoTool(name: 'mongodump' | 'mongorestore' | 'bsondump'): string | undefined {
  return findExecutable(name, [process.env.MONGO_TOOLS_BIN, TEST_TOOLS_BIN]);
}

/** Why a test needing mongo-tools cannot run here, or undefined when all three are installed. */
export function mongoToolsMissing(): string | undefined {
  const missing = (['mongodump', 'mongorestore', 'bsondump'] as const).filter((tool) => !mongoTool(tool));
  if (missing.length === 0) return undefined;
  return `${missing.join(', ')} not installed (scripts/install-mongo-test-tools.sh, or MONGO_TOOLS_BIN)`;
}

/** A database name no other test or run uses (a MONGO_URL server is shared and outlives the test). */
export function uniqueDatabase(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}

export interface StartMongoOptions {
  /**
   * FerretDB only: run it with a replica set name (rs0) and create local.oplog.rs, FerretDB's basic oplog (it logs
   * inserts, updates and deletes there; mongodump --oplog reads it). Gate such tests on oplogMissing().
   */
  oplog?: boolean;
  /**
   * With `oplog`: the capped oplog's size in bytes (default 256 MiB); a tiny one rolls over within a test. FerretDB
   * then trims capped collections every 100 ms (by half of what is over), not every minute.
   */
  oplogSizeBytes?: number;
}

export async function startMongo(options: StartMongoOptions = {}): Promise<MongoServer> {
  if (external) return externalServer(external);

  const ferretdb = findExecutable('ferretdb', [process.env.FERRETDB_BIN, TEST_TOOLS_BIN]);
  if (!ferretdb) {
    throw new Error(`ferretdb not found in ${TEST_TOOLS_BIN} or PATH: run scripts/install-mongo-test-tools.sh`);
  }
  const base = await mkdtemp(join(tmpdir(), 'dbops-mongo-'));
  const logFile = join(base, 'server.log');
  let child: ChildProcess | undefined;
  try {
    // Another worker may take the port between our probe and FerretDB's bind: retry with a new one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      child = startFerretDb(ferretdb, base, port, logFile, options);
      // directConnection: with a replica set name, the driver would otherwise look for the set's other members.
      const url = options.oplog ? `mongodb://${HOST}:${port}/?directConnection=true` : `mongodb://${HOST}:${port}/`;
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 2_000, directConnection: true });
      try {
        const version = await waitForServer(client, child, logFile);
        // FerretDB logs operations only once the capped collection exists (it never creates it itself).
        if (options.oplog)
          await client
            .db('local')
            .createCollection('oplog.rs', { capped: true, size: options.oplogSizeBytes ?? 256 << 20 });
        return ferretDbServer(child, client, url, version, base);
      } catch (err) {
        await client.close().catch(() => undefined);
        await stopProcess(child);
        if (attempt < 3 && /address already in use/i.test(await logTail(logFile))) continue;
        throw err;
      }
    }
  } catch (err) {
    if (child) await stopProcess(child);
    await rm(base, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

function startFerretDb(
  binary: string,
  base: string,
  port: number,
  logFile: string,
  options: StartMongoOptions,
): ChildProcess {
  const log = openSync(logFile, 'a');
  try {
    return spawn(
      binary,
      [
        ...(options.oplog ? ['--repl-set-name=rs0'] : []),
        // FerretDB trims capped collections (the oplog too) in the background only, every minute by default.
        ...(options.oplogSizeBytes
          ? ['--test-capped-cleanup-interval=100ms', '--test-capped-cleanup-percentage=50']
          : []),
        '--handler=sqlite',
        `--sqlite-url=file:${base}/`,
        `--state-dir=${base}`,
        `--listen-addr=${HOST}:${port}`,
        '--debug-addr=-', // no metrics listener: parallel servers would fight over its fixed port
        '--telemetry=disable',
        '--log-level=warn',
      ],
      { stdio: ['ignore', log, log] },
    );
  } finally {
    closeSync(log);
  }
}

function ferretDbServer(
  child: ChildProcess,
  client: MongoClient,
  url: string,
  version: string,
  base: string,
): MongoServer {
  let stopped = false;
  return {
    kind: 'ferretdb',
    version,
    url: (database) => withDatabase(url, database),
    client,
    canCrash: true,
    async crash() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await client.close().catch(() => undefined);
      await stopProcess(child);
      await rm(base, { recursive: true, force: true });
    },
  };
}

async function externalServer(url: string): Promise<MongoServer> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const info = await client.db('admin').command({ buildInfo: 1 });
  return {
    kind: 'mongodb',
    version: String(info.version),
    url: (database) => withDatabase(url, database),
    client,
    canCrash: false,
    async crash() {
      throw new Error('crash(): MONGO_URL names a server this harness did not start');
    },
    async stop() {
      await client.close().catch(() => undefined);
    },
  };
}

/**
 * A URL for `database` that carries `password`, so tests can prove it never shows. FerretDB (SQLite) takes any
 * password with PLAIN and refuses SCRAM: the password still travels, unchecked. MONGO_URL carries its own.
 */
export function urlWithPassword(server: MongoServer, database: string, password: string): string {
  const url = server.url(database);
  if (server.kind !== 'ferretdb') return url;
  const withUser = url.replace('mongodb://', `mongodb://dbops:${encodeURIComponent(password)}@`);
  return `${withUser}${withUser.includes('?') ? '&' : '?'}authMechanism=PLAIN`;
}

/** Puts `database` into a MongoDB URL's path, keeping its hosts and options. */
function withDatabase(url: string, database?: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) throw new Error(`not a MongoDB URL: ${url.replace(/\/\/[^@/]*@/, '//***@')}`);
  return `${match[1]}/${database ? encodeURIComponent(database) : ''}${match[2] ?? ''}`;
}

/** Waits until the server answers a ping; returns its version. Fails at once when the process exits. */
async function waitForServer(client: MongoClient, child: ChildProcess, logFile: string): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    try {
      await client.connect();
      const info = await client.db('admin').command({ buildInfo: 1 });
      return String(info.version);
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const why =
    child.exitCode !== null || child.signalCode !== null
      ? `exited (${child.exitCode ?? child.signalCode})`
      : `did not answer within ${START_TIMEOUT_MS / 1000}s (${(lastError as Error | undefined)?.message})`;
  throw new Error(`FerretDB ${why}\n--- server log (tail) ---\n${await logTail(logFile)}`);
}

/** SIGTERM, then SIGKILL if the process is still there after a while; resolves once it has exited. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(timer);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function findExecutable(name: string, dirs: Array<string | undefined>): string | undefined {
  const candidates = [...dirs, ...(process.env.PATH ?? '').split(delimiter)].filter((dir): dir is string => !!dir);
  for (const dir of candidates) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function logTail(logFile: string, lines = 30): Promise<string> {
  try {
    return (await readFile(logFile, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}
