// The backup action's happy paths, through the same entry point the action and the CLI use:
// backupDefinition.run(rawInputs, context). Real PostgreSQL (test/harness/postgres.ts), real s3rver
// (test/harness/s3.ts), and the real `age`, `zstd`, `gzip` and `pg_restore` commands to prove that a backup
// restores without dbops (docs/architecture.md invariant 4).
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import {
  backupDefinition,
  createCompressor,
  createDecompressor,
  hasBuiltinZstd,
  hasZstdCommand,
  MemoryLogger,
  recipientFingerprint,
  Secrets,
  type ActionReport,
  type BackupManifest,
  type RawInputs,
  renderSummary,
} from '../../packages/core/src/index.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startS3Server, type S3Server, s3Client } from '../harness/s3.js';

const run = promisify(execFile);
const DB = 'shop';
const BUCKET = 'dbops-backups';
const ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/** Every table of the fixture with its exact row count. `Mixed Case` checks that names with spaces survive. */
const ROWS: Record<string, number> = {
  'audit.log': 45,
  'public.Mixed Case': 7,
  'public.customers': 120,
  'sales.orders': 300,
  'sales.refunds': 0,
};

let pgServer: PostgresServer;
let s3: S3Server;
let s3client: S3Client;
let work: string;
let identityFile: string;
let recipient: string;
let identity: string;

beforeAll(async () => {
  [pgServer, s3] = await Promise.all([startPostgres(), startS3Server()]);
  await s3.createBucket(BUCKET);
  s3client = s3Client(s3);
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-backup-test-'));
  identityFile = path.join(work, 'key.txt');
  await run('age-keygen', ['-o', identityFile]);
  identity = (await fs.readFile(identityFile, 'utf8')).split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
  recipient = (await run('age-keygen', ['-y', identityFile])).stdout.trim();

  await pgServer.createDatabase(DB);
  await pgServer.query(
    `create schema sales;
     create schema audit;
     create table public.customers (id int primary key, name text not null, email text);
     insert into public.customers select g, 'customer ' || g, 'c' || g || '@example.com' from generate_series(1, 120) g;
     create table public."Mixed Case" (id int);
     insert into public."Mixed Case" select generate_series(1, 7);
     create table sales.orders (id bigserial primary key, customer_id int references public.customers,
                                total numeric(10,2), placed_at timestamptz, data jsonb);
     insert into sales.orders (customer_id, total, placed_at, data)
       select 1 + g % 120, g * 1.25, timestamptz '2026-01-01' + g * interval '1 hour', jsonb_build_object('n', g, 'tag', md5(g::text))
       from generate_series(1, 300) g;
     create table sales.refunds (id int, order_id bigint);
     create table audit.log (id int, msg text);
     insert into audit.log select g, repeat('x', g) from generate_series(1, 45) g;
     analyze;`,
    [],
    DB,
  );
});

afterAll(async () => {
  s3client?.destroy();
  await Promise.all([pgServer?.stop(), s3?.stop()]);
  if (work) await fs.rm(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------

describe('backup to a local directory', () => {
  test('zstd + age: outputs, manifest and stored file agree, and the file restores with age | zstd | pg_restore', async () => {
    const to = path.join(work, 'local-age');
    const { report, log } = await backupRun({ to, 'encrypt-to': recipient });

    const id = report.outputs['backup-id']!;
    expect(id).toMatch(ID);
    const objectPath = path.join(to, DB, `${id}.dump.zst.age`);
    const manifestPath = path.join(to, DB, `${id}.manifest.json`);
    expect(report.outputs.location).toBe(objectPath);
    expect(report.outputs.manifest).toBe(manifestPath);
    // Exactly the object and its manifest: no partial or probe files left next to them.
    expect(await filesUnder(to)).toEqual([manifestPath, objectPath].sort());

    const stored = await fs.readFile(objectPath);
    expect(report.outputs.sha256).toBe(sha256(stored));
    expect(report.outputs.size).toBe(String(stored.length));
    expect(Number(report.outputs['duration-seconds'])).toBeGreaterThanOrEqual(0);
    expect(stored.subarray(0, 21).toString()).toBe('age-encryption.org/v1');

    const manifestText = await fs.readFile(manifestPath, 'utf8');
    const manifest = JSON.parse(manifestText) as BackupManifest;
    expectManifest(manifest, {
      id,
      key: `${DB}/${id}.dump.zst.age`,
      size: stored.length,
      sha: sha256(stored),
      tables: ROWS,
    });
    expect(manifest.object.compression).toEqual({ algorithm: 'zstd', level: 3 });
    // Fingerprints, never keys: neither the recipient nor (of course) the identity is in the manifest.
    expect(manifest.object.encryption).toEqual({ method: 'age', recipients: [recipientFingerprint(recipient)] });
    expect(manifestText).not.toContain(recipient);
    expect(manifestText).not.toContain(identity);
    expect(report.json).toEqual(manifest);

    // Invariant 1: the manifest is written after the object.
    const [objectStat, manifestStat] = await Promise.all([fs.stat(objectPath), fs.stat(manifestPath)]);
    expect(manifestStat.mtimeMs).toBeGreaterThanOrEqual(objectStat.mtimeMs);

    expect(renderSummary(report.results)).toContain(id);
    expect(log.lines.join('\n')).not.toContain(pgServer.password);

    // Invariant 4: restorable with the standard tools only.
    const restored = await restoreWithShell(
      `age -d -i ${q(identityFile)} ${q(objectPath)} | zstd -d -c | pg_restore --no-owner -d "$TARGET"`,
      'restored_age',
    );
    expect(restored).toEqual(ROWS);
  });

  test('gzip + passphrase: a passphrase-encrypted gzip archive that age -d (with a terminal) | gzip -d | pg_restore reads', async () => {
    const to = path.join(work, 'local-passphrase');
    const passphrase = `pass phrase ${randomBytes(6).toString('hex')}`;
    const { report, log } = await backupRun({
      to,
      compression: 'gzip',
      'compression-level': '9',
      'encrypt-passphrase': passphrase,
    });
    const id = report.outputs['backup-id']!;
    const objectPath = path.join(to, DB, `${id}.dump.gz.age`);
    expect(report.outputs.location).toBe(objectPath);
    const stored = await fs.readFile(objectPath);
    expect(report.outputs.sha256).toBe(sha256(stored));

    const manifestText = await fs.readFile(path.join(to, DB, `${id}.manifest.json`), 'utf8');
    const manifest = JSON.parse(manifestText) as BackupManifest;
    expectManifest(manifest, {
      id,
      key: `${DB}/${id}.dump.gz.age`,
      size: stored.length,
      sha: sha256(stored),
      tables: ROWS,
    });
    expect(manifest.object.compression).toEqual({ algorithm: 'gzip', level: 9 });
    expect(manifest.object.encryption).toEqual({ method: 'age', passphrase: true });
    expect(manifestText).not.toContain(passphrase);
    expect(log.lines.join('\n')).not.toContain(passphrase);
    expect(renderSummary(report.results)).not.toContain(passphrase);

    // age reads a passphrase only from a terminal: `script` gives it one, the passphrase goes to its stdin.
    const decrypted = path.join(work, 'passphrase.dump.gz');
    await runShell(`script -qec ${q(`age -d -o ${q(decrypted)} ${q(objectPath)}`)} /dev/null`, {
      input: `${passphrase}\n`,
    });
    const restored = await restoreWithShell(
      `gzip -dc ${q(decrypted)} | pg_restore --no-owner -d "$TARGET"`,
      'restored_gzip',
    );
    expect(restored).toEqual(ROWS);
  });

  test('compression none, no encryption: the stored file is the plain pg_dump archive', async () => {
    const to = path.join(work, 'local-plain');
    const { report } = await backupRun({ to, compression: 'none' });
    const id = report.outputs['backup-id']!;
    const objectPath = path.join(to, DB, `${id}.dump`);
    expect(report.outputs.location).toBe(objectPath);
    const stored = await fs.readFile(objectPath);
    expect(stored.subarray(0, 5).toString()).toBe('PGDMP');
    const manifest = JSON.parse(await fs.readFile(path.join(to, DB, `${id}.manifest.json`), 'utf8')) as BackupManifest;
    expectManifest(manifest, { id, key: `${DB}/${id}.dump`, size: stored.length, sha: sha256(stored), tables: ROWS });
    expect(manifest.object.compression.algorithm).toBe('none');
    expect(manifest.object.encryption).toEqual({ method: 'none' });
    expect(manifest.object.rawBytes).toBe(manifest.object.storedBytes);
    // The TOC counts in the manifest are those of the archive itself.
    const listing = (await run('pg_restore', ['--list', objectPath])).stdout;
    const dataLines = listing.split('\n').filter((l) => / TABLE DATA /.test(l));
    expect(dataLines).toHaveLength(manifest.toc.byType['TABLE DATA']!);
    expect(listing.split('\n').filter((l) => /^\d+;/.test(l))).toHaveLength(manifest.toc.entries);
    const restored = await restoreWithShell(`pg_restore --no-owner -d "$TARGET" ${q(objectPath)}`, 'restored_plain');
    expect(restored).toEqual(ROWS);
  });

  test('a name input files the backup under <to>/<name>/', async () => {
    const to = path.join(work, 'local-named');
    const { report } = await backupRun({ to, name: 'prod/app', compression: 'none' });
    const id = report.outputs['backup-id']!;
    expect(await filesUnder(to)).toEqual([
      path.join(to, 'prod', 'app', `${id}.dump`),
      path.join(to, 'prod', 'app', `${id}.manifest.json`),
    ]);
    const manifest = JSON.parse(
      await fs.readFile(path.join(to, 'prod', 'app', `${id}.manifest.json`), 'utf8'),
    ) as BackupManifest;
    expect(manifest.name).toBe('prod/app');
    expect(manifest.database).toBe(DB);
  });

  test('two backups never share an id, even when they run at the same time', async () => {
    const to = path.join(work, 'local-twice');
    const [a, b] = await Promise.all([backupRun({ to, compression: 'none' }), backupRun({ to, compression: 'none' })]);
    const c = await backupRun({ to, compression: 'none' });
    const ids = [a, b, c].map((r) => r.report.outputs['backup-id']!);
    expect(new Set(ids).size).toBe(3);
    const files = (await filesUnder(to)).map((f) => path.basename(f));
    expect(files).toHaveLength(6);
    for (const id of ids) expect(files).toEqual(expect.arrayContaining([`${id}.dump`, `${id}.manifest.json`]));
  });
});

describe('backup with keep rules: one run backs up, then rotates the name in the storage it wrote to', () => {
  test('the older backup is deleted, the new one stays, and the summary shows the rotation after the backup', async () => {
    const to = path.join(work, 'local-rotate');
    const first = (await backupRun({ to, compression: 'none' })).report.outputs['backup-id']!;
    const { report } = await backupRun({ to, compression: 'none', 'keep-last': '1' });
    const second = report.outputs['backup-id']!;
    expect(report.outputs['deleted-ids']).toBe(first);
    expect((await fs.readdir(path.join(to, DB))).filter((f) => f.endsWith('.manifest.json'))).toEqual([
      `${second}.manifest.json`,
    ]);
    const summary = renderSummary(report.results);
    expect(summary.indexOf('Backup of `shop` complete')).toBeLessThan(
      summary.indexOf('### Rotation of `shop`: deleted 1 of 2 backups'),
    );
    expect(report.failure).toBeUndefined();
  });

  test('a name whose rotation cannot run (a damaged manifest) leaves the backup standing, and says so', async () => {
    const to = path.join(work, 'local-rotate-damaged');
    await fs.mkdir(path.join(to, DB), { recursive: true });
    await fs.writeFile(path.join(to, DB, '20250101T000000Z-aaaaaa.manifest.json'), '{ cut short');
    const { report } = await backupRun({ to, compression: 'none', 'keep-last': '1' });
    expect(report.failure).toBeUndefined();
    expect(report.outputs['deleted-ids']).toBe('');
    await fs.access(path.join(to, DB, `${report.outputs['backup-id']}.manifest.json`));
    expect(renderSummary(report.results)).toContain('### ❌ `shop` not rotated: nothing of it was deleted');
  });
});

describe('include and exclude filters: the manifest lists exactly the selected tables, and the archive holds exactly them', () => {
  const cases: Array<[string, RawInputs, string[]]> = [
    ['schemas', { schemas: 'sales' }, ['sales.orders', 'sales.refunds']],
    [
      'exclude-schemas',
      { 'exclude-schemas': 'audit' },
      ['public.Mixed Case', 'public.customers', 'sales.orders', 'sales.refunds'],
    ],
    ['tables', { tables: 'public.customers' }, ['public.customers']],
    ['tables with a wildcard', { tables: 'sales.*' }, ['sales.orders', 'sales.refunds']],
    [
      'exclude-tables',
      { 'exclude-tables': 'sales.refunds, audit.*' },
      ['public.Mixed Case', 'public.customers', 'sales.orders'],
    ],
    [
      'schemas and exclude-tables',
      { schemas: 'public,sales', 'exclude-tables': 'public.customers' },
      ['public.Mixed Case', 'sales.orders', 'sales.refunds'],
    ],
    // pg_dump's pattern rules: unquoted names fold to lower case, quoted ones are taken literally.
    ['tables, unquoted upper case', { tables: 'Public.CUSTOMERS' }, ['public.customers']],
    ['tables, a quoted mixed-case name with a space', { tables: 'public."Mixed Case"' }, ['public.Mixed Case']],
  ];
  test.each(cases)('%s', async (_label, filters, expected) => {
    const to = path.join(work, `filter-${Object.keys(filters).join('-')}-${randomBytes(3).toString('hex')}`);
    const { report } = await backupRun({ to, compression: 'none', ...filters });
    const manifest = report.json as BackupManifest;
    expect(manifest.tables.map((t) => `${t.schema}.${t.name}`).sort()).toEqual(expected);
    for (const table of manifest.tables) expect(table.rows).toBe(ROWS[`${table.schema}.${table.name}`]);
    expect(manifest.verification).toMatchObject({ expectedTables: expected.length, tableDataEntries: expected.length });
    const listing = (await run('pg_restore', ['--list', report.outputs.location!])).stdout;
    const dumped = listing
      .split('\n')
      .map((l) => / TABLE DATA (\S+) (.+) \S+$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}.${m[2]}`)
      .sort();
    expect(dumped).toEqual(expected);
  });
});

test('pg-dump-args --exclude-table-data: the manifest claims no rows that the archive does not hold', async () => {
  // The input's own documented example. restore-test compares a restore's row counts with the manifest's exact
  // counts, so an exact count for a table whose data was left out makes every later restore drill fail.
  const to = path.join(work, 'exclude-table-data');
  const { report } = await backupRun({
    to,
    compression: 'none',
    'pg-dump-args': '--no-owner --exclude-table-data=audit.log',
  });
  const manifest = report.json as BackupManifest;
  const listing = (await run('pg_restore', ['--list', report.outputs.location!])).stdout;
  const withData = new Set(
    listing
      .split('\n')
      .map((l) => / TABLE DATA (\S+) (.+) \S+$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}.${m[2]}`),
  );
  expect(withData.has('audit.log')).toBe(false); // the flag did its job
  expect(withData.has('public.customers')).toBe(true);
  const claimed = manifest.tables.filter(
    (t) => t.rows !== undefined && t.rows > 0 && !withData.has(`${t.schema}.${t.name}`),
  );
  expect(claimed.map((t) => `${t.schema}.${t.name}: ${t.rows} rows`)).toEqual([]);
  // What a restore of this archive gives is what the manifest says (for every table with an exact count).
  const restored = await restoreWithShell(
    `pg_restore --no-owner -d "$TARGET" ${q(report.outputs.location!)}`,
    'restored_partial',
  );
  for (const table of manifest.tables.filter((t) => t.rows !== undefined)) {
    expect([`${table.schema}.${table.name}`, restored[`${table.schema}.${table.name}`]]).toEqual([
      `${table.schema}.${table.name}`,
      table.rows,
    ]);
  }
});

test('exact-count-max-size: larger tables carry the planner estimate only, smaller ones an exact count', async () => {
  const to = path.join(work, 'estimates');
  const { report } = await backupRun({ to, compression: 'none', 'exact-count-max-size': '8KiB' });
  const manifest = report.json as BackupManifest;
  expect(manifest.exactCountMaxBytes).toBe(8192);
  expect(manifest.tables).toHaveLength(Object.keys(ROWS).length);
  for (const table of manifest.tables) {
    const name = `${table.schema}.${table.name}`;
    if (table.bytes > 8192) {
      expect([name, table.rows]).toEqual([name, undefined]);
      expect([name, table.rowEstimate]).toEqual([name, ROWS[name]]); // analyzed: the estimate is exact here
    } else {
      expect([name, table.rows]).toEqual([name, ROWS[name]]);
    }
  }
  expect(manifest.tables.some((t) => t.bytes > 8192)).toBe(true);
  expect(manifest.tables.some((t) => t.bytes <= 8192)).toBe(true);
});

test('a new, empty database backs up: nothing to dump is not a failed dump', async () => {
  // `createdb` gives a database whose archive lists no entries at all (PostgreSQL 15+ does not dump the default
  // public schema). Only an empty dump of a NON-empty database must fail (issue 2).
  await pgServer.createDatabase('fresh');
  const to = path.join(work, 'empty-database');
  const log = new MemoryLogger();
  const report = await backupDefinition
    .run(
      { 'database-url': pgServer.url('fresh'), to, compression: 'none' },
      { log, secrets: new Secrets(), env: testEnv(), signal: new AbortController().signal },
    )
    .catch((error: Error & { code?: string }) => ({ failed: `${error.code}: ${error.message}` }));
  expect('failed' in report ? report.failed : 'succeeded').toBe('succeeded');
  const manifest = (report as ActionReport).json as BackupManifest;
  expect(manifest.tables).toEqual([]);
  expect(manifest.verification.expectedTables).toBe(0);
  // The archive is a valid (empty) archive to pg_restore.
  await run('pg_restore', ['--list', (report as ActionReport).outputs.location!]);
});

describe('backup to S3 (s3rver)', () => {
  test('zstd + age with the default checksum setting for a custom endpoint: stored bytes match the outputs and restore', async () => {
    // With an s3-endpoint, the storage defaults to WHEN_REQUIRED checksums (s3rver would otherwise store the
    // aws-chunked framing as the object's bytes); this test relies on that default and reads the bytes back raw.
    const { report } = await backupRun({
      to: `s3://${BUCKET}/prod`,
      'encrypt-to': recipient,
      's3-endpoint': s3.endpoint,
      's3-access-key-id': s3.accessKeyId,
      's3-secret-access-key': s3.secretAccessKey,
    });
    const id = report.outputs['backup-id']!;
    const key = `prod/${DB}/${id}.dump.zst.age`;
    const manifestKey = `prod/${DB}/${id}.manifest.json`;
    expect(report.outputs.location).toBe(`s3://${BUCKET}/${key}`);
    expect(report.outputs.manifest).toBe(`s3://${BUCKET}/${manifestKey}`);

    const stored = await getObject(key);
    expect(report.outputs.sha256).toBe(sha256(stored));
    expect(report.outputs.size).toBe(String(stored.length));
    const manifest = JSON.parse((await getObject(manifestKey)).toString('utf8')) as BackupManifest;
    expectManifest(
      manifest,
      { id, key: `${DB}/${id}.dump.zst.age`, size: stored.length, sha: sha256(stored), tables: ROWS },
      'part-md5',
    );
    expect(manifest.object.encryption).toEqual({ method: 'age', recipients: [recipientFingerprint(recipient)] });

    const [objectHead, manifestHead] = await Promise.all([head(key), head(manifestKey)]);
    expect(manifestHead.LastModified!.getTime()).toBeGreaterThanOrEqual(objectHead.LastModified!.getTime());
    expect(objectHead.ContentLength).toBe(stored.length);

    const file = path.join(work, `s3-${id}.dump.zst.age`);
    await fs.writeFile(file, stored);
    const restored = await restoreWithShell(
      `age -d -i ${q(identityFile)} ${q(file)} | zstd -d -c | pg_restore --no-owner -d "$TARGET"`,
      'restored_s3',
    );
    expect(restored).toEqual(ROWS);
  });

  test('explicit s3-checksum WHEN_REQUIRED and the AWS_* environment variables instead of inputs', async () => {
    const { report } = await backupRun(
      { to: `s3://${BUCKET}/env`, compression: 'gzip', 's3-checksum': 'WHEN_REQUIRED' },
      {
        AWS_ENDPOINT_URL: s3.endpoint,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_REGION: s3.region,
      },
    );
    const id = report.outputs['backup-id']!;
    const stored = await getObject(`env/${DB}/${id}.dump.gz`);
    expect(report.outputs.sha256).toBe(sha256(stored));
    // Unencrypted gzip: gunzip gives a custom-format archive.
    expect(zlib.gunzipSync(stored).subarray(0, 5).toString()).toBe('PGDMP');
    const manifest = JSON.parse((await getObject(`env/${DB}/${id}.manifest.json`)).toString('utf8')) as BackupManifest;
    expect(manifest.object.sha256).toBe(sha256(stored));
  });
});

describe('S3 object options', () => {
  test('s3-sse and s3-storage-class reach every write of the backup as the headers S3 reads', async () => {
    const before = s3.requests.length;
    const { report } = await backupRun({
      to: `s3://${BUCKET}/sse`,
      's3-endpoint': s3.endpoint,
      's3-access-key-id': s3.accessKeyId,
      's3-secret-access-key': s3.secretAccessKey,
      's3-sse': 'AES256',
      's3-storage-class': 'STANDARD_IA',
    });
    const id = report.outputs['backup-id']!;
    // The object (a multipart upload or a single PUT) and the manifest: each write names the encryption and class.
    const writes = s3.requests
      .slice(before)
      .filter((r) => (r.method === 'PUT' && !r.query.partNumber) || (r.method === 'POST' && 'uploads' in r.query));
    expect(writes.map((r) => r.path.split('/').pop()).sort()).toEqual([`${id}.dump.zst`, `${id}.manifest.json`]);
    for (const write of writes) {
      expect(write.headers['x-amz-server-side-encryption']).toBe('AES256');
      expect(write.headers['x-amz-storage-class']).toBe('STANDARD_IA');
    }
  });
});

describe('connection inputs', () => {
  test('discrete host, port, dbname, user and password instead of a URL', async () => {
    const { report } = await backupRun({
      'database-url': undefined,
      host: pgServer.host,
      port: String(pgServer.port),
      dbname: DB,
      user: pgServer.superuser,
      password: pgServer.password,
      to: path.join(work, 'discrete'),
    });
    expect(report.json).toMatchObject({ database: DB, source: { host: pgServer.host, port: pgServer.port } });
  });

  test("dbname overrides the URL's database, and PGPASSWORD fills in a URL without a password", async () => {
    const withoutPassword = `postgres://${encodeURIComponent(pgServer.superuser)}@${pgServer.host}:${pgServer.port}/postgres`;
    const { report } = await backupRun(
      { 'database-url': withoutPassword, dbname: DB, to: path.join(work, 'override') },
      { PGPASSWORD: pgServer.password },
    );
    expect(report.json).toMatchObject({ database: DB });
  });
});

describe('the zstd codec', () => {
  // The default is the `zstd` command wherever it is installed (the tests install it), zlib's zstd (Node >= 22.15)
  // otherwise; preferCommand / preferZlib force one. Each available path is round-tripped against the real zstd
  // CLI in both directions.
  const data = Buffer.concat([randomBytes(300_000), Buffer.alloc(700_000, 'dbops '), randomBytes(50_000)]);

  test('with the zstd command installed, the default compressor is a zstd child process', async () => {
    const builtin = typeof (zlib as unknown as { createZstdCompress?: unknown }).createZstdCompress === 'function';
    expect(hasBuiltinZstd()).toBe(builtin);
    expect(hasZstdCommand()).toBe(true);
    const before = childrenNamed('zstd');
    const compressor = createCompressor('zstd', 3)!;
    const output = collect(compressor);
    compressor.write(data.subarray(0, 1000));
    const during = childrenNamed('zstd').filter((pid) => !before.includes(pid));
    compressor.end();
    expect(sha256(await runShell('zstd -d -c', { input: await output, binary: true }))).toBe(
      sha256(data.subarray(0, 1000)),
    );
    expect(during).toHaveLength(1);
  });

  test.each([
    ['the zstd command (preferCommand)', { preferCommand: true }],
    ['the default path', {}],
    ...(hasBuiltinZstd() ? [['zlib (preferZlib)', { preferZlib: true }] as [string, object]] : []),
  ])('%s: compressor → zstd -d, and zstd → decompressor', async (_label, options) => {
    const compressed = await collect(Readable.from(pieces(data)).pipe(createCompressor('zstd', 5, options)!));
    expect(compressed.length).toBeLessThan(data.length);
    const viaCli = await runShell('zstd -d -c', { input: compressed, binary: true });
    expect(sha256(viaCli)).toBe(sha256(data));

    const fromCli = await runShell('zstd -3 -c', { input: data, binary: true });
    const back = await collect(Readable.from(pieces(fromCli)).pipe(createDecompressor('zstd', options)!));
    expect(sha256(back)).toBe(sha256(data));
  });

  test('the command path fails loudly on input that is not zstd', async () => {
    const decompressor = createDecompressor('zstd', { preferCommand: true })!;
    await expect(
      pipeline(
        Readable.from([Buffer.from('this is not a zstd frame at all')]),
        decompressor, // biome-ignore lint/correctness/useYield: a sink that drains the stream and yields nothing
        async function* (source) {
          for await (const _ of source) {
            // drain
          }
        },
      ),
    ).rejects.toThrow(/zstd failed/);
  });
});

// ---------------------------------------------------------------------------------------------------------

function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The definition falls back to DATABASE_URL, AWS_* and DBOPS_* variables: keep the caller's out of the test.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(PG|AWS_|DATABASE_URL|DBOPS_)/.test(k)),
  );
  return { ...clean, ...extra };
}

async function backupRun(
  inputs: RawInputs,
  env: Record<string, string> = {},
): Promise<{ report: ActionReport; log: MemoryLogger }> {
  const log = new MemoryLogger();
  const report = await backupDefinition.run(
    { 'database-url': pgServer.url(DB), ...inputs },
    { log, secrets: new Secrets(), env: testEnv(env), signal: new AbortController().signal },
  );
  return { report, log };
}

function expectManifest(
  manifest: BackupManifest,
  expected: { id: string; key: string; size: number; sha: string; tables: Record<string, number> },
  // How the storage checked what it stored: local files as they are written, S3 by each part's MD5 (ETag).
  storedCheck: 'read-behind' | 'part-md5' = 'read-behind',
): void {
  expect(manifest).toMatchObject({
    formatVersion: 1,
    backupId: expected.id,
    name: DB,
    engine: 'postgresql',
    database: DB,
    source: { host: pgServer.host, port: pgServer.port },
    dumpTool: { name: 'pg_dump' },
    object: { key: expected.key, format: 'pg_dump-custom', storedBytes: expected.size, sha256: expected.sha },
    verification: {
      checksumReread: storedCheck === 'read-behind',
      storedCheck,
      archiveListed: true,
      tableDataEntries: Object.keys(expected.tables).length,
      expectedTables: Object.keys(expected.tables).length,
    },
  });
  expect(manifest.serverVersion).toMatch(new RegExp(`^${pgServer.majorVersion}\\b`));
  expect(manifest.dumpTool.version).toMatch(/^\d+/);
  expect(Number(manifest.dumpTool.version.split('.')[0])).toBeGreaterThanOrEqual(pgServer.majorVersion);
  expect(Date.parse(manifest.finishedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt));
  expect(manifest.object.rawBytes).toBeGreaterThan(0);
  const tables = Object.fromEntries(manifest.tables.map((t) => [`${t.schema}.${t.name}`, t.rows]));
  expect(tables).toEqual(expected.tables);
  expect(manifest.toc.byType['TABLE DATA']).toBe(Object.keys(expected.tables).length);
  expect(manifest.toc.byType.TABLE).toBe(Object.keys(expected.tables).length);
  expect(manifest.toc.entries).toBe(Object.values(manifest.toc.byType).reduce((a, b) => a + b, 0));
  expect(JSON.stringify(manifest)).not.toContain(pgServer.password);
  expect(JSON.stringify(manifest)).not.toContain(encodeURIComponent(pgServer.password));
}

/** Creates a fresh database, runs `script` with $TARGET naming it (the password goes through PGPASSWORD), returns row counts. */
async function restoreWithShell(script: string, database: string): Promise<Record<string, number>> {
  await pgServer.createDatabase(database);
  await runShell(script, {
    env: {
      TARGET: database,
      PGHOST: pgServer.host,
      PGPORT: String(pgServer.port),
      PGUSER: pgServer.superuser,
      PGPASSWORD: pgServer.password,
    },
  });
  const counts: Record<string, number> = {};
  for (const name of Object.keys(ROWS)) {
    const [schema, table] = name.split('.') as [string, string];
    const [row] = await pgServer.query<{ n: string }>(`select count(*) as n from "${schema}"."${table}"`, [], database);
    counts[name] = Number(row!.n);
  }
  return counts;
}

function runShell(
  script: string,
  options: { input?: string | Buffer; env?: Record<string, string>; binary?: boolean } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-ec', script], {
      env: { ...testEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${script} exited ${code}: ${err}`)),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

async function getObject(key: string): Promise<Buffer> {
  const output = await s3client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await output.Body!.transformToByteArray());
}

function head(key: string) {
  return s3client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function* pieces(data: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Pids of this process's children whose command name is `name`. */
function childrenNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === name && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** Single-quotes a value for bash. */
function q(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
