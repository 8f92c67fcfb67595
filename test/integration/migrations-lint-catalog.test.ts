// Lint severity from the live database's catalog: the same finding is info on a small table and an error on a
// big one, with the size and row estimate from pg_class; names resolve through the session's search_path.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { lintMigrations, type LintOptions } from '../../packages/core/src/migrations/lint/lint.js';
import { catalogTableSizes } from '../../packages/core/src/migrations/lint/table-sizes.js';
import { PRISMA_FIXTURES } from '../harness/prisma.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('shop');
  client = new pg.Client({ connectionString: server.url('shop') });
  await client.connect();
  // The schema as the first fixture migration makes it, then a big orders table and a small users table.
  await client.query(await readFile(join(PRISMA_FIXTURES, '20260101000000_init', 'migration.sql'), 'utf8'));
  await client.query(`INSERT INTO users (email) SELECT 'u' || i || '@example.com' FROM generate_series(1, 20) i`);
  await client.query(`INSERT INTO orders (user_id, total) SELECT 1 + i % 20, i FROM generate_series(1, 60000) i`);
  await client.query('ANALYZE users; ANALYZE orders');
  await client.query('CREATE SCHEMA app; CREATE TABLE app.events (id int)');
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

function options(): LintOptions {
  return {
    transactionMode: 'implicit-script',
    tableSizes: catalogTableSizes(client),
    bigTable: { bytes: 1024 * 1024, rows: 50_000 },
  };
}

test('a pending Prisma migration on a big table is an error, with the size and rows the catalog holds', async () => {
  const file = join(PRISMA_FIXTURES, '20260102000000_order_status', 'migration.sql');
  const findings = await lintMigrations(
    [{ name: '20260102000000_order_status', file, sql: await readFile(file, 'utf8') }],
    options(),
  );
  // The constant default is not flagged (no rewrite since PostgreSQL 11); the index build is.
  expect(findings).toHaveLength(1);
  const [index] = findings;
  expect(index).toMatchObject({
    rule: 'create-index-non-concurrently',
    severity: 'error',
    table: 'orders',
    line: 7,
    file,
  });
  const { rows } = await client.query(
    `SELECT pg_total_relation_size('orders') AS bytes, reltuples FROM pg_class WHERE oid = 'orders'::regclass`,
  );
  expect(index!.tableSize).toEqual({ bytes: Number(rows[0].bytes), rows: rows[0].reltuples });
  expect(index!.tableSize!.rows).toBeGreaterThan(50_000);
  expect(index!.reason).toContain('big enough for this to be an outage');
});

test('on a small table the same rules are info; an unknown table stays a warning', async () => {
  const sql = `SET lock_timeout = '3s';
ALTER TABLE "users" ADD CONSTRAINT "users_email_check" CHECK (email <> '');
CREATE INDEX "orders_total_idx" ON "orders" ("total");
CREATE INDEX events_id ON events (id);
CREATE INDEX ghost_id ON ghost (id);`;
  await client.query('SET search_path = app, public');
  try {
    const findings = await lintMigrations([{ name: 'm', file: 'm.sql', sql }], options());
    expect(findings.map((f) => [f.table, f.severity, f.tableSize?.rows])).toEqual([
      ['users', 'info', 20],
      ['orders', 'error', expect.any(Number)],
      ['events', 'info', undefined], // found through search_path; never analyzed, so no row estimate
      ['ghost', 'warning', undefined],
    ]);
    expect(findings[3]!.reason).toContain('not in the database yet');
  } finally {
    await client.query('RESET search_path');
  }
});

test('a partitioned table is as big as its partitions together, not the empty parent', async () => {
  // The parent has no storage (pg_total_relation_size 0, reltuples -1): only its partitions say how big it is.
  await client.query(`CREATE TABLE events_by_month (id int, at date) PARTITION BY RANGE (at);
    CREATE TABLE events_2026_01 PARTITION OF events_by_month FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
    CREATE TABLE events_2026_02 PARTITION OF events_by_month FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
    INSERT INTO events_by_month SELECT i, DATE '2026-01-01' + (i % 59) FROM generate_series(1, 60000) i;
    ANALYZE events_by_month`);
  const sql = "SET lock_timeout = '3s';\nCREATE INDEX events_by_month_id ON events_by_month (id);";
  const findings = await lintMigrations([{ name: 'm', file: 'm.sql', sql }], options());
  expect(findings).toHaveLength(1);
  const { rows } = await client.query(
    `SELECT sum(pg_total_relation_size(c.oid)) AS bytes, sum(c.reltuples) AS reltuples
       FROM pg_class c WHERE c.relname IN ('events_2026_01', 'events_2026_02')`,
  );
  expect(findings[0]).toMatchObject({
    rule: 'create-index-non-concurrently',
    severity: 'error',
    tableSize: { bytes: Number(rows[0].bytes), rows: Math.round(rows[0].reltuples) },
  });
  expect(findings[0]!.tableSize!.rows).toBeGreaterThan(50_000);
});
