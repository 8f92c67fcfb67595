// A backup's manifest describes exactly what its archive holds, whichever inputs and pg_dump flags chose it: the
// schema fingerprint, the tables and their counts. So a backup of part of a database restore-tests clean, and a
// real difference in the restored database still fails the test (issue 12, item 4).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  backupDefinition,
  MemoryLogger,
  restoreTestDefinition,
  schemaFingerprint,
  Secrets,
  type ActionReport,
  type BackupManifest,
  type RawInputs,
} from '@dbops/core';
import { checkSchema, checkTables } from '../../packages/core/src/databases/postgres/restore-checks.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startStandby, type Standby } from '../harness/standby.js';

const DB = 'scoped';
let server: PostgresServer;
let dir: string;

function context() {
  return { log: new MemoryLogger(), secrets: new Secrets(), env: process.env, signal: new AbortController().signal };
}

interface RestoreTestJson {
  scratchDatabase: string;
  passed: boolean;
  checks: Array<{ name: string; passed: boolean; detail: string }>;
}

async function backupThenRestoreTest(
  label: string,
  inputs: RawInputs,
  restoreInputs: RawInputs = {},
  from = server.url(DB),
) {
  const to = join(dir, label.replace(/\W+/g, '-'));
  const backup = await backupDefinition.run({ 'database-url': from, to, compression: 'none', ...inputs }, context());
  // The restore test runs on the same server, in a scratch database (it warns about that, and that is all).
  const report: ActionReport = await restoreTestDefinition.run(
    { from: to, 'target-url': server.url('postgres'), 'backup-id': backup.outputs['backup-id']!, ...restoreInputs },
    context(),
  );
  return { manifest: backup.json as BackupManifest, result: report.json as RestoreTestJson };
}

function failedChecks(result: RestoreTestJson): string[] {
  return result.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
}

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'dbops-backup-scope-'));
  await server.createDatabase(DB);
  // Each kind of object the fingerprint covers, in schemas and tables that can be dumped on their own.
  await server.query(
    `create extension citext;
     create schema app;
     create schema audit;
     create schema other;
     create type app.mood as enum ('ok', 'meh');
     create function app.double(x int) returns int language sql immutable as 'select 2 * x';
     create function app.touch() returns trigger language plpgsql as $$ begin return new; end $$;
     create table app.customers (id serial primary key, name text not null, mood app.mood, email text);
     comment on table app.customers is 'customers';
     comment on column app.customers.name is 'full name';
     create index on app.customers (lower(name));
     create trigger touch before update on app.customers for each row execute function app.touch();
     create table app.orders (id bigint generated always as identity primary key, customer_id int references app.customers,
                              total numeric check (total >= 0));
     alter table app.orders enable row level security;
     create policy everyone on app.orders using (true);
     create view app.big_orders as select * from app.orders where total > 100;
     create sequence app.invoice_number;
     create table app.events (id int, at date not null) partition by range (at);
     create table app.events_2024 partition of app.events for values from ('2024-01-01') to ('2025-01-01');
     comment on table app.events_2024 is 'the year 2024';
     create table audit.log (id int, msg text);
     create table audit.secret (x text);
     create unlogged table audit.cache (k text);
     create table public.events (id int);
     create table public.metrics (at date not null, value float8) partition by range (at);
     create table public.metrics_2024 partition of public.metrics for values from ('2024-01-01') to ('2025-01-01');
     create table other.events (id int, tag citext);
     insert into app.customers (name, mood, email) select 'c' || g, 'ok', 'C' || g || '@example.com' from generate_series(1, 20) g;
     insert into app.orders (customer_id, total) select 1 + g % 20, g from generate_series(1, 50) g;
     insert into app.events_2024 select g, date '2024-01-01' + g from generate_series(1, 30) g;
     insert into audit.log select g, 'm' || g from generate_series(1, 40) g;
     insert into audit.secret values ('s');
     insert into audit.cache values ('k');
     insert into public.events select generate_series(1, 5);
     insert into public.metrics_2024 select date '2024-01-01' + g, g from generate_series(1, 12) g;
     insert into other.events select g, 'T' || g from generate_series(1, 9) g;`,
    [],
    DB,
  );
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a whole-database backup fingerprints the whole database: selecting by the archive leaves nothing out', async () => {
  const { manifest, result } = await backupThenRestoreTest('full', {});
  const client = new pg.Client({ connectionString: server.url(DB) });
  await client.connect();
  try {
    expect(manifest.schemaFingerprint).toEqual(await schemaFingerprint(client));
  } finally {
    await client.end();
  }
  expect(failedChecks(result)).toEqual([]);
});

describe('a backup of part of the database restore-tests clean', () => {
  const cases: Array<[string, RawInputs, string[]]> = [
    ['schemas', { schemas: 'app' }, ['app.customers', 'app.events_2024', 'app.orders']],
    [
      'exclude-schemas',
      { 'exclude-schemas': 'audit, other' },
      ['app.customers', 'app.events_2024', 'app.orders', 'public.events', 'public.metrics_2024'],
    ],
    ['tables', { tables: 'public.metrics*, public.events' }, ['public.events', 'public.metrics_2024']],
    // pg_dump -t dumps no schema: restore-test creates app and audit, as the source has them.
    ['tables in other schemas', { tables: 'app.events*, audit.log' }, ['app.events_2024', 'audit.log']],
    // Without a schema, pg_dump matches only tables on the search path: public.events, not other.events.
    ['tables without a schema', { tables: 'events' }, ['public.events']],
    [
      'exclude-tables',
      { 'exclude-tables': 'audit.secret, app.invoice_number' },
      [
        'app.customers',
        'app.events_2024',
        'app.orders',
        'audit.cache',
        'audit.log',
        'other.events',
        'public.events',
        'public.metrics_2024',
      ],
    ],
    // A partitioned table named alone means its rows: its partitions come with it (pg_dump -t would take the parent
    // alone, and the backup held none of its rows).
    ['a partitioned table in tables', { tables: 'public.metrics' }, ['public.metrics_2024']],
    // ...and are left out with it (pg_dump -T would leave the partition in, without its parent).
    [
      'a partitioned table in exclude-tables',
      { schemas: 'public', 'exclude-tables': 'public.metrics' },
      ['public.events'],
    ],
    [
      'schemas and exclude-tables',
      { schemas: 'app', 'exclude-tables': 'app.events*' },
      ['app.customers', 'app.orders'],
    ],
    [
      'pg-dump-args leaving out data and comments',
      { 'pg-dump-args': '--exclude-table-data=audit.log --no-comments --no-unlogged-table-data' },
      [
        'app.customers',
        'app.events_2024',
        'app.orders',
        'audit.cache',
        'audit.log',
        'audit.secret',
        'other.events',
        'public.events',
        'public.metrics_2024',
      ],
    ],
    [
      'pg-dump-args --schema-only',
      { 'pg-dump-args': '--schema-only' },
      [
        'app.customers',
        'app.events_2024',
        'app.orders',
        'audit.cache',
        'audit.log',
        'audit.secret',
        'other.events',
        'public.events',
        'public.metrics_2024',
      ],
    ],
  ];
  test.each(cases)('%s', async (label, inputs, tables) => {
    const { manifest, result } = await backupThenRestoreTest(label, inputs);
    expect(manifest.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(tables);
    expect(failedChecks(result)).toEqual([]);
    expect(result.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['schema fingerprint', 'row counts (exact)', 'tables present']),
    );
  });
});

test("a partitioned table in tables: the manifest counts its partitions' rows, which the archive holds", async () => {
  const { manifest, result } = await backupThenRestoreTest('partitioned counts', { tables: 'app.events' });
  expect(manifest.tables.map((t) => [`${t.schema}.${t.name}`, t.rows])).toEqual([['app.events_2024', 30]]);
  expect(result.checks.find((c) => c.name === 'row counts (exact)')).toMatchObject({
    passed: true,
    detail: expect.stringMatching(/^1 tables match/),
  });
});

describe('tables of other shapes', () => {
  const SHAPES = 'shapes';
  const fromShapes = (label: string, inputs: RawInputs, restoreInputs: RawInputs = {}) =>
    backupThenRestoreTest(label, inputs, restoreInputs, server.url(SHAPES));
  const listed = (manifest: BackupManifest) => manifest.tables.map((t) => [`${t.schema}.${t.name}`, t.rows]);

  beforeAll(async () => {
    await server.createDatabase(SHAPES);
    // Unquoted, Événements keeps its É: PostgreSQL, like psql, folds only A-Z.
    await server.query(
      `create table public.base (id int);
       create table public.child (extra text) inherits (public.base);
       insert into public.base select generate_series(1, 4);
       insert into public.child select g, 'x' from generate_series(1, 3) g;
       create table Événements (id int);
       insert into Événements select generate_series(1, 6);
       create table public.readings (at date not null, site int not null) partition by range (at);
       create table public.readings_2024 partition of public.readings
         for values from ('2024-01-01') to ('2025-01-01') partition by list (site);
       create table public.readings_2024_1 partition of public.readings_2024 for values in (1);
       insert into public.readings select date '2024-01-01' + g, 1 from generate_series(1, 7) g;`,
      [],
      SHAPES,
    );
  });

  test('a partitioned table in tables brings the partitions at every level', async () => {
    const { manifest, result } = await fromShapes('sub-partitions', { tables: 'public.readings' });
    expect(listed(manifest)).toEqual([['public.readings_2024_1', 7]]);
    expect(failedChecks(result)).toEqual([]);
  });

  test.each([
    ['without its child', { tables: 'public.base' }, [['public.base', 4]]],
    [
      "without its child's data",
      { tables: 'public.base, public.child', 'pg-dump-args': '--exclude-table-data=public.child' },
      [
        ['public.base', 4],
        ['public.child', undefined],
      ],
    ],
  ])('an inheritance parent %s: its own rows are counted, as the archive holds them', async (label, inputs, tables) => {
    const { manifest, result } = await fromShapes(`parent ${label}`, inputs);
    expect(listed(manifest)).toEqual(tables);
    expect(failedChecks(result)).toEqual([]);
    expect(manifest.rowCounts).toBe('own');
  });

  test("a manifest from before rowCounts 'own' still checks: a parent's count there includes its children", async () => {
    const { manifest, result } = await fromShapes(
      'parent and child',
      { tables: 'public.base, public.child' },
      { keep: 'true' },
    );
    expect(listed(manifest)).toEqual([
      ['public.base', 4],
      ['public.child', 3],
    ]);
    const restored = new pg.Client({ connectionString: server.url(result.scratchDatabase) });
    await restored.connect();
    try {
      const { rowCounts: _, ...older } = manifest;
      const olderTables = older.tables.map((t) => (t.name === 'base' ? { ...t, rows: 7 } : t));
      const check = async (m: BackupManifest) =>
        (await checkTables(restored, m)).checks.find((c) => c.name === 'row counts (exact)');
      expect(await check({ ...older, tables: olderTables })).toMatchObject({ passed: true });
      expect(await check({ ...manifest, tables: olderTables })).toMatchObject({
        passed: false,
        detail: expect.stringContaining('"public"."base": 4 rows, backup had 7'),
      });
    } finally {
      await restored.end();
      await server.query(`drop database "${result.scratchDatabase}"`);
    }
  });

  test('a name with a letter outside A-Z: unquoted, only A-Z fold, as in pg_dump', async () => {
    const excluded = await fromShapes('unicode excluded', { 'exclude-tables': 'Événements, public.readings*' });
    expect(listed(excluded.manifest)).toEqual([
      ['public.base', 4],
      ['public.child', 3],
    ]);
    expect(failedChecks(excluded.result)).toEqual([]);
    const selected = await fromShapes('unicode selected', { tables: 'Événements' });
    expect(listed(selected.manifest)).toEqual([['public.Événements', 6]]);
    expect(failedChecks(selected.result)).toEqual([]);
  });
});

test('a tables backup names the schemas its archive does not create, in a manifest that validates against its schema', async () => {
  const { manifest } = await backupThenRestoreTest('schemas not in archive', {
    tables: 'app.events*, audit.log, public.events',
  });
  expect(manifest.schemasNotInArchive).toEqual(['app', 'audit']);
  const { manifest: whole } = await backupThenRestoreTest('schemas in archive', { schemas: 'app' });
  expect(whole.schemasNotInArchive).toBeUndefined();
  const require = createRequire(import.meta.url);
  const Ajv2020 = require('ajv/dist/2020').default as new (
    options: object,
  ) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown } };
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  require('ajv-formats').default(ajv);
  const validate = ajv.compile(JSON.parse(await readFile('docs/manifest.schema.json', 'utf8')));
  expect(validate(manifest) ? [] : validate.errors).toEqual([]);
});

test('--exclude-table-data: the tables are listed without a count, and restore empty', async () => {
  const { manifest, result } = await backupThenRestoreTest('excluded data', {
    'pg-dump-args': '--exclude-table-data=audit.*',
  });
  expect(manifest.tables.filter((t) => t.schema === 'audit').map((t) => [t.name, t.rows, t.dataExcluded])).toEqual([
    ['cache', undefined, true],
    ['log', undefined, true],
    ['secret', undefined, true],
  ]);
  expect(failedChecks(result)).toEqual([]);
});

test('a real difference still fails: a column dropped from the restored tables of a tables backup', async () => {
  const { manifest, result } = await backupThenRestoreTest(
    'difference',
    { tables: 'public.metrics*, public.events' },
    { keep: 'true' },
  );
  expect(failedChecks(result)).toEqual([]);
  const restored = new pg.Client({ connectionString: server.url(result.scratchDatabase) });
  await restored.connect();
  try {
    await restored.query('alter table public.metrics drop column value');
    const check = await checkSchema(restored, manifest);
    expect(check).toMatchObject({ passed: false, detail: 'differs in columns' });
  } finally {
    await restored.end();
    await server.query(`drop database "${result.scratchDatabase}"`);
  }
});

describe('a backup from a hot standby', () => {
  let standby: Standby;
  beforeAll(async () => {
    standby = await startStandby(server);
  }, 120_000);
  afterAll(async () => {
    await standby?.stop();
  });

  test('unlogged tables, whose data pg_dump skips there, are neither read nor expected to hold rows', async () => {
    const { manifest, result } = await backupThenRestoreTest('standby', {}, {}, standby.url(DB));
    expect(manifest.tables.find((t) => t.schema === 'audit' && t.name === 'cache')).toMatchObject({
      dataExcluded: true,
    });
    expect(manifest.tables.find((t) => t.schema === 'audit' && t.name === 'log')).toMatchObject({ rows: 40 });
    expect(failedChecks(result)).toEqual([]);
  });
});
