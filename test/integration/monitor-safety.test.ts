// The report's safety rails on a real server: every check runs read-only, each query has a statement timeout,
// the whole run has a time budget, and a check that fails is reported, never allowed to take the others down.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSettings, MemoryLogger, monitorReport, parsePgTarget, type CheckDefinition } from '@dbops/core';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
  await server.query('create table kept (id int)');
});
afterAll(async () => {
  await server?.stop();
});

function check(id: string, run: CheckDefinition['run']): CheckDefinition {
  return { id, title: id, why: 'test', action: 'test', unit: 'count', direction: 'above', warning: 1, run };
}

async function report(
  checks: CheckDefinition[],
  limits: { statementTimeoutMs?: number; budgetMs?: number; signal?: AbortSignal } = {},
) {
  const log = new MemoryLogger();
  const { report: r } = await monitorReport({
    target: parsePgTarget({ url: server.url() }),
    checks,
    settings: defaultSettings(checks),
    statementTimeoutMs: limits.statementTimeoutMs ?? 10_000,
    budgetMs: limits.budgetMs ?? 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-safety-')),
    log,
    ...(limits.signal ? { signal: limits.signal } : {}),
  });
  return { report: r, log };
}

it('runs every check in a read-only transaction: a write fails and changes nothing', async () => {
  const { report: r } = await report([
    check('writer', async ({ query }) => {
      await query('insert into kept values (1)');
      return { observations: [] };
    }),
    check('reader', async ({ query }) => {
      const [row] = await query<{ n: number }>('select count(*)::int as n from kept');
      return { observations: [{ subject: 'rows', value: row!.n }] };
    }),
  ]);
  expect(r.checks[0]).toMatchObject({
    id: 'writer',
    status: 'unknown',
    reason: expect.stringMatching(/read-only transaction/),
  });
  // The failed check does not poison the next one, and nothing was written.
  expect(r.checks[1]).toMatchObject({ id: 'reader', status: 'ok', top: [{ subject: 'rows', value: 0 }] });
  expect(await server.query('select count(*)::int as n from kept')).toEqual([{ n: 0 }]);
});

it('cancels a query that outlives the statement timeout and reports the check as unknown', async () => {
  const { report: r, log } = await report(
    [
      check('sleeper', async ({ query }) => {
        await query('select pg_sleep(30)');
        return { observations: [] };
      }),
      check('after', async () => ({ observations: [] })),
    ],
    { statementTimeoutMs: 200 },
  );
  expect(r.checks[0]).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/longer than 200 ms/) });
  expect(r.checks[1]).toMatchObject({ status: 'ok' });
  expect(r.status).toBe('unknown');
  expect(log.lines.join('\n')).toMatch(/Check sleeper could not run/);
});

it('stops at the total time budget and reports the remaining checks as unknown, with the reason', async () => {
  const { report: r } = await report(
    [
      check('slow', async ({ query }) => {
        await query('select pg_sleep(30)');
        return { observations: [] };
      }),
      check('never-reached', async () => ({ observations: [] })),
    ],
    { statementTimeoutMs: 10_000, budgetMs: 300 },
  );
  // The budget also caps the statement timeout of the check that spends it.
  expect(r.checks[0]).toMatchObject({ id: 'slow', status: 'unknown' });
  expect(r.checks[1]).toMatchObject({
    id: 'never-reached',
    status: 'unknown',
    reason: expect.stringMatching(/time budget of 0.3 s was used up/),
  });
  expect(r.counts).toMatchObject({ skipped: 0, unknown: 2 });
  expect(r.status).toBe('unknown');
});

it('reports a check the role lacks a privilege for as unknown, with the reason', async () => {
  await server.query(`create role plain login password 'plain-pw'; create table secret_stuff (x int);`);
  const log = new MemoryLogger();
  const checks = [
    check('needs-privilege', async ({ query }) => {
      await query('select * from secret_stuff');
      return { observations: [] };
    }),
  ];
  const { report: r } = await monitorReport({
    target: parsePgTarget({ url: server.url('postgres', 'plain', 'plain-pw') }),
    checks,
    settings: defaultSettings(checks),
    statementTimeoutMs: 5000,
    budgetMs: 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-safety-')),
    log,
  });
  expect(r.checks[0]).toMatchObject({
    status: 'unknown',
    reason: expect.stringMatching(/lacks a privilege.*permission denied/),
  });
});

it('reports pg_stat_statements installed but not preloaded as skipped, with the reason', async () => {
  await server.createDatabase('pgss');
  await server.query('create extension pg_stat_statements', [], 'pgss');
  const { POSTGRES_CHECKS } = await import('@dbops/core');
  const slow = POSTGRES_CHECKS.filter((c) => c.id === 'slow-statements');
  const { report: r } = await monitorReport({
    target: parsePgTarget({ url: server.url('pgss') }),
    checks: slow,
    settings: defaultSettings(slow),
    statementTimeoutMs: 5000,
    budgetMs: 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-safety-')),
    log: new MemoryLogger(),
  });
  expect(r.checks[0]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/shared_preload_libraries/) });
});

it('ends the query in flight even when the cancel reaches the server before the query does', async () => {
  if (!server.canCrash)
    throw new Error('this test pauses a server process: it needs a cluster it starts itself (not TEST_DATABASE_URL)');
  const abort = new AbortController();
  let paused = 0;
  const checks = [
    check('sleeper', async ({ query }) => {
      const [{ pid } = { pid: 0 }] = await query<{ pid: number }>('select pg_backend_pid() as pid');
      // The server process stays unscheduled with the query unread in its socket, as on a busy machine. A cancel
      // request that arrives then is dropped by PostgreSQL (it was between queries), and the query would run 600 s.
      process.kill(pid, 'SIGSTOP');
      paused = pid;
      const sleeping = query('select pg_sleep(600)');
      sleeping.catch(() => undefined); // ended by the cancel while this check still waits below
      abort.abort();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      process.kill(pid, 'SIGCONT');
      paused = 0;
      await sleeping;
      return { observations: [] };
    }),
  ];
  try {
    await expect(
      report(checks, { statementTimeoutMs: 600_000, budgetMs: 600_000, signal: abort.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  } finally {
    if (paused) process.kill(paused, 'SIGCONT');
  }
  expect(
    await eventually(
      async () =>
        (
          await server.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where query = 'select pg_sleep(600)' and state = 'active'`,
          )
        )[0]!.n === 0,
    ),
  ).toBe(true);
});

it('stops at once when cancelled, ending the query in flight', async () => {
  const abort = new AbortController();
  const checks = [
    check('sleeper', async ({ query }) => {
      setImmediate(() => abort.abort());
      await query('select pg_sleep(600)');
      return { observations: [] };
    }),
  ];
  await expect(
    report(checks, { statementTimeoutMs: 600_000, budgetMs: 600_000, signal: abort.signal }),
  ).rejects.toMatchObject({ code: 'CANCELLED' });
  // The server-side query is gone too, not left sleeping (the cancel request is asynchronous: wait for it).
  let sleeping = 1;
  for (let i = 0; i < 100 && sleeping > 0; i++) {
    const [row] = await server.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where query = 'select pg_sleep(600)' and state = 'active'`,
    );
    sleeping = row?.n ?? 0;
    if (sleeping > 0) await new Promise((r) => setTimeout(r, 100));
  }
  expect(sleeping).toBe(0);
});
