// Replication on real servers: a streaming standby of the harness cluster, made with pg_basebackup. The report
// on the primary sees the replica and its lag, one subject per replica even when they share an application_name;
// on the standby it runs read-only in recovery and reports its own replay delay.
import { spawn } from 'node:child_process';
import { chown, mkdir, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger, monitorReport, parsePgTarget, type MonitorReport } from '@dbops/core';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startStandby, type Standby } from '../harness/standby.js';

let primary: PostgresServer;
let standby: Standby;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  if (!(await eventually(check, 30_000))) throw new Error(`never happened: ${what}`);
}

beforeAll(async () => {
  primary = await startPostgres();
  standby = await startStandby(primary);
  await until(
    async () =>
      (
        await primary.query(
          `select count(*)::int as n from pg_stat_replication where state = 'streaming' and replay_lsn is not null`,
        )
      )[0]?.n === 1,
    'the standby streams and reports its replay position',
  );
}, 120_000);

afterAll(async () => {
  await standby?.stop();
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
  const r = await report(standby.port);
  expect(r.database.standby).toBe(true);
  expect(r.checks.filter((c) => c.status === 'unknown')).toEqual([]);
  const lag = r.checks.find((c) => c.id === 'replication-lag')!;
  expect(lag.top.map((o) => o.subject)).toEqual(['this standby']);
  expect(lag.top[0]!.value).toBeGreaterThanOrEqual(0);
  expect(r.checks.find((c) => c.id === 'unused-indexes')!.notes.join(' ')).toMatch(/on this standby only/);
});

it('on the primary, two standbys left at the default application_name are two subjects, each named by its slot', async () => {
  const second = await startStandby(primary);
  try {
    await until(
      async () =>
        (
          await primary.query(
            `select count(*)::int as n from pg_stat_replication where state = 'streaming' and replay_lsn is not null`,
          )
        )[0]?.n === 2,
      'both standbys stream and report their replay positions',
    );
    const replicas = await primary.query<{ name: string; slot: string }>(
      `select r.application_name as name, s.slot_name as slot
       from pg_stat_replication r join pg_replication_slots s on s.active_pid = r.pid order by s.slot_name`,
    );
    // pg_basebackup -R names no application: both connect as 'walreceiver', PostgreSQL's default.
    expect(replicas.map((r) => r.name)).toEqual(['walreceiver', 'walreceiver']);
    const lag = (await report(primary.port)).checks.find((c) => c.id === 'replication-lag')!;
    expect(lag.top.map((o) => o.subject).sort()).toEqual(replicas.map((r) => `replica walreceiver (slot ${r.slot})`));
  } finally {
    await second.stop();
  }
});

/** Starts pg_receivewal (no slot) into a new directory; the returned function stops it. */
async function receiveWal(name: string): Promise<() => Promise<void>> {
  const walDir = join(standby.base, name);
  await mkdir(walDir);
  await chown(walDir, (await stat(standby.base)).uid, (await stat(standby.base)).gid);
  const args = ['-h', primary.host, '-p', String(primary.port), '-U', primary.superuser, '-D', walDir, '--no-loop'];
  const receiver = spawn(...standby.pgCommand('pg_receivewal', args), {
    env: { PATH: process.env.PATH ?? '', PGPASSWORD: primary.password },
    stdio: 'ignore',
  });
  return async () => {
    if (receiver.exitCode === null && receiver.signalCode === null) {
      const exited = new Promise((resolve) => receiver.once('exit', resolve));
      receiver.kill('SIGTERM'); // runuser passes it on to pg_receivewal
      await exited;
    }
  };
}

/** Waits until exactly `n` pg_receivewal connections are listed, all streaming (a stopped one's walsender gone too). */
const receiversStreaming = (n: number) =>
  until(async () => {
    const [row] = await primary.query<{ streaming: number; total: number }>(
      `select count(*) filter (where state = 'streaming')::int as streaming, count(*)::int as total
       from pg_stat_replication where application_name = 'pg_receivewal'`,
    );
    return row?.streaming === n && row.total === n;
  }, `${n} pg_receivewal stream`);

it('on the primary, a WAL receiver that never replays (pg_receivewal) is listed without a made-up lag', async () => {
  const stop = await receiveWal('received-wal');
  try {
    await receiversStreaming(1);
    const lag = (await report(primary.port)).checks.find((c) => c.id === 'replication-lag')!;
    const receiverRow = lag.top.find((o) => o.subject === 'replica pg_receivewal')!;
    expect(receiverRow.detail).toBe(
      'streaming; no replay position reported (it only receives WAL, or has just connected)',
    );
  } finally {
    await stop();
  }
});

it('on the primary, two receivers of one name, host and no slot are told apart by pid', async () => {
  const stops = [await receiveWal('received-wal-a'), await receiveWal('received-wal-b')];
  try {
    await receiversStreaming(2);
    const pids = await primary.query<{ pid: number }>(
      `select pid from pg_stat_replication where application_name = 'pg_receivewal' order by pid`,
    );
    const lag = (await report(primary.port)).checks.find((c) => c.id === 'replication-lag')!;
    const subjects = lag.top.map((o) => o.subject).filter((s) => s.startsWith('replica pg_receivewal'));
    expect(subjects.sort()).toEqual(pids.map((p) => `replica pg_receivewal (pid ${p.pid})`).sort());
  } finally {
    for (const stop of stops) await stop();
  }
});

// Last: the standby stays cut off from its primary.
it('on a standby cut off from its primary, reports the lag as unknown rather than zero', async () => {
  // A socket directory that does not exist: the WAL receiver, restarted by the reload, can never connect. (ALTER
  // SYSTEM, as pg_basebackup -R wrote the working one to postgresql.auto.conf, which wins over postgresql.conf.)
  await standby.query(`alter system set primary_conninfo = 'host=/nonexistent-dbops-socket-dir user=postgres'`);
  await standby.query('select pg_reload_conf()');
  await until(
    async () =>
      (
        await standby.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_wal_receiver where status = 'streaming'`,
        )
      )[0]?.n === 0,
    'the standby stops streaming',
  );
  const lag = (await report(standby.port)).checks.find((c) => c.id === 'replication-lag')!;
  expect(lag).toMatchObject({
    status: 'unknown',
    reason: expect.stringMatching(/^this standby is not streaming from its primary \(WAL receiver [a-z ]+\)/),
  });
});
