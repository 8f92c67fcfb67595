// The maintenance plan on a real server: real dead tuples (autovacuum off for that table), an invalid index from a
// failed CREATE UNIQUE INDEX CONCURRENTLY, a duplicate index and a sequence near its maximum.
import pg from 'pg';
import { planMaintenance } from '../../packages/core/src/maintenance/plan.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

let server: PostgresServer;
let client: pg.Client;
const DB = 'maintenance_plan';

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  const q = (sql: string) => server.query(sql, [], DB);
  await q(`create schema "Odd ""Schema"""`);
  await q(`create table "Odd ""Schema""".churn (id int, v text) with (autovacuum_enabled = false)`);
  await q(`insert into "Odd ""Schema""".churn select g, 'x' from generate_series(1, 20000) g`);
  await q(`analyze "Odd ""Schema""".churn`);
  await q(`delete from "Odd ""Schema""".churn where id <= 12000`);

  await q(`create table dupes (email text) with (autovacuum_enabled = false)`);
  await q(`insert into dupes values ('a'), ('a'), ('b')`);
  await expect(q(`create unique index concurrently dupes_email_key on dupes (email)`)).rejects.toThrow(
    /could not create unique index/,
  );

  await q(`create table orders (id int, customer int) with (autovacuum_enabled = false)`);
  await q(`create index orders_customer on orders (customer)`);
  await q(`create index orders_customer_again on orders (customer)`);

  await q(`create sequence ticket maxvalue 1000`);
  await q(`select setval('ticket', 950)`);
  await q(`create sequence roomy`);
  await q(`select setval('roomy', 950)`);
  await q(`analyze dupes; analyze orders`);
  // Statistics reach the shared views at the end of a transaction after a short delay: flush them now.
  if (server.majorVersion >= 15) await q(`select pg_stat_force_next_flush()`);
  else await new Promise((r) => setTimeout(r, 1500));

  client = new pg.Client({ connectionString: server.url(DB) });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

it('plans exactly the vacuum, the rebuild of the invalid index, the duplicate and the sequence', async () => {
  const plan = await planMaintenance(client);
  expect(plan.steps.map((s) => [s.kind, s.mode, s.statement])).toEqual([
    ['vacuum-analyze', 'apply', `VACUUM (ANALYZE) "Odd ""Schema"""."churn"`],
    ['reindex-invalid', 'apply', `REINDEX INDEX CONCURRENTLY "public"."dupes_email_key"`],
    ['drop-duplicate-index', 'report', `DROP INDEX CONCURRENTLY "public"."orders_customer_again"`],
    ['widen-sequence', 'report', `ALTER SEQUENCE "public"."ticket" AS bigint MAXVALUE 9223372036854775807`],
  ]);
  const [vacuum, reindex, , sequence] = plan.steps;
  expect(vacuum!.figures).toMatchObject({ liveTuples: 8000, deadTuples: 12000 });
  expect(vacuum!.why).toMatch(/12000 dead tuples, 60% of 20000/);
  expect(vacuum!.lock).toMatch(/SHARE UPDATE EXCLUSIVE/);
  expect(vacuum!.estimatedSeconds).toBeGreaterThanOrEqual(1);
  expect(vacuum!.expectedGain).toMatch(/MB made reusable/);
  expect(reindex!.why).toMatch(/invalid index on "public"."dupes"/);
  expect(sequence!.figures).toMatchObject({ lastValue: 950, maxValue: 1000 });
  expect(sequence!.why).toMatch(/95% used/);
});

it('after VACUUM (ANALYZE) the table drops out of the plan', async () => {
  await client.query(`vacuum (analyze) "Odd ""Schema""".churn`);
  if (server.majorVersion >= 15) await client.query(`select pg_stat_force_next_flush()`);
  const plan = await planMaintenance(client);
  expect(plan.steps.map((s) => s.kind)).toEqual(['reindex-invalid', 'drop-duplicate-index', 'widen-sequence']);
});

it('an invalid index of a partitioned table (ON ONLY the parent) is reported with what makes it valid, not rebuilt', async () => {
  await client.query(`create table events_p (id int, at date) partition by range (at);
    create table events_p_2026 partition of events_p for values from ('2026-01-01') to ('2027-01-01');
    create index events_p_at on only events_p (at)`);
  try {
    const step = (await planMaintenance(client)).steps.find((s) => s.statement.includes('events_p_at'))!;
    expect(step).toMatchObject({ kind: 'reindex-invalid', mode: 'report' });
    expect(step.statement).toBe(
      'ALTER INDEX "public"."events_p_at" ATTACH PARTITION <the matching index of each partition of "public"."events_p" not attached yet>',
    );
    expect(step.why).toContain('it becomes valid once an index of every partition is attached to it');
  } finally {
    await client.query('drop table events_p');
  }
});
