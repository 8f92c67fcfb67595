// dbops restore puts a backup back whatever the target holds: the schemas a tables backup does not create are
// created (into a new database and after --clean emptied one), and what belongs to the database rather than to a
// schema (publications) does not survive --clean to collide with the archive's own. A subscription, which --clean
// cannot drop safely, stops the restore before anything is changed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupDefinition,
  DbopsError,
  MemoryLogger,
  restoreDefinition,
  Secrets,
  type BackupManifest,
  type RawInputs,
} from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
let dir: string;

function context() {
  return { log: new MemoryLogger(), secrets: new Secrets(), env: process.env, signal: new AbortController().signal };
}

async function runBackup(database: string, inputs: RawInputs = {}): Promise<BackupManifest> {
  const report = await backupDefinition.run(
    { 'database-url': server.url(database), to: dir, name: database, compression: 'none', ...inputs },
    context(),
  );
  return report.json as BackupManifest;
}

async function runRestore(name: string, database: string, inputs: RawInputs = {}) {
  return restoreDefinition.run({ from: dir, name, 'target-url': server.url(database), ...inputs }, context());
}

async function rows(database: string, table: string): Promise<unknown[]> {
  return server.query(`select * from ${table} order by 1`, [], database);
}

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'dbops-restore-clean-'));
});
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a tables backup of a table in schema app (the archive creates no schema)', () => {
  let backedUp: unknown[];
  beforeAll(async () => {
    await server.createDatabase('shop');
    await server.query(
      `create schema app;
       create table app.orders (id int primary key, item text);
       insert into app.orders select g, 'item ' || g from generate_series(1, 5) g;
       create table app.other (x int)`,
      [],
      'shop',
    );
    const manifest = await runBackup('shop', { tables: 'app.orders' });
    expect(manifest.schemasNotInArchive).toEqual(['app']);
    backedUp = await rows('shop', 'app.orders');
  });

  test('restores with clean into a database holding app.orders', async () => {
    await server.createDatabase('holding');
    await server.query(
      `create schema app;
       create table app.orders (id int primary key, item text);
       insert into app.orders values (100, 'written later')`,
      [],
      'holding',
    );
    const report = await runRestore('shop', 'holding', { clean: 'true', 'safety-backup': 'false' });
    expect(report.failure).toBeUndefined();
    expect(await rows('holding', 'app.orders')).toEqual(backedUp);
  });

  test('restores into a new database', async () => {
    await server.createDatabase('fresh');
    const report = await runRestore('shop', 'fresh');
    expect(report.failure).toBeUndefined();
    expect(await rows('fresh', 'app.orders')).toEqual(backedUp);
  });
});

test('a database with a publication restores over itself with clean, and has the publication again', async () => {
  await server.createDatabase('published');
  await server.query(
    `create table t (i int);
     insert into t select generate_series(1, 3);
     create publication p for all tables`,
    [],
    'published',
  );
  await runBackup('published');
  const backedUp = await rows('published', 't');
  await server.query('insert into t select generate_series(4, 6)', [], 'published');

  const report = await runRestore('published', 'published', { clean: 'true', 'safety-backup': 'false' });
  expect(report.failure).toBeUndefined();
  expect(await rows('published', 't')).toEqual(backedUp);
  expect(await server.query('select pubname, puballtables from pg_publication', [], 'published')).toEqual([
    { pubname: 'p', puballtables: true },
  ]);
});

test('a database with a subscription: clean refuses before changing anything, and says how to go on', async () => {
  await server.createDatabase('subscriber');
  await server.query('create table t (i int); insert into t select generate_series(1, 3)', [], 'subscriber');
  await runBackup('subscriber');
  await server.query('insert into t values (4)', [], 'subscriber');
  // connect = false: no publisher needed, and no slot created anywhere.
  await server.query(
    `create subscription s connection 'host=127.0.0.1 port=1 dbname=none' publication p with (connect = false)`,
    [],
    'subscriber',
  );
  const before = await rows('subscriber', 't');

  const error = await runRestore('subscriber', 'subscriber', { clean: 'true', 'safety-backup': 'false' }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbopsError);
  expect(error).toMatchObject({ code: 'UNSAFE_TARGET', input: 'target-url' });
  expect((error as DbopsError).message).toMatch(/subscriptions \(s\)/);
  expect((error as DbopsError).hint).toMatch(/DROP SUBSCRIPTION "s"/);
  expect(await rows('subscriber', 't')).toEqual(before);
  await server.query('alter subscription s set (slot_name = none)', [], 'subscriber');
  await server.query('drop subscription s', [], 'subscriber');
});
