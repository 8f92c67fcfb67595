// MongoDB restores (issue 15 part 3): a backup made by the real backup operation, encrypted to an age recipient,
// is restore-tested into a scratch database and restored with dbops restore, both loading the mongodump archive
// in-process with the driver. Real FerretDB (test/harness/mongo.ts, or MONGO_URL); the restored documents are
// read back raw and compared byte for byte with the source.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db, Document } from 'mongodb';
import { generateIdentity } from '../../packages/core/src/crypto/age/keys.js';
import { FULL_SCOPE } from '../../packages/core/src/databases/engine.js';
import { mongoEngine } from '../../packages/core/src/databases/mongodb/engine.js';
import { parsePipelineChecks } from '../../packages/core/src/restore/pipeline-checks.js';
import { mongoRestorer } from '../../packages/core/src/databases/mongodb/restorer.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { listBackups } from '../../packages/core/src/manifest/catalog.js';
import { backup, type BackupResult } from '../../packages/core/src/operations/backup.js';
import { restore, type RestoreOptions } from '../../packages/core/src/operations/restore.js';
import { restoreTest, type RestoreTestOptions } from '../../packages/core/src/operations/restore-test.js';
import { fetchBackup } from '../../packages/core/src/restore/restore-backup.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { openStorage } from '../../packages/core/src/storage/index.js';
import { runCli } from '../harness/cli.js';
import { itUnless, lacking, startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';
import { rejection } from '../harness/errors.js';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const EVENTS = 2500; // more than one insert batch (1000 documents)
const DOTTED = 'orders.2026';
/** A document near the 16 MiB limit: a batch of its own. */
const LARGE_BYTES = 15 * 1024 * 1024;
const key = generateIdentity();

type Doc = { _id: unknown; [field: string]: unknown };

let mongo: MongoServer;
let work: string;
let backups: string;
let source: string;
let made: BackupResult;

/** The server's URL for a database, with a password (FerretDB accepts and ignores it). */
function urlFor(name: string): string {
  const url = mongo.url(name);
  if (mongo.kind !== 'ferretdb') return url;
  return `${url.replace('mongodb://', `mongodb://dbops:${encodeURIComponent(PASSWORD)}@`)}?authMechanism=PLAIN`;
}

/**
 * {_id: 'ordered', b: 1, '1': 2}, as bytes: a JavaScript object would put the integer-like key first, so only a
 * restore that sends the archive's bytes keeps this field order.
 */
function integerKeyDocument(): Buffer {
  const id = Buffer.concat([Buffer.from([0x02]), Buffer.from('_id\0'), int32(8), Buffer.from('ordered\0')]);
  const b = Buffer.concat([Buffer.from([0x10]), Buffer.from('b\0'), int32(1)]);
  const one = Buffer.concat([Buffer.from([0x10]), Buffer.from('1\0'), int32(2)]);
  const body = Buffer.concat([id, b, one, Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

/** Every collection's documents as raw BSON, in _id order. */
async function rawDocuments(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const name of names) {
    const docs = await db
      .collection(name)
      .find({}, { raw: true, sort: { _id: 1 } })
      .toArray();
    out[name] = docs.map((d) => Buffer.from(d as unknown as Uint8Array).toString('hex'));
  }
  return out;
}

async function indexesOf(db: Db): Promise<Record<string, Document[]>> {
  const out: Record<string, Document[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const indexes = await db.collection(name).listIndexes().toArray();
    out[name] = indexes.map(({ v: _, ns: __, ...spec }) => spec).sort((a, b) => String(a.name).localeCompare(b.name));
  }
  return out;
}

async function scratchDatabases(): Promise<string[]> {
  const { databases } = await mongo.client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases.map((d) => d.name).filter((name) => name.startsWith('dbops_restore_test_'));
}

function testOptions(extra: Partial<RestoreTestOptions> = {}): RestoreTestOptions {
  return {
    from: backups,
    name: 'shop',
    target: parseMongoTarget(urlFor('admin'), 'target-url'),
    decryption: { identities: [key.identity] },
    checks: [],
    keep: false,
    record: false,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    ...extra,
  };
}

function restoreOptions(database: string, extra: Partial<RestoreOptions> = {}): RestoreOptions {
  return {
    from: backups,
    name: 'shop',
    target: parseMongoTarget(urlFor(database), 'target-url'),
    decryption: { identities: [key.identity] },
    clean: false,
    safetyBackup: false,
    noOwner: true,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    ...extra,
  };
}

beforeAll(async () => {
  mongo = await startMongo();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-restore-'));
  backups = path.join(work, 'backups');
  source = uniqueDatabase('shop');
  const db = mongo.client.db(source);
  await db
    .collection<Doc>('users')
    .insertMany(
      Array.from({ length: 300 }, (_, i) => ({ _id: i, email: `u${i}@example.com`, name: `Ünïcode ${i}`, tags: [i] })),
    );
  await db.collection('users').createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
  await db.collection('users').createIndex({ name: 1, _id: -1 }, { name: 'name_id' });
  await db.collection<Doc>(DOTTED).insertMany([
    { _id: 'a', total: 1.5, at: new Date(1_700_000_000_000) },
    { _id: 'b', total: 2, nested: { deep: [1, { x: null }] } },
  ]);
  await db.createCollection('capped', { capped: true, size: 1 << 20 });
  await db.collection('capped').insertMany([{ n: 1 }, { n: 2 }]);
  await db.collection<Doc>('events').insertMany(Array.from({ length: EVENTS }, (_, i) => ({ _id: i, kind: i % 7 })));
  await db.createCollection('empty');
  await db.collection<Doc>('attachments').insertOne({ _id: 'large', body: 'x'.repeat(LARGE_BYTES) });
  await insertRaw(db, 'ordered', integerKeyDocument());

  made = await backup({
    target: parseMongoTarget(urlFor(source), 'database-url'),
    to: backups,
    name: 'shop',
    compression: 'zstd',
    compressionLevel: 3,
    recipients: [key.recipient],
    scope: FULL_SCOPE,
    pgDumpArgs: [],
    exactCountMaxBytes: 1 << 30,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
  });
}, 300_000);

afterAll(async () => {
  await mongo?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** The fixture's odd document goes in as bytes, as the restore sends documents. */
async function insertRaw(db: Db, collection: string, bson: Buffer): Promise<void> {
  const { insertRawDocuments } = await import('../../packages/core/src/databases/mongodb/raw-insert.js');
  await insertRawDocuments(db, collection, [bson]);
}

test('the source keeps the integer-like key after b (the byte test below depends on it)', async () => {
  const [doc] = await mongo.client.db(source).collection('ordered').find({}, { raw: true }).toArray();
  expect(Buffer.from(doc as unknown as Uint8Array).equals(integerKeyDocument())).toBe(true);
});

test('restore-test restores the encrypted backup into a scratch database, checks it, and drops it', async () => {
  const log = new MemoryLogger();
  const result = await restoreTest(testOptions({ log }));
  expect(result.checks.filter((c) => !c.passed)).toEqual([]);
  expect(result.passed).toBe(true);
  expect(result.scratchDatabase).toMatch(/^dbops_restore_test_[a-z0-9_-]+$/);
  expect(result.checks.map((c) => c.name)).toEqual([
    'integrity',
    'restore',
    'collections present',
    'document counts (exact)',
    'indexes',
    'schema fingerprint',
  ]);
  expect(result.checks.find((c) => c.name === 'restore')?.detail).toBe('dbops (in-process) completed without errors');
  expect(result.rows).toBe(300 + 2 + 2 + EVENTS + 0 + 1 + 1);
  expect(await scratchDatabases()).toEqual([]);
}, 120_000);

test('restore-test reports SQL checks as not run on MongoDB, never as passed', async () => {
  const result = await restoreTest(testOptions({ checks: [{ name: 'orders', sql: 'select 1' }] }));
  expect(result.passed).toBe(false);
  expect(result.checks.find((c) => c.name === 'orders')).toMatchObject({ passed: false, detail: /not run/ });
  expect(await scratchDatabases()).toEqual([]);
}, 120_000);

test('pipeline checks run on the restored database; the checks fail on a database unlike the backup', async () => {
  const checks = parsePipelineChecks(
    JSON.stringify([
      {
        name: 'first ten users',
        collection: 'users',
        pipeline: [{ $match: { _id: { $lt: 10 } } }, { $count: 'n' }],
        expect: [{ n: 10 }],
      },
      {
        name: 'order a',
        collection: DOTTED,
        pipeline: [{ $match: { _id: 'a' } }, { $project: { _id: 0, total: 1, at: 1 } }],
        expect: [{ at: { $date: '2023-11-14T22:13:20Z' }, total: 1.5 }],
      },
      { name: 'wrong count', collection: 'events', pipeline: [{ $count: 'n' }], expect: [{ n: 1 }] },
    ]),
  );
  const result = await restoreTest(testOptions({ checks, keep: true }));
  try {
    const named = (name: string) => result.checks.find((c) => c.name === name);
    expect(named('first ten users')).toMatchObject({ passed: true });
    expect(named('order a')).toMatchObject({ passed: true });
    expect(named('wrong count')).toMatchObject({ passed: false, detail: 'returned [{"n":2500}]' });
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['wrong count']);

    const scratch = mongo.client.db(result.scratchDatabase);
    await scratch.collection('users').dropIndex('email_unique');
    await scratch.command({ delete: 'events', deletes: [{ q: { _id: 0 }, limit: 1 }] });
    await scratch.collection('capped').drop();
    const into = { ...parseMongoTarget(urlFor('admin'), 'target-url'), database: result.scratchDatabase };
    const again = await mongoEngine.checkRestored(into, result.manifest, [], { log: new MemoryLogger() });
    const failed = Object.fromEntries(again.checks.filter((c) => !c.passed).map((c) => [c.name, c.detail]));
    expect(Object.keys(failed)).toEqual([
      'collections present',
      'document counts (exact)',
      'indexes',
      'schema fingerprint',
    ]);
    expect(failed['collections present']).toBe('1 missing: capped');
    expect(failed['document counts (exact)']).toBe(`events: ${EVENTS - 1} documents, backup had ${EVENTS}`);
    expect(failed.indexes).toMatch(/^users: /);
    expect(failed['schema fingerprint']).toBe('differs in tables, indexes');
  } finally {
    await mongo.client.db(result.scratchDatabase).dropDatabase();
  }
}, 120_000);

test('a pipeline check that writes, or a malformed checks file, is refused when read', () => {
  const writes = JSON.stringify([{ name: 'copy', collection: 'users', pipeline: [{ $out: 'x' }], expect: [] }]);
  expect(() => parsePipelineChecks(writes)).toThrow("Input 'checks' has check 'copy' with a $out stage, which writes");
  expect(() => parsePipelineChecks('[{"name": "n", "pipeline": []}]')).toThrow(/check 'n' without a collection/);
  expect(() => parsePipelineChecks('{')).toThrow(/is not valid JSON/);
});

/** `dbops restore-test` of the fixture's backup through the CLI, with a checks file. */
function restoreTestCli(checksFile: string): ReturnType<typeof runCli> {
  return runCli(
    ['restore-test', '--from', backups, '--name', 'shop', '--checks', checksFile, '--record', 'false', '--json'],
    { DBOPS_TARGET_URL: urlFor('admin'), DBOPS_DECRYPT_WITH: key.identity },
  );
}

test('dbops restore-test --checks <file.json> runs its pipeline checks and names the one that failed', async () => {
  const file = path.join(work, 'mongo-checks.json');
  await fs.writeFile(
    file,
    JSON.stringify([
      { name: 'users restored', collection: 'users', pipeline: [{ $count: 'n' }], expect: [{ n: 300 }] },
      {
        name: 'event kinds',
        collection: 'events',
        pipeline: [{ $match: { kind: 0 } }, { $count: 'n' }],
        expect: [{ n: 1 }],
      },
    ]),
  );
  const run = await restoreTestCli(file);
  expect(run.stderr).not.toContain(PASSWORD);
  expect(run.code).toBe(1);
  const report = JSON.parse(run.stdout) as {
    passed: boolean;
    checks: Array<{ name: string; passed: boolean; detail: string }>;
  };
  expect(report.passed).toBe(false);
  const user = report.checks.filter((c) => c.name === 'users restored' || c.name === 'event kinds');
  // 2500 events, kind = _id % 7: 358 of kind 0.
  expect(user).toEqual([
    { name: 'users restored', passed: true, detail: 'returned the 1 expected documents' },
    { name: 'event kinds', passed: false, detail: 'returned [{"n":358}]' },
  ]);
  expect(report.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['event kinds']);
  expect(await scratchDatabases()).toEqual([]);
}, 120_000);

test.each([
  [
    'not an array',
    '{"name": "n", "collection": "users", "pipeline": [], "expect": []}',
    'is a JSON object, not an array of checks',
  ],
  [
    'a check without a collection',
    '[{"name": "n", "pipeline": [], "expect": []}]',
    "has check 'n' without a collection",
  ],
  [
    'a $out stage',
    '[{"name": "copy", "collection": "users", "pipeline": [{"$out": "x"}], "expect": []}]',
    "has check 'copy' with a $out stage, which writes",
  ],
])(
  'dbops restore-test refuses a checks file that is %s, naming checks, before anything restores',
  async (_, text, said) => {
    const file = path.join(work, `bad-${randomBytes(4).toString('hex')}.json`);
    await fs.writeFile(file, text);
    const run = await restoreTestCli(file);
    expect(run.code).toBe(2);
    const { error } = JSON.parse(run.stdout) as { error: { code: string; input?: string; message: string } };
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'checks' });
    expect(error.message).toContain(said);
    expect(await scratchDatabases()).toEqual([]);
  },
  60_000,
);

test('restore-test refuses the database the backup was taken from', async () => {
  const error = await rejection(restoreTest(testOptions({ target: parseMongoTarget(urlFor(source), 'target-url') })));
  expect(error.code).toBe('UNSAFE_TARGET');
  expect(error.input).toBe('target-url');
  expect(await scratchDatabases()).toEqual([]);
}, 60_000);

test('a flipped byte in the stored object fails the checksum and restores nothing', async () => {
  const damaged = path.join(work, 'damaged');
  await fs.cp(backups, damaged, { recursive: true });
  const object = path.join(damaged, path.relative(backups, made.location));
  const bytes = await fs.readFile(object);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  await fs.writeFile(object, bytes);
  const error = await rejection(restoreTest(testOptions({ from: damaged })));
  expect(error.code).toBe('INTEGRITY_FAILED');
  expect(error.message).toMatch(/corrupt|checksum/);
  expect(await scratchDatabases()).toEqual([]);
}, 120_000);

test('a wrong age key fails clearly and restores nothing', async () => {
  const error = await rejection(
    restoreTest(testOptions({ decryption: { identities: [generateIdentity().identity] } })),
  );
  expect(error.code).toBe('DECRYPTION_FAILED');
  expect(error.message).toMatch(/identit|key/i);
  expect(await scratchDatabases()).toEqual([]);
}, 120_000);

test('an archive that fails its CRC loads nothing into the target', async () => {
  const storage = await openStorage(backups, { inputName: 'from' });
  const entry = (await listBackups(storage, { name: 'shop' }))[0]!;
  const archive = await fetchBackup({
    storage,
    manifest: entry.manifest,
    decryption: { identities: [key.identity] },
    env: process.env,
    log: new MemoryLogger(),
  });
  try {
    const bytes = await fs.readFile(archive.path);
    const at = bytes.indexOf(Buffer.from('u150@example.com'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 1] = '7'.charCodeAt(0); // still valid BSON: only the CRC can tell
    const damaged = path.join(work, 'damaged.archive');
    await fs.writeFile(damaged, bytes);
    const database = uniqueDatabase('crc');
    const target = parseMongoTarget(urlFor(database), 'target-url');
    const error = await rejection(
      mongoRestorer(entry.manifest).restore(damaged, target, {
        jobs: 1,
        noOwner: true,
        env: process.env,
        log: new MemoryLogger(),
      }),
    );
    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.message).toMatch(/CRC check for [^ ]+\.users/);
    expect(await mongo.client.db(database).listCollections().toArray()).toEqual([]);
  } finally {
    await archive.dispose();
  }
}, 120_000);

test('dbops restore into an empty database gives the source back, byte for byte', async () => {
  const copy = uniqueDatabase('copy');
  const result = await restore(restoreOptions(copy));
  expect(result.checks.filter((c) => !c.passed)).toEqual([]);
  expect(result.passed).toBe(true);
  const [restored, original] = [mongo.client.db(copy), mongo.client.db(source)];
  const documents = await rawDocuments(restored);
  expect(Object.keys(documents)).toEqual(
    ['attachments', 'capped', 'empty', 'events', 'ordered', DOTTED, 'users'].sort(),
  );
  expect(documents).toEqual(await rawDocuments(original));
  expect(documents.ordered).toEqual([integerKeyDocument().toString('hex')]);
  expect(await indexesOf(restored)).toEqual(await indexesOf(original));
  const capped = (await restored.listCollections({ name: 'capped' }, { nameOnly: false }).toArray())[0] as
    | Document
    | undefined;
  expect(capped?.options).toMatchObject({ capped: true });
  await restored.dropDatabase();
}, 120_000);

test('dbops restore refuses a non-empty database without --clean, and replaces it with --clean', async () => {
  const target = uniqueDatabase('busy');
  const db = mongo.client.db(target);
  await db.collection<Doc>('stale').insertOne({ _id: 1 });
  await db.collection<Doc>('users').insertOne({ _id: 'not from the backup' });

  const error = await rejection(restore(restoreOptions(target)));
  expect(error.code).toBe('UNSAFE_TARGET');
  expect(error.input).toBe('clean');
  expect(error.message).toMatch(/already holds 2 objects \(collections or views\)$/);
  expect(await db.collection('stale').countDocuments()).toBe(1);

  const refused = await runCli(['restore', '--from', backups, '--name', 'shop'], {
    DBOPS_TARGET_URL: urlFor(target),
    DBOPS_DECRYPT_WITH: key.identity,
  });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/--clean/);
  expect(refused.stderr).not.toContain(PASSWORD);

  const run = await runCli(['restore', '--from', backups, '--name', 'shop', '--clean', '--json'], {
    DBOPS_TARGET_URL: urlFor(target),
    DBOPS_DECRYPT_WITH: key.identity,
  });
  expect(run.stderr).not.toContain(PASSWORD);
  expect(run.code).toBe(0);
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  expect(names).toEqual(['attachments', 'capped', 'empty', 'events', 'ordered', DOTTED, 'users'].sort());
  expect(await rawDocuments(db)).toEqual(await rawDocuments(mongo.client.db(source)));
  // The target as it was is in the safety backup, encrypted with the key that reads the backups.
  const storage = await openStorage(backups, { inputName: 'from' });
  const safety = await listBackups(storage, { name: 'pre-restore/shop' });
  expect(safety).toHaveLength(1);
  expect(safety[0]!.manifest.mongodb?.collections.map((c) => c.name).sort()).toEqual(['stale', 'users']);
  expect(safety[0]!.manifest.object.encryption).toMatchObject({ method: 'age' });
  await db.dropDatabase();
}, 180_000);

itUnless(lacking('views'), lacking('validators'), lacking('collation'))(
  'views, validators and collations come back as they were',
  async () => {
    const name = uniqueDatabase('shapes');
    const db = mongo.client.db(name);
    await db.createCollection('people', {
      validator: { $jsonSchema: { required: ['name'] } },
      validationLevel: 'moderate',
      collation: { locale: 'fr' },
    });
    await db.collection<Doc>('people').insertMany([
      { _id: 1, name: 'Élodie' },
      { _id: 2, name: 'eve' },
    ]);
    await db.collection('people').createIndex({ name: 1 }, { name: 'name_fr' });
    await db.createCollection('named', { viewOn: 'people', pipeline: [{ $project: { name: 1 } }] });
    const to = path.join(work, 'shapes');
    await backup({
      target: parseMongoTarget(urlFor(name), 'database-url'),
      to,
      name: 'shapes',
      compression: 'zstd',
      compressionLevel: 3,
      recipients: [key.recipient],
      scope: FULL_SCOPE,
      pgDumpArgs: [],
      exactCountMaxBytes: 1 << 30,
      env: process.env,
      secrets: new Secrets(),
      log: new MemoryLogger(),
    });
    const copy = uniqueDatabase('shapes_copy');
    const result = await restore({ ...restoreOptions(copy), from: to, name: 'shapes' });
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    const described = async (d: Db) =>
      (await d.listCollections({}, { nameOnly: false }).toArray())
        .map(({ info: _, ...c }) => c)
        .sort((a, b) => a.name.localeCompare(b.name));
    expect(await described(mongo.client.db(copy))).toEqual(await described(db));
    expect(await rawDocuments(mongo.client.db(copy))).toEqual(await rawDocuments(db));
    await mongo.client.db(copy).dropDatabase();
    await db.dropDatabase();
  },
  120_000,
);
