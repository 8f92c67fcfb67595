// The purge waits while a replication slot holds back more WAL than max-slot-wal, or while more other sessions than
// max-active-sessions run a statement, on a real server: a physical slot that reserves WAL and never moves, and
// sessions sleeping in pg_sleep. While over a bound it deletes nothing and, its budget spent, stops saying what it
// waited for; below the bound (or once the pressure is gone) it purges.
import pg from 'pg';
import type { DataRetentionPolicy } from '../../packages/core/src/data-retention/policy.js';
import { purgeRetention } from '../../packages/core/src/data-retention/purge.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { eventually } from '../harness/eventually.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const QUICK = { now: NOW, batchSize: 10, lagCheckIntervalMs: 100 };

let server: PostgresServer;
let client: pg.Client;

const count = async () => (await server.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0]!.n;
const refill = () =>
  server.query(`TRUNCATE events; INSERT INTO events SELECT i, '2020-01-01'::timestamptz FROM generate_series(1, 30) i`);
const policyWith = (defaults: string): Promise<DataRetentionPolicy> =>
  parsePolicy(
    `version: 1\ndefaults: { ${defaults} }\ndata:\n  - name: events\n    table: events\n    by: at\n    keep: 30d\n`,
    'retention.yml',
  );

beforeAll(async () => {
  server = await startPostgres();
  await server.query('CREATE TABLE events (id int PRIMARY KEY, at timestamptz NOT NULL)');
  client = new pg.Client({ connectionString: server.url() });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

test('a slot holding back more WAL than max-slot-wal pauses the purge; a slot under it does not', async () => {
  await refill();
  // A slot that reserves WAL now and is never read: everything written from here on stays on the primary's disk.
  await server.query("SELECT pg_create_physical_replication_slot('held_back', true)");
  await server.query(`CREATE TABLE filler AS SELECT i, repeat('x', 200) AS pad FROM generate_series(1, 20000) i`);
  const retained = (
    await server.query<{ bytes: number }>(
      "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS bytes FROM pg_replication_slots WHERE slot_name = 'held_back'",
    )
  )[0]!.bytes;
  expect(retained).toBeGreaterThan(2 * 1024 ** 2);

  const waited = await purgeRetention(client, await policyWith('max-slot-wal: 1MB, max-runtime: 1500ms'), QUICK);
  expect(waited.outcome).toBe('time-budget');
  expect(waited.slotWalWaitMs).toBeGreaterThan(0);
  expect(waited.stoppedWaitingFor).toMatch(
    /^Replication slot 'held_back' holds back .+ of WAL \(max-slot-wal 1\.0 MiB\)$/,
  );
  expect(waited.rules[0]).toMatchObject({ rows: 0, batches: 0, complete: false });
  expect(await count()).toBe(30);

  // The same slot under a larger bound: no pause at all.
  const roomy = await purgeRetention(client, await policyWith('max-slot-wal: 1GB'), QUICK);
  expect(roomy).toMatchObject({ outcome: 'complete', slotWalWaitMs: 0 });
  expect(roomy.stoppedWaitingFor).toBeUndefined();
  expect(await count()).toBe(0);

  // The slot gone, the tight bound purges too.
  await refill();
  await server.query("SELECT pg_drop_replication_slot('held_back')");
  const done = await purgeRetention(client, await policyWith('max-slot-wal: 1MB'), QUICK);
  expect(done).toMatchObject({ outcome: 'complete', slotWalWaitMs: 0 });
  expect(done.rules[0]).toMatchObject({ rows: 30, complete: true });
  expect(await count()).toBe(0);
});

test('more active sessions than max-active-sessions pause the purge until they finish', async () => {
  await refill();
  const sleepers = await Promise.all(
    [1, 2, 3].map(async () => {
      const c = new pg.Client({ connectionString: server.url(), application_name: 'sleeper' });
      await c.connect();
      return c;
    }),
  );
  const sleeping = sleepers.map((c) => c.query('SELECT pg_sleep(60)').catch(() => undefined));
  const active = () =>
    server.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'sleeper' AND state = 'active'",
    );
  expect(await eventually(async () => (await active())[0]!.n === 3, 10_000)).toBe(true);
  try {
    const policy = await policyWith('max-active-sessions: 2, max-runtime: 1500ms');
    const waited = await purgeRetention(client, policy, QUICK);
    expect(waited.outcome).toBe('time-budget');
    expect(waited.loadWaitMs).toBeGreaterThan(0);
    expect(waited.stoppedWaitingFor).toMatch(/^\d+ other sessions are running a statement \(max-active-sessions 2\)$/);
    expect(await count()).toBe(30);

    // A purge with time to wait: it starts waiting, the sleepers are cancelled, it goes on and purges everything.
    const purge = purgeRetention(client, await policyWith('max-active-sessions: 2, max-runtime: 60s'), QUICK);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await count()).toBe(30);
    await server.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'sleeper'");
    const done = await purge;
    expect(done.outcome).toBe('complete');
    expect(done.loadWaitMs).toBeGreaterThan(0);
    expect(done.stoppedWaitingFor).toBeUndefined();
    expect(done.rules[0]).toMatchObject({ rows: 30, complete: true });
    expect(await count()).toBe(0);
  } finally {
    await server.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'sleeper'");
    await Promise.all(sleeping);
    await Promise.all(sleepers.map((c) => c.end()));
  }
});
