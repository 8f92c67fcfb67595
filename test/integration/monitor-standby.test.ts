// Replication on real servers: a streaming standby of the harness cluster, made with pg_basebackup. The report
// on the primary sees the replica and its lag; on the standby it runs read-only in recovery and reports its own
// replay delay.
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

it('on the primary, a WAL receiver that never replays (pg_receivewal) is listed without a made-up lag', async () => {
  const walDir = join(standby.base, 'received-wal');
  await mkdir(walDir);
  await chown(walDir, (await stat(standby.base)).uid, (await stat(standby.base)).gid);
  const args = ['-h', primary.host, '-p', String(primary.port), '-U', primary.superuser, '-D', walDir, '--no-loop'];
  const receiver = spawn(...standby.pgCommand('pg_receivewal', args), {
    env: { PATH: process.env.PATH ?? '', PGPASSWORD: primary.password },
    stdio: 'ignore',
  });
  try {
    await until(
      async () =>
        (
          await primary.query(
            `select count(*)::int as n from pg_stat_replication where application_name = 'pg_receivewal' and state = 'streaming'`,
          )
        )[0]?.n === 1,
      'pg_receivewal streams',
    );
    const lag = (await report(primary.port)).checks.find((c) => c.id === 'replication-lag')!;
    const receiverRow = lag.top.find((o) => o.subject === 'replica pg_receivewal')!;
    expect(receiverRow.detail).toBe(
      'streaming; no replay position reported (it only receives WAL, or has just connected)',
    );
  } finally {
    if (receiver.exitCode === null && receiver.signalCode === null) {
      const exited = new Promise((resolve) => receiver.once('exit', resolve));
      receiver.kill('SIGTERM'); // runuser passes it on to pg_receivewal
      await exited;
    }
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
