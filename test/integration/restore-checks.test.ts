// A restore-test's user checks are one query each, run read-only: none may write to the target server, whatever
// it tries (a commit to leave the transaction, set_config, a writable CTE, a function that writes).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  backupDefinition,
  DbopsError,
  generateIdentity,
  MemoryLogger,
  parseChecks,
  restoreTestDefinition,
  Secrets,
  type RawInputs,
} from '@dbops/core';
import { runUserChecks } from '../../packages/core/src/databases/postgres/restore-checks.js';
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
