// Review of PostgreSQL data retention (issue 16), on a real PostgreSQL: a rule with archive-to whose deletes cascade
// takes no more than max-cascade-rows cascaded rows per batch (the batch shrinks, every row is still archived once;
// a single row over the bound is refused, nothing deleted); and a `timestamp`/`date` cutoff is the older of its UTC
// and session-TimeZone readings, so rows a server on America/Los_Angeles stamped in local time (and minimums over
// them) never go early, in the batches, the plan's counts and the partitions alike.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { planRetention } from '../../packages/core/src/data-retention/plan.js';
import { type PurgeOptions, purgeRetention } from '../../packages/core/src/data-retention/purge.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { dataRetentionSummaries } from '../../packages/core/src/report/data-retention-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';
import { openStorage } from '../../packages/core/src/storage/index.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const run = promisify(execFile);
const DB = 'app';
const NOW = new Date('2026-06-01T10:00:00Z');

let server: PostgresServer;
let client: pg.Client;
let dir: string;
let recipient: string;

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[], db = DB) => server.query<T>(sql, params, db);
const count = async (table: string, db = DB) =>
  (await q<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, [], db))[0]!.n;

async function connect(db: string): Promise<pg.Client> {
  const session = new pg.Client({ connectionString: server.url(db) });
  await session.connect();
  return session;
}

function archiving(extra: PurgeOptions = {}): PurgeOptions {
  return {
    now: NOW,
    archive: {
      open: async (location) => openStorage(location, { inputName: 'archive-to' }),
      encryption: { recipients: [recipient] },
    },
    ...extra,
  };
}

/** The rows of an archive object, decrypted and decompressed, as jsonb text. */
async function archivedRows(location: string): Promise<string[]> {
  const { stdout } = await run('sh', [
    '-c',
    'age -d -i "$1" "$2" | zstd -d -q -c',
    'sh',
    join(dir, 'key.txt'),
    location,
  ]);
  const lines = stdout.split('\n').filter((l) => l !== '');
  return (await q<{ j: string }>('SELECT unnest($1::jsonb[])::text AS j', [lines])).map((r) => r.j);
}

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  client = await connect(DB);
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-cascade-'));
  const identityFile = join(dir, 'key.txt');
  await run('age-keygen', ['-o', identityFile]);
  recipient = (await run('age-keygen', ['-y', identityFile])).stdout.trim();
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** customers → orders → order_items, ON DELETE CASCADE; customer i (all expired) has `orders(i)` orders of 2 items. */
async function shop(orders: (customer: number) => number) {
  await q(`DROP TABLE IF EXISTS order_items, orders, customers;
    CREATE TABLE customers (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
    CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE);
    CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE);
    INSERT INTO customers SELECT i, '2020-01-01' FROM generate_series(1, 8) i;`);
  for (let customer = 1; customer <= 8; customer++)
    await q('INSERT INTO orders (customer_id) SELECT $1 FROM generate_series(1, $2)', [customer, orders(customer)]);
  await q('INSERT INTO order_items (order_id) SELECT id FROM orders CROSS JOIN generate_series(1, 2)');
}

function customersPolicy(archiveDir: string) {
  return parsePolicy(
    `version: 1
defaults:
  max-cascade-rows: 12
data:
  - name: customers
    table: customers
    by: created_at
    keep: 365d
    archive-to: ${archiveDir}
`,
    'retention.yml',
  );
}

it('shrinks a batch whose cascade is over max-cascade-rows, and still archives every row once', async () => {
  // Each customer cascades into 2 orders and 4 items (6 rows): 8 customers are 48 rows, over 12; 2 customers fit.
  await shop(() => 2);
  const everyRow = async (table: string) =>
    (await q<{ j: string }>(`SELECT to_jsonb(t)::text AS j FROM ${table} AS t`)).map((r) => r.j).sort();
  const expected = {
    customers: await everyRow('customers'),
    orders: await everyRow('orders'),
    order_items: await everyRow('order_items'),
  };
  const archiveDir = join(dir, 'shrink');
  const log = new MemoryLogger();
  const policy = await customersPolicy(archiveDir);
  const plan = await planRetention(client, policy, NOW);
  const result = await purgeRetention(client, policy, archiving({ batchSize: 8, log }));
  expect(result.outcome).toBe('complete');
  // 8 → 4 (24 rows) → 2 (12 rows) for the first batch, then batches of 2.
  expect(result.rules[0]).toMatchObject({ rows: 8, batches: 4, complete: true });
  expect([await count('customers'), await count('orders'), await count('order_items')]).toEqual([0, 0, 0]);
  const archived: Record<string, string[]> = { customers: [], orders: [], order_items: [] };
  for (const archive of result.rules[0]!.archives) {
    expect(archive.rows).toBeLessThanOrEqual(archive.cascaded ? 12 : 2);
    archived[archive.cascaded ?? 'customers']!.push(...(await archivedRows(archive.location)));
  }
  for (const table of Object.keys(archived)) archived[table]!.sort();
  expect(archived).toEqual(expected);
  expect(log.lines.join('\n')).toContain('batches of 2 rows from now on');
  // The summary's figure is the rule's own rows; the 48 cascaded ones are given apart.
  const summary = renderSummary(
    dataRetentionSummaries({
      dryRun: false,
      policyPath: 'retention.yml',
      policySha256: 'a'.repeat(64),
      plan,
      purge: result,
    }),
  );
  expect(summary).toContain('(8 rows, and 48 rows ON DELETE CASCADE deleted with them; encrypted');
});

it('refuses a rule when one row alone cascades into more than max-cascade-rows: nothing deleted', async () => {
  // Customer 1 alone cascades into 5 orders and 10 items (15 rows > 12); the others would fit.
  await shop((customer) => (customer === 1 ? 5 : 1));
  const archiveDir = join(dir, 'refuse');
  const result = await purgeRetention(client, await customersPolicy(archiveDir), archiving({ batchSize: 8 }));
  expect(result.outcome).toBe('failed');
  expect(result.error).toMatchObject({ code: 'CHECK_FAILED', input: 'policy' });
  expect(result.error!.message).toContain('the row id = 1 alone cascades');
  expect(result.error!.message).toContain('max-cascade-rows (12)');
  expect(result.error!.hint).toContain('defaults.max-cascade-rows');
  expect(result.rules[0]).toMatchObject({ rows: 0, batches: 0, archives: [] });
  expect([await count('customers'), await count('orders'), await count('order_items')]).toEqual([8, 12, 24]);
});

it('never takes a local-time `timestamp` or `date` early on a server on America/Los_Angeles, nor undercuts a minimum', async () => {
  // keep 30d from 2026-06-01 03:00 UTC: the cutoff is 2026-05-02 03:00 UTC, 2026-05-01 20:00 in Los Angeles (PDT).
  const now = new Date('2026-06-01T03:00:00Z');
  const zoned = 'los_angeles';
  await server.createDatabase(zoned);
  await q(`ALTER DATABASE ${zoned} SET TimeZone = 'America/Los_Angeles'`, [], zoned);
  await q(
    `CREATE TABLE wall (id int PRIMARY KEY, at timestamp NOT NULL);
     INSERT INTO wall VALUES (1, '2026-05-01 19:00'), (2, '2026-05-01 22:00'), (3, '2026-05-02 12:00');
     CREATE TABLE days (id int PRIMARY KEY, on_day date NOT NULL);
     INSERT INTO days VALUES (1, '2026-04-30'), (2, '2026-05-01'), (3, '2026-05-02');
     CREATE TABLE floor (id int PRIMARY KEY, at timestamp NOT NULL);
     INSERT INTO floor VALUES (1, '2026-05-01 19:00'), (2, '2026-05-01 22:00'), (3, '2026-05-10 00:00');
     CREATE TABLE parted (id int, at timestamp NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
     CREATE TABLE parted_a PARTITION OF parted FOR VALUES FROM ('2026-04-01') TO ('2026-05-01 22:00');
     CREATE TABLE parted_b PARTITION OF parted FOR VALUES FROM ('2026-05-01 22:00') TO ('2026-07-01');
     INSERT INTO parted VALUES (1, '2026-04-15'), (2, '2026-05-01 21:00'), (3, '2026-05-10');`,
    [],
    zoned,
  );
  const policy = await parsePolicy(
    `version: 1
data:
  - name: wall
    table: wall
    by: at
    keep: 30d
  - name: days
    table: days
    by: on_day
    keep: 30d
  - name: floor
    table: floor
    by: at
    keep: 10d
  - name: parted
    table: parted
    by: at
    keep: 30d
`,
    'retention.yml',
  );
  // A minimum longer than the rule (the file reader refuses one; a policy built in code is held to it all the same).
  policy.minimums.push({ table: { name: 'floor' }, keepAtLeast: { years: 0, seconds: 30 * 86_400 }, line: 0 });
  const la = await connect(zoned);
  try {
    expect((await la.query('SHOW TimeZone')).rows[0].TimeZone).toBe('America/Los_Angeles');
    const plan = await planRetention(la, policy, now);
    expect(plan.rules.map((r) => [r.rule, r.rows.expired, r.rows.protectedByMinimum, r.rows.toPurge])).toEqual([
      ['wall', 1, 0, 1],
      ['days', 1, 0, 1],
      ['floor', 3, 2, 1],
      ['parted', 1, 0, 1],
    ]);
    const result = await purgeRetention(la, policy, { now });
    expect(result.outcome).toBe('complete');
    // 22:00 local on 2026-05-01 is after the cutoff in Los Angeles (read as UTC it would be before it); the whole of
    // 2026-05-01 is not yet over there; the partition up to 22:00 local holds a row after the cutoff, so it stays.
    for (const table of ['wall', 'days', 'floor', 'parted'])
      expect([
        table,
        (await q<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`, [], zoned)).map((r) => r.id),
      ]).toEqual([table, [2, 3]]);
    expect(await count('parted_a', zoned)).toBe(1);
  } finally {
    await la.end();
  }
});
