// A data-retention policy checked against a real PostgreSQL catalog: tables, columns, time column types, primary
// keys, partitioning, and legal holds that fail closed when they cannot be read.
import pg from 'pg';
import { checkPolicyCatalog } from '../../packages/core/src/databases/postgres/data-retention-catalog.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { DbopsError } from '../../packages/core/src/errors.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('app');
  client = new pg.Client({ connectionString: server.url('app') });
  await client.connect();
  await client.query(`
    CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE audit_logs (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, tenant_id int, note text);
    CREATE TABLE page_views (id bigint, viewed_at timestamp NOT NULL, PRIMARY KEY (id, viewed_at))
      PARTITION BY RANGE (viewed_at);
    CREATE TABLE page_views_2026_01 PARTITION OF page_views FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
    CREATE TABLE page_views_default PARTITION OF page_views DEFAULT;
    CREATE TABLE users (id int PRIMARY KEY, email text, deleted_at timestamptz);
    CREATE TABLE no_key (created_at date);
    CREATE TABLE secret_holds (subject_table text, subject_id text);
    CREATE ROLE purger LOGIN PASSWORD 'purger-pw';
    GRANT SELECT ON legal_holds, audit_logs, users TO purger;
  `);
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

const policy = (body: string) => parsePolicy(`version: 1\n${body}`, 'retention.yml');

test('a policy that matches the database: facts per rule, partitioned table seen, holds readable', async () => {
  const catalog = await checkPolicyCatalog(
    client,
    await policy(`holds:
  - table: public.legal_holds
  - query: SELECT 'users' AS subject_table, id::text AS subject_id FROM users WHERE email LIKE '%@court.example'
data:
  - name: audit-logs
    table: public.audit_logs
    by: created_at
    keep: 365d
    where: tenant_id = 7 AND note IS NOT NULL
  - name: page-views
    table: page_views
    by: viewed_at
    keep: 180d
  - name: deleted-accounts
    table: users
    soft-delete: deleted_at
    grace: 30d
    then: anonymize
    anonymize: { email: null }
  - name: events
    collection: analytics.events
    by: createdAt
    keep: 30d
`),
  );
  expect(catalog.rules).toEqual([
    // timeType: the cutoff is cast to the time column's own type (UTC days for date, UTC wall time for timestamp).
    {
      rule: 'audit-logs',
      table: 'audit_logs',
      partitioned: false,
      primaryKey: ['id'],
      timeType: 'timestamp with time zone',
    },
    {
      rule: 'page-views',
      table: 'page_views',
      partitioned: true,
      primaryKey: ['id', 'viewed_at'],
      timeType: 'timestamp without time zone',
    },
    {
      rule: 'deleted-accounts',
      table: 'users',
      partitioned: false,
      primaryKey: ['id'],
      timeType: 'timestamp with time zone',
    },
  ]);
});

test('every mismatch is listed with its rule, field and line', async () => {
  const parsed = await policy(`data:
  - name: missing-table
    table: public.nope
    by: created_at
    keep: 30d
  - name: missing-column
    table: audit_logs
    by: createdat
    keep: 30d
  - name: not-a-timestamp
    table: audit_logs
    by: tenant_id
    keep: 30d
  - name: where-column
    table: audit_logs
    by: created_at
    keep: 30d
    where: tenant = 3
  - name: no-primary-key
    table: no_key
    by: created_at
    keep: 30d
  - name: anonymize-column
    table: users
    soft-delete: deleted_at
    grace: 30d
    then: anonymize
    anonymize: { phone: '' }
`);
  const error = await checkPolicyCatalog(client, parsed).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DbopsError);
  const lines = (error as DbopsError).message.split('\n').slice(1);
  expect(lines).toEqual([
    "line 3: rule 'missing-table' field 'table': public.nope does not exist (a table or partitioned table is needed)",
    "line 7: rule 'missing-column' field 'by': audit_logs has no column createdat",
    "line 11: rule 'not-a-timestamp' field 'by': audit_logs.tenant_id is integer, not a timestamp or date column",
    "line 15: rule 'where-column' field 'where': audit_logs has no column tenant",
    "line 20: rule 'no-primary-key' field 'table': no_key has no primary key (purges walk it in batches; add one)",
    "line 24: rule 'anonymize-column' field 'anonymize.phone': users has no column phone",
  ]);
});

test('a hold table that does not exist fails closed', async () => {
  const parsed = await policy('holds:\n  - table: public.holds_gone\n');
  await expect(checkPolicyCatalog(client, parsed)).rejects.toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining('line 3: the hold table public.holds_gone does not exist; nothing is purged'),
  });
});

test('a hold table the role cannot read fails closed, and the session is usable afterwards', async () => {
  const purger = new pg.Client({ connectionString: server.url('app', 'purger', 'purger-pw') });
  await purger.connect();
  try {
    const parsed = await policy('holds:\n  - table: legal_holds\n  - table: secret_holds\n');
    await expect(checkPolicyCatalog(purger, parsed)).rejects.toMatchObject({
      code: 'CHECK_FAILED',
      message: expect.stringMatching(/line 4: the hold table secret_holds cannot be read \(permission denied/),
    });
    // The failed read was rolled back: the connection is not left in an aborted transaction.
    expect((await purger.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  } finally {
    await purger.end();
  }
});

test('a hold query that fails at run time fails closed; its read-only transaction keeps it from writing', async () => {
  const parsed = await policy('holds:\n  - query: SELECT subject_table, subject_id FROM legal_holds_typo\n');
  await expect(checkPolicyCatalog(client, parsed)).rejects.toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining('the hold query cannot be read (relation "legal_holds_typo" does not exist)'),
  });
  const writer = await policy(
    "holds:\n  - query: SELECT 'x' AS subject_table, nextval('audit_logs_id_seq')::text AS subject_id\n",
  );
  await expect(checkPolicyCatalog(client, writer)).rejects.toMatchObject({
    message: expect.stringContaining('read-only transaction'),
  });
});
