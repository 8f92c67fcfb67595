// What maintenance's guards send per step, counted by the server itself (pg_stat_statements, one entry per
// top-level statement): on a primary without standbys, pg_stat_replication is read once per run, not before every
// step, and again only after 10 s of the run's clock (a standby that connects mid-run); consecutive VACUUM steps
// have their figures read in one round trip while they are fresh (1 s), an index rebuild in one of its own. What
// reading ahead must not break: a table dropped after its figures were read is skipped and said, a lock on a later
// step's table delays nothing but that step. The lag guard with a real standby: maintenance-lag.test.ts.
import pg from 'pg';
import { silentLogger } from '../../packages/core/src/log.js';
import { applySteps } from '../../packages/core/src/maintenance/apply.js';
import { StepFigures } from '../../packages/core/src/maintenance/figures-ahead.js';
import type { RelationFigures } from '../../packages/core/src/maintenance/step-session.js';
import type { MaintenanceStep } from '../../packages/core/src/maintenance/step.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const DB = 'guards';
let server: PostgresServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
  await server.createDatabase(DB);
  await server.query('create extension pg_stat_statements', [], DB);
  for (let i = 0; i < 5; i++) {
    await server.query(
      `create table t${i} (id int primary key, v int) with (autovacuum_enabled = false);
       insert into t${i} select g, g from generate_series(1, 2000) g; delete from t${i} where id % 2 = 0`,
      [],
      DB,
    );
  }
  client = new pg.Client({ connectionString: server.url(DB) });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

const step = (kind: MaintenanceStep['kind'], object: string, statement: string): MaintenanceStep => ({
  kind,
  object,
  statement,
  mode: 'apply',
  why: 'test',
  figures: {},
  lock: '',
  estimatedSeconds: 1,
  expectedGain: '',
});
const vacuums = [0, 1, 2, 3, 4].map((i) =>
  step('vacuum-analyze', `"public"."t${i}"`, `VACUUM (ANALYZE) "public"."t${i}"`),
);

/** Statements the test database received since the last reset, by kind, counting each execution. */
async function received() {
  const rows = await server.query<{ query: string; calls: string }>(
    `select query, calls from pg_stat_statements where dbid = (select oid from pg_database where datname = $1)
        and query not like '%pg_stat_statements%'`,
    [DB],
    DB,
  );
  const count = (test: (q: string) => boolean) =>
    rows.filter((r) => test(r.query)).reduce((sum, r) => sum + Number(r.calls), 0);
  return {
    lagReads: count((q) => q.includes('pg_stat_replication')),
    steps: count((q) => /^(VACUUM|REINDEX)/.test(q)),
    total: count(() => true),
  };
}

const settings = {
  lockTimeoutMs: 1000,
  statementTimeoutMs: 60_000,
  maxRuntimeMs: 3_600_000,
  maxReplicationLagMs: 30_000,
  log: silentLogger,
};

const frozen = () => new Date('2026-12-06T01:00:00Z');

test('no standby: pg_stat_replication is read once for the run, and five VACUUMs within a second share one figures read', async () => {
  await server.query('select pg_stat_statements_reset()', [], DB);
  const outcomes = await applySteps(client, vacuums, { ...settings, now: frozen });
  expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
  expect(outcomes[0]!.before!.deadTuples).toBe(1000);
  expect(outcomes.every((o) => o.after?.deadTuples === 0)).toBe(true);
  // The session's settings, one lag read, one read of all five steps' figures, the statements, the figures after.
  expect(await received()).toEqual({ lagReads: 1, steps: 5, total: 1 + 1 + 1 + 5 + 1 });
});

test('no standby: pg_stat_replication is read again once 10 s of the run have passed (a standby may have connected)', async () => {
  await server.query('select pg_stat_statements_reset()', [], DB);
  // The run's clock moves 6 s with each step: lag reads before steps 1 (0 s), 3 (12 s) and 5 (24 s); figures read
  // ahead are stale by the next step, so each step reads its own (with the previous step's after them).
  let clock = Date.parse('2026-12-06T01:00:00Z');
  const log = { ...silentLogger, info: () => void (clock += 6000) };
  const outcomes = await applySteps(client, vacuums, { ...settings, log, now: () => new Date(clock) });
  expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
  expect(await received()).toEqual({ lagReads: 3, steps: 5, total: 1 + 3 + 5 + 5 + 1 });
});

test('without max-replication-lag nothing reads pg_stat_replication', async () => {
  await server.query('select pg_stat_statements_reset()', [], DB);
  const { maxReplicationLagMs: _, ...noLag } = settings;
  await applySteps(client, vacuums.slice(0, 2), { ...noLag, now: frozen });
  expect(await received()).toEqual({ lagReads: 0, steps: 2, total: 1 + 1 + 2 + 1 });
});

test('an index rebuild reads the invalid indexes beside it in the same round trip as its figures', async () => {
  await server.query(`create index t0_v on t0 (v)`, [], DB);
  await server.query('select pg_stat_statements_reset()', [], DB);
  const reindex = step('reindex-bloated', '"public"."t0_v"', 'REINDEX INDEX CONCURRENTLY "public"."t0_v"');
  const [outcome] = await applySteps(client, [reindex], { ...settings, now: frozen });
  expect(outcome).toMatchObject({ status: 'applied', object: '"public"."t0_v"' });
  expect(outcome!.after!.relfilenode).not.toBe(outcome!.before!.relfilenode);
  expect(await received()).toEqual({ lagReads: 1, steps: 1, total: 1 + 1 + 2 + 1 });
});

test('a table dropped after its figures were read ahead: its step is skipped and said, the run goes on', async () => {
  await server.query(`create table doomed (id int) with (autovacuum_enabled = false)`, [], DB);
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
  // The second step drops the table of the third from the run's own session: after the one figures read, before
  // the third step starts (another session could do the same at that moment).
  const dropper = step('vacuum-analyze', '"public"."t1"', 'DROP TABLE "public"."doomed"');
  const doomed = step('vacuum-analyze', '"public"."doomed"', 'VACUUM (ANALYZE) "public"."doomed"');
  await server.query('select pg_stat_statements_reset()', [], DB);
  const outcomes = await applySteps(client, [vacuums[0]!, dropper, doomed, vacuums[2]!], {
    ...settings,
    log,
    now: frozen,
  });
  expect(outcomes.map((o) => [o.object, o.status, o.reason])).toEqual([
    ['"public"."t0"', 'applied', undefined],
    ['"public"."t1"', 'applied', undefined],
    ['"public"."doomed"', 'skipped', '"public"."doomed" no longer exists'],
    ['"public"."t2"', 'applied', undefined],
  ]);
  expect(outcomes[2]!.before).toBeUndefined();
  expect(warnings).toEqual([
    'VACUUM (ANALYZE) "public"."doomed": skipped, "public"."doomed" no longer exists (dropped after the plan was made)',
  ]);
  // Settings, lag, one figures read, three statements (pg_stat_statements counts no failed one), figures after.
  expect((await received()).total).toBe(1 + 1 + 1 + 3 + 1);
});

test('a table locked by another session further down the run: the steps before it run, it is skipped by its lock timeout', async () => {
  const holder = new pg.Client({ connectionString: server.url(DB) });
  await holder.connect();
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
  try {
    await holder.query('begin; lock table t3 in access exclusive mode');
    const started = Date.now();
    const outcomes = await applySteps(client, vacuums, { ...settings, lockTimeoutMs: 2000, log, now: frozen });
    expect(outcomes.map((o) => [o.object, o.status])).toEqual([
      ['"public"."t0"', 'applied'],
      ['"public"."t1"', 'applied'],
      ['"public"."t2"', 'applied'],
      ['"public"."t3"', 'skipped'],
      ['"public"."t4"', 'applied'],
    ]);
    expect(outcomes[3]!.reason).toMatch(/^skipped: it did not get its lock within lock-timeout \(2000 ms\)/);
    expect(warnings).toHaveLength(1);
    // Reading ahead waited once for the lock and stopped; then t3's own read waited: two lock timeouts (4 s), where
    // reading ahead on would have waited at each of the four steps up to t3 (8 s and more). The margin between is
    // wide enough for a loaded CI machine.
    expect(Date.now() - started).toBeLessThan(7000);
    expect(outcomes.filter((o) => o.status === 'applied').every((o) => o.before && o.after)).toBe(true);
  } finally {
    await holder.query('rollback');
    await holder.end();
  }
});

test("a lock on a finished step's table costs that step's after-figures only: the next step and the run's end go on", async () => {
  const holder = new pg.Client({ connectionString: server.url(DB) });
  await holder.connect();
  // A clock that moves 2 s a call: every step reads its figures again (nothing read ahead is fresh any more).
  let t = Date.parse('2026-12-06T01:00:00Z');
  const figures = new StepFigures(client, 60_000, () => new Date((t += 2000)));
  await client.query("select set_config('lock_timeout', '500ms', false)");
  try {
    expect((await figures.before(vacuums, 0, 60_000, false)).before).toBeDefined();
    const first: { object: string; after?: RelationFigures } = { object: vacuums[0]!.object };
    figures.applied(first);
    // t0's step is done; another session now holds its table while t1's figures are read.
    await holder.query('begin; lock table t0 in access exclusive mode');
    const second = await figures.before(vacuums, 1, 60_000, false);
    expect(second.before).toMatchObject({ bytes: expect.any(Number) });
    expect(first.after).toBeUndefined();
    const last: { object: string; after?: RelationFigures } = { object: vacuums[1]!.object };
    figures.applied(last);
    await holder.query('lock table t1 in access exclusive mode');
    await figures.finish();
    expect(last.after).toBeUndefined();
  } finally {
    await holder.query('rollback');
    await holder.end();
    await client.query("select set_config('lock_timeout', '0', false)");
  }
});
