// PostgreSQL's refusals and limits are the user's to act on, not "a bug in dbops": each gets its own code, the
// cause and the fix, whether dbops's own session or pg_dump met it; and dbops does not read what pg_dump does not
// (issue 12, item 11). Real servers: one as usual, one with a lock table far too small for its tables.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { backupDefinition, DbopsError, MemoryLogger, Secrets, type BackupManifest, type RawInputs } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const DB = 'shop';
const ROLE = 'backup_role';
const ROLE_PASSWORD = 'r0le-pw';
let server: PostgresServer;
let dir: string;

function context() {
  return { log: new MemoryLogger(), secrets: new Secrets(), env: process.env, signal: new AbortController().signal };
}

async function backupAs(
  url: string,
  inputs: RawInputs = {},
): Promise<{ manifest?: BackupManifest; error?: DbopsError; stored: string[] }> {
  const to = join(dir, `run-${Math.random().toString(36).slice(2)}`);
  const outcome = await backupDefinition
    .run({ 'database-url': url, to, compression: 'none', ...inputs }, context())
    .then(
      (report) => ({ manifest: report.json as BackupManifest }),
      (error: unknown) => ({ error: error as DbopsError }),
    );
  const files = await readdir(to, { recursive: true }).catch(() => [] as string[]);
  return { ...outcome, stored: files.filter((f) => /\.(dump|json)$/.test(String(f))) };
}

const asRole = (inputs: RawInputs = {}) => backupAs(server.url(DB, ROLE, ROLE_PASSWORD), inputs);

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'dbops-server-errors-'));
  await server.createDatabase(DB);
  await server.query(
    `create role ${ROLE} login password '${ROLE_PASSWORD}';
     create schema app;
     create table app.orders (id int primary key, total numeric);
     create table app.secret (token text);
     insert into app.orders select g, g from generate_series(1, 10) g;
     insert into app.secret values ('do not read');
     grant usage on schema app to ${ROLE};
     grant select on app.orders to ${ROLE};
     -- Multi-tenant row-level security: reading needs app.tenant set, which a backup never sets.
     create schema tenant;
     create table tenant.notes (tenant_id int, body text);
     create table tenant.plain (id int);
     insert into tenant.notes values (1, 'a'), (2, 'b');
     insert into tenant.plain values (1);
     alter table tenant.notes enable row level security;
     create policy by_tenant on tenant.notes using (tenant_id = current_setting('app.tenant')::int);
     grant usage on schema tenant to ${ROLE};
     grant select on all tables in schema tenant to ${ROLE};
     -- Row-level security that lets the role see some rows.
     create schema visible;
     create table visible.notes (id int);
     insert into visible.notes select generate_series(1, 5);
     alter table visible.notes enable row level security;
     create policy low on visible.notes using (id <= 2);
     grant usage on schema visible to ${ROLE};
     grant select on visible.notes to ${ROLE};`,
    [],
    DB,
  );
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a role without SELECT on one table: PERMISSION_DENIED naming the table, the role and the GRANT; nothing stored', async () => {
  const { error, stored } = await asRole({ schemas: 'app' });
  expect(error).toBeInstanceOf(DbopsError);
  expect(error).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('app.secret') });
  expect(error!.hint).toContain(`GRANT SELECT ON app.secret TO ${ROLE};`);
  expect(error!.hint).toContain('pg_read_all_data');
  expect(error!.hint).toContain('exclude-tables');
  expect(`${error!.message} ${error!.hint}`).not.toContain(ROLE_PASSWORD);
  expect(stored).toEqual([]);
});

test('pg-dump-args --exclude-table-data: dbops does not read the table whose data pg_dump leaves out', async () => {
  // Counting tenant.notes as this role fails (app.tenant is not set); pg_dump never reads it with the flag.
  const { manifest, error } = await asRole({ schemas: 'tenant', 'pg-dump-args': '--exclude-table-data=tenant.notes' });
  expect(error).toBeUndefined();
  expect(manifest!.tables.map((t) => [`${t.schema}.${t.name}`, t.rows, t.dataExcluded])).toEqual([
    ['tenant.notes', undefined, true],
    ['tenant.plain', 1, undefined],
  ]);
});

test('a table whose row-level security would hide rows from the dump: PERMISSION_DENIED with BYPASSRLS and --enable-row-security', async () => {
  const { error, stored } = await asRole({ schemas: 'tenant' });
  expect(error).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('tenant.notes') });
  expect(error!.hint).toContain(`ALTER ROLE ${ROLE} BYPASSRLS`);
  expect(error!.hint).toContain('--enable-row-security');
  expect(stored).toEqual([]);
});

test.each(['--enable-row-security', '--enable'])(
  'pg-dump-args %s (getopt takes a prefix): the rows the role sees are counted, as pg_dump dumps them',
  async (flag) => {
    const { manifest, error } = await asRole({ tables: 'visible.notes', 'pg-dump-args': flag });
    expect(error).toBeUndefined();
    expect(manifest!.tables.map((t) => [`${t.schema}.${t.name}`, t.rows])).toEqual([['visible.notes', 2]]);
  },
);

test("pg_dump's own refusal (it locks a table whose data it leaves out) is PERMISSION_DENIED too, naming the table", async () => {
  const { error, stored } = await asRole({ schemas: 'app', 'pg-dump-args': '--exclude-table-data=app.secret' });
  expect(error).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('app.secret') });
  expect(error!.hint).toContain(`GRANT SELECT ON app.secret TO ${ROLE};`);
  expect(stored).toEqual([]);
});

test("statement-timeout ending one of dbops's queries: TIMEOUT naming statement-timeout", async () => {
  // A session holding an exclusive lock makes dbops's query wait until the statement timeout ends it.
  const holder = new pg.Client({ connectionString: server.url(DB) });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query('lock table app.orders in access exclusive mode');
    const { error, stored } = await backupAs(server.url(DB), {
      tables: 'app.orders',
      'statement-timeout': '1s',
      'lock-wait-timeout': '0s',
    });
    expect(error).toMatchObject({
      code: 'TIMEOUT',
      input: 'statement-timeout',
      message: expect.stringContaining('statement timeout'),
    });
    expect(stored).toEqual([]);
  } finally {
    await holder.query('rollback').catch(() => undefined);
    await holder.end();
  }
});

test.each([
  ['tables', 'app.no_such_table'],
  ['schemas', 'no_such_schema'],
])('%s matching nothing: INVALID_INPUT naming the input, not a failed dump', async (input, pattern) => {
  const { error, stored } = await backupAs(server.url(DB), { [input]: pattern });
  expect(error).toMatchObject({
    code: 'INVALID_INPUT',
    input,
    message: expect.stringContaining(`matches no ${input}`),
  });
  expect(stored).toEqual([]);
});

describe('a server whose lock table cannot hold a lock per table', () => {
  let small: PostgresServer;
  beforeAll(async () => {
    // About 640 table locks fit with these settings; a backup of 1000 tables locks each of them.
    small = await startPostgres({ settings: { max_locks_per_transaction: '10', max_connections: '10' } });
    await small.createDatabase('many');
    for (let batch = 0; batch < 10; batch++) {
      const statements = Array.from({ length: 100 }, (_, i) => `create table t${batch * 100 + i} (id int);`).join('\n');
      await small.query(statements, [], 'many');
    }
  });
  afterAll(async () => {
    await small?.stop();
  });

  test('out of shared memory: SERVER_LIMIT naming max_locks_per_transaction and fewer tables per run', async () => {
    const to = join(dir, 'many');
    const error = await backupDefinition
      .run({ 'database-url': small.url('many'), to, compression: 'none' }, context())
      .then(
        () => undefined,
        (e: unknown) => e as DbopsError,
      );
    expect(error).toMatchObject({ code: 'SERVER_LIMIT', message: expect.stringContaining('out of shared memory') });
    expect(error!.message).toContain('(the backup has 1000 tables)');
    expect(error!.hint).toContain('max_locks_per_transaction');
    expect(error!.hint).toContain('fewer tables per run');
    expect(await readdir(to, { recursive: true }).catch(() => [])).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/\.json$/)]),
    );
  });

  test("the same limit met by pg_dump (dbops reads none of the tables here): SERVER_LIMIT from pg_dump's message", async () => {
    const to = join(dir, 'many-dump');
    const error = await backupDefinition
      .run(
        { 'database-url': small.url('many'), to, compression: 'none', 'pg-dump-args': '--exclude-table-data=t*' },
        context(),
      )
      .then(
        () => undefined,
        (e: unknown) => e as DbopsError,
      );
    expect(error).toMatchObject({ code: 'SERVER_LIMIT', message: expect.stringContaining('out of shared memory') });
    expect(error!.hint).toContain('max_locks_per_transaction');
  });
});
