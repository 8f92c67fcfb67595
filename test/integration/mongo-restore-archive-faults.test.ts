// MongoDB restores of archives a live dump can produce but a test server will not write on request: the same
// document twice (deleted and inserted again with the same _id while the dump read its collection, as MongoDB's
// natural-order scan without a snapshot allows), and a document the target refuses. The stored backup is a real one
// made by dbops (compression none, not encrypted), its archive replaced by one dbops's own writer builds and its
// manifest updated to match (size, SHA-256, the counts the dump's writer would have recorded), so restore and
// restore-test run whole. Real FerretDB (test/harness/mongo.ts, or MONGO_URL).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BSON, type Db, type Document } from 'mongodb';
import { FULL_SCOPE } from '../../packages/core/src/databases/engine.js';
import { OPLOG_NAMESPACE } from '../../packages/core/src/databases/mongodb/archive/format.js';
import { ArchiveWriter, type CollectionSource } from '../../packages/core/src/databases/mongodb/archive/writer.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { MANIFEST_SUFFIX } from '../../packages/core/src/manifest/layout.js';
import type { BackupManifest } from '../../packages/core/src/manifest/manifest.js';
import { backup } from '../../packages/core/src/operations/backup.js';
import { restore, type RestoreOptions } from '../../packages/core/src/operations/restore.js';
import { restoreTest, type RestoreTestOptions } from '../../packages/core/src/operations/restore-test.js';
import { parsePipelineChecks } from '../../packages/core/src/restore/pipeline-checks.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { rejection } from '../harness/errors.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

let mongo: MongoServer;
let work: string;
let source: string;

beforeAll(async () => {
  mongo = await startMongo();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-archive-faults-'));
  source = uniqueDatabase('faults');
  const db = mongo.client.db(source);
  await db.collection<{ _id: number; v: number }>('orders').insertMany([1, 2, 3].map((i) => ({ _id: i, v: 1 })));
  await db.collection('orders').createIndex({ v: 1 }, { name: 'v_1' });
  await db.collection<{ _id: number }>('users').insertMany([{ _id: 1 }]);
}, 120_000);

afterAll(async () => {
  await mongo?.client
    .db(source)
    .dropDatabase()
    .catch(() => undefined);
  await mongo?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/**
 * A stored backup of the source whose archive holds `orders` as given (each document as its BSON bytes), then
 * `users` as the source has it, then the `oplog` entries given: a real backup with its object and manifest
 * rewritten to match.
 */
async function storedBackup(orders: Uint8Array[], oplog?: Document[]): Promise<string> {
  const to = path.join(work, `backups-${Math.random().toString(36).slice(2, 8)}`);
  const made = await backup({
    target: parseMongoTarget(mongo.url(source), 'database-url'),
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
  });
  const db = mongo.client.db(source);
  const users = await rawDocuments(db, 'users');
  const sources: CollectionSource[] = await Promise.all(
    ['orders', 'users'].map(async (collection) => ({
      db: source,
      collection,
      metadata: {
        options: {},
        indexes: await db.collection(collection).listIndexes({ promoteValues: false }).toArray(),
        type: 'collection',
      },
      documents: () => (collection === 'orders' ? orders : users),
    })),
  );
  if (oplog) sources.push({ ...OPLOG_NAMESPACE, documents: () => oplog.map((e) => BSON.serialize(e)) });
  const writer = new ArchiveWriter(sources, { serverVersion: mongo.version, toolVersion: 'dbops test' });
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from(writer.chunks())) chunks.push(chunk as Buffer);
  const archive = Buffer.concat(chunks);
  await fs.writeFile(made.location, archive);
  const manifestFile = made.location.replace(/\.dump$/, MANIFEST_SUFFIX);
  const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as BackupManifest;
  const sha256 = createHash('sha256').update(archive).digest('hex');
  manifest.object = { ...manifest.object, rawBytes: archive.length, storedBytes: archive.length, sha256 };
  // The counts the dump's writer records: every document it wrote, one read twice twice.
  for (const c of manifest.mongodb!.collections) {
    const written = writer.namespaces.find((n) => n.collection === c.name)!;
    Object.assign(c, { documents: written.documents, bytes: written.bytes });
  }
  await fs.writeFile(manifestFile, JSON.stringify(manifest, null, 2));
  return to;
}

async function rawDocuments(db: Db, collection: string): Promise<Uint8Array[]> {
  return (await db
    .collection(collection)
    .find({}, { raw: true, sort: { _id: 1 } })
    .toArray()) as unknown as Uint8Array[];
}

function restoreOptions(from: string, database: string): RestoreOptions {
  return {
    from,
    name: 'faults',
    target: parseMongoTarget(mongo.url(database), 'target-url'),
    decryption: { identities: [] },
    clean: false,
    safetyBackup: false,
    noOwner: true,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
  };
}

function testOptions(from: string, extra: Partial<RestoreTestOptions> = {}): RestoreTestOptions {
  return {
    from,
    name: 'faults',
    target: parseMongoTarget(mongo.url('admin'), 'target-url'),
    decryption: { identities: [] },
    checks: [],
    keep: false,
    record: false,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    ...extra,
  };
}

const order = (fields: Record<string, unknown>) => BSON.serialize(fields);

test('a document the archive holds twice restores once, the first copy kept, and is reported', async () => {
  const from = await storedBackup([
    order({ _id: 1, v: 1 }),
    order({ _id: 2, v: 1 }),
    order({ _id: 1, v: 2 }), // deleted and inserted again while the dump read the collection
    order({ _id: 3, v: 1 }),
  ]);
  const copy = uniqueDatabase('twice');
  const result = await restore(restoreOptions(from, copy));
  try {
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.checks.find((c) => c.name === 'documents held twice')).toEqual({
      name: 'documents held twice',
      passed: true,
      detail: '1 skipped, their _id already restored (the dump read them twice; the first copy is kept): orders: 1',
    });
    expect(result.checks.find((c) => c.name === 'document counts (exact)')?.detail).toBe(
      "2 collections match the archive's counts (less 1 document the archive held twice)",
    );
    const restored = mongo.client.db(copy);
    expect(
      await restored
        .collection('orders')
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ).toEqual([
      { _id: 1, v: 1 },
      { _id: 2, v: 1 },
      { _id: 3, v: 1 },
    ]);
    // Indexes are built once the documents are in, as without a duplicate.
    expect((await restored.collection('orders').listIndexes().toArray()).map((i) => i.name).sort()).toEqual([
      '_id_',
      'v_1',
    ]);
  } finally {
    await mongo.client.db(copy).dropDatabase();
  }

  // restore-test: the same, in its scratch database.
  const tested = await restoreTest(testOptions(from));
  expect(tested.checks.filter((c) => !c.passed)).toEqual([]);
  expect(tested.checks.map((c) => c.name)).toContain('documents held twice');
}, 120_000);

test('a document the server refuses still fails the restore, which says the empty target now holds part of it', async () => {
  const from = await storedBackup([order({ _id: 1, v: 1 }), order({ _id: [7], v: 1 }), order({ _id: 3, v: 1 })]);
  const copy = uniqueDatabase('refused');
  const db = mongo.client.db(copy);
  try {
    const error = await rejection(restore(restoreOptions(from, copy)));
    expect(error.code).toBe('RESTORE_FAILED');
    expect(error.message).toMatch(
      /^Inserting into [^ ]+\.orders failed: 2 of 3 documents of a batch inserted \(document 1: /,
    );
    expect(error.message).toMatch(/, empty before, may now hold part of the backup$/);
    expect(error.hint).toMatch(/--clean/);
    // It does: the documents before and after the refused one.
    expect(await db.collection('orders').countDocuments()).toBe(2);

    // Which is why it says so: a second run is refused as not empty.
    expect((await rejection(restore(restoreOptions(from, copy)))).code).toBe('UNSAFE_TARGET');
  } finally {
    await db.dropDatabase();
  }
}, 120_000);

test("a pipeline check on a collection the restored database doesn't have fails, naming it", async () => {
  const from = await storedBackup([order({ _id: 1, v: 1 })]);
  const checks = parsePipelineChecks(
    JSON.stringify([
      { name: 'no such collection', collection: 'ordres', pipeline: [{ $match: { v: 9 } }], expect: [] },
      { name: 'no order 9', collection: 'orders', pipeline: [{ $match: { v: 9 } }], expect: [] },
    ]),
  );
  const result = await restoreTest(testOptions(from, { checks }));
  expect(result.checks.find((c) => c.name === 'no such collection')).toEqual({
    name: 'no such collection',
    passed: false,
    detail: 'not run: the restored database has no collection or view ordres',
  });
  expect(result.checks.find((c) => c.name === 'no order 9')).toMatchObject({ passed: true });
  expect(result.passed).toBe(false);
}, 120_000);

test("an oplog whose large transaction lacks its last entry fails 'oplog replayed', its parts not applied", async () => {
  // What a backup made before its capture kept a large transaction's last entry could hold: a partialTxn part
  // (here inserting order 9) whose commit, the last entry, was left out. The copy misses a committed write.
  const txn = { lsid: { id: new BSON.UUID('0123456789abcdef0123456789abcdef') }, txnNumber: BSON.Long.fromNumber(1) };
  const from = await storedBackup(
    [order({ _id: 1, v: 1 })],
    [
      {
        ts: new BSON.Timestamp({ t: 1_700_000_000, i: 1 }),
        op: 'c',
        ns: 'admin.$cmd',
        o: { applyOps: [{ op: 'i', ns: `${source}.orders`, o: { _id: 9, v: 1 } }], partialTxn: true },
        ...txn,
      },
    ],
  );
  const copy = uniqueDatabase('unfinished');
  try {
    const result = await restore(restoreOptions(from, copy));
    expect(result.passed).toBe(false);
    expect(result.checks.filter((c) => !c.passed)).toEqual([
      {
        name: 'oplog replayed',
        passed: false,
        detail: expect.stringMatching(
          /: 0 operations applied; 1 large transactions not applied: the archive lacks their last entry, so the copy misses writes they committed$/,
        ),
      },
    ]);
    expect(await mongo.client.db(copy).collection('orders').countDocuments()).toBe(1);
  } finally {
    await mongo.client.db(copy).dropDatabase();
  }
}, 120_000);
