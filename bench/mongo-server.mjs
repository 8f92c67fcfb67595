// The MongoDB-wire server for the MongoDB benchmarks: FerretDB v1.24.2 (built by scripts/install-mongo-test-tools.sh),
// over SQLite by default or over the bench PostgreSQL cluster (bench/lib/cluster.mjs). Its data lives under
// bench/.data/ (git-ignored), so a generated database is built once and reused. Listens on 127.0.0.1 only.
// MONGO_URL (a real MongoDB) replaces it: then nothing is started and the figures are that server's.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startCluster } from './lib/cluster.mjs';

const HOST = '127.0.0.1';

/** The ferretdb binary: $FERRETDB_BIN, the machine's test tools folder, then PATH. */
export function ferretDbBinary() {
  if (process.env.FERRETDB_BIN) return process.env.FERRETDB_BIN;
  const tools = join(process.env.DBOPS_TEST_TOOLS_DIR ?? '/opt/dbops-test-tools', 'bin');
  for (const dir of [tools, ...(process.env.PATH ?? '').split(delimiter)].filter(Boolean)) {
    try {
      accessSync(join(dir, 'ferretdb'), constants.X_OK);
      return join(dir, 'ferretdb');
    } catch {
      // not here
    }
  }
  throw new Error('ferretdb not found: run scripts/install-mongo-test-tools.sh (or set FERRETDB_BIN)');
}

/**
 * Starts FerretDB on `dir` (backend 'sqlite' or 'postgresql'), or uses $MONGO_URL.
 * Returns { label, url(db), pid (undefined for MONGO_URL), stop() }.
 */
export async function startMongoServer({ dir, backend = 'sqlite', log = console.log }) {
  if (process.env.MONGO_URL) return external(process.env.MONGO_URL);
  mkdirSync(dir, { recursive: true });
  let cluster;
  const handler = [];
  if (backend === 'postgresql') {
    cluster = await startCluster({ dir: join(dir, 'pg'), log });
    handler.push('--handler=postgresql', `--postgresql-url=${cluster.url('ferretdb')}`);
    await ensurePgDatabase(cluster, 'ferretdb');
  } else if (backend === 'sqlite') {
    mkdirSync(join(dir, 'sqlite'), { recursive: true });
    handler.push('--handler=sqlite', `--sqlite-url=file:${join(dir, 'sqlite')}/`);
  } else {
    throw new Error(`--backend must be sqlite or postgresql, not ${backend}`);
  }
  const port = await freePort();
  const logFd = openSync(join(dir, 'ferretdb.log'), 'a');
  const child = spawn(
    ferretDbBinary(),
    [
      ...handler,
      `--state-dir=${dir}`,
      `--listen-addr=${HOST}:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const base = `mongodb://${HOST}:${port}/`;
  const version = await waitForServer(base, child);
  log(`FerretDB ${version} (${backend}) on ${HOST}:${port}, data in ${dir}`);
  return {
    label: `FerretDB v1.24.2 over ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (reports MongoDB ${version}), 127.0.0.1`,
    url: (db) => `${base}${db}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await cluster?.stop();
    },
  };
}

async function external(url) {
  const client = new MongoClient(url);
  const { version } = await client.db('admin').command({ buildInfo: 1 });
  await client.close();
  const withDb = (db) => url.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/[^?]*)?/, `$1/${db}`);
  return { label: `MongoDB ${version} at MONGO_URL`, url: withDb, pid: undefined, async stop() {} };
}

async function ensurePgDatabase(cluster, name) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: cluster.url('postgres') });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

async function waitForServer(url, child) {
  const deadline = Date.now() + 60_000;
  let last;
  while (Date.now() < deadline && child.exitCode === null) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000, directConnection: true });
    try {
      const { version } = await client.db('admin').command({ buildInfo: 1 });
      return version;
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await client.close();
    }
  }
  child.kill('SIGKILL');
  throw new Error(`FerretDB did not start: ${last?.message ?? `exited ${child.exitCode}`}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
