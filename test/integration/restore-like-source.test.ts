// restore-test must restore a database as it was and prove only what it looked at: a backup of schema public
// alone, the source's encoding and locale, and large tables whose row count was never known.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDefinition, generateIdentity, MemoryLogger, restoreDefinition, restoreTestDefinition, Secrets, type RawInputs } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let source: PostgresServer;
let target: PostgresServer;
let dir: string;
const key = generateIdentity();

type Checks = Array<{ name: string; passed: boolean; detail: string }>;

function context() {
  return { log: new MemoryLogger(), secrets: new Secrets(), env: process.env, signal: new AbortController().signal };
}

async function backup(database: string, extra: RawInputs = {}) {
  const report = await backupDefinition.run({ 'database-url': source.url(database), to: dir, name: database, 'encrypt-to': key.recipient, ...extra }, context());
  expect(report.failure).toBeUndefined();
  return report;
}

/** Restore-tests the newest backup of `name`, keeping the scratch database; returns its checks and name. */
async function restoreTest(name: string, extra: RawInputs = {}) {
  const report = await restoreTestDefinition.run({ from: dir, name, 'target-url': target.url('postgres'), 'decrypt-with': key.identity, keep: 'true', ...extra }, context());
  const result = report.json as { scratchDatabase: string; checks: Checks };
  scratch.push(result.scratchDatabase);
  return { report, checks: result.checks, scratchDatabase: result.scratchDatabase };
}
const scratch: string[] = [];

beforeAll(async () => {
  [source, target] = await Promise.all([startPostgres(), startPostgres()]);
  dir = await mkdtemp(join(tmpdir(), 'dbops-restore-like-source-'));
});

afterEach(async () => {
  for (const name of scratch.splice(0)) await target.query(`drop database if exists "${name}"`);
});

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('a backup of schema public alone (schemas: public)', () => {
  // Only public exists, so the schema fingerprint (of the whole database, at the time of writing) applies too.
  beforeAll(async () => {
    await source.createDatabase('onlypublic');
    await source.query(
      `comment on schema public is 'the application''s tables';
       create table public.orders (id int primary key, note text);
       insert into public.orders select i, 'order ' || i from generate_series(1, 25) i;`,
      [],
      'onlypublic',
    );
    await backup('onlypublic', { schemas: 'public' });
  });

  test('restore-tests clean, and public is the source\'s (its comment included)', async () => {
    const { report, checks, scratchDatabase } = await restoreTest('onlypublic');
    expect(checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.failure).toBeUndefined();
    expect(await target.query("select obj_description('public'::regnamespace, 'pg_namespace') as comment", [], scratchDatabase)).toEqual([{ comment: "the application's tables" }]);
  });

  test('restores into a new, empty database', async () => {
    await target.createDatabase('onlypublic_restored');
    const report = await restoreDefinition.run({ from: dir, name: 'onlypublic', 'target-url': target.url('onlypublic_restored'), 'decrypt-with': key.identity }, context());
    expect(report.failure).toBeUndefined();
    expect(await target.query('select count(*)::int as n from public.orders', [], 'onlypublic_restored')).toEqual([{ n: 25 }]);
  });
});

test('a table above exact-count-max-size that was never analyzed is reported unverified, not as a passed count', async () => {
  await source.createDatabase('unanalyzed');
  // No index (building one would set the estimate) and no autovacuum: the planner's estimate stays -1.
  await source.query(
    `create table public.events (id int, payload text) with (autovacuum_enabled = false);
     insert into public.events select i, repeat('x', 100) from generate_series(1, 2000) i;`,
    [],
    'unanalyzed',
  );
  expect(await source.query("select reltuples::int as estimate from pg_class where relname = 'events'", [], 'unanalyzed')).toEqual([{ estimate: -1 }]);
  await backup('unanalyzed', { 'exact-count-max-size': '8kB' });

  const { report, checks } = await restoreTest('unanalyzed');
  const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
  expect(byName['row counts (unknown)']).toMatchObject({ passed: false, detail: expect.stringMatching(/^1 tables had no count or estimate in the backup, so their rows were not verified: "public"\."events"/) });
  // Nothing was counted exactly, so no check claims that counts match.
  expect(byName['row counts (exact)']).toBeUndefined();
  expect(report.failure).toMatchObject({ code: 'CHECK_FAILED' });
});
