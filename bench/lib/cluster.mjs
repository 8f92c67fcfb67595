// A PostgreSQL cluster for benchmarks that survives between runs: its data directory lives under bench/.data/
// (git-ignored), so the generated database is built once and reused. Started on 127.0.0.1 with trust auth
// (a benchmark cluster holds only generated data); as root, the server runs as the `postgres` OS user.
import { execFileSync, execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, appendFileSync, writeFileSync, mkdirSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HOST = '127.0.0.1';

export function pgBinDir() {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => b - a)
    : [];
  if (!majors[0]) throw new Error('No /usr/lib/postgresql/<n>/bin: install PostgreSQL or set PG_BIN_DIR');
  return join(base, majors[0], 'bin');
}

/** Starts (initialising on first use) the cluster in `dir`. Returns { url(db), port, bin, stop() }. */
export async function startCluster({ dir, log = console.log }) {
  const bin = pgBinDir();
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? ids('postgres') : undefined;
  const pg = (tool, args) => {
    const file = join(bin, tool);
    return asRoot
      ? run('runuser', ['-u', 'postgres', '--', file, ...args], { cwd: dir })
      : run(file, args, { cwd: dir });
  };
  mkdirSync(dir, { recursive: true });
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'pgdata');
  const socketDir = join(dir, 'sock');
  if (!existsSync(join(data, 'PG_VERSION'))) {
    log(`initdb ${data}`);
    await pg('initdb', ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync', '--auth=trust']);
    mkdirSync(socketDir, { recursive: true });
    if (owner) chownSync(socketDir, owner.uid, owner.gid);
    // Same durability shortcuts for every contender (baselines and dbops restore into the same server).
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        '# dbops bench',
        `listen_addresses = '${HOST}'`,
        `unix_socket_directories = '${socketDir}'`,
        'shared_buffers = 512MB',
        'maintenance_work_mem = 256MB',
        'max_wal_size = 8GB',
        'checkpoint_timeout = 30min',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'wal_level = minimal',
        'max_wal_senders = 0',
        'jit = off',
        // A dump locks every table in one transaction: room for the many-tables benchmark (pg_dump and dbops alike).
        'max_locks_per_transaction = 1024',
        'log_min_messages = warning',
        '',
      ].join('\n'),
    );
    writeFileSync(join(data, 'pg_hba.conf'), `local all all trust\nhost all all ${HOST}/32 trust\n`);
  }
  // A server already running on this data directory (an earlier run that was interrupted) is reused, not stopped.
  const running = await pg('pg_ctl', ['status', '-D', data]).then(
    () => true,
    () => false,
  );
  const port = running ? Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[3]) : await freePort();
  if (running) log(`reusing the PostgreSQL server already running on ${data} (port ${port})`);
  else await pg('pg_ctl', ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port}`]);
  const url = (db = 'postgres') => `postgres://postgres@${HOST}:${port}/${db}`;
  return {
    port,
    /** The postmaster: its children are the backends serving our clients. */
    pid: Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    bin,
    url,
    async stop() {
      if (running) return;
      await pg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '60']).catch(() => undefined);
    },
  };
}

function ids(user) {
  return {
    uid: Number(execFileSync('id', ['-u', user]).toString()),
    gid: Number(execFileSync('id', ['-g', user]).toString()),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Creates `database` on the cluster unless it exists, and then fills it with `fill(client)` (a pg client on it):
 * a benchmark's generated data is built once and reused. Returns true when it was created now.
 */
export async function createDatabaseOnce(cluster, database, fill) {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  try {
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [database])).rowCount > 0;
    if (exists) return false;
    await admin.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: cluster.url(database) });
  await client.connect();
  try {
    await fill(client);
  } finally {
    await client.end();
  }
  return true;
}
