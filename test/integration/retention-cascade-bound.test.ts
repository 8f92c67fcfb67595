// Review of PostgreSQL data retention (issue 16), on a real PostgreSQL: a rule with archive-to whose deletes cascade
// takes no more than max-cascade-rows cascaded rows per batch (the batch shrinks, every row is still archived once
// and the summary gives the cascaded rows apart); a single row over the bound is refused, nothing deleted.
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

/** The customers rule (archived, cascades bounded at 12), then `more` rules. */
function customersPolicy(archiveDir: string, more = '') {
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
${more}`,
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
  expect(summary).toContain('(8 rows and 48 rows ON DELETE CASCADE deleted with them, encrypted');
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

it('a rule refused for its cascades fails the run, and the rules after it still purge', async () => {
  await shop((customer) => (customer === 1 ? 5 : 1));
  await q(`DROP TABLE IF EXISTS audit_logs;
    CREATE TABLE audit_logs (id bigint PRIMARY KEY, at timestamptz NOT NULL);
    INSERT INTO audit_logs SELECT i, '2020-01-01' FROM generate_series(1, 3) i;`);
  const archiveDir = join(dir, 'refuse-then-next');
  const policy = await customersPolicy(
    archiveDir,
    '  - name: audit\n    table: audit_logs\n    by: at\n    keep: 365d\n',
  );
  const result = await purgeRetention(client, policy, archiving({ batchSize: 8 }));
  expect(result.outcome).toBe('failed');
  expect(result.error).toMatchObject({ code: 'CHECK_FAILED', input: 'policy' });
  expect(result.error!.message).toContain('the row id = 1 alone cascades');
  expect(result.rules[0]).toMatchObject({ rule: 'customers', rows: 0, complete: false });
  expect(result.rules[1]).toMatchObject({ rule: 'audit', rows: 3, complete: true });
  expect([await count('customers'), await count('audit_logs')]).toEqual([8, 0]);
});
