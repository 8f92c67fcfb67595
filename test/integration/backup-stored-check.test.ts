// How a backup proves that the storage holds what it sent, without reading the object back after the upload
// (issue 17: the guarantees may not cost wall time). Real PostgreSQL, real s3rver; the S3 server is made to behave as
// other servers do (ETags that are no MD5, a server that damages a stored part) through test/harness/s3.ts.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { backup, DbopsError, FULL_SCOPE, MemoryLogger, parsePgTarget, Secrets, type BackupResult } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { s3Options, startS3Server, type S3Server } from '../harness/s3.js';

const BUCKET = 'checked';
const MiB = 1024 * 1024;
let pg: PostgresServer;
let s3: S3Server;
let work: string;

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3Server()]);
  await s3.createBucket(BUCKET);
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-stored-check-'));
  // md5 text compresses about 2x: the dump is stored in two or more 5 MiB parts.
  await pg.query(
    `create table notes (id int primary key, body text);
     insert into notes select g, (select string_agg(md5(g::text || ':' || i), '') from generate_series(1, 32) i)
       from generate_series(1, 12000) g`,
  );
});
afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  await fs.rm(work, { recursive: true, force: true });
});
afterEach(() => s3.alterUploads(undefined));

function runBackup(to: string, jobs?: number): Promise<BackupResult> {
  return backup({
    target: parsePgTarget({ url: pg.url() }),
    to,
    name: 'app',
    compression: 'zstd',
    compressionLevel: 1,
    recipients: [],
    scope: FULL_SCOPE,
    pgDumpArgs: [],
    ...(jobs ? { jobs } : {}),
    exactCountMaxBytes: 1 << 30,
    ...(to.startsWith('s3://') ? { s3: { ...s3Options(s3), partSizeBytes: 5 * MiB } } : {}),
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
  });
}

/** GET requests for the backup's object (stored under `prefix`): a read-back. */
function readsOf(prefix: string, result: BackupResult, since: number): number {
  const key = `/${BUCKET}/${prefix}/${result.manifest.object.key}`;
  return s3.requests.slice(since).filter((r) => r.method === 'GET' && r.path === key).length;
}

async function storedObject(key: string): Promise<Buffer> {
  return Buffer.from(await (await fetch(`${s3.endpoint}/${BUCKET}/${key}`)).arrayBuffer());
}

test('to S3: every part checked by its MD5 (ETag), nothing read back, the object is what was sent', async () => {
  const since = s3.requests.length;
  const result = await runBackup(`s3://${BUCKET}/plain`);
  expect(result.manifest.verification).toMatchObject({ storedCheck: 'part-md5', checksumReread: false });
  expect(s3.requests.slice(since).filter((r) => r.method === 'PUT' && r.query.partNumber).length).toBeGreaterThan(1);
  expect(readsOf('plain', result, since)).toBe(0);
  const stored = await storedObject(`plain/${result.manifest.object.key}`);
  expect(createHash('sha256').update(stored).digest('hex')).toBe(result.sha256);
});

test('to S3 whose ETags are no MD5 (as under SSE-KMS): the object is read back instead, and the backup stands', async () => {
  s3.alterUploads('object-etag-not-md5');
  const since = s3.requests.length;
  const result = await runBackup(`s3://${BUCKET}/kms`);
  expect(result.manifest.verification).toMatchObject({ storedCheck: 'reread', checksumReread: true });
  expect(readsOf('kms', result, since)).toBe(1);
});

test('to S3 that damages a part it stored (after hashing what it received): the backup fails and leaves nothing', async () => {
  s3.alterUploads('corrupt-stored-parts');
  const error = (await runBackup(`s3://${BUCKET}/damaged`).catch((e: unknown) => e)) as DbopsError;
  expect(error).toBeInstanceOf(DbopsError);
  expect(error.code).toBe('VERIFY_FAILED');
  expect(error.message).toMatch(/does not match what was sent/);
  s3.alterUploads(undefined);
  const listing = await (await fetch(`${s3.endpoint}/${BUCKET}?prefix=damaged/`)).text();
  expect(listing).not.toMatch(/<Key>/);
});

test('to a local directory: each write read back as it is written, and the file is what was sent', async () => {
  const to = path.join(work, 'local');
  const result = await runBackup(to);
  expect(result.manifest.verification).toMatchObject({ storedCheck: 'read-behind', checksumReread: true });
  const stored = await fs.readFile(path.join(to, result.manifest.object.key));
  expect(createHash('sha256').update(stored).digest('hex')).toBe(result.sha256);
});

test('jobs: 2 to S3, one part read back after its answer was lost: the backup records the weakest check, part-md5', async () => {
  // The table's data file (a multipart upload) is completed, its answer lost: the retry finds it stored, with no
  // ETag seen, so that part is read back; toc.dat is checked by its ETag.
  s3.loseResponse(
    ({ method, path: at, query }) => method === 'POST' && typeof query.uploadId === 'string' && /\/\d+\.dat/.test(at),
  );
  const since = s3.requests.length;
  let result: BackupResult;
  try {
    result = await runBackup(`s3://${BUCKET}/parallel-retried`, 2);
  } finally {
    s3.loseResponse(undefined);
  }
  const completions = s3.requests
    .slice(since)
    .filter((r) => r.method === 'POST' && typeof r.query.uploadId === 'string');
  expect(completions.filter((r) => /\/\d+\.dat/.test(r.path))).toHaveLength(2); // the lost one and the retry
  const parts = result.manifest.parts ?? [];
  expect(parts.length).toBeGreaterThan(0);
  const readBack = parts.filter((p) => readsOfKey(`parallel-retried/${p.key}`, since) > 0);
  expect(readBack).toHaveLength(1); // the part whose answer was lost, and only it
  expect(readsOfKey(`parallel-retried/${result.manifest.object.key}`, since)).toBe(0); // toc.dat: its ETag
  expect(result.manifest.verification).toMatchObject({ storedCheck: 'part-md5', checksumReread: false });
});

/** GET requests for `key` since `since`. */
function readsOfKey(key: string, since: number): number {
  return s3.requests.slice(since).filter((r) => r.method === 'GET' && r.path === `/${BUCKET}/${key}`).length;
}
