// The backup counts every table's rows exactly in its snapshot, many tables to a query (inventory.ts countRows):
// the counts must stay exact and in the right table across batches, a batch the server refuses must still end in
// the error that names the one table at fault, a lock wait in a batch must end in the lock-wait error, and a table
// written all through the backup must have the count of the rows its archive holds.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { backupDefinition, type BackupManifest, DbopsError, MemoryLogger, Secrets, type RawInputs } from '@dbops/core';
import pg from 'pg';
import { eventually } from '../harness/eventually.js';
import { heldBackPgDump } from '../harness/held-back-pg-dump.js';
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

test('a table written all through the backup: its count is the rows the archive holds, not the rows at any other moment', async () => {
  await server.createDatabase('hot');
  // A small table (counted by COPY) and one above COPY_COUNT_MAX_BYTES (counted by count(*)), both analyzed.
  await server.query(
    `create table public.small_hot (id bigserial primary key, note text);
     create table public.large_hot (id bigserial primary key, note text);
     insert into public.small_hot (note) select 'seed' from generate_series(1, 100);
     insert into public.large_hot (note) select repeat('x', 200) from generate_series(1, 5000);
     analyze;`,
    [],
    'hot',
  );
  // pg_dump held back until `release` exists: rows keep arriving between the snapshot and pg_dump's read of them.
  const pgDump = await heldBackPgDump(dir, server.binDir);

  const writer = new pg.Client({ connectionString: server.url('hot') });
  await writer.connect();
  let writing = true;
  let written = 0;
  const writes = (async () => {
    while (writing) {
      await writer.query(
        `insert into public.small_hot (note) values ('w'); insert into public.large_hot (note) values (repeat('y', 200))`,
      );
      written++;
    }
  })();
  try {
    expect(await eventually(() => written > 20)).toBe(true); // writing before the backup starts, and on through it
    const running = backup('hot', { 'pg-bin-dir': pgDump.bin }, server.url('hot'));
    try {
      expect(await pgDump.started(60_000)).toBe(true);
      const atDumpStart = written;
      expect(await eventually(() => written > atDumpStart + 20)).toBe(true);
    } finally {
      await pgDump.release(); // never leave the dump held back, even when the test fails
    }
    const report = await running;
    writing = false;
    await writes;
    const manifest = report.json as BackupManifest;
    const archive = join(dir, 'hot', manifest.object.key);
    for (const table of ['small_hot', 'large_hot']) {
      const counted = manifest.tables.find((t) => t.name === table)?.rows;
      const now = await server.query<{ n: number }>(`select count(*)::int as n from public.${table}`, [], 'hot');
      expect([table, counted]).toEqual([table, await rowsInArchive(archive, table)]);
      expect(now[0]!.n).toBeGreaterThan(counted!); // the table did change after the snapshot
    }
  } finally {
    writing = false;
    await writes.catch(() => undefined);
    await writer.end();
  }
}, 180_000);

/** The rows of a table's data in a custom-format archive, as pg_restore writes them out (COPY lines up to \.). */
async function rowsInArchive(archive: string, table: string): Promise<number> {
  const { stdout } = await promisify(execFile)(
    join(server.binDir, 'pg_restore'),
    ['--data-only', '--table', table, '--file', '-', archive],
    { maxBuffer: 64 << 20 },
  );
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`COPY public.${table} `));
  expect(start).toBeGreaterThanOrEqual(0);
  return lines.indexOf('\\.', start) - start - 1;
}
