// Point-in-time MongoDB backups (issue 15, "Consistency"): the oplog written during the dump is captured into the
// archive as mongodump --oplog writes it, and restore / restore-test replay it. Real FerretDB started with its basic
// oplog (startMongo({ oplog: true }): inserts, updates with $v: 1 and deletes logged in local.oplog.rs), or a
// MONGO_URL replica set; real mongodump / mongorestore from test/reference-clients/mongo-tools.
//
// "During the dump" is made exact as in mongo-backup-faults.test.ts: the backup stores into a real LocalStorage whose
// put holds the object's bytes after the first MiB until the test has written to the database. The collections are
// read in name order: `a_orders` (a few small documents) is then read whole, and the dump is inside `blobs` (20 MiB).
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BSON, type Db, type Document } from 'mongodb';
import { FULL_SCOPE } from '../../packages/core/src/databases/engine.js';
import { loadArchive } from '../../packages/core/src/databases/mongodb/archive-loader.js';
import { checkRestoredDatabase } from '../../packages/core/src/databases/mongodb/restore-checks.js';
import { isOplogNamespace, OPLOG_NAMESPACE } from '../../packages/core/src/databases/mongodb/archive/format.js';
import { readArchive } from '../../packages/core/src/databases/mongodb/archive/reader.js';
import { ArchiveWriter, type CollectionSource } from '../../packages/core/src/databases/mongodb/archive/writer.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { DbopsError } from '../../packages/core/src/errors.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { backup, type BackupOptions, type BackupResult } from '../../packages/core/src/operations/backup.js';
import { restore } from '../../packages/core/src/operations/restore.js';
import { restoreTest } from '../../packages/core/src/operations/restore-test.js';
import { backupSummary } from '../../packages/core/src/report/backup-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { gatedStorage } from '../harness/gated-storage.js';
import { runCli } from '../harness/cli.js';
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
import { rejection } from '../harness/errors.js';

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv2020 = require('ajv/dist/2020').default as new (options: object) => { compile(schema: object): Validator };
const addFormats = require('ajv-formats').default as (ajv: object) => void;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** 20 MiB of incompressible 16 KiB documents: far more than the dump's buffers hold ahead of the gate. */
const BLOB_DOCS = 1280;
const GATE_BYTES = 1 << 20;
const ORDERS = 20;
const external = process.env.MONGO_URL !== undefined;
/** A server without an oplog: FerretDB as the harness starts it by default, or a standalone MONGO_URL. */
const standaloneMissing =
  external && !oplogMissing() ? 'MONGO_URL names a replica set: no standalone server to back up' : undefined;
/** The oplog's size is the server's own on MONGO_URL (at least 990 MB on MongoDB): it cannot be made to roll over. */
const tinyOplogMissing = external ? 'MONGO_URL: its oplog cannot be made tiny (MongoDB: at least 990 MB)' : undefined;

type Doc = { _id: number | string; [field: string]: unknown };

let mongo: MongoServer;
let work: string;

beforeAll(async () => {
  if (oplogMissing()) return;
  mongo = await startMongo({ oplog: true });
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-oplog-'));
}, 300_000);

afterAll(async () => {
  await mongo?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

async function fillDatabase(db: Db): Promise<void> {
  await db
    .collection<Doc>('a_orders')
    .insertMany(Array.from({ length: ORDERS }, (_, i) => ({ _id: i, status: 'new', total: i * 10 })));
  for (let i = 0; i < BLOB_DOCS; i += 256) {
    const docs = Array.from({ length: 256 }, (_, j) => ({ _id: i + j, data: new BSON.Binary(randomBytes(16 << 10)) }));
    await db.collection<Doc>('blobs').insertMany(docs);
  }
}

function backupOptions(server: MongoServer, database: string, extra: Partial<BackupOptions> = {}): BackupOptions {
  return {
    target: parseMongoTarget(server.url(database), 'database-url'),
    to: 'unused',
    name: 'pit',
    compression: 'zstd',
    compressionLevel: 3,
    recipients: [],
    scope: FULL_SCOPE,
    pgDumpArgs: [],
    exactCountMaxBytes: 1 << 30,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    ...extra,
  };
}

interface GatedRun {
  outcome: BackupResult | unknown;
  dir: string;
  log: MemoryLogger;
  ran: boolean;
}

/** A backup into a local folder whose stored stream holds after the first MiB while `during` runs. */
async function gatedBackup(
  server: MongoServer,
  database: string,
  during: () => Promise<void>,
  extra: Partial<BackupOptions> = {},
): Promise<GatedRun> {
  const dir = await fs.mkdtemp(path.join(work, 'gated-'));
  const gate = gatedStorage(dir, during, GATE_BYTES);
  const log = new MemoryLogger();
  // Uncompressed, so that the gate's first MiB is the archive's first MiB.
  const outcome = await backup(
    backupOptions(server, database, {
      to: 'artifact://pit',
      compression: 'none',
      compressionLevel: 0,
      log,
      artifacts: async () => gate.storage,
      ...extra,
    }),
  ).catch((error: unknown) => error);
  return { dir, log, ran: gate.ran, outcome };
}

function succeeded(run: GatedRun): BackupResult {
  if (run.outcome instanceof Error) throw run.outcome;
  expect(run.ran).toBe(true);
  return run.outcome as BackupResult;
}

function after(a: BSON.Timestamp, b: BSON.Timestamp): boolean {
  return a.t > b.t || (a.t === b.t && a.i > b.i);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('writes made during the dump', () => {
  let database: string;
  let db: Db;
  let run: GatedRun;
  let result: BackupResult;
  let archiveFile: string;
  let source: Record<string, string[]>;

  beforeAll(async () => {
    if (oplogMissing()) return;
    database = uniqueDatabase('pit');
    db = mongo.client.db(database);
    await fillDatabase(db);
    run = await gatedBackup(mongo, database, async () => {
      // a_orders has been read whole: these reach the archive through the oplog only.
      const orders = db.collection<Doc>('a_orders');
      await orders.insertOne({ _id: 100, status: 'new', total: 1000 });
      await orders.updateOne({ _id: 3 }, { $set: { status: 'paid' } });
      await orders.deleteOne({ _id: 5 });
      // blobs' first documents have been read too.
      await db.collection<Doc>('blobs').deleteOne({ _id: 0 });
    });
    result = succeeded(run);
    archiveFile = path.join(run.dir, result.manifest.object.key);
    // The source as it was at the dump's end: nothing has written to it since.
    source = await contentsOf(db);
  }, 300_000);

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
  });

  itUnless(oplogMissing())(
    'are in the archive as its oplog namespace, and the manifest says point-in-time with the oplog range and count',
    async () => {
      const mongodb = result.manifest.mongodb!;
      expect(mongodb.consistency).toBe('point-in-time');
      const entries = await oplogOf(archiveFile);
      expect(mongodb.oplog!.entries).toBe(entries.length);
      const start = mongodb.oplog!.start;
      const during = entries
        .filter((e) => e.ts.t > start.t || (e.ts.t === start.t && e.ts.i > start.i))
        .map((e) => [e.op, e.ns, BSON.EJSON.stringify(e.op === 'u' ? e.o2 : e.o)]);
      expect(during).toEqual([
        ['i', `${database}.a_orders`, '{"_id":100,"status":"new","total":1000}'],
        ['u', `${database}.a_orders`, '{"_id":3}'],
        ['d', `${database}.a_orders`, '{"_id":5}'],
        ['d', `${database}.blobs`, '{"_id":0}'],
      ]);
      // Only this database's entries (the oplog is the whole server's).
      expect(entries.every((e) => e.ns.startsWith(`${database}.`))).toBe(true);
      const validate = await fs.readFile(path.join(ROOT, 'docs/manifest.schema.json'), 'utf8').then((text) => {
        const ajv = new Ajv2020({ allErrors: true, strict: true });
        addFormats(ajv);
        return ajv.compile(JSON.parse(text));
      });
      const stored = JSON.parse(JSON.stringify(result.manifest));
      expect(validate(stored) ? [] : validate.errors).toEqual([]);
      const summary = renderSummary([backupSummary(result)]);
      expect(summary).toContain(`point-in-time as of `);
      expect(summary).toContain(`${entries.length} oplog ${entries.length === 1 ? 'entry' : 'entries'} from`);
    },
  );

  itUnless(oplogMissing())(
    'dbops restore replays them: the restored database equals the source at the dump end',
    async () => {
      const into = uniqueDatabase('pit_restored');
      const log = new MemoryLogger();
      try {
        const restored = await restore({
          from: run.dir,
          name: 'pit',
          target: parseMongoTarget(mongo.url(into), 'target-url'),
          decryption: { identities: [] },
          clean: false,
          safetyBackup: false,
          noOwner: true,
          env: process.env,
          secrets: new Secrets(),
          log,
        });
        expect(restored.checks.filter((c) => !c.passed)).toEqual([]);
        const replayed = restored.checks.find((c) => c.name === 'oplog replayed');
        expect(replayed?.detail).toMatch(
          new RegExp(`^${result.manifest.mongodb!.oplog!.entries} entries \\(.+\\) replayed with `),
        );
        const restoredContents = await contentsOf(mongo.client.db(into));
        expect(restoredContents).toEqual(source);
        // What the archive's collections hold, without the replay, is not the source: the oplog made the difference.
        expect(source.a_orders).toContain('{"_id":{"$numberInt":"100"},"status":"new","total":{"$numberInt":"1000"}}');
        expect(result.manifest.mongodb!.collections.find((c) => c.name === 'a_orders')!.documents).toBe(ORDERS);
      } finally {
        await mongo.client
          .db(into)
          .dropDatabase()
          .catch(() => undefined);
      }
    },
    300_000,
  );

  itUnless(oplogMissing())(
    'restore-test checks the counts before the replay, replays, and passes every check',
    async () => {
      const result = await restoreTest({
        from: run.dir,
        name: 'pit',
        target: parseMongoTarget(mongo.url('admin'), 'target-url'),
        decryption: { identities: [] },
        checks: [],
        keep: false,
        record: false,
        env: process.env,
        secrets: new Secrets(),
        log: new MemoryLogger(),
      });
      expect(result.checks.filter((c) => !c.passed)).toEqual([]);
      const names = result.checks.map((c) => c.name);
      expect(names).toEqual(
        expect.arrayContaining(['document counts before oplog replay (exact)', 'oplog replayed', 'indexes']),
      );
      expect(names).not.toContain('document counts (exact)');
      // The counts before the replay are the archive's (the manifest's), not the source's at the end.
      expect(result.checks.find((c) => c.name === 'document counts before oplog replay (exact)')!.detail).toBe(
        "2 collections match the archive's counts",
      );
      expect(result.rows).toBe(ORDERS + 1 - 1 + BLOB_DOCS - 1);
    },
    300_000,
  );

  // Last in this block: the source database is dropped, since mongorestore --oplogReplay cannot rename namespaces.
  itUnless(oplogMissing(), mongoToolsMissing())(
    "real mongorestore accepts the archive's oplog: it restores the collections and replays it (on MongoDB: the source at the dump's end)",
    async () => {
      await db.dropDatabase();
      const raw = await runTool(mongoTool('mongorestore')!, [
        `--uri=${mongo.url('')}`,
        `--archive=${archiveFile}`,
        ...(lacking('mongorestoreIndexes') ? ['--noIndexRestore'] : []),
        '--oplogReplay',
      ]);
      expect(raw.output).toContain('replaying oplog');
      if (lacking('oplogReplay')) {
        // FerretDB: the layout was accepted, the collections restored, and the replay stops at its missing applyOps.
        expect(raw.code).not.toBe(0);
        expect(raw.output).toContain("no such command: 'applyOps'");
        expect(await db.collection('a_orders').countDocuments()).toBe(ORDERS);
      } else {
        expect(raw.code).toBe(0);
        expect(raw.output).toContain(`applied ${result.manifest.mongodb!.oplog!.entries} oplog entries`);
        expect(await contentsOf(db)).toEqual(source);
      }
    },
    300_000,
  );
});

describe('collections and indexes created or dropped during the dump', () => {
  // A real MongoDB logs these commands itself; FerretDB does not, so the test writes each one into its oplog as a
  // MongoDB primary would (the entry shapes of src/mongo/db/op_observer), right after doing it.
  let database: string;
  let db: Db;
  let run: GatedRun;
  let result: BackupResult;
  let source: Record<string, string[]>;
  let sourceIndexes: Record<string, string>;

  async function logCommand(o: Document, extra: Document = {}): Promise<void> {
    if (external) return;
    const oplog = mongo.client.db('local').collection('oplog.rs');
    const [last] = await oplog.find({}, { sort: { $natural: -1 }, limit: 1 }).toArray();
    const ts = new BSON.Timestamp({ t: last!.ts.t, i: last!.ts.i + 1 });
    await oplog.insertOne({ ts, t: 1, v: 2, op: 'c', ns: `${database}.$cmd`, o, ...extra, wall: new Date() });
  }

  beforeAll(async () => {
    if (oplogMissing()) return;
    database = uniqueDatabase('pit_cmd');
    db = mongo.client.db(database);
    await db.collection<Doc>('a_dropped').insertMany([{ _id: 1 }, { _id: 2 }]);
    await fillDatabase(db);
    await db.collection('a_orders').createIndex({ total: 1 }, { name: 'total_1' });
    run = await gatedBackup(mongo, database, async () => {
      // a_dropped and a_orders have been read whole, with a_orders' index total_1; the dump is inside blobs.
      await db.collection('a_dropped').drop();
      await logCommand({ drop: 'a_dropped' }, { o2: { numRecords: 2 } });
      await db.createCollection('c_created');
      await logCommand({ create: 'c_created', idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } });
      await db.collection<Doc>('c_created').insertMany([
        { _id: 1, sku: 'x' },
        { _id: 2, sku: 'y' },
      ]);
      await db.collection('c_created').createIndex({ sku: 1 }, { name: 'sku_1', unique: true });
      await logCommand({ createIndexes: 'c_created', v: 2, unique: true, key: { sku: 1 }, name: 'sku_1' });
      await db.collection('a_orders').createIndex({ status: 1 }, { name: 'status_1' });
      await logCommand({ createIndexes: 'a_orders', v: 2, key: { status: 1 }, name: 'status_1' });
      await db.collection('a_orders').dropIndex('total_1');
      await logCommand(
        { dropIndexes: 'a_orders', index: 'total_1' },
        { o2: { v: 2, key: { total: 1 }, name: 'total_1' } },
      );
      await db.collection<Doc>('a_orders').updateOne({ _id: 1 }, { $set: { status: 'paid' } });
    });
    result = succeeded(run);
    source = await contentsOf(db);
    sourceIndexes = await indexesOf(db);
  }, 300_000);

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
  });

  itUnless(oplogMissing())(
    'the manifest names the commands and the catalog they leave; the collections as dumped stay as they were',
    async () => {
      const oplog = result.manifest.mongodb!.oplog!;
      expect(oplog.commands).toEqual([
        'drop a_dropped',
        'create c_created',
        expect.stringMatching(/^(createIndexes|commitIndexBuild) c_created \(sku_1\)$/),
        expect.stringMatching(/^(createIndexes|commitIndexBuild) a_orders \(status_1\)$/),
        'dropIndexes a_orders (total_1)',
      ]);
      expect(oplog.atEnd!.collections).toEqual([
        {
          name: 'a_orders',
          type: 'collection',
          indexes: [expect.objectContaining({ name: '_id_' }), { name: 'status_1', key: { status: 1 } }],
        },
        { name: 'blobs', type: 'collection', indexes: [expect.objectContaining({ name: '_id_' })] },
        {
          name: 'c_created',
          type: 'collection',
          indexes: [expect.objectContaining({ name: '_id_' }), { name: 'sku_1', key: { sku: 1 }, unique: true }],
        },
      ]);
      expect(oplog.atEnd!.schemaFingerprint.digest).not.toBe(result.manifest.schemaFingerprint.digest);
      expect(result.manifest.mongodb!.collections.map((c) => [c.name, c.indexes.map((i) => i.name)])).toEqual([
        ['a_dropped', ['_id_']],
        ['a_orders', ['_id_', 'total_1']],
        ['blobs', ['_id_']],
      ]);
      const validate = await fs.readFile(path.join(ROOT, 'docs/manifest.schema.json'), 'utf8').then((text) => {
        const ajv = new Ajv2020({ allErrors: true, strict: true });
        addFormats(ajv);
        return ajv.compile(JSON.parse(text));
      });
      expect(validate(JSON.parse(JSON.stringify(result.manifest))) ? [] : validate.errors).toEqual([]);
    },
  );

  itUnless(oplogMissing())(
    "restore-test replays them and passes: the copy's collections, indexes and documents are the source's at the dump's end",
    async () => {
      const tested = await restoreTest({
        from: run.dir,
        name: 'pit',
        target: parseMongoTarget(mongo.url('admin'), 'target-url'),
        decryption: { identities: [] },
        checks: [],
        keep: true,
        record: false,
        env: process.env,
        secrets: new Secrets(),
        log: new MemoryLogger(),
      });
      const copy = mongo.client.db(tested.scratchDatabase);
      try {
        expect(tested.checks.filter((c) => !c.passed)).toEqual([]);
        const detail = (name: string) => tested.checks.find((c) => c.name === name)?.detail;
        expect(detail('oplog replayed')).toMatch(
          /; commands replayed: drop a_dropped, create c_created, \w+ c_created \(sku_1\), \w+ a_orders \(status_1\), dropIndexes a_orders \(total_1\)$/,
        );
        expect(detail('indexes')).toBe("5 indexes as the oplog's 5 commands leave them");
        expect(detail('schema fingerprint')).toMatch(/^equal as the oplog's 5 commands leave them/);
        expect(detail('collections present')).toBe('3 of 3 collections and views');
        expect(await contentsOf(copy)).toEqual(source);
        expect(await indexesOf(copy)).toEqual(sourceIndexes);
        expect(Object.keys(source)).toEqual(['a_orders', 'blobs', 'c_created']);
      } finally {
        await copy.dropDatabase().catch(() => undefined);
      }
    },
    300_000,
  );

  itUnless(oplogMissing())(
    "without the replay, the checks fail: the archive's collections are the catalog as dumped",
    async () => {
      const archive = path.join(run.dir, result.manifest.object.key);
      const copy = mongo.client.db(uniqueDatabase('pit_cmd_noreplay'));
      try {
        await loadArchive(await withoutOplog(archive), copy);
        const checked = await checkRestoredDatabase(copy, result.manifest, []);
        const failed = checked.checks.filter((c) => !c.passed).map((c) => [c.name, c.detail]);
        expect(failed).toEqual([
          ['collections present', '1 missing: c_created'],
          [
            'indexes',
            `a_orders: [{"name":"_id_","key":{"_id":1}},{"name":"total_1","key":{"total":1}}] (at the dump's end: [{"name":"_id_","key":{"_id":1}},{"name":"status_1","key":{"status":1}}])`,
          ],
          ['schema fingerprint', "differs in tables, indexes as the oplog's 5 commands leave them"],
        ]);
      } finally {
        await copy.dropDatabase().catch(() => undefined);
      }
    },
    300_000,
  );
});

/** The archive written again without its oplog namespace: what a restore that skips the replay loads. */
async function withoutOplog(file: string): Promise<string> {
  const documents = new Map<string, Uint8Array[]>();
  const contents = await readArchive(createReadStream(file), {
    document(db, collection, bson) {
      if (isOplogNamespace({ db, collection })) return;
      const docs = documents.get(collection) ?? [];
      docs.push(Buffer.from(bson));
      documents.set(collection, docs);
    },
  });
  const sources: CollectionSource[] = contents.namespaces
    .filter((ns) => !isOplogNamespace(ns))
    .map((ns) => ({
      db: ns.db,
      collection: ns.collection,
      metadata: ns.metadata!,
      documents: () => documents.get(ns.collection) ?? [],
    }));
  return writeArchive(`noreplay-${path.basename(file)}`, sources);
}

describe("real mongodump --oplog's archive", () => {
  let server: MongoServer;
  let database: string;
  let archiveFile: string;
  let dumpOutput: string;

  beforeAll(async () => {
    if (oplogMissing() || mongoToolsMissing() || external) return;
    // Its own server: mongodump --oplog dumps every database of it.
    server = await startMongo({ oplog: true });
    database = uniqueDatabase('pit_mongodump');
    const db = server.client.db(database);
    await fillDatabase(db);
    await db.collection<Doc>('counter').insertOne({ _id: 'last', n: -1 });
    archiveFile = path.join(work, 'mongodump-oplog.archive');
    // A writer inserting numbered documents while mongodump runs, each one recorded in the counter.
    let stop = false;
    let written = 0;
    const writer = (async () => {
      for (let n = 0; !stop; n++) {
        await db.collection<Doc>('w').insertOne({ _id: n });
        await db.collection<Doc>('counter').updateOne({ _id: 'last' }, { $set: { n } });
        written = n + 1;
      }
    })();
    while (written < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    const dump = await runTool(mongoTool('mongodump')!, [
      `--uri=${server.url('')}`,
      '--oplog',
      `--archive=${archiveFile}`,
    ]);
    stop = true;
    await writer;
    dumpOutput = dump.output;
    expect(dump.code).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
  });

  itUnless(
    oplogMissing(),
    mongoToolsMissing(),
    external ? 'MONGO_URL: mongodump --oplog dumps the whole shared server' : undefined,
  )(
    "is read by dbops's reader (oplog namespace, CRC) and loaded with its oplog replayed: the numbered documents and the counter as at the oplog's end",
    async () => {
      const contents = await readArchive(createReadStream(archiveFile));
      const dumped = Number(/dumped (\d+) oplog entr/.exec(dumpOutput)?.[1]);
      expect(contents.oplog?.documents).toBe(dumped);
      expect(dumped).toBeGreaterThan(1); // the writer wrote during the dump
      expect(contents.namespaces.map((ns) => ns.collection).sort()).toEqual(['a_orders', 'blobs', 'counter', 'w']);

      const into = server.client.db(uniqueDatabase('pit_loaded'));
      const loaded = await loadArchive(archiveFile, into);
      expect(loaded.oplog).toMatchObject({ entries: dumped, method: lacking('oplogReplay') ? 'writes' : 'applyOps' });
      // As of the oplog's end: documents 0..m, none missing, and the counter at m (or m - 1, when the end fell
      // between the insert of m and the counter's update).
      const counter = await into.collection<Doc>('counter').findOne({ _id: 'last' });
      const ids = (await into.collection<Doc>('w').find({}).sort({ _id: 1 }).toArray()).map((d) => d._id);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i));
      expect([ids.length - 1, ids.length - 2]).toContain(Number(counter!.n));
      const last = contents.oplog!.last!;
      const atEnd = await server.client
        .db('local')
        .collection('oplog.rs')
        .find({ ns: `${database}.w`, op: 'i', ts: { $lte: new BSON.Timestamp({ t: last.t, i: last.i }) } })
        .sort({ $natural: -1 })
        .limit(1)
        .toArray();
      expect(ids.at(-1)).toBe(atEnd[0]!.o._id);
    },
    300_000,
  );
});

describe('the oplog rolled over during the dump', () => {
  itUnless(oplogMissing(), tinyOplogMissing)(
    'fails saying so (enlarge the oplog or dump faster), and stores nothing',
    async () => {
      const server = await startMongo({ oplog: true, oplogSizeBytes: 256 << 10 });
      try {
        const database = uniqueDatabase('pit_rollover');
        const db = server.client.db(database);
        await fillDatabase(db);
        const oplog = server.client.db('local').collection('oplog.rs');
        const edge = async (direction: 1 | -1) =>
          (await oplog.find({}, { sort: { $natural: direction }, limit: 1 }).toArray())[0]!.ts as BSON.Timestamp;
        const run = await gatedBackup(server, database, async () => {
          // The dump's start is at most the newest entry now; 1 MiB of entries through a 256 KiB oplog, until the
          // server has trimmed everything up to it (FerretDB trims in the background, 100 ms apart here).
          const newest = await edge(-1);
          for (let i = 0; i < 64; i++) {
            await db.collection<Doc>('a_orders').insertOne({ _id: 1000 + i, pad: 'x'.repeat(16 << 10) });
          }
          while (!after(await edge(1), newest)) await new Promise((resolve) => setTimeout(resolve, 50));
        });
        expect(run.ran).toBe(true);
        expect(run.outcome).toBeInstanceOf(DbopsError);
        const error = run.outcome as DbopsError;
        expect(error.code).toBe('DUMP_FAILED');
        expect(error.message).toMatch(/^Reading local\.oplog\.rs .*failed|The oplog rolled over during the backup/);
        expect(error.message).toContain('rolled over');
        expect(error.hint).toContain('Enlarge the oplog');
        expect(error.hint).toContain('dump faster');
        expect(await filesUnder(run.dir)).toEqual([]);
      } finally {
        await server.stop();
      }
    },
    300_000,
  );
});

describe('consistency on a server without an oplog', () => {
  let plain: MongoServer;
  let database: string;

  beforeAll(async () => {
    if (standaloneMissing) return;
    plain = await startMongo();
    database = uniqueDatabase('pit_plain');
    await plain.client
      .db(database)
      .collection<Doc>('a_orders')
      .insertMany([{ _id: 1 }, { _id: 2 }]);
  }, 300_000);

  afterAll(async () => {
    await plain?.client
      .db(database)
      .dropDatabase()
      .catch(() => undefined);
    await plain?.stop();
  });

  itUnless(standaloneMissing)('point-in-time fails naming the input and why, before anything is stored', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-pit-plain-'));
    try {
      const error = await rejection(backup(backupOptions(plain, database, { to: dir, consistency: 'point-in-time' })));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.input).toBe('consistency');
      expect(error.message).toContain('consistency is point-in-time, but');
      expect(error.message).toContain('not a replica set member: it has no oplog');
      expect(error.hint).toContain('set consistency to auto or per-collection');
      expect(await filesUnder(dir)).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  itUnless(standaloneMissing)(
    '`dbops backup --consistency point-in-time` exits 2 naming the input; an unknown value lists the valid ones',
    async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-pit-cli-'));
      try {
        const env = { DATABASE_URL: plain.url(database) };
        const run = await runCli(['backup', '--to', dir, '--consistency', 'point-in-time', '--json'], env);
        expect(run.code).toBe(2);
        expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'INVALID_INPUT', input: 'consistency' });
        const unknown = await runCli(['backup', '--to', dir, '--consistency', 'snapshot'], env);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toContain("Input 'consistency' has an unknown value 'snapshot'");
        expect(unknown.stderr).toContain('fix: one of auto, point-in-time, per-collection');
        expect(await filesUnder(dir)).toEqual([]);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  );

  itUnless(standaloneMissing)('auto backs up per collection and logs why', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-pit-plain-'));
    try {
      const log = new MemoryLogger();
      const result = await backup(backupOptions(plain, database, { to: dir, log }));
      expect(result.manifest.mongodb!.consistency).toBe('per-collection');
      expect(result.manifest.mongodb!.oplog).toBeUndefined();
      expect(log.lines).toContain(
        'info: Consistency: per-collection, since the server is not a replica set member: it has no oplog',
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a server without applyOps', () => {
  itUnless(
    oplogMissing(),
    lacking('oplogReplay') ? undefined : 'the server has applyOps: ordinary writes are the path of servers without it',
  )('replays inserts, deletes and $v: 1 updates, and fails naming an entry kind it cannot replay', async () => {
    const ts = (i: number) => new BSON.Timestamp({ t: 1_800_000_000, i });
    const orders: CollectionSource = {
      db: 'shop',
      collection: 'orders',
      metadata: { options: {}, indexes: [], type: 'collection' },
      documents: () => [BSON.serialize({ _id: 1, n: 1 }), BSON.serialize({ _id: 2, n: 2 })],
    };
    const oplog = (entries: Document[]): CollectionSource => ({
      ...OPLOG_NAMESPACE,
      documents: () => entries.map((e) => BSON.serialize(e)),
    });
    const writes = [
      { ts: ts(1), op: 'i', ns: 'shop.orders', o: { _id: 2, n: 2 } }, // read by the dump already: an upsert
      { ts: ts(2), op: 'i', ns: 'shop.orders', o: { _id: 3, n: 3 } },
      { ts: ts(3), op: 'u', ns: 'shop.orders', o: { $v: 1, $set: { n: 10 }, $unset: { gone: true } }, o2: { _id: 1 } },
      { ts: ts(4), op: 'd', ns: 'shop.orders', o: { _id: 2 } },
    ];
    const into = mongo.client.db(uniqueDatabase('pit_writes'));
    try {
      const good = await writeArchive('writes.archive', [orders, oplog(writes)]);
      const loaded = await loadArchive(good, into);
      expect(loaded.oplog).toEqual({ entries: 4, applied: 4, skipped: 0, method: 'writes', commands: [] });
      expect(await into.collection('orders').find({}).sort({ _id: 1 }).toArray()).toEqual([
        { _id: 1, n: 10 },
        { _id: 3, n: 3 },
      ]);

      const v2 = { ts: ts(5), op: 'u', ns: 'shop.orders', o: { $v: 2, diff: { u: { n: 5 } } }, o2: { _id: 1 } };
      const other = mongo.client.db(uniqueDatabase('pit_writes'));
      try {
        const error = await rejection(loadArchive(await writeArchive('v2.archive', [orders, oplog([v2])]), other));
        expect(error.code).toBe('RESTORE_FAILED');
        expect(error.message).toContain(
          'the server has no applyOps, and an update with $v: 2 cannot be replayed with ordinary writes',
        );
      } finally {
        await other.dropDatabase().catch(() => undefined);
      }
    } finally {
      await into.dropDatabase().catch(() => undefined);
    }
  });
});

describe('a server without applyOps, commands', () => {
  itUnless(
    oplogMissing(),
    lacking('oplogReplay') ? undefined : 'the server has applyOps: ordinary writes are the path of servers without it',
  )(
    'replays create, drop, createIndexes and dropIndexes on the target database, and fails naming a command the server refuses',
    async () => {
      const ts = (i: number) => new BSON.Timestamp({ t: 1_800_000_000, i });
      const id = { v: 2, key: { _id: 1 }, name: '_id_' };
      const collection = (name: string, indexes: Document[]): CollectionSource => ({
        db: 'shop',
        collection: name,
        metadata: { options: {}, indexes, type: 'collection' },
        documents: () => [BSON.serialize({ _id: 1, total: 5 })],
      });
      const orders = collection('orders', [id, { v: 2, key: { total: 1 }, name: 'total_1' }]);
      const oplog = (entries: Document[]): CollectionSource => ({
        ...OPLOG_NAMESPACE,
        documents: () => entries.map((e, i) => BSON.serialize({ ts: ts(i + 1), ...e })),
      });
      const command = (o: Document) => ({ op: 'c', ns: 'shop.$cmd', o });
      const into = mongo.client.db(uniqueDatabase('pit_writes_cmd'));
      try {
        const archive = await writeArchive('commands.archive', [
          orders,
          collection('old', [id]),
          oplog([
            // Created after the oplog's start but before the inventory: the archive has it already.
            command({ create: 'orders', idIndex: id }),
            command({ drop: 'old' }),
            command({ create: 'fresh', idIndex: id }),
            { op: 'i', ns: 'shop.fresh', o: { _id: 1, sku: 'a' } },
            command({ createIndexes: 'fresh', v: 2, key: { sku: 1 }, name: 'sku_1', unique: true }),
            command({ dropIndexes: 'orders', index: 'total_1' }),
          ]),
        ]);
        const loaded = await loadArchive(archive, into);
        expect(loaded.oplog).toEqual({
          entries: 6,
          applied: 6,
          skipped: 0,
          method: 'writes',
          commands: [
            'create orders',
            'drop old',
            'create fresh',
            'createIndexes fresh (sku_1)',
            'dropIndexes orders (total_1)',
          ],
        });
        expect(Object.keys(await contentsOf(into)).sort()).toEqual(['fresh', 'orders']);
        expect(await into.collection('fresh').find({}).toArray()).toEqual([{ _id: 1, sku: 'a' }]);
        expect(await indexesOf(into)).toEqual({
          fresh: JSON.stringify([
            { name: '_id_', key: { _id: 1 }, unique: false },
            { name: 'sku_1', key: { sku: 1 }, unique: true },
          ]),
          orders: JSON.stringify([{ name: '_id_', key: { _id: 1 }, unique: false }]),
        });
      } finally {
        await into.dropDatabase().catch(() => undefined);
      }

      for (const [o, message] of [
        [{ collMod: 'orders', validator: { total: { $gte: 0 } } }, /failed at collMod on pit_writes_cmd\w*\.\$cmd: .+/],
        [
          { dropDatabase: 1 },
          /the server has no applyOps, and the command dropDatabase on pit_writes_cmd\w*\.\$cmd cannot be replayed with ordinary writes/,
        ],
      ] as const) {
        const other = mongo.client.db(uniqueDatabase('pit_writes_cmd'));
        try {
          const file = await writeArchive('refused.archive', [orders, oplog([command(o)])]);
          const error = await rejection(loadArchive(file, other));
          expect(error.code).toBe('RESTORE_FAILED');
          expect(error.message).toMatch(message);
        } finally {
          await other.dropDatabase().catch(() => undefined);
        }
      }
    },
  );
});

async function writeArchive(name: string, sources: CollectionSource[]): Promise<string> {
  const writer = new ArchiveWriter(sources, { serverVersion: '7.0.42', toolVersion: 'dbops test' });
  const chunks: Buffer[] = [];
  for await (const chunk of writer.chunks()) chunks.push(chunk);
  const file = path.join(work, name);
  await fs.writeFile(file, Buffer.concat(chunks));
  return file;
}
