// The backup counts every table's rows exactly in its snapshot, many tables to a query (inventory.ts countRows):
// the counts must stay exact and in the right table across batches, a batch the server refuses must still end in
// the error that names the one table at fault, and a lock wait in a batch must end in the lock-wait error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDefinition, type BackupManifest, DbopsError, MemoryLogger, Secrets, type RawInputs } from '@dbops/core';
import pg from 'pg';
import { eventually } from '../harness/eventually.js';
import { dbopsLockWaits, startPostgres, type PostgresServer } from '../harness/postgres.js';

const DB = 'many';
const TABLES = 1_203; // three batches of up to 500, the last one short
let server: PostgresServer;
let dir: string;

const context = () => ({
  log: new MemoryLogger(),
  secrets: new Secrets(),
  env: process.env,
  signal: new AbortController().signal,
});

const backup = (label: string, inputs: RawInputs = {}, url = server.url(DB)) =>
  backupDefinition.run({ 'database-url': url, to: join(dir, label), compression: 'none', ...inputs }, context());

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'dbops-row-counts-'));
  await server.createDatabase(DB);
  // Table i holds (i * 7) % 13 rows, so a count landing in the wrong table shows.
  await server.query(
    `do $$ begin for i in 1..${TABLES} loop
       execute format('create table public.t%s (id int primary key)', i);
       execute format('insert into public.t%s select generate_series(1, %s)', i, (i * 7) % 13);
     end loop; end $$`,
    [],
    DB,
  );
  // A role that may read every table but one, in the middle of the second batch.
  await server.query(`create role counter login password 'counter-pw'`);
  await server.query(`grant select on all tables in schema public to counter`, [], DB);
  await server.query(`revoke select on public.t777 from counter`, [], DB);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('every table of three batches gets its own exact count', async () => {
  const manifest = (await backup('all')).json as BackupManifest;
  const counts = new Map(manifest.tables.map((t) => [t.name, t.rows]));
  expect(counts.size).toBe(TABLES);
  const wrong = [...counts].filter(([name, rows]) => rows !== (Number(name.slice(1)) * 7) % 13);
  expect(wrong).toEqual([]);
}, 180_000);

test('a batch the server refuses falls back to one table at a time and names the table', async () => {
  const error = await backup('denied', {}, server.url(DB, 'counter', 'counter-pw')).then(
    () => undefined,
    (e: unknown) => e as DbopsError,
  );
  expect(error).toBeInstanceOf(DbopsError);
  expect(error!.message).toMatch(/public\.t777/);
  expect(error!.message).not.toMatch(/public\.t77[^7]|public\.t1\b/);
}, 180_000);

test('a lock wait in a batch fails the backup with the error that names the wait, and leaves no wait behind', async () => {
  const locker = new pg.Client({ connectionString: server.url(DB) });
  await locker.connect();
  try {
    await locker.query('begin');
    await locker.query('lock table public.t600 in access exclusive mode');
    const error = await backup('locked', { 'lock-wait-timeout': '2s' }).then(
      () => undefined,
      (e: unknown) => e as DbopsError,
    );
    expect(error?.message).toMatch(/^Waited longer than lock-wait-timeout \(2(\.0)? s\)/);
    expect(await eventually(async () => (await dbopsLockWaits(server, DB)) === 0)).toBe(true);
  } finally {
    await locker.query('rollback').catch(() => undefined);
    await locker.end();
  }
}, 180_000);
