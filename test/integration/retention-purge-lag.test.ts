// The purge waits for standbys: a real streaming standby whose replay is held back (recovery_min_apply_delay) lags
// behind the primary; the purge deletes nothing while it lags, stops cleanly when its budget runs out waiting, and
// purges once the standby has caught up.
import pg from 'pg';
import type { DataRetentionPolicy } from '../../packages/core/src/data-retention/policy.js';
import { purgeRetention } from '../../packages/core/src/data-retention/purge.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { eventually } from '../harness/eventually.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';
import { type Standby, startStandby } from '../harness/standby.js';

const NOW = new Date('2026-06-01T00:00:00Z');

let primary: PostgresServer;
let standby: Standby;
let client: pg.Client;
let policy: DataRetentionPolicy;

const lagMs = async () =>
  (
    await primary.query<{ lag: number | null }>(
      'SELECT max(extract(epoch FROM replay_lag))::float8 * 1000 AS lag FROM pg_stat_replication',
    )
  )[0]!.lag;
const count = async () => (await primary.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0]!.n;

beforeAll(async () => {
  primary = await startPostgres();
  await primary.query(`CREATE TABLE events (id int PRIMARY KEY, at timestamptz NOT NULL);
    INSERT INTO events SELECT i, '2020-01-01'::timestamptz FROM generate_series(1, 30) i`);
  standby = await startStandby(primary);
  client = new pg.Client({ connectionString: primary.url() });
  await client.connect();
  policy = await parsePolicy(
    'version: 1\ndata:\n  - name: events\n    table: events\n    by: at\n    keep: 30d\n',
    'retention.yml',
  );
});

afterAll(async () => {
  await client?.end();
  await standby?.stop();
  await primary?.stop();
});

test('while a standby lags the purge waits and deletes nothing; caught up, it purges', async () => {
  await standby.configure("wal_receiver_status_interval = '1s'\nrecovery_min_apply_delay = '1h'");
  // Commits the standby receives but does not apply: its replay lag grows while they wait.
  const lagging = await eventually(async () => {
    await primary.query('CREATE TABLE IF NOT EXISTS ticks (n int); INSERT INTO ticks VALUES (1)');
    return ((await lagMs()) ?? 0) > 1000;
  }, 30_000);
  expect(lagging).toBe(true);

  const waited = await purgeRetention(client, policy, {
    now: NOW,
    batchSize: 10,
    maxReplicationLagMs: 500,
    lagCheckIntervalMs: 100,
    maxRuntimeMs: 1500,
  });
  expect(waited.outcome).toBe('time-budget');
  expect(waited.lagWaitMs).toBeGreaterThan(0);
  expect(waited.rules[0]).toMatchObject({ rows: 0, batches: 0, complete: false });
  expect(await count()).toBe(30);

  await standby.configure("recovery_min_apply_delay = '0'");
  await standby.caughtUp();
  expect(await eventually(async () => ((await lagMs()) ?? 0) <= 500, 30_000)).toBe(true);
  const done = await purgeRetention(client, policy, {
    now: NOW,
    batchSize: 10,
    maxReplicationLagMs: 500,
    lagCheckIntervalMs: 100,
  });
  expect(done.outcome).toBe('complete');
  expect(done.rules[0]).toMatchObject({ rows: 30, batches: 3, complete: true });
  expect(await count()).toBe(0);
});
