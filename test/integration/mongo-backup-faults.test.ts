// Faults while a MongoDB backup runs (issue 15, "Bad input and faults"): a collection dropped or created during the
// dump, and SIGTERM to the CLI mid-backup, to S3 and to a local folder. Real FerretDB (test/harness/mongo.ts, or
// MONGO_URL) and real s3rver; the cancel of the operation itself (an AbortSignal mid-upload) is in mongo-backup.test.ts.
//
// "During the dump" is made exact by a gate in the stored stream (harness/gated-storage.ts): the backup writes to a real LocalStorage, handed to
// the operation through its seam for a storage it does not open itself (artifact://, the GitHub adapter's), whose put
// holds the object's bytes after the first MiB until the test has changed the database. The dump reads only as fast
// as storage takes its bytes (a few MiB of buffers ahead), so it is then inside `blobs`, the first of the collections,
// and has not reached the others, whatever the server's speed.
import { ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BSON, type Db } from 'mongodb';
import { FULL_SCOPE } from '../../packages/core/src/databases/engine.js';
import { readArchive } from '../../packages/core/src/databases/mongodb/archive/reader.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { DbopsError } from '../../packages/core/src/errors.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { backup, type BackupOptions, type BackupResult } from '../../packages/core/src/operations/backup.js';
import { restoreTest } from '../../packages/core/src/operations/restore-test.js';
import { backupSummary } from '../../packages/core/src/report/backup-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { gatedStorage } from '../harness/gated-storage.js';
import { cleanEnv } from '../harness/github-action.js';
import { startMongo, uniqueDatabase, urlWithPassword, type MongoServer } from '../harness/mongo.js';
import { startS3Server, type S3Server, s3Client } from '../harness/s3.js';

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv2020 = require('ajv/dist/2020').default as new (options: object) => { compile(schema: object): Validator };
const addFormats = require('ajv-formats').default as (ajv: object) => void;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'packages', 'cli', 'lib', 'main.js');
const BUCKET = 'mongo-faults';
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
/** 20 MiB of incompressible 16 KiB documents: far more than the dump's buffers hold ahead of the gate. */
const BLOB_DOCS = 1280;
/** Where the gate holds the stored stream: past the prelude, inside `blobs`. */
const GATE_BYTES = 1 << 20;
const KEEP_DOCS = 10;
const SCRATCH_DOCS = 100;

type Doc = { _id: unknown; [field: string]: unknown };

let mongo: MongoServer;
let s3: S3Server;
let s3client: S3Client;
let work: string;
let database: string;
let db: Db;

beforeAll(async () => {
  [mongo, s3] = await Promise.all([startMongo(), startS3Server()]);
  await s3.createBucket(BUCKET);
  s3client = s3Client(s3);
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-faults-'));
  database = uniqueDatabase('faults');
  db = mongo.client.db(database);
  await fillBlobs(db);
  await db.collection<Doc>('keep').insertMany(Array.from({ length: KEEP_DOCS }, (_, i) => ({ _id: i, n: i })));
  await db
    .collection<Doc>('tmp_scratch')
    .insertMany(Array.from({ length: SCRATCH_DOCS }, (_, i) => ({ _id: i, scratch: true })));
}, 300_000);

afterAll(async () => {
  await mongo?.client
    .db(database)
    .dropDatabase()
    .catch(() => undefined);
  await mongo?.stop();
  await s3?.stop();
  s3client?.destroy();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

async function fillBlobs(target: Db): Promise<void> {
  for (let i = 0; i < BLOB_DOCS; i += 256) {
    const docs = Array.from({ length: 256 }, (_, j) => ({ _id: i + j, data: new BSON.Binary(randomBytes(16 << 10)) }));
    await target.collection<Doc>('blobs').insertMany(docs);
  }
}

function options(to: string, extra: Partial<BackupOptions> & { database?: string } = {}): BackupOptions {
  const { database: name, ...rest } = extra;
  return {
    target: parseMongoTarget(urlWithPassword(mongo, name ?? database, PASSWORD), 'database-url'),
    to,
    name: 'faults',
    compression: 'none',
    compressionLevel: 0,
    recipients: [],
    scope: FULL_SCOPE,
    pgDumpArgs: [],
    exactCountMaxBytes: 1 << 30,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    ...rest,
  };
}

interface GatedRun {
  /** The backup's result, or the error it failed with. */
  outcome: BackupResult | unknown;
  /** The local folder the backup was stored in. */
  dir: string;
  log: MemoryLogger;
  /** Whether the gate opened: `during` ran while the object was being stored. */
  ran: boolean;
}

/** A backup of `name` (default: the fixture's database) into a local folder; `during` runs once the gate is reached. */
async function gatedBackup(during: () => Promise<void>, name?: string): Promise<GatedRun> {
  const dir = await fs.mkdtemp(path.join(work, 'gated-'));
  const gate = gatedStorage(dir, during, GATE_BYTES);
  const log = new MemoryLogger();
  const outcome = await backup(
    options('artifact://faults', { log, artifacts: async () => gate.storage, ...(name ? { database: name } : {}) }),
  ).catch((error: unknown) => error);
  return { dir, log, ran: gate.ran, outcome };
}

function succeeded(run: GatedRun): BackupResult {
  if (run.outcome instanceof Error) throw run.outcome;
  expect(run.ran).toBe(true); // the database really changed while the object was being stored
  return run.outcome as BackupResult;
}

/** The stored archive, read end to end (every frame and CRC checked), with its documents per collection. */
async function storedArchive(file: string) {
  const documents = new Map<string, number>();
  const contents = await readArchive(createReadStream(file), {
    document(_db, collection) {
      documents.set(collection, (documents.get(collection) ?? 0) + 1);
    },
  });
  return { contents, documents };
}

/** Every file under dir, recursively, temp files included. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

function manifestValidator(): Promise<Validator> {
  return fs.readFile(path.join(ROOT, 'docs/manifest.schema.json'), 'utf8').then((text) => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    return ajv.compile(JSON.parse(text));
  });
}

describe('a collection dropped and another created while the dump reads', () => {
  let run: GatedRun;
  let result: BackupResult;

  beforeAll(async () => {
    run = await gatedBackup(async () => {
      await db.collection('tmp_scratch').drop();
      await db.collection<Doc>('c_new').insertMany([{ _id: 1 }, { _id: 2 }]);
    });
    result = succeeded(run);
  }, 300_000);

  test('the backup completes and names the dropped collection: droppedDuringBackup in the manifest, a warning in the log and the summary', async () => {
    const collections = result.manifest.mongodb!.collections;
    expect(collections.map((c) => [c.name, c.documents, c.documentsBefore, c.droppedDuringBackup])).toEqual([
      ['blobs', BLOB_DOCS, BLOB_DOCS, undefined],
      ['keep', KEEP_DOCS, KEEP_DOCS, undefined],
      ['tmp_scratch', 0, SCRATCH_DOCS, true],
    ]);
    const stored = JSON.parse(
      await fs.readFile(path.join(run.dir, 'faults', `${result.backupId}.manifest.json`), 'utf8'),
    );
    expect(stored).toEqual(JSON.parse(JSON.stringify(result.manifest)));
    const validate = await manifestValidator();
    expect(validate(stored) ? [] : validate.errors).toEqual([]);

    const warnings = run.log.lines.filter((l) => l.startsWith('warn: ') && l.includes('dropped during the backup'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${database}.tmp_scratch was dropped during the backup`);
    expect(warnings[0]).toContain('the 0 documents read before the drop');

    const summary = backupSummary(result);
    expect(summary.status).toBe('warning');
    const rendered = renderSummary([summary]);
    expect(rendered).toContain('Dropped during the backup');
    expect(rendered).toContain('`tmp_scratch` (0 documents)');
  });

  test('a collection created during the dump is not in the backup, and nothing says it is: the manifest lists what the archive holds', async () => {
    expect(await db.collection('c_new').countDocuments()).toBe(2); // it was created, while the dump ran
    const { contents, documents } = await storedArchive(path.join(run.dir, result.manifest.object.key));
    const collections = result.manifest.mongodb!.collections;
    expect(contents.namespaces.map((ns) => [ns.collection, ns.documents])).toEqual(
      collections.map((c) => [c.name, c.documents]),
    );
    expect([...documents.keys()].sort()).toEqual(['blobs', 'keep']);
    expect(result.manifest.tables.map((t) => t.name)).toEqual(['blobs', 'keep', 'tmp_scratch']);
    expect(JSON.stringify(result.manifest)).not.toContain('c_new');
    expect(run.log.lines.join('\n')).not.toContain('c_new');
  });
});

describe('SIGTERM to `dbops backup` mid-backup', () => {
  test('to S3: exit 143, CANCELLED, no object, no manifest, no multipart upload, no password in the output', async () => {
    const prefix = 'sigterm';
    // Each part's upload is held until the signal is sent: the run is mid-upload, whatever the server's speed.
    let signalled!: () => void;
    const sent = new Promise<void>((resolve) => (signalled = resolve));
    let held = false;
    s3.beforeEach(async (request) => {
      if (!request.path.includes(`/${prefix}/`) || request.query.partNumber === undefined) return;
      held = true;
      await sent;
    });
    try {
      const run = await interruptCli(
        ['--to', `s3://${BUCKET}/${prefix}`, '--s3-endpoint', s3.endpoint],
        { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey },
        async () => held,
        signalled,
      );
      expectCancelled(run);
      const listed = await s3client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
      expect(listed.Contents ?? []).toEqual([]);
      const uploads = await s3client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: `${prefix}/` }));
      expect(uploads.Uploads ?? []).toEqual([]);
    } finally {
      s3.beforeEach(undefined);
    }
  }, 120_000);

  test('to a local folder: exit 143, CANCELLED, no file left (not even the partial one), no password in the output', async () => {
    const dir = path.join(work, 'sigterm-local');
    const run = await interruptCli(
      ['--to', dir],
      {},
      // The object's temp file exists from the first byte stored to the last: the dump is running.
      async () => (await filesUnder(dir)).some((f) => /\.partial-/.test(f)),
    );
    expectCancelled(run);
    expect(await filesUnder(dir)).toEqual([]);
  }, 120_000);
});

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `dbops backup --json` of the fixture's database as a child process; SIGTERM as soon as `midRun` holds (polled),
 * then `afterSignal`. Fails if the run ended before the signal could be sent.
 */
async function interruptCli(
  args: string[],
  env: Record<string, string>,
  midRun: () => Promise<boolean>,
  afterSignal: () => void = () => undefined,
): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, 'backup', '--json', ...args], {
    cwd: work,
    env: { ...cleanEnv(), DATABASE_URL: urlWithPassword(mongo, database, PASSWORD), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<NonNullable<typeof exit>>((resolve) =>
    child.on('close', (code, signal) => resolve((exit = { code, signal }))),
  );
  let signalled = false;
  while (!exit) {
    if (await midRun().catch(() => false)) {
      child.kill('SIGTERM');
      signalled = true;
      afterSignal();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const { code, signal } = await exited;
  if (!signalled) throw new Error(`the backup ended (exit ${code}) before it could be signalled:\n${stderr}`);
  return { code, signal, stdout, stderr };
}

function expectCancelled(run: CliRun): void {
  // The CLI exits by itself after cleaning up, with 128 + SIGTERM as a shell reports it; not killed by the signal.
  expect(run.signal).toBeNull();
  expect(run.code).toBe(143);
  expect(run.stderr).toContain('Received SIGTERM');
  expect(run.stderr).toMatch(/error \[CANCELLED\]/);
  expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'CANCELLED' } });
  for (const output of [run.stdout, run.stderr]) {
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(encodeURIComponent(PASSWORD));
  }
}

test('a collection dropped while it is read: the backup completes with the documents read before, marked dropped, and restore-tests clean', async () => {
  const run = await gatedBackup(() =>
    db
      .collection('blobs')
      .drop()
      .then(() => undefined),
  );
  const result = succeeded(run);
  const blobs = result.manifest.mongodb!.collections.find((c) => c.name === 'blobs')!;
  expect(blobs).toMatchObject({ droppedDuringBackup: true, documentsBefore: BLOB_DOCS });
  // Some were read before the drop (past the gate), not all (the dump's buffers hold a few MiB, not 20).
  expect(blobs.documents).toBeGreaterThan(0);
  expect(blobs.documents).toBeLessThan(BLOB_DOCS);
  expect(run.log.lines.join('\n')).toContain(
    `${database}.blobs was dropped during the backup: the archive keeps the ${blobs.documents} documents`,
  );
  const { documents } = await storedArchive(path.join(run.dir, result.manifest.object.key));
  expect(documents.get('blobs')).toBe(blobs.documents);
  expect(result.manifest.mongodb!.collections.filter((c) => c.droppedDuringBackup).map((c) => c.name)).toEqual([
    'blobs',
  ]);

  // The archive is what the manifest says: a restore test of it passes every check.
  const tested = await restoreTest({
    from: run.dir,
    name: 'faults',
    target: parseMongoTarget(urlWithPassword(mongo, 'admin', PASSWORD), 'target-url'),
    decryption: { identities: [] },
    checks: [],
    keep: false,
    record: false,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
  });
  expect(tested.checks.filter((c) => !c.passed)).toEqual([]);
  expect(tested.passed).toBe(true);
}, 300_000);

test('every collection dropped while the dump runs (the database dropped): the backup fails naming them, and stores nothing', async () => {
  const doomed = uniqueDatabase('doomed');
  await fillBlobs(mongo.client.db(doomed));
  const run = await gatedBackup(
    () =>
      mongo.client
        .db(doomed)
        .dropDatabase()
        .then(() => undefined),
    doomed,
  );
  expect(run.ran).toBe(true);
  expect(run.outcome).toBeInstanceOf(DbopsError);
  const error = run.outcome as DbopsError;
  expect(error.code).toBe('DUMP_FAILED');
  expect(error.message).toBe(`Every collection of ${doomed} was dropped during the backup (blobs)`);
  expect(`${error.message} ${error.hint}`).not.toContain(PASSWORD);
  expect(await filesUnder(run.dir)).toEqual([]);
}, 300_000);
