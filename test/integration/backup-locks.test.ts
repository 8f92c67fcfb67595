// Table locks in a backup's way. A backup reads every table under ACCESS SHARE locks, which only an exclusive lock
// blocks: a migration's ALTER TABLE, VACUUM FULL, a LOCK TABLE left open. lock-wait-timeout bounds the wait, in
// dbops's own session and in pg_dump's, and the failure names the sessions in the way.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { backupDefinition, DbopsError, MemoryLogger, Secrets, type RawInputs } from '@dbops/core';
import { eventually } from '../harness/eventually.js';
import { heldBackPgDump } from '../harness/held-back-pg-dump.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { childPids } from '../harness/processes.js';

let server: PostgresServer;
let work: string;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('app');
  await server.query(
    `create table public.accounts as select g as id, 'owner ' || g as owner from generate_series(1, 1000) g`,
    [],
    'app',
  );
  await server.query(`create table public.events as select g as id from generate_series(1, 1000) g`, [], 'app');
  work = await mkdtemp(join(tmpdir(), 'dbops-locks-'));
});

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const run = (inputs: RawInputs) =>
  backupDefinition
    .run(
      { 'database-url': server.url('app'), ...inputs },
      {
        log: new MemoryLogger(),
        secrets: new Secrets(),
        env: { PATH: process.env.PATH ?? '' },
        signal: new AbortController().signal,
      },
    )
    .then(
      () => undefined,
      (error: unknown) => error as DbopsError,
    );

async function session(application: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.url('app'), application_name: application });
  await client.connect();
  return client;
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => !e.isDirectory()).map((e) => e.name);
}

it('a table another session holds exclusively: DUMP_FAILED after lock-wait-timeout, naming that session but not its SQL; nothing stored', async () => {
  const holder = await session('lock-holder');
  await holder.query('begin');
  await holder.query('lock table public.accounts in access exclusive mode');
  // The session's last statement holds data (here a token in a comment and a literal): the error must not carry it.
  await holder.query("/* token tk-4711 */ select 'jane.doe@example.com' as email");
  try {
    const to = join(work, 'held');
    const error = await run({ to, 'lock-wait-timeout': '1s' });
    expect(error).toBeInstanceOf(DbopsError);
    expect(error!.code).toBe('DUMP_FAILED');
    expect(error!.input).toBe('lock-wait-timeout');
    expect(error!.message).toMatch(
      /^Waited longer than lock-wait-timeout \(1(\.0)? s\) for a table lock: session \d+ \(holds an exclusive lock on accounts; application 'lock-holder', user '[^']+', client 127\.0\.0\.1, idle in transaction for \d+\.\d s, last statement SELECT\)$/,
    );
    expect(error!.message).not.toMatch(/tk-4711|jane|example\.com/);
    expect(error!.hint).toMatch(/raise lock-wait-timeout/);
    expect(await filesUnder(to)).toEqual([]);
    expect(childPids(process.pid, 'pg_dump')).toEqual([]);
  } finally {
    await holder.query('rollback');
    await holder.end();
  }
});

it('pg_dump queued behind an ALTER TABLE that waits on the backup: fails after lock-wait-timeout instead of waiting for ever', async () => {
  // pg_dump starts only once `release` exists: by then the ALTER TABLE is queued behind the locks dbops holds since
  // it counted the rows, and pg_dump's own lock request queues behind the ALTER. Nothing in the server sees the
  // cycle (dbops waits for pg_dump outside it), so without a timeout all three would wait for ever.
  const pgDump = await heldBackPgDump(work, server.binDir);

  const migration = await session('migration');
  try {
    const running = run({ to: join(work, 'cycle'), 'pg-bin-dir': pgDump.bin, 'lock-wait-timeout': '2s' });
    let altering: Promise<unknown> | undefined;
    try {
      expect(await pgDump.started(30_000)).toBe(true);
      altering = migration.query("alter table public.accounts add column flag text default 'jane.doe@example.com'");
      const queued = await eventually(async () => {
        const rows = await server.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where application_name = 'migration' and wait_event_type = 'Lock'`,
        );
        return rows[0]?.n === 1;
      });
      expect(queued).toBe(true);
    } finally {
      await pgDump.release(); // never leave the dump held back, even when the test fails
    }
    const error = await running;
    expect(error).toBeInstanceOf(DbopsError);
    expect(error!.code).toBe('DUMP_FAILED');
    expect(error!.input).toBe('lock-wait-timeout');
    expect(error!.message).toMatch(
      /^Waited longer than lock-wait-timeout \(2(\.0)? s\) for a table lock: session \d+ \(waits for an exclusive lock on accounts; application 'migration', user '[^']+', client 127\.0\.0\.1, active for \d+\.\d s, running ALTER TABLE\)$/,
    );
    expect(error!.message).not.toMatch(/jane|example\.com|flag/);
    expect(childPids(process.pid, 'pg_dump')).toEqual([]);
    // The backup's failure let the migration go on.
    await altering;
  } finally {
    await migration.query('alter table public.accounts drop column if exists flag').catch(() => undefined);
    await migration.end();
  }
}, 60_000);

it('lock-wait-timeout is refused in pg-dump-args (the input bounds both sessions), and out of range', async () => {
  const viaArgs = await run({ to: join(work, 'args'), 'pg-dump-args': '--lock-wait-timeout=5000' });
  expect(viaArgs!.code).toBe('INVALID_INPUT');
  expect(viaArgs!.message).toBe("Input 'pg-dump-args' sets --lock-wait-timeout");
  expect(viaArgs!.hint).toMatch(/the lock-wait-timeout input/);
  const tooLong = await run({ to: join(work, 'args'), 'lock-wait-timeout': '30d' });
  expect(tooLong!.code).toBe('INVALID_INPUT');
  expect(tooLong!.input).toBe('lock-wait-timeout');
  expect(await filesUnder(join(work, 'args'))).toEqual([]);
});
