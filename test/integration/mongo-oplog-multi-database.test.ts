// Point-in-time backups of several MongoDB databases (issue 15: consistency point-in-time with databases): the
// oplog capture follows every backed-up database, the manifest records each one's entries and the catalog the
// commands leave, and restore (all-databases, source-database) and restore-test replay each database's entries into
// the database it is restored into. Real FerretDB started with its basic oplog (it logs inserts, updates and
// deletes itself; the commands are written into local.oplog.rs as a MongoDB primary would), or a MONGO_URL replica
// set; real mongorestore from test/reference-clients/mongo-tools.
//
// "During the dump" is exact as in mongo-oplog.test.ts: the stored stream holds after its first MiB until the test
// has written. The databases are read in name order (billing, then shop) and each one's collections in name order:
// billing.invoices and shop.a_orders are then read whole, and the dump is inside shop.blobs (20 MiB).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { BSON, type Document } from 'mongodb';
import { FULL_SCOPE } from '../../packages/core/src/databases/engine.js';
import { isOplogNamespace, OPLOG_NAMESPACE } from '../../packages/core/src/databases/mongodb/archive/format.js';
import { loadArchive } from '../../packages/core/src/databases/mongodb/archive-loader.js';
import { readArchive } from '../../packages/core/src/databases/mongodb/archive/reader.js';
import { ArchiveWriter, type CollectionSource } from '../../packages/core/src/databases/mongodb/archive/writer.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { scratchDatabases } from '../../packages/core/src/databases/mongodb/restore-databases.js';
import type { BackupManifest } from '../../packages/core/src/manifest/manifest.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { backup, type BackupResult } from '../../packages/core/src/operations/backup.js';
import { restore, type RestoreOptions } from '../../packages/core/src/operations/restore.js';
import { restoreTest, type RestoreTestOptions } from '../../packages/core/src/operations/restore-test.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { rejection } from '../harness/errors.js';
import { gatedStorage } from '../harness/gated-storage.js';
import { contentsOf, indexesOf, oplogOf, runTool } from '../harness/mongo-oplog.js';
import {
  itUnless,
  lacking,
  mongoTool,
  mongoToolsMissing,
  oplogMissing,
  startMongo,
  uniqueDatabase,
  type MongoServer,
} from '../harness/mongo.js';

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv2020 = require('ajv/dist/2020').default as new (options: object) => { compile(schema: object): Validator };
const addFormats = require('ajv-formats').default as (ajv: object) => void;

const BLOB_DOCS = 1280;
const ORDERS = 20;
const INVOICES = 30;
const external = process.env.MONGO_URL !== undefined;
const PREFIX = uniqueDatabase('pitm');
const BILLING = `${PREFIX}_billing`;
const SHOP = `${PREFIX}_shop`;
const ID_INDEX = { v: 2, key: { _id: 1 }, name: '_id_' };

type Doc = { _id: number | string; [field: string]: unknown };

let mongo: MongoServer;
let work: string;
/** The backup's folder, and the backup. */
let dir: string;
let made: BackupResult;
/** Each database at the dump's end, and its indexes (nothing wrote to them since). */
const source: Record<string, Record<string, string[]>> = {};
const sourceIndexes: Record<string, Record<string, string>> = {};

/** A command written into FerretDB's oplog as a MongoDB primary logs it (a real MongoDB logs it itself). */
async function logCommand(database: string, o: Document): Promise<void> {
  if (external) return;
  const oplog = mongo.client.db('local').collection('oplog.rs');
  const [last] = await oplog.find({}, { sort: { $natural: -1 }, limit: 1 }).toArray();
  const ts = new BSON.Timestamp({ t: last!.ts.t, i: last!.ts.i + 1 });
  await oplog.insertOne({ ts, t: 1, v: 2, op: 'c', ns: `${database}.$cmd`, o, wall: new Date() });
}

/** The writes made while the dump is inside shop.blobs: in both databases, a collection and an index in billing. */
async function writeDuringDump(): Promise<void> {
  const billing = mongo.client.db(BILLING);
  const shop = mongo.client.db(SHOP);
  await billing.collection<Doc>('invoices').insertOne({ _id: 100, total: 1000 });
  await billing.collection<Doc>('invoices').updateOne({ _id: 3 }, { $set: { status: 'paid' } });
  await billing.collection<Doc>('invoices').deleteOne({ _id: 5 });
  await billing.createCollection('c_created');
  await logCommand(BILLING, { create: 'c_created', idIndex: ID_INDEX });
  await billing.collection<Doc>('c_created').insertMany([
    { _id: 1, sku: 'x' },
    { _id: 2, sku: 'y' },
  ]);
  await billing.collection('c_created').createIndex({ sku: 1 }, { name: 'sku_1', unique: true });
  await logCommand(BILLING, { createIndexes: 'c_created', v: 2, unique: true, key: { sku: 1 }, name: 'sku_1' });
  await shop.collection<Doc>('a_orders').insertOne({ _id: 100, status: 'new', total: 1000 });
  await shop.collection<Doc>('a_orders').updateOne({ _id: 3 }, { $set: { status: 'paid' } });
  await shop.collection<Doc>('a_orders').deleteOne({ _id: 5 });
  await shop.collection<Doc>('blobs').deleteOne({ _id: 0 });
}

beforeAll(async () => {
  if (oplogMissing()) return;
  mongo = await startMongo({ oplog: true });
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-pit-multi-'));
  const billing = mongo.client.db(BILLING);
  const shop = mongo.client.db(SHOP);
  await billing
    .collection<Doc>('invoices')
    .insertMany(Array.from({ length: INVOICES }, (_, i) => ({ _id: i, status: 'open', total: i })));
  await shop
    .collection<Doc>('a_orders')
    .insertMany(Array.from({ length: ORDERS }, (_, i) => ({ _id: i, status: 'new', total: i * 10 })));
  for (let i = 0; i < BLOB_DOCS; i += 256) {
    const docs = Array.from({ length: 256 }, (_, j) => ({ _id: i + j, data: new BSON.Binary(randomBytes(16 << 10)) }));
    await shop.collection<Doc>('blobs').insertMany(docs);
  }
  dir = await fs.mkdtemp(path.join(work, 'gated-'));
  const gate = gatedStorage(dir, writeDuringDump);
  made = await backup({
    target: parseMongoTarget(mongo.url(SHOP), 'database-url'),
    to: 'artifact://pitm',
    name: 'pitm',
    // Uncompressed, so that the gate's first MiB is the archive's first MiB.
    compression: 'none',
    compressionLevel: 0,
    recipients: [],
    scope: { ...FULL_SCOPE, databases: [SHOP, BILLING] },
    consistency: 'point-in-time',
    pgDumpArgs: [],
    exactCountMaxBytes: 1 << 30,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    artifacts: async () => gate.storage,
  });
  expect(gate.ran).toBe(true);
  for (const database of [BILLING, SHOP]) {
    source[database] = await contentsOf(mongo.client.db(database));
    sourceIndexes[database] = await indexesOf(mongo.client.db(database));
  }
}, 300_000);

afterAll(async () => {
  if (mongo) {
    const { databases } = await mongo.client.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name } of databases.filter((d) => d.name.startsWith(PREFIX))) {
      await mongo.client.db(name).dropDatabase();
    }
    await mongo.stop();
  }
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe('a point-in-time backup of two databases, written to during the dump', () => {
  itUnless(oplogMissing())(
    "holds both databases' entries; the manifest records each one's entries and the catalog the commands leave",
    async () => {
      const mongodb = made.manifest.mongodb!;
      expect(mongodb.databases).toEqual([BILLING, SHOP]);
      expect(mongodb.consistency).toBe('point-in-time');
      const oplog = mongodb.oplog!;
      const entries = await oplogOf(path.join(dir, made.manifest.object.key));
      expect(oplog.entries).toBe(entries.length);
      const start = oplog.start;
      const during = entries
        .filter((e) => e.ts.t > start.t || (e.ts.t === start.t && e.ts.i > start.i))
        .filter((e) => e.op !== 'c')
        .map((e) => [e.op, e.ns]);
      expect(during).toEqual([
        ['i', `${BILLING}.invoices`],
        ['u', `${BILLING}.invoices`],
        ['d', `${BILLING}.invoices`],
        ['i', `${BILLING}.c_created`],
        ['i', `${BILLING}.c_created`],
        ['i', `${SHOP}.a_orders`],
        ['u', `${SHOP}.a_orders`],
        ['d', `${SHOP}.a_orders`],
        ['d', `${SHOP}.blobs`],
      ]);
      // Only the two databases' entries (the oplog is the whole server's), counted per database.
      expect(entries.every((e) => e.ns.startsWith(`${BILLING}.`) || e.ns.startsWith(`${SHOP}.`))).toBe(true);
      const count = (database: string) => entries.filter((e) => e.ns.startsWith(`${database}.`)).length;
      expect(oplog.entriesByDatabase).toEqual({ [BILLING]: count(BILLING), [SHOP]: count(SHOP) });
      expect(oplog.commands).toEqual([
        `create ${BILLING}.c_created`,
        expect.stringMatching(new RegExp(`^(createIndexes|commitIndexBuild) ${BILLING}\\.c_created \\(sku_1\\)$`)),
      ]);
      expect(oplog.atEnd!.collections.map((c) => [c.database, c.name, c.indexes.map((i) => i.name)])).toEqual([
        [BILLING, 'c_created', ['_id_', 'sku_1']],
        [BILLING, 'invoices', ['_id_']],
        [SHOP, 'a_orders', ['_id_']],
        [SHOP, 'blobs', ['_id_']],
      ]);
      const validate = await fs.readFile('docs/manifest.schema.json', 'utf8').then((text) => {
        const ajv = new Ajv2020({ allErrors: true, strict: true });
        addFormats(ajv);
        return ajv.compile(JSON.parse(text));
      });
      expect(validate(JSON.parse(JSON.stringify(made.manifest))) ? [] : validate.errors).toEqual([]);
    },
  );

  itUnless(oplogMissing())(
    "restore-test replays each database's entries into its scratch database and passes: each is the source at the dump's end",
    async () => {
      const tested = await restoreTest(testOptions({ keep: true }));
      const names = scratchDatabases(tested.scratchDatabase, [BILLING, SHOP]);
      const scratch = (database: string) => mongo.client.db(names.find((n) => n.from === database)!.to);
      try {
        expect(tested.checks.filter((c) => !c.passed)).toEqual([]);
        expect(tested.checks.map((c) => c.name)).toEqual(
          expect.arrayContaining([
            'document counts before oplog replay (exact)',
            'oplog replayed',
            'collections present',
            'indexes',
            'schema fingerprint',
          ]),
        );
        const detail = (name: string) => tested.checks.find((c) => c.name === name)?.detail;
        expect(detail('document counts before oplog replay (exact)')).toBe("3 collections match the archive's counts");
        expect(detail('oplog replayed')).toMatch(new RegExp(`; commands replayed: create ${BILLING}\\.c_created, `));
        expect(detail('collections present')).toBe('4 of 4 collections and views');
        expect(detail('schema fingerprint')).toMatch(/^equal as the oplog's 2 commands leave them/);
        for (const database of [BILLING, SHOP]) {
          expect(await contentsOf(scratch(database))).toEqual(source[database]);
          expect(await indexesOf(scratch(database))).toEqual(sourceIndexes[database]);
        }
      } finally {
        for (const database of [BILLING, SHOP]) await scratch(database).dropDatabase();
      }
    },
    300_000,
  );

  itUnless(oplogMissing())(
    "restore-test of the same backup with its archive's oplog stripped fails: the copy is the catalog as dumped",
    async () => {
      const stripped = await withoutOplog(dir, made.manifest);
      const tested = await restoreTest(testOptions({ from: stripped }));
      expect(tested.passed).toBe(false);
      const failed = tested.checks.filter((c) => !c.passed).map((c) => [c.name, c.detail]);
      expect(failed).toEqual([
        ['collections present', `1 missing: ${BILLING}.c_created`],
        ['schema fingerprint', "differs in tables, indexes as the oplog's 2 commands leave them"],
      ]);
      expect(tested.checks.map((c) => c.name)).not.toContain('oplog replayed');
    },
    300_000,
  );

  itUnless(oplogMissing())(
    "restore with source-database replays only that database's entries, into the database target-url names",
    async () => {
      for (const [database, other] of [
        [BILLING, SHOP],
        [SHOP, BILLING],
      ] as const) {
        const into = `${database}_copy`;
        const restored = await restore(restoreOptions(into, { choice: { sourceDatabase: database } }));
        expect(restored.checks.filter((c) => !c.passed)).toEqual([]);
        const replayed = restored.checks.find((c) => c.name === 'oplog replayed')!.detail;
        // The other database's entries are skipped, not applied anywhere.
        const theirs = made.manifest.mongodb!.oplog!.entriesByDatabase![other]!;
        expect(replayed).toMatch(new RegExp(`, ${theirs} of other databases or no-ops skipped`));
        expect(await contentsOf(mongo.client.db(into))).toEqual(source[database]);
        expect(await indexesOf(mongo.client.db(into))).toEqual(sourceIndexes[database]);
      }
      const { databases } = await mongo.client.db('admin').admin().listDatabases({ nameOnly: true });
      expect(
        databases
          .map((d) => d.name)
          .filter((n) => n.startsWith(PREFIX))
          .sort(),
      ).toEqual([BILLING, `${BILLING}_copy`, SHOP, `${SHOP}_copy`].sort());
    },
    300_000,
  );

  itUnless(oplogMissing())(
    "restore with all-databases replays every database's entries into it, under its own name",
    async () => {
      for (const database of [BILLING, SHOP]) await mongo.client.db(database).dropDatabase();
      const restored = await restore(restoreOptions('admin', { choice: { allDatabases: true } }));
      expect(restored.checks.filter((c) => !c.passed)).toEqual([]);
      expect(restored.checks.map((c) => c.name)).toEqual(
        expect.arrayContaining(['oplog replayed', 'schema fingerprint']),
      );
      for (const database of [BILLING, SHOP]) {
        expect(await contentsOf(mongo.client.db(database))).toEqual(source[database]);
        expect(await indexesOf(mongo.client.db(database))).toEqual(sourceIndexes[database]);
      }
    },
    300_000,
  );

  // Last: the databases are dropped, since mongorestore --oplogReplay cannot rename namespaces.
  itUnless(oplogMissing(), mongoToolsMissing())(
    "real mongorestore --archive --oplogReplay reads the archive: both databases' collections, then the replay",
    async () => {
      for (const database of [BILLING, SHOP]) await mongo.client.db(database).dropDatabase();
      const raw = await runTool(mongoTool('mongorestore')!, [
        `--uri=${mongo.url('')}`,
        `--archive=${path.join(dir, made.manifest.object.key)}`,
        ...(lacking('mongorestoreIndexes') ? ['--noIndexRestore'] : []),
        '--oplogReplay',
      ]);
      expect(raw.output).toContain('replaying oplog');
      if (lacking('oplogReplay')) {
        // FerretDB: the collections of both databases restored, and the replay stops at its missing applyOps.
        expect(raw.code).not.toBe(0);
        expect(raw.output).toContain("no such command: 'applyOps'");
        expect(await mongo.client.db(BILLING).collection('invoices').countDocuments()).toBe(INVOICES);
        expect(await mongo.client.db(SHOP).collection('a_orders').countDocuments()).toBe(ORDERS);
      } else {
        expect(raw.code).toBe(0);
        expect(raw.output).toContain(`applied ${made.manifest.mongodb!.oplog!.entries} oplog entries`);
        for (const database of [BILLING, SHOP]) {
          expect(await contentsOf(mongo.client.db(database))).toEqual(source[database]);
        }
      }
    },
    300_000,
  );
});

function testOptions(extra: Partial<RestoreTestOptions> = {}): RestoreTestOptions {
  return {
    from: dir,
    name: 'pitm',
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

function restoreOptions(database: string, extra: Partial<RestoreOptions> = {}): RestoreOptions {
  return {
    from: dir,
    name: 'pitm',
    target: parseMongoTarget(mongo.url(database), 'target-url'),
    decryption: { identities: [] },
    clean: false,
    safetyBackup: false,
    noOwner: true,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    ...extra,
  };
}

/**
 * A copy of the backup folder whose archive is written again without its oplog namespace, its manifest's sizes
 * and checksum those of the new archive (so the integrity check passes): what a restore that skips the replay loads.
 */
async function withoutOplog(from: string, manifest: BackupManifest): Promise<string> {
  const copy = await fs.mkdtemp(path.join(work, 'stripped-'));
  await fs.cp(from, copy, { recursive: true });
  const file = path.join(copy, manifest.object.key);
  const documents = new Map<string, Uint8Array[]>();
  const contents = await readArchive(createReadStream(file), {
    document(db, collection, bson) {
      if (isOplogNamespace({ db, collection })) return;
      const key = `${db}.${collection}`;
      documents.set(key, [...(documents.get(key) ?? []), Buffer.from(bson)]);
    },
  });
  const sources: CollectionSource[] = contents.namespaces
    .filter((ns) => !isOplogNamespace(ns))
    .map((ns) => ({
      db: ns.db,
      collection: ns.collection,
      metadata: ns.metadata!,
      documents: () => documents.get(`${ns.db}.${ns.collection}`) ?? [],
    }));
  const writer = new ArchiveWriter(sources, { serverVersion: contents.header.serverVersion, toolVersion: 'test' });
  const chunks: Buffer[] = [];
  for await (const chunk of writer.chunks()) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  await fs.writeFile(file, bytes);
  const manifests = (await fs.readdir(copy, { recursive: true })).filter((f) => f.endsWith('.manifest.json'));
  expect(manifests).toHaveLength(1);
  const manifestFile = path.join(copy, manifests[0]!);
  const stored = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as BackupManifest;
  stored.object = {
    ...stored.object,
    rawBytes: bytes.length,
    storedBytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  await fs.writeFile(manifestFile, JSON.stringify(stored, null, 2));
  return copy;
}

describe('an oplog of several databases on a server without applyOps', () => {
  itUnless(
    oplogMissing(),
    lacking('oplogReplay') ? undefined : 'the server has applyOps: ordinary writes are the path of servers without it',
  )(
    "a dropDatabase in one database's entries fails naming it and the way out; the other database restores alone",
    async () => {
      const ts = (i: number) => new BSON.Timestamp({ t: 1_800_000_000, i });
      const collection = (db: string): CollectionSource => ({
        db,
        collection: 'orders',
        metadata: { options: {}, indexes: [ID_INDEX], type: 'collection' },
        documents: () => [BSON.serialize({ _id: 1, total: 5 })],
      });
      const entries = [
        { op: 'i', ns: 'shop.orders', o: { _id: 2, total: 7 } },
        { op: 'c', ns: 'billing.$cmd', o: { dropDatabase: 1 } },
      ];
      const oplog: CollectionSource = {
        ...OPLOG_NAMESPACE,
        documents: () => entries.map((e, i) => BSON.serialize({ ts: ts(i + 1), ...e })),
      };
      const writer = new ArchiveWriter([collection('billing'), collection('shop'), oplog], {
        serverVersion: '7.0.42',
        toolVersion: 'dbops test',
      });
      const chunks: Buffer[] = [];
      for await (const chunk of writer.chunks()) chunks.push(chunk);
      const file = path.join(work, 'drop-database.archive');
      await fs.writeFile(file, Buffer.concat(chunks));
      const into = (name: string) => mongo.client.db(`${PREFIX}_${name}`);
      const both = new Map([
        ['billing', into('dd_billing')],
        ['shop', into('dd_shop')],
      ]);
      const error = await rejection(loadArchive(file, into('dd_billing'), { databases: both }));
      expect(error.code).toBe('RESTORE_FAILED');
      expect(error.message).toContain(
        `the server has no applyOps, and the command dropDatabase on ${PREFIX}_dd_billing.$cmd cannot be replayed with ordinary writes`,
      );
      expect(error.hint).toContain('source-database');
      // shop alone (source-database: shop): its entries replay, billing's dropDatabase is skipped.
      const loaded = await loadArchive(file, into('dd_shop_only'), {
        databases: new Map([['shop', into('dd_shop_only')]]),
      });
      expect(loaded.oplog).toMatchObject({ entries: 2, applied: 1, skipped: 1, method: 'writes' });
      expect(await into('dd_shop_only').collection('orders').find({}).sort({ _id: 1 }).toArray()).toEqual([
        { _id: 1, total: 5 },
        { _id: 2, total: 7 },
      ]);
    },
    120_000,
  );
});
