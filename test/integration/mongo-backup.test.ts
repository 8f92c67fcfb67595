// MongoDB backups through the real backup operation (issue 15 step 2): a mongodb:// URL selects the MongoDB
// engine, which streams a mongodump-format archive, verified while it streams, to a local folder or S3, and
// writes the manifest last. Real FerretDB (test/harness/mongo.ts, or MONGO_URL), real s3rver (test/harness/s3.ts);
// the stored archive is read back with dbops's own archive reader and compared byte for byte with the source.
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BSON, type Db } from 'mongodb';
import { engineForUrl } from '../../packages/core/src/databases/index.js';
import { FULL_SCOPE, type DumpScope } from '../../packages/core/src/databases/engine.js';
import { DbopsError } from '../../packages/core/src/errors.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { backup, type BackupOptions, type BackupResult } from '../../packages/core/src/operations/backup.js';
import { createDecompressor, type Compression } from '../../packages/core/src/pipeline/compression.js';
import { backupSummary } from '../../packages/core/src/report/backup-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { readArchive } from '../../packages/core/src/databases/mongodb/archive/reader.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { runCli } from '../harness/cli.js';
import { catchError } from '../harness/errors.js';
import {
  itUnless,
  lacking,
  mongoTool,
  mongoToolsMissing,
  startMongo,
  uniqueDatabase,
  urlWithPassword,
  type MongoServer,
} from '../harness/mongo.js';
import { startS3Server, type S3Server, s3Client } from '../harness/s3.js';

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv2020 = require('ajv/dist/2020').default as new (options: object) => { compile(schema: object): Validator };
const addFormats = require('ajv-formats').default as (ajv: object) => void;

const BUCKET = 'mongo-backups';
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
/** A document just under mongorestore's 16 MiB block limit. */
const LARGE_BYTES = 15 * 1024 * 1024;
const MANY = 20_000;
const DOTTED = 'événements.2026';

/** Fixture documents with ids of any type (the driver's default type wants an ObjectId). */
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
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-backup-'));
  database = uniqueDatabase('shop');
  db = mongo.client.db(database);
  await db.collection<Doc>('users').insertMany(
    Array.from({ length: 300 }, (_, i) => ({
      _id: i,
      email: `u${i}@example.com`,
      name: `Ünïcode ${i}`,
      tags: [i, 'x'],
    })),
  );
  await db.collection('users').createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
  await db.collection('users').createIndex({ name: 1, _id: -1 }, { name: 'name_id' });
  await db.collection<Doc>(DOTTED).insertMany([
    { _id: 'a', titre: 'déjà vu' },
    { _id: 'b', titre: '日本語' },
  ]);
  await db.createCollection('capped', { capped: true, size: 1 << 20 });
  await db.collection('capped').insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
  await db.collection<Doc>('attachments').insertOne({ _id: 'large', body: 'x'.repeat(LARGE_BYTES) });
  const events = Array.from({ length: MANY }, (_, i) => ({ _id: i, kind: i % 7, at: new Date(1_700_000_000_000 + i) }));
  for (let i = 0; i < events.length; i += 5000)
    await db.collection<Doc>('events').insertMany(events.slice(i, i + 5000));
  await db.createCollection('empty');
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

/** The fixture's collections and their document counts. */
const COUNTS: Record<string, number> = {
  attachments: 1,
  capped: 3,
  empty: 0,
  events: MANY,
  users: 300,
  [DOTTED]: 2,
};

/** The server's URL for a database, with a password (FerretDB accepts and ignores it). */
function urlFor(server: MongoServer, name: string, password = PASSWORD): string {
  return urlWithPassword(server, name, password);
}

function options(
  to: string,
  extra: Partial<BackupOptions> & { url?: string; server?: MongoServer; compression?: Compression } = {},
): BackupOptions {
  const { url, server, ...rest } = extra;
  return {
    target: parseMongoTarget(url ?? urlFor(server ?? mongo, database), 'database-url'),
    to,
    name: 'mongo',
    compression: 'zstd',
    compressionLevel: 3,
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

/** Every document of the stored archive, raw, per collection; the archive checked end to end by the reader. */
async function storedArchive(body: Readable, compression: Compression) {
  const decompressor = createDecompressor(compression);
  const stream = decompressor ? body.pipe(decompressor) : body;
  const documents = new Map<string, Buffer[]>();
  const contents = await readArchive(stream, {
    document(_db, collection, bson) {
      const list = documents.get(collection) ?? [];
      list.push(Buffer.from(bson));
      documents.set(collection, list);
    },
  });
  return { contents, documents };
}

/** A collection's documents as the server sends them (raw BSON), in a fixed order for comparison. */
async function sourceDocuments(name: string): Promise<Buffer[]> {
  const docs = (await db.collection(name).find({}, { raw: true }).toArray()) as unknown as Buffer[];
  return docs.sort(Buffer.compare);
}

/** The DbopsError a run fails with. */
async function failure(run: () => Promise<unknown>): Promise<DbopsError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DbopsError);
  return error as DbopsError;
}

describe('backup of a MongoDB database', () => {
  let local: { result: BackupResult; opts: BackupOptions; dir: string };

  beforeAll(async () => {
    const dir = path.join(work, 'local');
    const opts = options(dir);
    local = { result: await backup(opts), opts, dir };
  }, 300_000);

  test('a mongodb:// URL selects the MongoDB engine', () => {
    expect(engineForUrl(urlFor(mongo, database), 'database-url').name).toBe('mongodb');
  });

  test('the manifest describes the archive: engine, format, per-collection counts, sizes, indexes, consistency', async () => {
    const { manifest } = local.result;
    const stored = JSON.parse(
      await fs.readFile(path.join(local.dir, 'mongo', `${manifest.backupId}.manifest.json`), 'utf8'),
    );
    expect(stored).toEqual(JSON.parse(JSON.stringify(manifest)));
    expect(manifest).toMatchObject({
      engine: 'mongodb',
      database,
      dumpTool: { name: 'dbops' },
      object: { format: 'mongodump-archive', compression: { algorithm: 'zstd', level: 3 } },
      verification: { checksumReread: true, archiveListed: true, expectedTables: 6 },
    });
    expect(manifest.object.key).toMatch(/^mongo\/\d{8}T\d{6}Z-[0-9a-f]{6}\.dump\.zst$/);
    const section = manifest.mongodb!;
    expect(section.consistency).toBe('per-collection');
    expect(section.topology).toBe(mongo.kind === 'ferretdb' ? 'standalone' : expect.any(String));
    const counts = Object.fromEntries(section.collections.map((c) => [c.name, c.documents]));
    expect(counts).toEqual(COUNTS);
    for (const c of section.collections) {
      const source = await sourceDocuments(c.name);
      expect({ name: c.name, bytes: c.bytes }).toEqual({
        name: c.name,
        bytes: source.reduce((n, d) => n + d.length, 0),
      });
      expect(c.documentsBefore).toBe(COUNTS[c.name]);
    }
    const users = section.collections.find((c) => c.name === 'users')!;
    expect(users.indexes).toEqual(
      expect.arrayContaining([
        { name: '_id_', key: { _id: 1 } },
        { name: 'email_unique', key: { email: 1 }, unique: true },
        { name: 'name_id', key: { name: 1, _id: -1 } },
      ]),
    );
    expect(section.collections.find((c) => c.name === 'capped')!.options).toMatchObject({ capped: true });
    expect(manifest.tables.map((t) => [t.schema, t.name, t.rows])).toEqual(
      Object.entries(COUNTS)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, rows]) => [database, name, rows]),
    );
    expect(manifest.schemaFingerprint.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the manifest validates against docs/manifest.schema.json', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(await fs.readFile('docs/manifest.schema.json', 'utf8')));
    const manifest = JSON.parse(JSON.stringify(local.result.manifest));
    expect(validate(manifest) ? [] : validate.errors).toEqual([]);
  });

  test('the stored archive parses, its CRCs check, and its documents are the source documents byte for byte', async () => {
    const file = path.join(local.dir, local.result.manifest.object.key);
    const { contents, documents } = await storedArchive(createReadStream(file), 'zstd');
    expect(contents.bytes).toBe(local.result.rawBytes);
    expect(contents.header.serverVersion).toBe(local.result.manifest.serverVersion);
    expect(contents.namespaces.map((ns) => ns.collection).sort()).toEqual(Object.keys(COUNTS).sort());
    for (const name of Object.keys(COUNTS)) {
      const archived = (documents.get(name) ?? []).sort(Buffer.compare);
      const source = await sourceDocuments(name);
      expect({ name, count: archived.length }).toEqual({ name, count: source.length });
      expect(archived.every((doc, i) => doc.equals(source[i]!))).toBe(true);
    }
    const large = documents.get('attachments')![0]!;
    expect(large.length).toBeGreaterThan(LARGE_BYTES);
    // The prelude carries each collection's options and indexes, as mongorestore reads them.
    const users = contents.namespaces.find((ns) => ns.collection === 'users')!;
    expect(users.metadata!.indexes.map((i) => i.name).sort()).toEqual(['_id_', 'email_unique', 'name_id']);
    expect(contents.namespaces.find((ns) => ns.collection === 'capped')!.metadata!.options.capped).toBe(true);
  });

  itUnless(mongoToolsMissing())(
    'the stored object is restored by hand, `zstd -d | mongorestore --archive`: documents byte for byte, options equal',
    async () => {
      const file = path.join(local.dir, local.result.manifest.object.key);
      const restored = uniqueDatabase('byhand');
      // FerretDB rejects the 'ns' field mongorestore puts in every index (docs/mongodb.md): data and options only.
      const noIndexes = lacking('mongorestoreIndexes') ? '--noIndexRestore' : '';
      const mongorestore = mongoTool('mongorestore')!;
      try {
        await shell(
          `set -o pipefail; zstd -d -c '${file}' | '${mongorestore}' --quiet --uri='${mongo.url()}' --archive ` +
            `--nsFrom='${database}.*' --nsTo='${restored}.*' ${noIndexes}`,
        );
        const target = mongo.client.db(restored);
        for (const name of Object.keys(COUNTS)) {
          const docs = ((await target.collection(name).find({}, { raw: true }).toArray()) as unknown as Buffer[]).sort(
            Buffer.compare,
          );
          const source = await sourceDocuments(name);
          expect({ name, count: docs.length }).toEqual({ name, count: source.length });
          expect({ name, same: docs.every((doc, i) => doc.equals(source[i]!)) }).toEqual({ name, same: true });
          const [info] = await target.listCollections({ name }, { nameOnly: false }).toArray();
          const [sourceInfo] = await db.listCollections({ name }, { nameOnly: false }).toArray();
          expect({ name, options: info?.options }).toEqual({ name, options: sourceInfo?.options });
        }
        if (!noIndexes) {
          const names = (await target.collection('users').indexes()).map((i) => i.name).sort();
          expect(names).toEqual(['_id_', 'email_unique', 'name_id']);
        }
      } finally {
        await mongo.client.db(restored).dropDatabase();
      }
    },
    300_000,
  );

  test('the fingerprint is stable: a second backup of the unchanged database has the same one', async () => {
    const again = await backup(options(path.join(work, 'again')));
    expect(again.manifest.schemaFingerprint).toEqual(local.result.manifest.schemaFingerprint);
    expect(again.backupId).not.toBe(local.result.backupId);
  });

  test('the job summary names MongoDB, dbops as the dump tool, the collections and the consistency', () => {
    const summary = renderSummary([backupSummary(local.result)]);
    expect(summary).toContain(`(MongoDB ${local.result.manifest.serverVersion}, dbops `);
    expect(summary).toContain('6 (consistency: per-collection)');
    expect(summary).not.toContain('PostgreSQL');
  });

  test('the password is a secret: never in the manifest or the log', async () => {
    expect(local.opts.secrets.has(PASSWORD)).toBe(true);
    expect(JSON.stringify(local.result.manifest)).not.toContain(PASSWORD);
    const log = (local.opts.log as MemoryLogger).lines.join('\n');
    expect(log).toContain('MongoDB');
    expect(log).not.toContain(PASSWORD);
  });
});

test('a backup to S3 stores the object and its manifest; the object is the archive', async () => {
  const result = await backup(
    options(`s3://${BUCKET}/nightly`, {
      compression: 'gzip',
      compressionLevel: 1,
      s3: {
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
      },
    }),
  );
  const listed = await s3client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'nightly/' }));
  const keys = (listed.Contents ?? []).map((o) => o.Key).sort();
  expect(keys).toEqual(
    [`nightly/${result.manifest.object.key}`, `nightly/mongo/${result.backupId}.manifest.json`].sort(),
  );
  expect(result.manifest.object).toMatchObject({ format: 'mongodump-archive', compression: { algorithm: 'gzip' } });
  const object = await s3client.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: `nightly/${result.manifest.object.key}` }),
  );
  const { documents } = await storedArchive(object.Body as Readable, 'gzip');
  const counts = Object.fromEntries([...documents].map(([name, docs]) => [name, docs.length]));
  expect(counts).toEqual(Object.fromEntries(Object.entries(COUNTS).filter(([, n]) => n > 0)));
  const manifest = await s3client.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: `nightly/mongo/${result.backupId}.manifest.json` }),
  );
  expect(JSON.parse(await manifest.Body!.transformToString()).mongodb.consistency).toBe('per-collection');
}, 300_000);

test('tables and exclude-tables choose collections by name pattern (a dot is literal)', async () => {
  const scope: DumpScope = { ...FULL_SCOPE, tables: ['u*', 'événements.*', 'capped'], excludeTables: ['capped'] };
  const result = await backup(options(path.join(work, 'scoped'), { scope }));
  expect(result.manifest.mongodb!.collections.map((c) => c.name)).toEqual(['users', DOTTED]);
  const { documents } = await storedArchive(
    createReadStream(path.join(work, 'scoped', result.manifest.object.key)),
    'zstd',
  );
  expect([...documents.keys()].sort()).toEqual(['users', DOTTED].sort());
});

test('a pattern that selects no collection fails naming the input', async () => {
  const scope: DumpScope = { ...FULL_SCOPE, tables: ['nothing*'] };
  const error = await failure(() => backup(options(path.join(work, 'none'), { scope })));
  expect(error).toMatchObject({ code: 'DUMP_FAILED', input: 'tables' });
  expect(await fs.readdir(path.join(work, 'none')).catch(() => [])).toEqual([]);
});

test('schemas do not apply to MongoDB and are refused naming the input', async () => {
  const scope: DumpScope = { ...FULL_SCOPE, schemas: ['public'] };
  const error = await failure(() => backup(options(path.join(work, 'schemas'), { scope })));
  expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'schemas' });
});

test('an empty database fails clearly, naming database-url, and leaves nothing', async () => {
  const dir = path.join(work, 'empty-db');
  const empty = uniqueDatabase('nothing');
  const error = await failure(() => backup(options(dir, { url: urlFor(mongo, empty) })));
  expect(error).toMatchObject({ code: 'DUMP_FAILED', input: 'database-url' });
  expect(error.message).toContain(`The database ${empty}`);
  expect(error.message).toContain('has no collections');
  expect(`${error.message} ${error.hint}`).not.toContain(PASSWORD);
  expect(await fs.readdir(path.join(dir, 'mongo')).catch(() => [])).toEqual([]);
});

test('a malformed mongodb URL gives a clear error naming database-url, without the password', () => {
  const error = catchError(() => parseMongoTarget(`mongodb://app:${PASSWORD}@host:notaport/shop`, 'database-url'));
  expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'database-url' });
  expect(error.message).toContain("Input 'database-url'");
  expect(`${error.message} ${error.hint}`).not.toContain(PASSWORD);
});

itUnless(passwordInMongoUrl())(
  'credentials the server refuses fail naming database-url, without echoing the password',
  async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    // MONGO_URL: its user with a wrong password. FerretDB ignores passwords (PLAIN) but refuses SCRAM, the driver's
    // default mechanism, with the same AuthenticationFailed error a wrong password gets from MongoDB.
    const url = process.env.MONGO_URL
      ? mongo.url(database).replace(/\/\/([^:@/]+):[^@/]*@/, `//$1:${wrong}@`)
      : mongo.url(database).replace('mongodb://', `mongodb://dbops:${wrong}@`);
    const error = await failure(() => backup(options(path.join(work, 'wrong-pw'), { url })));
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', input: 'database-url' });
    expect(error.message).toContain('refused the credentials');
    expect(`${error.message} ${error.hint}`).not.toContain(wrong);
    expect(await fs.readdir(path.join(work, 'wrong-pw')).catch(() => [])).toEqual([]);
  },
);

test('a backup cancelled mid-upload is CANCELLED and leaves no manifest, no object and no multipart upload', async () => {
  const abort = new AbortController();
  s3.beforeEach(async (request) => {
    if (request.path.includes('/cancel/') && request.method === 'POST' && 'uploads' in request.query) abort.abort();
  });
  try {
    const o = options(`s3://${BUCKET}/cancel`, {
      compression: 'none',
      signal: abort.signal,
      s3: {
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
      },
    });
    const error = await failure(() => backup(o));
    expect(abort.signal.aborted).toBe(true);
    expect(error.code).toBe('CANCELLED');
    const listed = await s3client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'cancel/' }));
    expect(listed.Contents ?? []).toEqual([]);
    const uploads = await s3client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'cancel/' }));
    expect(uploads.Uploads ?? []).toEqual([]);
  } finally {
    s3.beforeEach(undefined);
  }
}, 300_000);

itUnless(mongo_canCrash())(
  'the server killed mid-dump leaves no manifest, no object and no multipart upload',
  async () => {
    const server = await startMongo();
    try {
      const victim = server.client.db('victim');
      // 96 MB of incompressible documents: the upload (four 8 MB parts gathered at once), the stream's buffers and
      // a few 1,000-document batches hold about half of it when the first part is sent, so the dump is still
      // reading when the server dies.
      for (let i = 0; i < 24; i++) {
        const docs = Array.from({ length: 256 }, (_, j) => ({
          _id: i * 256 + j,
          data: new BSON.Binary(randomBytes(16 << 10)),
        }));
        await victim.collection<Doc>('blobs').insertMany(docs);
      }
      let crashed = false;
      s3.beforeEach(async (request) => {
        // The upload starts once its first part is gathered: the dump has read about that much of the 64 MB then.
        const uploading = request.method === 'POST' && 'uploads' in request.query;
        if (!crashed && request.path.includes('/crash/') && (uploading || request.query.partNumber !== undefined)) {
          crashed = true;
          await server.crash();
        }
      });
      const o = options(`s3://${BUCKET}/crash`, {
        url: server.url('victim'),
        compression: 'none',
        s3: {
          endpoint: s3.endpoint,
          region: s3.region,
          forcePathStyle: true,
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
        },
      });
      const error = await backup(o).then(
        (result) =>
          new Error(
            `the backup ${result.backupId} succeeded; crashed: ${crashed}; requests: ${s3.requests
              .slice(-6)
              .map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`)
              .join(', ')}`,
          ),
        (caught: Error) => caught,
      );
      expect(crashed).toBe(true);
      if (!(error instanceof DbopsError)) throw error;
      expect(error.code).toBe('DUMP_FAILED');
      expect(error.message).toContain('victim.blobs');
      const listed = await s3client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'crash/' }));
      expect(listed.Contents ?? []).toEqual([]);
      const uploads = await s3client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'crash/' }));
      expect(uploads.Uploads ?? []).toEqual([]);
    } finally {
      s3.beforeEach(undefined);
      await server.stop();
    }
  },
  300_000,
);

function shell(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script], { maxBuffer: 16 << 20 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
    );
  });
}

/** Why the wrong-password test cannot run against MONGO_URL: it has no password to get wrong. */
function passwordInMongoUrl(): string | undefined {
  const url = process.env.MONGO_URL;
  return url && !/\/\/[^:@/]+:[^@/]+@/.test(url) ? 'MONGO_URL has no password to get wrong' : undefined;
}

/** Why the crash test cannot run: a MONGO_URL server is not ours to kill. */
function mongo_canCrash(): string | undefined {
  return process.env.MONGO_URL ? 'MONGO_URL names a server this harness did not start' : undefined;
}

test('dbops backup takes a mongodb:// URL: the engine follows from the scheme; PostgreSQL-only inputs are refused', async () => {
  const to = path.join(work, 'cli');
  const run = await runCli(['backup', '--to', to, '--json'], { DATABASE_URL: urlFor(mongo, database) });
  expect(run.stderr).not.toContain(PASSWORD);
  expect(run.code).toBe(0);
  const manifest = JSON.parse(run.stdout);
  expect(manifest).toMatchObject({ engine: 'mongodb', object: { format: 'mongodump-archive' } });
  expect(await fs.readdir(path.join(to, database))).toContain(`${manifest.backupId}.manifest.json`);

  const mixed = await runCli(['backup', '--to', to, '--sslmode', 'require'], { DATABASE_URL: urlFor(mongo, database) });
  expect(mixed.code).toBe(2);
  expect(mixed.stderr).toMatch(/Input 'sslmode' is a PostgreSQL input, but database-url is a MongoDB URL/);
}, 120_000);
