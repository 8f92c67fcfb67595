// maintenance's replication-lag guard on a real streaming standby whose replay is held back
// (recovery_min_apply_delay): while it lags past max-replication-lag no step starts, and when max-runtime cannot
// cover the wait the run stops cleanly, every step skipped with the lag named; caught up, the steps run, with
// maintenance_work_mem set for the session.
import pg from 'pg';
import { silentLogger } from '../../packages/core/src/log.js';
import { applySteps } from '../../packages/core/src/maintenance/apply.js';
import { planMaintenance } from '../../packages/core/src/maintenance/plan.js';
import { eventually } from '../harness/eventually.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';
import { type Standby, startStandby } from '../harness/standby.js';

let primary: PostgresServer;
let standby: Standby;
let client: pg.Client;

const lagMs = async () =>
  (
    await primary.query<{ lag: number | null }>(
      'SELECT max(extract(epoch FROM replay_lag))::float8 * 1000 AS lag FROM pg_stat_replication',
    )
  )[0]!.lag ?? 0;
const deadTuples = async () =>
  (
    await primary.query<{ n: number }>(`select n_dead_tup::int as n from pg_stat_user_tables where relname = 'items'`)
  )[0]!.n;

beforeAll(async () => {
  primary = await startPostgres();
  await primary.query(`create table items (id int) with (autovacuum_enabled = false);
    insert into items select generate_series(1, 20000); analyze items; delete from items where id <= 12000;
    select pg_stat_force_next_flush()`);
  standby = await startStandby(primary);
  client = new pg.Client({ connectionString: primary.url() });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await standby?.stop();
  await primary?.stop();
});

test('a lagging standby: no step starts and the run stops when max-runtime cannot cover the wait; caught up, it runs', async () => {
  const plan = await planMaintenance(client);
  expect(plan.steps.map((s) => s.statement)).toEqual(['VACUUM (ANALYZE) "public"."items"']);

  await standby.configure("wal_receiver_status_interval = '1s'\nrecovery_min_apply_delay = '1h'");
  const lagging = await eventually(async () => {
    await primary.query('CREATE TABLE IF NOT EXISTS ticks (n int); INSERT INTO ticks VALUES (1)');
    return (await lagMs()) > 1000;
  }, 30_000);
  expect(lagging).toBe(true);

  const infos: string[] = [];
  const settings = {
    lockTimeoutMs: 1000,
    statementTimeoutMs: 60_000,
    // One pause of 100 ms fits, then what is left cannot cover another pause and the step's 1 s estimate.
    maxRuntimeMs: 1300,
    maxReplicationLagMs: 500,
    lagCheckIntervalMs: 100,
    maintenanceWorkMemBytes: 64 * 1024 * 1024,
    now: () => new Date(),
    log: { ...silentLogger, info: (m: string) => void infos.push(m) },
  };
  const stopped = await applySteps(client, plan.steps, settings);
  expect(stopped).toHaveLength(1);
  expect(stopped[0]).toMatchObject({ status: 'skipped' });
  expect(stopped[0]!.reason).toMatch(
    /^not started: a standby's replay lag is \d+ ms, over max-replication-lag \(500 ms\), and \d+ s are left of the maintenance window or max-runtime to wait in$/,
  );
  expect(infos[0]).toMatch(/over max-replication-lag \(500 ms\): pausing before VACUUM \(ANALYZE\) "public"."items"$/);
  expect(await deadTuples()).toBe(12000);
  const [mem] = (await client.query(`select current_setting('maintenance_work_mem') as m`)).rows;
  expect(mem.m).toBe('64MB');

  await standby.configure("recovery_min_apply_delay = '0'");
  await standby.caughtUp();
  expect(await eventually(async () => (await lagMs()) <= 500, 30_000)).toBe(true);
  const done = await applySteps(client, plan.steps, { ...settings, maxRuntimeMs: 3_600_000 });
  expect(done.map((o) => [o.object, o.status])).toEqual([['"public"."items"', 'applied']]);
  expect(done[0]!.before!.deadTuples).toBe(12000);
});
