// Catalog names and what the catalog shows: each database gets a default name of its own (one name's backups must
// never hide another's staleness), pre-restore/ stays the safety backups' own, and `dbops list` shows which backups
// passed a restore test.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupDefinition,
  checkFreshnessDefinition,
  MemoryLogger,
  restoreTestDefinition,
  Secrets,
  type DbopsError,
  type RawInputs,
} from '@dbops/core';
import { runCli } from '../harness/cli.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
let work: string;

beforeAll(async () => {
  server = await startPostgres();
  work = await mkdtemp(join(tmpdir(), 'dbops-names-'));
  for (const database of ['shopü', 'shopé', 'shop', 'pre-restore']) {
    await server.createDatabase(database);
    await server.query('create table public.orders as select g as id from generate_series(1, 10) g', [], database);
  }
});

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const context = () => ({
  log: new MemoryLogger(),
  secrets: new Secrets(),
  env: process.env,
  signal: new AbortController().signal,
});
const backup = (database: string, inputs: RawInputs) =>
  backupDefinition.run({ 'database-url': server.url(database), compression: 'gzip', ...inputs }, context());

test('databases whose names differ only in letters outside ASCII get default names of their own; ASCII names stay as they were', async () => {
  const to = join(work, 'unicode');
  const names: Record<string, string> = {};
  for (const database of ['shopü', 'shopé', 'shop'])
    names[database] = ((await backup(database, { to })).json as { name: string }).name;
  expect(names.shop).toBe('shop'); // existing catalogs keep their names
  expect(names.shopü).toMatch(/^shop-[0-9a-f]{10}$/);
  expect(names.shopé).toMatch(/^shop-[0-9a-f]{10}$/);
  expect(names.shopü).not.toBe(names.shopé);
  expect((await readdir(to)).sort()).toEqual(Object.values(names).sort());

  // Each name is its own schedule: check-freshness judges all three, so one cannot hide another's staleness.
  const freshness = await checkFreshnessDefinition.run({ from: to, 'max-age': '1h' }, context());
  const judged = (freshness.json as { names: Array<{ name: string }> }).names.map((n) => n.name).sort();
  expect(judged).toEqual(Object.values(names).sort());
});

test("pre-restore/ is the safety backups' namespace: backup refuses it as a name, and a database called pre-restore gets another default", async () => {
  const to = join(work, 'safety');
  for (const name of ['pre-restore', 'pre-restore/app', '/pre-restore/app/']) {
    const error = (await backup('shop', { to, name }).catch((e: unknown) => e)) as DbopsError;
    expect({ code: error.code, input: error.input }).toEqual({ code: 'INVALID_INPUT', input: 'name' });
    expect(error.message).toMatch(/pre-restore\/, where restores file their safety backups/);
  }
  expect(await readdir(to).catch(() => [])).toEqual([]);
  // A name that only starts with the same letters is another name.
  expect(((await backup('shop', { to, name: 'pre-restored' })).json as { name: string }).name).toBe('pre-restored');
  const name = ((await backup('pre-restore', { to })).json as { name: string }).name;
  expect(name).toMatch(/^pre-restore-[0-9a-f]{10}$/);
});

test('dbops list shows when each backup last passed a restore test, and which never did', async () => {
  const to = join(work, 'listed');
  const tested = (await backup('shop', { to })).outputs['backup-id']!;
  const untested = (await backup('shop', { to })).outputs['backup-id']!;
  await restoreTestDefinition.run({ from: to, 'backup-id': tested, 'target-url': server.url('postgres') }, context());

  const { stdout } = await runCli(['list', '--from', to]);
  const row = (id: string) => stdout.split('\n').find((line) => line.startsWith(id)) ?? '';
  expect(stdout).toMatch(/Restore test/);
  expect(row(tested)).toMatch(/passed \d+\.\d s ago$/);
  expect(row(untested)).toMatch(/never passed$/);

  const { stdout: json } = await runCli(['list', '--from', to, '--json']);
  const listed = JSON.parse(json) as Array<{ backupId: string; verifiedAt: string | null }>;
  expect(listed.find((b) => b.backupId === untested)!.verifiedAt).toBeNull();
  expect(Date.parse(listed.find((b) => b.backupId === tested)!.verifiedAt!)).toBeGreaterThan(0);
});
