// A restore-test's user checks are one query each, run read-only: none may write to the target server, whatever
// it tries (a commit to leave the transaction, set_config, a writable CTE, a function that writes).
// Its table checks count rows in batches, and still name each table that is missing or counted wrong.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  backupDefinition,
  DbopsError,
  generateIdentity,
  listBackups,
  MemoryLogger,
  openStorage,
  parseChecks,
  restoreTestDefinition,
  Secrets,
  type RawInputs,
} from '@dbops/core';
import { postgresEngine } from '../../packages/core/src/databases/postgres/engine.js';
import { checkTables, COUNT_BATCH, runUserChecks } from '../../packages/core/src/databases/postgres/restore-checks.js';
import { parsePgTarget } from '../../packages/core/src/databases/postgres/target.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
let dir: string;
const key = generateIdentity();

function context() {
  return { log: new MemoryLogger(), secrets: new Secrets(), env: process.env, signal: new AbortController().signal };
}

// One server is source and target: restore-test restores into a scratch database beside the source.
function runRestoreTest(checks: string, extra: RawInputs = {}) {
  return restoreTestDefinition.run(
    { from: dir, 'target-url': server.url('postgres'), 'decrypt-with': key.identity, checks, ...extra },
    context(),
  );
}

async function checksFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function roleExists(name: string): Promise<boolean> {
  return (await server.query('select 1 from pg_roles where rolname = $1', [name])).length === 1;
}

async function scratchDatabases(): Promise<string[]> {
  return (
    await server.query<{ datname: string }>("select datname from pg_database where datname like 'dbops_restore_%'")
  ).map((r) => r.datname);
}

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'dbops-restore-checks-'));
  await server.createDatabase('app');
  await server.query(
    `create table public.ul (id int primary key);
     insert into public.ul select generate_series(1, 10);
     create sequence public.ul_seq;
     create function public.add_row() returns int language plpgsql as $$ begin insert into public.ul values (1000); return 1; end $$;`,
    [],
    'app',
  );
  const backup = await backupDefinition.run(
    { 'database-url': server.url('app'), to: dir, 'encrypt-to': key.recipient },
    context(),
  );
  expect(backup.failure).toBeUndefined();
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

test.each([
  ['creates a role', 'commit; create role escaped_role; select true'],
  ['drops a table', 'commit; drop table public.ul; select true'],
  ['leaves read-only', 'set transaction read write; create role escaped_role; select true'],
])('a check that is not one query (%s) is refused by name before anything restores', async (name, sql) => {
  const before = await scratchDatabases();
  const file = await checksFile('escape.sql', `-- name: fine\nselect true;\n-- name: ${name}\n${sql};\n`);
  const error = await runRestoreTest(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbopsError);
  expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'checks' });
  expect((error as DbopsError).message).toContain(`'${name}'`);
  expect((error as DbopsError).hint).toMatch(/one query/);
  expect(await roleExists('escaped_role')).toBe(false);
  expect(await scratchDatabases()).toEqual(before);
  expect(await server.query('select count(*)::int as n from public.ul', [], 'app')).toEqual([{ n: 10 }]);
});

test('a check before the first -- name: line is refused before anything restores, not silently dropped', async () => {
  const before = await scratchDatabases();
  const file = await checksFile(
    'unnamed.sql',
    'select count(*) > 0 from public.ul;\n-- name: rows\nselect count(*) from public.ul\n',
  );
  const error = await runRestoreTest(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbopsError);
  expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'checks' });
  expect((error as DbopsError).message).toContain(`${file}, line 1`);
  expect(await scratchDatabases()).toEqual(before);
});

test('single-query escapes cannot write: set_config, a writable CTE, a function that writes', async () => {
  const file = await checksFile(
    'single.sql',
    [
      '-- name: session default to read-write',
      "select set_config('default_transaction_read_only', 'off', false) = 'off';",
      '-- name: transaction to read-write',
      "select set_config('transaction_read_only', 'off', true) = 'off';",
      '-- name: writable CTE',
      'with added as (insert into public.ul values (99) returning 1) select count(*) from added;',
      '-- name: function that writes',
      'select public.add_row();',
      '-- name: a sequence',
      "select nextval('public.ul_seq') > 0;",
      '-- name: still one query with ; in strings',
      `select ';' = E'\\';' or $x$;$x$ = ';' /* ; */ or true;`,
    ].join('\n'),
  );
  const report = await runRestoreTest(file, { keep: 'true' });
  const result = report.json as {
    scratchDatabase: string;
    checks: Array<{ name: string; passed: boolean; detail: string }>;
  };
  const byName = Object.fromEntries(result.checks.map((c) => [c.name, c]));
  expect(byName['transaction to read-write']).toMatchObject({
    passed: false,
    detail: expect.stringMatching(/read-write mode must be set before any query/),
  });
  expect(byName['writable CTE']).toMatchObject({
    passed: false,
    detail: expect.stringMatching(/cannot execute \w+ in a read-only transaction/),
  });
  expect(byName['function that writes']).toMatchObject({
    passed: false,
    detail: expect.stringMatching(/cannot execute INSERT in a read-only transaction/),
  });
  expect(byName['a sequence']).toMatchObject({ passed: false, detail: expect.stringMatching(/read-only transaction/) });
  expect(byName['still one query with ; in strings']).toMatchObject({ passed: true });
  // The session-level setting the first check changed was rolled back with its transaction: nothing was written.
  expect(await server.query('select count(*)::int as n from public.ul', [], result.scratchDatabase)).toEqual([
    { n: 10 },
  ]);
  await server.query(`drop database "${result.scratchDatabase}"`);
});

test('several statements that reach the server anyway are refused by it, with its reason, not a JavaScript error', async () => {
  const client = new pg.Client({ connectionString: server.url('app') });
  await client.connect();
  try {
    const results = await runUserChecks(client, [
      { name: 'sneaked in', sql: 'commit; create role escaped_role; select true' },
      { name: 'after it', sql: "select current_setting('transaction_read_only') = 'on'" },
    ]);
    expect(results[0]).toMatchObject({
      passed: false,
      detail: 'failed: the check holds more than one statement; a check is one query',
    });
    expect(results[1]).toMatchObject({ passed: true });
  } finally {
    await client.end();
  }
  expect(await roleExists('escaped_role')).toBe(false);
});

test('a MongoDB pipeline check is reported failed, not run, on PostgreSQL; the SQL checks around it run', async () => {
  const client = new pg.Client({ connectionString: server.url('app') });
  await client.connect();
  try {
    const results = await runUserChecks(client, [
      { name: 'before', sql: 'select true' },
      { name: 'orders (MongoDB)', collection: 'orders', pipeline: [{ $count: 'n' }], expect: [{ n: 1 }] },
      { name: 'after', sql: 'select 1' },
    ]);
    expect(results).toEqual([
      { name: 'before', passed: true, detail: 'returned true' },
      {
        name: 'orders (MongoDB)',
        passed: false,
        detail: expect.stringMatching(/^not run: a MongoDB pipeline check, which a PostgreSQL database cannot run/),
      },
      { name: 'after', passed: true, detail: 'returned 1' },
    ]);
  } finally {
    await client.end();
  }
});

test('the checks file is split into statements the way PostgreSQL reads it', () => {
  expect(
    parseChecks(
      `-- name: a\nselect 'a;b', "x;y", $$;$$, $t$ ; $t$ /* ; /* nested ; */ */ from (values (1)) v("x;y");\n`,
    ),
  ).toHaveLength(1);
  expect(() => parseChecks('-- name: two\nselect 1; select 2\n')).toThrow(/check 'two' holding 2 statements/);
  expect(() => parseChecks('-- name: do\ndo $$ begin perform 1; end $$\n')).toThrow(
    /check 'do' that is not a query \(it starts with 'do'\)/,
  );
  expect(() => parseChecks('select 1;\nreset all;\n')).toThrow(/check 'check 2' that is not a query/);
});

test('the per-check timeout holds, even for a check that turns statement_timeout off as it runs', async () => {
  const client = new pg.Client({ connectionString: server.url('app') });
  await client.connect();
  try {
    const results = await runUserChecks(
      client,
      [
        { name: 'sleeps', sql: 'select pg_sleep(30) is null' },
        {
          name: 'turns the timeout off',
          sql: "select set_config('statement_timeout', '0', false) is not null and pg_sleep(30) is null",
        },
        { name: 'after them', sql: "select current_setting('statement_timeout') = '200ms'" },
      ],
      200,
    );
    expect(results.map((r) => r.detail)).toEqual([
      'failed: canceling statement due to statement timeout',
      'failed: canceling statement due to statement timeout',
      'returned true',
    ]);
  } finally {
    await client.end();
  }
});

test('row counts are taken in batches at 700 tables; a wrong count, a missing table and an unreadable one are each named exactly', async () => {
  // Table i holds i % 7 rows, so a count given to the wrong table would show as a mismatch. A name that needs
  // quoting sits in the last batch.
  const tables = 700;
  const batches = Math.ceil(tables / COUNT_BATCH);
  expect(batches).toBeGreaterThan(1);
  await server.createDatabase('many');
  await server.query(
    `do $$ begin
       for i in 0..${tables - 2} loop
         execute format('create table public.%I (id int); insert into public.%I select generate_series(1, %s)',
                        't' || i, 't' || i, i % 7);
       end loop;
     end $$;
     create table public."Odd ""name"".x" (id int);
     insert into public."Odd ""name"".x" values (1), (2), (3);`,
    [],
    'many',
  );
  const to = await mkdtemp(join(tmpdir(), 'dbops-many-tables-'));
  try {
    const backup = await backupDefinition.run(
      { 'database-url': server.url('many'), to, 'encrypt-to': key.recipient },
      context(),
    );
    expect(backup.failure).toBeUndefined();
    const [entry] = await listBackups(await openStorage(to, { inputName: 'from' }));
    const manifest = entry!.manifest;
    expect(manifest.tables).toHaveLength(tables);
    // The database now stands for a copy that went wrong: one table in the first batch gained a row, one in a
    // later batch is gone.
    await server.query('insert into public.t3 values (100); drop table public.t600', [], 'many');
    const client = new pg.Client({ connectionString: server.url('many') });
    await client.connect();
    // Statements sent, to see the batches: one per batch, and the batch that fails on the missing table is
    // counted again table by table, so that table is named.
    let statements = 0;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
      statements++;
      return query(...args);
    };
    try {
      const { checks, rows } = await checkTables(client, manifest);
      expect(statements).toBe(batches + COUNT_BATCH);
      expect(checks).toEqual([
        { name: 'tables present', passed: false, detail: '1 missing: "public"."t600"' },
        { name: 'row counts (exact)', passed: false, detail: '"public"."t3": 4 rows, backup had 3' },
      ]);
      let expected = 3 + 1; // the quoted table's rows and the row added to t3
      for (let i = 0; i < tables - 1; i++) if (i !== 600) expected += i % 7;
      expect(rows).toBe(expected);
      // Both batches fine again: every table present, every count equal.
      await server.query('delete from public.t3 where id = 100; create table public.t600 (id int)', [], 'many');
      await server.query('insert into public.t600 select generate_series(1, 600 % 7)', [], 'many');
      statements = 0;
      expect((await checkTables(client, manifest)).checks).toEqual([
        { name: 'tables present', passed: true, detail: `${tables} of ${tables} tables` },
        {
          name: 'row counts (exact)',
          passed: true,
          detail: `${tables} tables match the counts taken in the backup's snapshot`,
        },
      ]);
      expect(statements).toBe(batches);
    } finally {
      await client.end();
    }
    // A table the checking role may not read fails its batch too, and is named like a missing one.
    await server.query(
      `create role counter login password 'counter-pw';
       grant select on all tables in schema public to counter;
       revoke select on public.t650 from counter`,
      [],
      'many',
    );
    const limited = new pg.Client({ connectionString: server.url('many', 'counter', 'counter-pw') });
    await limited.connect();
    try {
      expect((await checkTables(limited, manifest)).checks[0]).toEqual({
        name: 'tables present',
        passed: false,
        detail: '1 missing: "public"."t650"',
      });
    } finally {
      await limited.end();
    }
  } finally {
    await rm(to, { recursive: true, force: true });
  }
});

test('the row counts and the other checks run side by side, on two sessions, and report in the same order', async () => {
  // The counts wait on a lock another session holds on the only table; meanwhile the other session reads the
  // catalog and runs the user's check, which passes only if it sees the counting session waiting. Run one after the
  // other, the user's check would start only once the lock is released, when nothing waits any more. (The table
  // has no index: pg_get_indexdef in the fingerprint would wait on the lock too.)
  await server.createDatabase('side');
  await server.query('create table public.plain (id int); insert into public.plain values (1), (2), (3)', [], 'side');
  const to = await mkdtemp(join(tmpdir(), 'dbops-side-by-side-'));
  const locker = new pg.Client({ connectionString: server.url('side') });
  await locker.connect();
  try {
    const backup = await backupDefinition.run({ 'database-url': server.url('side'), to }, context());
    expect(backup.failure).toBeUndefined();
    const [entry] = await listBackups(await openStorage(to, { inputName: 'from' }));
    await locker.query('begin; lock table public.plain in access exclusive mode');
    const log = new MemoryLogger();
    const waited = `with recursive w(n, seen) as (
        select 0, false
        union all
        -- correlated with w (n), so it is looked at again each round rather than once for the whole query
        select n + 1, exists (select 1 from pg_locks where not granted and relation = 'public.plain'::regclass and n >= 0)
          from w, pg_sleep(0.05) where not seen and n < 200)
      select bool_or(seen) from w`;
    const running = postgresEngine.checkRestored(
      parsePgTarget({ url: server.url('side') }),
      entry!.manifest,
      [{ name: 'counts wait meanwhile', sql: waited }],
      { log },
    );
    // Released once the user's check is done, or after 30 s (then it runs after the counts, and fails).
    for (let i = 0; i < 300 && !log.lines.some((l) => l.startsWith("debug: Ran the user's checks")); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await locker.query('commit');
    const { checks, rows } = await running;
    expect(checks.map((c) => [c.name, c.passed])).toEqual([
      ['tables present', true],
      ['row counts (exact)', true],
      ['schema fingerprint', true],
      ['counts wait meanwhile', true],
    ]);
    expect(rows).toBe(3);
  } finally {
    await locker.end();
    await rm(to, { recursive: true, force: true });
  }
});
