// Replication on real servers: a streaming standby of the harness cluster, made with pg_basebackup. The report
// on the primary sees the replica and its lag; on the standby it runs read-only in recovery and reports its own
// replay delay. (The harness cluster allows no replication connections, so this test adds one to its pg_hba.conf.)
import { execFile, spawn } from 'node:child_process';
import { appendFile, chown, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MemoryLogger, monitorReport, parsePgTarget, type MonitorReport } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const exec = promisify(execFile);
let primary: PostgresServer;
let base: string;
let standbyPort: number;
/** A PostgreSQL program run as the `postgres` OS user when we are root (the server refuses root's files). */
let pgCommand: (bin: string, args: string[]) => [string, string[]];
let pgEnv: NodeJS.ProcessEnv;
const runPg = (bin: string, args: string[]) => exec(...pgCommand(bin, args), { cwd: base, env: pgEnv });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never happened: ${what}`);
}

beforeAll(async () => {
  primary = await startPostgres();
  if (!primary.canCrash) throw new Error('this test needs a cluster it starts itself (not TEST_DATABASE_URL)');
  const asRoot = process.getuid?.() === 0;
  base = await mkdtemp(join(tmpdir(), 'dbops-standby-'));
  if (asRoot) {
    const uid = Number((await exec('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await exec('id', ['-g', 'postgres'])).stdout.trim());
    await chown(base, uid, gid);
  }
  pgEnv = { PATH: process.env.PATH ?? '', PGPASSWORD: primary.password };
  pgCommand = (bin, args) =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(primary.binDir, bin), ...args]] : [join(primary.binDir, bin), args];

  // Allow replication connections from loopback, keeping the harness's rules.
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const hba = (await primary.query<{ hba: string }>(`select current_setting('hba_file') as hba`))[0]!.hba;
  const text = (await primary.query<{ text: string }>(`select pg_read_file($1) as text`, [hba]))[0]!.text;
  const lines = [...text.split('\n').filter(Boolean), 'host replication all 127.0.0.1/32 scram-sha-256'];
  // COPY cannot take parameters: the lines go in as literals, one row (one line) each.
  await primary.query(`copy (select unnest(array[${lines.map(literal).join(', ')}])) to ${literal(hba)}`);
  await primary.query('select pg_reload_conf()');

  const dataDir = join(base, 'standby');
  await runPg('pg_basebackup', ['-h', primary.host, '-p', String(primary.port), '-U', primary.superuser, '-D', dataDir, '-R', '-X', 'stream', '-C', '-S', 'standby_slot', '--no-sync']);
  standbyPort = await freePort();
  await appendFile(join(dataDir, 'postgresql.conf'), `\nport = ${standbyPort}\nunix_socket_directories = '${base}'\nhot_standby = on\n`);
  await runPg('pg_ctl', ['start', '-D', dataDir, '-l', join(base, 'standby.log'), '-w', '-t', '60']);
  await until(async () => (await primary.query(`select count(*)::int as n from pg_stat_replication where state = 'streaming' and replay_lsn is not null`))[0]?.n === 1, 'the standby streams and reports its replay position');
}, 120_000);

afterAll(async () => {
  if (base) {
    await runPg('pg_ctl', ['stop', '-D', join(base, 'standby'), '-m', 'immediate', '-w']).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
  await primary?.stop();
});

async function report(port: number): Promise<MonitorReport> {
  const url = new URL(primary.url());
  url.port = String(port);
  const { report: r } = await monitorReport({
    target: parsePgTarget({ url: url.toString() }),
    statementTimeoutMs: 10_000,
    budgetMs: 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-standby-out-')),
    log: new MemoryLogger(),
  });
  return r;
}

it('on the primary, lists the replica with its lag and leaves its active slot alone', async () => {
  const r = await report(primary.port);
  expect(r.database.standby).toBe(false);
  const lag = r.checks.find((c) => c.id === 'replication-lag')!;
  expect(lag.status).toBe('ok');
  expect(lag.top).toHaveLength(1);
  expect(lag.top[0]!.subject).toMatch(/^replica /);
  expect(lag.top[0]!.detail).toMatch(/^streaming; \d+ bytes of WAL not yet replayed$/);
  expect(r.checks.find((c) => c.id === 'replication-slots')!.observed).toBe(0);
});

it('on the standby, runs every check read-only in recovery and reports its own replay delay', async () => {
  await primary.query('create table after_backup (id int primary key)');
  const r = await report(standbyPort);
  expect(r.database.standby).toBe(true);
  expect(r.checks.filter((c) => c.status === 'error')).toEqual([]);
  const lag = r.checks.find((c) => c.id === 'replication-lag')!;
  expect(lag.top.map((o) => o.subject)).toEqual(['this standby']);
  expect(lag.top[0]!.value).toBeGreaterThanOrEqual(0);
  expect(r.checks.find((c) => c.id === 'unused-indexes')!.notes.join(' ')).toMatch(/on this standby only/);
});

it('on the primary, a WAL receiver that never replays (pg_receivewal) is listed without a made-up lag', async () => {
  const walDir = join(base, 'received-wal');
  await mkdir(walDir);
  await chown(walDir, (await stat(base)).uid, (await stat(base)).gid);
  const args = ['-h', primary.host, '-p', String(primary.port), '-U', primary.superuser, '-D', walDir, '--no-loop'];
  const receiver = spawn(...pgCommand('pg_receivewal', args), { env: pgEnv, stdio: 'ignore' });
  try {
    await until(async () => (await primary.query(`select count(*)::int as n from pg_stat_replication where application_name = 'pg_receivewal' and state = 'streaming'`))[0]?.n === 1, 'pg_receivewal streams');
    const lag = (await report(primary.port)).checks.find((c) => c.id === 'replication-lag')!;
    const receiverRow = lag.top.find((o) => o.subject === 'replica pg_receivewal')!;
    expect(receiverRow.detail).toBe('streaming; no replay position reported (it only receives WAL, or has just connected)');
  } finally {
    if (receiver.exitCode === null && receiver.signalCode === null) {
      const exited = new Promise((resolve) => receiver.once('exit', resolve));
      receiver.kill('SIGTERM'); // runuser passes it on to pg_receivewal
      await exited;
    }
  }
});
