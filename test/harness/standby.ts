import { execFile } from 'node:child_process';
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { eventually } from './eventually.js';
import type { PostgresServer } from './postgres.js';

const exec = promisify(execFile);

/**
 * A streaming hot standby of a harness cluster, made with pg_basebackup. The harness cluster allows no replication
 * connections, so this adds one to its pg_hba.conf.
 */
export interface Standby {
  port: number;
  /** The primary's URL, pointing at the standby. */
  url(database?: string): string;
  /** The command that runs a PostgreSQL program as the `postgres` OS user when we are root (the server refuses root). */
  pgCommand(bin: string, args: string[]): [string, string[]];
  /** A directory the `postgres` OS user can write. */
  base: string;
  /** Appends settings to the standby's postgresql.conf and reloads it. */
  configure(settings: string): Promise<void>;
  /** Resolves once the standby has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startStandby(primary: PostgresServer): Promise<Standby> {
  if (!primary.canCrash)
    throw new Error('a standby needs a cluster the harness started itself (not TEST_DATABASE_URL)');
  const asRoot = process.getuid?.() === 0;
  const base = await mkdtemp(join(tmpdir(), 'dbops-standby-'));
  if (asRoot) {
    const uid = Number((await exec('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await exec('id', ['-g', 'postgres'])).stdout.trim());
    await chown(base, uid, gid);
  }
  const env = { PATH: process.env.PATH ?? '', PGPASSWORD: primary.password };
  const pgCommand = (bin: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(primary.binDir, bin), ...args]]
      : [join(primary.binDir, bin), args];
  const runPg = (bin: string, args: string[]) => exec(...pgCommand(bin, args), { cwd: base, env });

  // Allow replication connections from loopback, keeping the harness's rules.
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const hba = (await primary.query<{ hba: string }>(`select current_setting('hba_file') as hba`))[0]!.hba;
  const text = (await primary.query<{ text: string }>(`select pg_read_file($1) as text`, [hba]))[0]!.text;
  if (!text.includes('host replication all 127.0.0.1/32')) {
    const lines = [...text.split('\n').filter(Boolean), 'host replication all 127.0.0.1/32 scram-sha-256'];
    // COPY cannot take parameters: the lines go in as literals, one row (one line) each.
    await primary.query(`copy (select unnest(array[${lines.map(literal).join(', ')}])) to ${literal(hba)}`);
    await primary.query('select pg_reload_conf()');
  }

  const dataDir = join(base, 'standby');
  const slot = `standby_${base
    .slice(-6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_')}`;
  // A fast checkpoint: the default spread one waits up to checkpoint_timeout once the primary has data.
  await runPg('pg_basebackup', [
    '-h',
    primary.host,
    '-p',
    String(primary.port),
    '-U',
    primary.superuser,
    '-D',
    dataDir,
    '-R',
    '-X',
    'stream',
    '-C',
    '-S',
    slot,
    '--no-sync',
    '--checkpoint=fast',
  ]);
  const port = await freePort();
  await appendFile(
    join(dataDir, 'postgresql.conf'),
    `\nport = ${port}\nunix_socket_directories = '${base}'\nhot_standby = on\n`,
  );
  await runPg('pg_ctl', ['start', '-D', dataDir, '-l', join(base, 'standby.log'), '-w', '-t', '60']);
  const url = (database?: string) => {
    const u = new URL(primary.url(database));
    u.port = String(port);
    return u.toString();
  };
  /** A query on the standby itself. */
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  // Replay progress is judged by a transaction the primary commits just then: once the standby has replayed its
  // commit, it sees it committed. (An LSN from pg_current_wal_lsn() can lie beyond the last record, and a quiet
  // primary may write nothing more that would carry replay past it.)
  const committedOnStandby = (xid: string) =>
    query<{ status: string }>('select pg_xact_status($1::xid8) as status', [xid]).then(
      ([row]) => row?.status === 'committed',
      () => false,
    );
  const caughtUp = async () => {
    const xid = (await primary.query<{ xid: string }>('select pg_current_xact_id()::text as xid'))[0]!.xid;
    if (!(await eventually(() => committedOnStandby(xid), 30_000)))
      throw new Error(`The standby did not replay transaction ${xid} in 30 s`);
  };
  await caughtUp();
  return {
    port,
    url,
    pgCommand,
    base,
    async configure(settings) {
      await appendFile(join(dataDir, 'postgresql.conf'), `\n${settings}\n`);
      await runPg('pg_ctl', ['reload', '-D', dataDir]);
    },
    caughtUp,
    query,
    async stop() {
      await runPg('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']).catch(() => undefined);
      await primary
        .query('select pg_drop_replication_slot($1) from pg_replication_slots where slot_name = $1', [slot])
        .catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    },
  };
}
