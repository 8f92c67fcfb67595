// restore-test must restore a database as it was and prove only what it looked at: a backup of schema public
// alone, the source's encoding and locale, and large tables whose row count was never known.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupDefinition,
  generateIdentity,
  MemoryLogger,
  restoreDefinition,
  restoreTestDefinition,
  Secrets,
  type RawInputs,
} from '@dbops/core';
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
  const report = await backupDefinition.run(
    { 'database-url': source.url(database), to: dir, name: database, 'encrypt-to': key.recipient, ...extra },
    context(),
  );
  expect(report.failure).toBeUndefined();
  return report;
}

/** Restore-tests the newest backup of `name`, keeping the scratch database; returns its checks and name. */
async function restoreTest(name: string, extra: RawInputs = {}) {
  const report = await restoreTestDefinition.run(
    { from: dir, name, 'target-url': target.url('postgres'), 'decrypt-with': key.identity, keep: 'true', ...extra },
    context(),
  );
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

  test("restore-tests clean, and public is the source's (its comment included)", async () => {
    const { report, checks, scratchDatabase } = await restoreTest('onlypublic');
    expect(checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.failure).toBeUndefined();
    expect(
      await target.query(
        "select obj_description('public'::regnamespace, 'pg_namespace') as comment",
        [],
        scratchDatabase,
      ),
    ).toEqual([{ comment: "the application's tables" }]);
  });

  test('restores into a new, empty database', async () => {
    await target.createDatabase('onlypublic_restored');
    const report = await restoreDefinition.run(
      { from: dir, name: 'onlypublic', 'target-url': target.url('onlypublic_restored'), 'decrypt-with': key.identity },
      context(),
    );
    expect(report.failure).toBeUndefined();
    expect(await target.query('select count(*)::int as n from public.orders', [], 'onlypublic_restored')).toEqual([
      { n: 25 },
    ]);
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
  expect(
    await source.query("select reltuples::int as estimate from pg_class where relname = 'events'", [], 'unanalyzed'),
  ).toEqual([{ estimate: -1 }]);
  await backup('unanalyzed', { 'exact-count-max-size': '8kB' });

  const { report, checks } = await restoreTest('unanalyzed');
  const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
  expect(byName['row counts (unknown)']).toMatchObject({
    passed: false,
    detail: expect.stringMatching(
      /^1 tables had no count or estimate in the backup, so their rows were not verified: "public"\."events"/,
    ),
  });
  // Nothing was counted exactly, so no check claims that counts match.
  expect(byName['row counts (exact)']).toBeUndefined();
  expect(report.failure).toMatchObject({ code: 'CHECK_FAILED' });
});

describe("the scratch database has the source's encoding and locale", () => {
  async function localeOf(server: PostgresServer, database: string) {
    const [row] = await server.query<{ encoding: string; provider: string; collate: string }>(
      `select pg_encoding_to_char(encoding) as encoding, datlocprovider as provider, datcollate as collate from pg_database where datname = $1`,
      [database],
    );
    return row;
  }

  test('SQL_ASCII holding bytes 0xff 0xfe 0xe9: restored as SQL_ASCII, bytes and all', async () => {
    await source.query(`create database ascii template template0 encoding 'SQL_ASCII' lc_collate 'C' lc_ctype 'C'`);
    await source.query(
      `create table public.raw (id int primary key, t text); insert into public.raw values (1, E'\\xff\\xfe\\xe9'), (2, 'plain');`,
      [],
      'ascii',
    );
    await backup('ascii');

    const { report, checks, scratchDatabase } = await restoreTest('ascii');
    expect(checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.failure).toBeUndefined();
    expect(await localeOf(target, scratchDatabase)).toMatchObject({ encoding: 'SQL_ASCII', collate: 'C' });
    const bytes = `select id, encode(convert_to(t, 'SQL_ASCII'), 'hex') as hex from public.raw order by id`;
    expect(await target.query(bytes, [], scratchDatabase)).toEqual(await source.query(bytes, [], 'ascii'));
    expect(await target.query(bytes, [], scratchDatabase)).toEqual([
      { id: 1, hex: 'fffee9' },
      { id: 2, hex: '706c61696e' },
    ]);

    // dbops restore does not create its target: one of another encoding is refused, saying how to create it.
    await target.createDatabase('ascii_restored');
    const restoreInputs = {
      from: dir,
      name: 'ascii',
      'target-url': target.url('ascii_restored'),
      'decrypt-with': key.identity,
    };
    const refused = await restoreDefinition.run(restoreInputs, context()).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'UNSAFE_TARGET',
      input: 'target-url',
      message: expect.stringMatching(/has encoding UTF8, not SQL_ASCII/),
    });
    const create = /Restore into a database created like the source: (.*)$/.exec(
      (refused as { hint: string }).hint,
    )![1]!;
    await target.query('drop database ascii_restored');
    await target.query(create);
    expect((await restoreDefinition.run(restoreInputs, context())).failure).toBeUndefined();
    expect(await target.query(bytes, [], 'ascii_restored')).toEqual([
      { id: 1, hex: 'fffee9' },
      { id: 2, hex: '706c61696e' },
    ]);
  });

  test('ICU de-DE: restored with the ICU locale, so it sorts like the source', async () => {
    await source.query(`create database icu template template0 encoding 'UTF8' locale_provider icu icu_locale 'de-DE'`);
    await source.query(
      `create table public.words (w text); insert into public.words values ('zebra'), ('Äpfel'), ('apfel'), ('Zucker'), ('Öl'), ('ober');`,
      [],
      'icu',
    );
    await backup('icu');

    const { report, checks, scratchDatabase } = await restoreTest('icu');
    expect(checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.failure).toBeUndefined();
    expect(await localeOf(target, scratchDatabase)).toMatchObject({ encoding: 'UTF8', provider: 'i' });
    const sorted = "select string_agg(w, ' ' order by w) as words from public.words";
    const [expected] = await source.query(sorted, [], 'icu');
    // In C order the umlauts would come last; de-DE puts Äpfel beside apfel.
    expect(expected).toEqual({ words: 'apfel Äpfel ober Öl zebra Zucker' });
    expect(await target.query(sorted, [], scratchDatabase)).toEqual([expected]);
  });

  test('a locale the target server lacks: RESTORE_FAILED naming target-url and the locale, nothing left behind', async () => {
    await source.createDatabase('elsewhere');
    await source.query('create table public.t (id int)', [], 'elsewhere');
    const taken = await backup('elsewhere');
    // As if the source had been created with a locale this machine does not have.
    const manifestPath = taken.outputs.manifest!;
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(
      manifestPath,
      JSON.stringify({ ...manifest, locale: { ...manifest.locale, collate: 'xx_XX.UTF-8', ctype: 'xx_XX.UTF-8' } }),
    );
    const before = await target.query("select datname from pg_database where datname like 'dbops_restore_%'");

    const error = await restoreTestDefinition
      .run(
        { from: dir, name: 'elsewhere', 'target-url': target.url('postgres'), 'decrypt-with': key.identity },
        context(),
      )
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'RESTORE_FAILED', input: 'target-url' });
    expect((error as Error).message).toMatch(
      /^The server of target-url cannot create a database like the source \(encoding UTF8, LC_COLLATE xx_XX\.UTF-8, LC_CTYPE xx_XX\.UTF-8\): .*xx_XX/,
    );
    expect((error as { hint: string }).hint).toMatch(/install the locale xx_XX\.UTF-8 on the target server/);
    expect(await target.query("select datname from pg_database where datname like 'dbops_restore_%'")).toEqual(before);
  });
});
