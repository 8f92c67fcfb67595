// maintenance's faults on a real server: a table dropped between plan and apply (its step skipped and said, the run
// goes on), and SIGTERM while REINDEX INDEX CONCURRENTLY runs (the CLI as a child process): the invalid copy it
// leaves (…_ccnew) is reported and dropped by the next run, which then rebuilds the index.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Logger, silentLogger } from '../../packages/core/src/log.js';
import { applySteps } from '../../packages/core/src/maintenance/apply.js';
import { planMaintenance } from '../../packages/core/src/maintenance/plan.js';
import { runCli } from '../harness/cli.js';
import { eventually } from '../harness/eventually.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'cli', 'lib', 'main.js');

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const invalidIndexes = (db: string) =>
  server.query(`select indexrelid::regclass::text as name from pg_index where not indisvalid order by 1`, [], db);

it('a table dropped between plan and apply: its step is skipped and said, the next step still runs', async () => {
  const db = 'maintenance_dropped';
  await server.createDatabase(db);
  for (const t of ['gone', 'kept']) {
    await server.query(`create table ${t} (id int) with (autovacuum_enabled = false)`, [], db);
    await server.query(`insert into ${t} select generate_series(1, 20000)`, [], db);
    await server.query(`analyze ${t}`, [], db);
    await server.query(`delete from ${t} where id <= 12000`, [], db);
  }
  await server.query(`select pg_stat_force_next_flush()`, [], db);
  const client = new pg.Client({ connectionString: server.url(db) });
  await client.connect();
  const warnings: string[] = [];
  const log: Logger = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
  try {
    const plan = await planMaintenance(client);
    expect(plan.steps.map((s) => s.statement)).toEqual([
      'VACUUM (ANALYZE) "public"."gone"',
      'VACUUM (ANALYZE) "public"."kept"',
    ]);
    await server.query(`drop table gone`, [], db);
    const outcomes = await applySteps(client, plan.steps, {
      lockTimeoutMs: 1000,
      statementTimeoutMs: 60_000,
      maxRuntimeMs: 3_600_000,
      now: () => new Date(),
      log,
    });
    expect(outcomes.map((o) => [o.object, o.status, o.reason])).toEqual([
      ['"public"."gone"', 'skipped', '"public"."gone" no longer exists'],
      ['"public"."kept"', 'applied', undefined],
    ]);
    expect(outcomes[1]!.before!.deadTuples).toBe(12000);
    expect(warnings).toEqual([
      'VACUUM (ANALYZE) "public"."gone": skipped, "public"."gone" no longer exists (dropped after the plan was made)',
    ]);
  } finally {
    await client.end();
  }
});

it('SIGTERM mid-REINDEX CONCURRENTLY: exit 143, the …_ccnew copy left is reported and dropped by the next run', async () => {
  const db = 'maintenance_sigterm';
  await server.createDatabase(db);
  const q = (sql: string) => server.query(sql, [], db);
  await q(`create table items (id int, v int) with (autovacuum_enabled = false)`);
  await q(`insert into items select g, g from generate_series(1, 200000) g`);
  await q(`create index items_v on items (v)`);
  await q(`delete from items where id % 10 <> 0`);
  await q(`vacuum (analyze) items`);
  await q(`select pg_stat_force_next_flush()`);
  const args = ['maintenance', '--database-url', server.url(db), '--min-index-size', '1MB', '--apply'];

  // An open writing transaction holds REINDEX CONCURRENTLY after it has created items_v_ccnew: it waits there.
  const writer = new pg.Client({ connectionString: server.url(db) });
  await writer.connect();
  let stderr = '';
  try {
    await writer.query(`begin; insert into items values (0, 0)`);
    const child = spawn(process.execPath, [CLI, ...args, '--lock-timeout', '5m'], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', () => undefined);
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const waiting = () =>
      q(
        `select 1 from pg_stat_activity where query like 'REINDEX INDEX CONCURRENTLY%' and wait_event_type = 'Lock'`,
      ).then((rows) => rows.length > 0);
    expect(await eventually(waiting, 60_000)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
  } finally {
    await writer.query('rollback');
    await writer.end();
  }
  expect(stderr).toContain('Running REINDEX INDEX CONCURRENTLY "public"."items_v"');
  expect(stderr).toContain('Received SIGTERM');
  expect(stderr).not.toContain(server.password);
  // The server ended the rebuild with the session; no dbops session is left running it.
  expect(
    await eventually(async () => (await q(`select 1 from pg_stat_activity where query like 'REINDEX%'`)).length === 0),
  ).toBe(true);
  expect(await invalidIndexes(db)).toEqual([{ name: 'items_v_ccnew' }]);

  const plan = JSON.parse((await runCli([...args.slice(0, -1), '--json'])).stdout);
  expect(plan.plan[0]).toMatchObject({
    kind: 'drop-invalid-leftover',
    mode: 'apply',
    statement: 'DROP INDEX CONCURRENTLY "public"."items_v_ccnew"',
    why: expect.stringMatching(/^invalid index on "public"."items" left by an interrupted REINDEX CONCURRENTLY/),
  });
  const next = await runCli([...args, '--json']);
  expect(next.code).toBe(0);
  const result = JSON.parse(next.stdout);
  expect(result.outcomes.map((o: { kind: string; status: string }) => [o.kind, o.status])).toEqual([
    ['drop-invalid-leftover', 'applied'],
    ['reindex-bloated', 'applied'],
  ]);
  expect(await invalidIndexes(db)).toEqual([]);
  const text = await runCli(args.slice(0, -1));
  expect(text.stdout).toMatch(/Nothing to do|0 step\(s\) to apply/);
});
