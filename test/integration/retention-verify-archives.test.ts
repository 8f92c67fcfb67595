// `dbops retention-verify` checks the archives its receipts name, on a real PostgreSQL and S3 server: a purge with
// archive-to (rows in batches, and partitions dropped whole) verifies; a deleted archive object fails naming it and
// the receipt entry; an object overwritten with other bytes fails naming the checksum mismatch; a missing manifest
// is named too.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { openStorage, type Storage } from '@dbops/core';
import { runCli } from '../harness/cli.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';
import { type S3Server, startS3Server } from '../harness/s3.js';

const DB = 'app';
const RECEIPTS = 's3://receipts/prod';

let server: PostgresServer;
let s3: S3Server;
let dir: string;
let env: NodeJS.ProcessEnv;
let archive: Storage;

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => server.query<T>(sql, params, DB);
const verify = () => runCli(['retention-verify', '--receipts', RECEIPTS, '--json'], env);

interface ReceiptArchive {
  location: string;
  manifest: string;
  bytes: number;
  sha256: string;
}

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  s3 = await startS3Server();
  await s3.createBucket('receipts');
  await s3.createBucket('archive');
  env = {
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    DBOPS_ENCRYPT_PASSPHRASE: 'archive passphrase for the verify test',
  };
  archive = await openStorage('s3://archive', {
    inputName: 'archive-to',
    s3: s3Options(),
  });
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-verify-archives-'));
  // 30 audit rows, rows 11..30 past 365 days (2 batches of 10); page_views: two old months dropped whole, recent rows
  // in the default partition.
  await q(`CREATE TABLE audit_log (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text NOT NULL);
    INSERT INTO audit_log SELECT i, now() - i * interval '20 days', 'note-' || i FROM generate_series(1, 30) i;
    CREATE TABLE page_views (id bigint NOT NULL, viewed_at timestamptz NOT NULL, path text NOT NULL,
      PRIMARY KEY (id, viewed_at)) PARTITION BY RANGE (viewed_at);
    CREATE TABLE page_views_2020_01 PARTITION OF page_views FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');
    CREATE TABLE page_views_2020_02 PARTITION OF page_views FOR VALUES FROM ('2020-02-01') TO ('2020-03-01');
    CREATE TABLE page_views_default PARTITION OF page_views DEFAULT;
    INSERT INTO page_views SELECT i, '2020-01-01T12:00:00Z'::timestamptz + i * interval '1 day', '/p/' || i
      FROM generate_series(0, 58) i;
    INSERT INTO page_views SELECT 100 + i, now() - i * interval '1 day', '/recent/' || i FROM generate_series(0, 9) i;`);
  const policyPath = join(dir, 'retention.yml');
  await writeFile(
    policyPath,
    `version: 1
defaults: { batch-size: 10 }
data:
  - name: audit-logs
    table: audit_log
    by: created_at
    keep: 365d
    archive-to: s3://archive/audit-logs
  - name: page-views
    table: page_views
    by: viewed_at
    keep: 90d
    archive-to: s3://archive/page-views
`,
  );
  const purge = await runCli(
    [
      'retention-purge',
      '--policy',
      policyPath,
      '--database-url',
      server.url(DB),
      '--dry-run',
      'false',
      '--receipts-to',
      RECEIPTS,
    ],
    env,
  );
  expect(purge.stderr).not.toContain('rror');
  expect(purge.code).toBe(0);
});

afterAll(async () => {
  await s3?.stop();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function receiptArchives(): Promise<{ batches: ReceiptArchive[]; partitions: ReceiptArchive[] }> {
  const receipts = await openStorage(RECEIPTS, { inputName: 'receipts', s3: s3Options() });
  const receipt = JSON.parse((await buffer(await receipts.get('retention/00000001.json'))).toString('utf8'));
  const audit = receipt.rules.find((r: { rule: string }) => r.rule === 'audit-logs');
  const views = receipt.rules.find((r: { rule: string }) => r.rule === 'page-views');
  return {
    batches: audit.archives,
    partitions: (views.partitionsDropped ?? []).flatMap((p: { archives?: ReceiptArchive[] }) => p.archives ?? []),
  };
}

function s3Options() {
  return { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
}

const keyOf = (location: string) => location.replace(/^s3:\/\/archive\//, '');

it('passes when every archive a receipt names is present with its size and SHA-256', async () => {
  const { batches, partitions } = await receiptArchives();
  expect(batches).toHaveLength(2);
  // 59 rows of January and February 2020 in batches of 10: 4 + 3 archive objects for the two partitions dropped.
  expect(partitions).toHaveLength(7);
  const { code, stdout, stderr } = await verify();
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(json.archivesChecked).toBe(9);
  expect(json.archiveProblems).toEqual([]);
});

it('fails naming the receipt entry and the object when an archive object is deleted', async () => {
  const { batches } = await receiptArchives();
  const gone = batches[1]!;
  const body = await archive.get(keyOf(gone.location));
  const saved = await buffer(body);
  await archive.delete(keyOf(gone.location));
  const { code, stdout, stderr } = await verify();
  expect(code).toBe(1);
  expect(JSON.parse(stdout).archiveProblems).toEqual([
    { receipt: 'retention/00000001.json', rule: 'audit-logs', location: gone.location, problem: 'is missing' },
  ]);
  expect(stderr).toContain(
    `Archive ${gone.location} named by receipt retention/00000001.json (rule 'audit-logs') is missing`,
  );
  await archive.put(keyOf(gone.location), saved);
  expect((await verify()).code).toBe(0);
});

it('fails naming the checksum mismatch when a partition archive is overwritten with other bytes', async () => {
  const { partitions } = await receiptArchives();
  const changed = partitions[0]!;
  const key = keyOf(changed.location);
  const original = await buffer(await archive.get(key));
  const other = Buffer.from(original);
  other[other.length - 1] = other[other.length - 1]! ^ 0xff; // same size, other bytes
  await archive.delete(key);
  await archive.put(key, other);
  const { code, stdout, stderr } = await verify();
  expect(code).toBe(1);
  const [problem, ...rest] = JSON.parse(stdout).archiveProblems;
  expect(rest).toEqual([]);
  expect(problem).toMatchObject({ receipt: 'retention/00000001.json', rule: 'page-views', location: changed.location });
  expect(problem.partition).toMatch(/page_views_2020_0[12]/);
  expect(problem.problem).toContain(`but the receipt records ${changed.sha256}: a checksum mismatch`);
  expect(stderr).toContain(
    `Archive ${changed.location} named by receipt retention/00000001.json (rule 'page-views', partition`,
  );
  expect(stderr).toContain('a checksum mismatch');
  await archive.delete(key);
  await archive.put(key, original);
  expect((await verify()).code).toBe(0);
});

it('names a missing manifest, which loading the rows back needs', async () => {
  const { batches } = await receiptArchives();
  const key = keyOf(batches[0]!.manifest);
  const saved = await buffer(await archive.get(key));
  await archive.delete(key);
  const { code, stdout } = await verify();
  expect(code).toBe(1);
  expect(JSON.parse(stdout).archiveProblems[0].problem).toBe(
    `is intact, but its manifest ${batches[0]!.manifest} is missing`,
  );
  await archive.put(key, saved);
});
