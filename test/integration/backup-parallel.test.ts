// Parallel dumps (issue 17, part 3): `jobs` dumps with pg_dump's directory format and -j in one snapshot, each file
// stored as a part of one backup. restore-test and restore read it, the by-hand route of docs/parallel-backups.md
// works, bad `jobs` values are refused by name, and a killed dump leaves nothing that looks like a backup.
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  backupDefinition,
  DbopsError,
  MemoryLogger,
  restoreDefinition,
  restoreTestDefinition,
  Secrets,
  type BackupManifest,
  type RawInputs,
} from '../../packages/core/src/index.js';
import { databaseContents } from '../harness/database-snapshot.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { childPids, killQuietly } from '../harness/processes.js';
import { mountSmallDisk, smallDiskAvailable } from '../harness/small-disk.js';
import { startS3Server, type S3Server, s3Client } from '../harness/s3.js';

const run = promisify(execFile);
const BUCKET = 'dbops-parallel';
const DB = 'shop';
const TABLES = 8;

let server: PostgresServer;
let s3: S3Server;
let s3client: S3Client;
let work: string;
let keyFile: string;
let recipient: string;
let realBinDir: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-parallel-'));
  [server, s3] = await Promise.all([startPostgres(), startS3Server()]);
  await s3.createBucket(BUCKET);
  s3client = s3Client(s3);
  realBinDir = existsSync(path.join(server.binDir, 'pg_dump'))
    ? server.binDir
    : path.dirname((await run('bash', ['-c', 'command -v pg_dump'])).stdout.trim());
  keyFile = path.join(work, 'key.txt');
  await run('age-keygen', ['-o', keyFile]);
  recipient = (await run('age-keygen', ['-y', keyFile])).stdout.trim();

  await server.createDatabase(DB);
  // Several tables of different sizes (one empty, one with a name that needs quoting), a foreign key, a sequence
  // and a large object: what a directory archive spreads over files of its own.
  const tables = Array.from(
    { length: TABLES },
    (_, i) =>
      `create table public.t${i} (id int primary key, body text);
       insert into public.t${i} select g, repeat(md5((g * ${i + 1})::text), ${i + 1}) from generate_series(1, ${i * 3000}) g;`,
  ).join('\n');
  await server.query(
    `${tables}
     create table public."Order Lines" (id serial primary key, t1 int references public.t1, qty int);
     insert into public."Order Lines" (t1, qty) select g, g % 7 from generate_series(1, 500) g;
     create sequence public.invoice_no; select setval('public.invoice_no', 4242);
     select lo_from_bytea(0, 'a large object');
     analyze;`,
    [],
    DB,
  );
}, 180_000);

afterAll(async () => {
  s3client?.destroy();
  await Promise.all([server?.stop(), s3?.stop()]);
  if (work) await fs.rm(work, { recursive: true, force: true });
});

function context(env: NodeJS.ProcessEnv = process.env) {
  return { log: new MemoryLogger(), secrets: new Secrets(), env, signal: new AbortController().signal };
}

function s3Inputs(): RawInputs {
  return {
    's3-endpoint': s3.endpoint,
    's3-access-key-id': s3.accessKeyId,
    's3-secret-access-key': s3.secretAccessKey,
  };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const { Contents = [] } = await s3client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return Contents.map((o) => o.Key ?? '').sort();
}

async function uploadsUnder(prefix: string): Promise<string[]> {
  const { Uploads = [] } = await s3client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
  return Uploads.map((u) => u.Key ?? '');
}

async function expectError(promise: Promise<unknown>, code: string): Promise<DbopsError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(caught instanceof DbopsError)) throw new Error(`expected a DbopsError ${code}, got ${String(caught)}`);
  if (caught.code !== code) throw new Error(`expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

describe('a backup with jobs: 2 to S3', () => {
  let manifest: BackupManifest;
  let outputs: Record<string, string>;
  const prefix = 'parallel';

  beforeAll(async () => {
    const report = await backupDefinition.run(
      {
        'database-url': server.url(DB),
        to: `s3://${BUCKET}/${prefix}`,
        jobs: '2',
        'encrypt-to': recipient,
        ...s3Inputs(),
      },
      context(),
    );
    manifest = report.json as BackupManifest;
    outputs = report.outputs;
  }, 120_000);

  test('is one manifest over one stored, checksummed part per file of the directory archive', async () => {
    expect(manifest.object.format).toBe('pg_dump-directory');
    const id = manifest.backupId;
    expect(manifest.object.key).toBe(`${DB}/${id}/toc.dat.zst.age`);
    // One data file per table (the empty one too) and the large object's files.
    const dataFiles = manifest.parts!.filter((p) => /^\d+\.dat$/.test(p.file));
    expect(dataFiles).toHaveLength(TABLES + 1);
    expect(manifest.parts!.map((p) => p.file)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^blob_\d+\.dat$/)]),
    );
    const stored = await keysUnder(`${prefix}/${DB}/`);
    expect(stored).toEqual(
      [
        `${prefix}/${DB}/${id}.manifest.json`,
        `${prefix}/${manifest.object.key}`,
        ...manifest.parts!.map((p) => `${prefix}/${p.key}`),
      ].sort(),
    );
    for (const part of manifest.parts!) {
      expect(part.key).toBe(`${DB}/${id}/${part.file}.zst.age`);
      expect(part.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(manifest.tables).toHaveLength(TABLES + 1);
    // Every part checked by the MD5 the server computed of it (its ETag): none read back.
    expect(manifest.verification).toMatchObject({
      checksumReread: false,
      storedCheck: 'part-md5',
      archiveListed: true,
      tableDataEntries: 9,
    });
    const total = [manifest.object, ...manifest.parts!].reduce((sum, p) => sum + p.storedBytes, 0);
    expect(outputs.size).toBe(String(total));
    expect(outputs.location).toBe(`s3://${BUCKET}/${prefix}/${DB}/${id}`);
    expect(await uploadsUnder(`${prefix}/`)).toEqual([]);
  });

  test('its manifest validates against docs/manifest.schema.json', () => {
    const require = createRequire(import.meta.url);
    type Validator = ((data: unknown) => boolean) & { errors?: unknown };
    const Ajv2020 = require('ajv/dist/2020').default as new (o: object) => { compile(s: object): Validator };
    const addFormats = require('ajv-formats').default as (ajv: object) => void;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(path.join(process.cwd(), 'docs/manifest.schema.json'), 'utf8'));
    const validate = ajv.compile(schema);
    expect({ valid: validate(manifest), errors: validate.errors }).toEqual({ valid: true, errors: null });
  });

  test('restore-test restores it and passes', async () => {
    const report = await restoreTestDefinition.run(
      {
        from: `s3://${BUCKET}/${prefix}`,
        'target-url': server.url('postgres'),
        'backup-id': manifest.backupId,
        'decrypt-with': keyFile,
        jobs: '2',
        ...s3Inputs(),
      },
      context(),
    );
    const result = report.json as { passed: boolean; checks: Array<{ name: string; passed: boolean }> };
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(result.passed).toBe(true);
  }, 120_000);

  test('restore into a fresh database reproduces the source exactly', async () => {
    await server.createDatabase('restored');
    await restoreDefinition.run(
      {
        from: `s3://${BUCKET}/${prefix}`,
        'target-url': server.url('restored'),
        'backup-id': manifest.backupId,
        'decrypt-with': keyFile,
        ...s3Inputs(),
      },
      context(),
    );
    expect(await databaseContents(server.url('restored'))).toEqual(await databaseContents(server.url(DB)));
  }, 120_000);

  test('by hand, as docs/parallel-backups.md says: age -d | zstd -d each part into a directory, pg_restore -j 2', async () => {
    const downloaded = path.join(work, 'downloaded');
    const archive = path.join(work, 'archive');
    await fs.mkdir(downloaded);
    await fs.mkdir(archive);
    for (const key of await keysUnder(`${prefix}/${DB}/${manifest.backupId}/`)) {
      const { Body } = await s3client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      await fs.writeFile(path.join(downloaded, path.basename(key)), await Body!.transformToByteArray());
    }
    // The documented loop, word for word.
    await run(
      'sh',
      [
        '-c',
        'for f in "$1"/*.zst.age; do age -d -i "$2" "$f" | zstd -d -q -o "$3/$(basename "$f" .zst.age)" || exit 1; done',
        'sh',
        downloaded,
        keyFile,
        archive,
      ],
      { env: process.env },
    );
    await server.createDatabase('by_hand');
    await run(
      path.join(realBinDir, 'pg_restore'),
      ['-j', '2', '-d', 'by_hand', '--no-owner', '--exit-on-error', archive],
      {
        env: {
          ...process.env,
          PGHOST: server.host,
          PGPORT: String(server.port),
          PGUSER: server.superuser,
          PGPASSWORD: server.password,
        },
      },
    );
    expect(await databaseContents(server.url('by_hand'))).toEqual(await databaseContents(server.url(DB)));
  }, 120_000);
});

test.each([
  ['0', /'0' is out of range/],
  ['abc', /'abc' is not a whole number/],
  ['65', /'65' is out of range/],
])('jobs: %s is refused naming the input and the valid form', async (jobs, problem) => {
  const to = path.join(work, `bad-jobs-${jobs}`);
  const error = await expectError(
    backupDefinition.run({ 'database-url': server.url(DB), to, jobs, 'encrypt-to': recipient }, context()),
    'INVALID_INPUT',
  );
  expect(error.input).toBe('jobs');
  expect(error.message).toMatch(problem);
  expect(`${error.message} ${error.hint ?? ''}`).toMatch(/whole number from 1 to 64/);
  expect(existsSync(to)).toBe(false);
});

test('jobs above 1 with a passphrase is refused before anything is dumped', async () => {
  const to = path.join(work, 'passphrase');
  const error = await expectError(
    backupDefinition.run(
      { 'database-url': server.url(DB), to, jobs: '2', 'encrypt-passphrase': 'correct horse battery staple' },
      context(),
    ),
    'INVALID_INPUT',
  );
  expect(error.input).toBe('jobs');
  expect(error.message).toMatch(/encrypt-passphrase/);
  expect(await fs.readdir(to).catch(() => [])).toEqual([]);
});

(smallDiskAvailable ? test : test.skip)(
  'a parallel dump is refused up front when TMPDIR has no room for the large objects, though it has for the tables',
  async () => {
    // A few kB of tables and 6 MB of incompressible large objects, onto a 4 MB TMPDIR: the check must count both,
    // or pg_dump starts and fails half-way when the disk fills (a dump that should not have started).
    await server.createDatabase('blobs');
    await server.query(
      `create table public.notes (id int primary key, body text);
       insert into public.notes select g, md5(g::text) from generate_series(1, 100) g;
       select lo_from_bytea(0, decode(string_agg(md5(random()::text) || md5(random()::text), ''), 'hex'))
         from generate_series(1, 6 * 1024 * 1024 / 32);
       analyze;`,
      [],
      'blobs',
    );
    const disk = await mountSmallDisk(4 << 20);
    try {
      const to = path.join(work, 'blobs-small-tmp');
      const error = await expectError(
        backupDefinition.run(
          { 'database-url': server.url('blobs'), to, jobs: '2', 'encrypt-to': recipient },
          context({ ...process.env, TMPDIR: disk.path }),
        ),
        'DUMP_FAILED',
      );
      expect(error.input).toBe('jobs');
      expect(error.message).toMatch(/needs up to .* \(the tables' and large objects' size\) of local disk/);
      expect(await fs.readdir(disk.path)).toEqual([]);
      expect(await fs.readdir(to).catch(() => [])).toEqual([]);
    } finally {
      await disk.unmount();
    }
  },
  120_000,
);

test('a killed dump leaves no manifest, no part, no multipart upload and no temp directory', async () => {
  // A pg_dump that dumps for real (its "finished item" reports hand parts over), then holds on until killed.
  const fake = path.join(work, 'fake-bin');
  await fs.mkdir(fake);
  await fs.writeFile(
    path.join(fake, 'pg_dump'),
    `#!/bin/sh\nif [ "$1" = "--version" ]; then exec "${realBinDir}/pg_dump" --version; fi\n"${realBinDir}/pg_dump" "$@" || exit $?\nexec sleep 600\n`,
    { mode: 0o755 },
  );
  for (const tool of ['pg_restore', 'psql']) await fs.symlink(path.join(realBinDir, tool), path.join(fake, tool));
  const tmp = path.join(work, 'tmp');
  await fs.mkdir(tmp);
  const prefix = 'killed';

  let killed = false;
  const killer = setInterval(async () => {
    // The wrapper's real pg_dump has finished once it is `sleep`: kill it once parts are being stored, so the dump
    // fails mid-backup with work to undo.
    const [held] = childPids(process.pid, 'sleep');
    if (held === undefined || killed) return;
    if ((await keysUnder(`${prefix}/`).catch(() => [])).length === 0) return;
    killed = true;
    killQuietly(held);
  }, 50);
  try {
    const error = await expectError(
      backupDefinition.run(
        {
          'database-url': server.url(DB),
          to: `s3://${BUCKET}/${prefix}`,
          jobs: '2',
          'pg-bin-dir': fake,
          'encrypt-to': recipient,
          ...s3Inputs(),
        },
        context({ ...process.env, TMPDIR: tmp }),
      ),
      'DUMP_FAILED',
    );
    expect(killed).toBe(true);
    expect(error.message).toMatch(/pg_dump was stopped by SIGKILL/);
  } finally {
    clearInterval(killer);
  }
  expect(await keysUnder(`${prefix}/`)).toEqual([]);
  expect(await uploadsUnder(`${prefix}/`)).toEqual([]);
  expect((await fs.readdir(tmp)).filter((f) => f.startsWith('dbops-dump-'))).toEqual([]);
}, 120_000);

test("rotation deletes a parallel backup's parts with its manifest, and keeps the newest whole", async () => {
  const to = path.join(work, 'rotated');
  const backupOnce = async () =>
    (
      await backupDefinition.run(
        { 'database-url': server.url(DB), to, jobs: '2', 'encrypt-to': recipient, 'keep-last': '1' },
        context(),
      )
    ).json as BackupManifest;
  const first = await backupOnce();
  const second = await backupOnce();
  const files = (await fs.readdir(path.join(to, DB), { recursive: true })).map(String).sort();
  // Only the second backup is left: its manifest, its folder and every one of its parts.
  expect(files).toEqual(
    [
      `${second.backupId}.manifest.json`,
      second.backupId,
      ...[second.object, ...second.parts!].map((p) => p.key.slice(DB.length + 1)),
    ].sort(),
  );
  expect(files.some((f) => f.includes(first.backupId))).toBe(false);
}, 120_000);
