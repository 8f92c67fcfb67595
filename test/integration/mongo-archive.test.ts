// The mongodump archive format both ways, against a real server (FerretDB, or MONGO_URL) and mongo-tools' own
// clients: our writer's archive restored by real mongorestore, and a real mongodump archive read by our reader.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BSON, type Collection, type Db, type Document } from 'mongodb';
import { uuidHex } from '../../packages/core/src/databases/mongodb/archive/metadata.js';
import { loadArchive } from '../../packages/core/src/databases/mongodb/archive-loader.js';
import { readArchive } from '../../packages/core/src/databases/mongodb/archive/reader.js';
import { ArchiveWriter, type CollectionSource } from '../../packages/core/src/databases/mongodb/archive/writer.js';
import {
  itUnless,
  lacking,
  mongoTool,
  mongoToolsMissing,
  startMongo,
  uniqueDatabase,
  type MongoServer,
} from '../harness/mongo.js';

const NAMES = ['orders', 'a.b.c', 'ünïcødé_集合', 'capped', 'empty', 'attachments'];
/** Just under the 16 MB BSON limit, with room for the insert command around it. */
const LARGE_STRING = 16 * 1024 * 1024 - 1024;

describe('mongodump archive format against a real server', () => {
  let server: MongoServer;
  let dir: string;
  let source: Db;
  let ourArchive: string;
  const sourceName = uniqueDatabase('src');
  const restoredNames: string[] = [];

  beforeAll(async () => {
    [server, dir] = await Promise.all([startMongo(), mkdtemp(join(tmpdir(), 'dbops-mongo-archive-'))]);
    source = server.client.db(sourceName);
    await fillSource(source, server);
    ourArchive = join(dir, 'ours.archive');
    await writeOurArchive(source, server.version, ourArchive);
  }, 300_000);

  afterAll(async () => {
    for (const name of [sourceName, ...restoredNames]) {
      await server?.client
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
    }
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads back our own archive of the source: every namespace, count, size and document', async () => {
    const seen = new Map<string, string[]>();
    const contents = await readArchive(createReadStream(ourArchive), {
      document: (_, collection, bson) => seen.set(collection, [...(seen.get(collection) ?? []), digest(bson)]),
    });
    expect(contents.namespaces.map((ns) => ns.collection).sort()).toEqual([...NAMES].sort());
    for (const ns of contents.namespaces) {
      const docs = await rawDocuments(source.collection(ns.collection));
      expect([ns.collection, ns.documents, ns.bytes]).toEqual([ns.collection, docs.length, totalBytes(docs)]);
      expect((seen.get(ns.collection) ?? []).sort()).toEqual(docs.map(digest).sort());
    }
  }, 120_000);

  const a = '(a) is restored by real mongorestore into another database, documents byte for byte, options equal';
  itUnless(mongoToolsMissing())(
    a,
    async () => {
      const restored = uniqueDatabase('dst');
      restoredNames.push(restored);
      // FerretDB rejects the 'ns' field mongorestore puts in every index: the indexes are compared in the next test.
      const noIndexes = lacking('mongorestoreIndexes') ? ['--noIndexRestore'] : [];
      await mongorestore(server, ourArchive, sourceName, restored, noIndexes);
      const target = server.client.db(restored);
      for (const name of NAMES) {
        const expected = await rawDocuments(source.collection(name));
        const actual = await rawDocuments(target.collection(name));
        expect([name, actual.length]).toEqual([name, expected.length]);
        actual.forEach((doc, i) => {
          expect([name, i, doc.equals(expected[i]!)]).toEqual([name, i, true]);
        });
        expect([name, await collectionOptions(target, name)]).toEqual([name, await collectionOptions(source, name)]);
      }
    },
    300_000,
  );

  const withIndexes = itUnless(mongoToolsMissing(), lacking('mongorestoreIndexes'));
  withIndexes(
    '(a) is restored by real mongorestore with its indexes',
    async () => {
      const restored = uniqueDatabase('idx');
      restoredNames.push(restored);
      await mongorestore(server, ourArchive, sourceName, restored, []);
      for (const name of NAMES) {
        expect([name, await indexes(server.client.db(restored), name)]).toEqual([name, await indexes(source, name)]);
      }
    },
    300_000,
  );

  itUnless(mongoToolsMissing())(
    '(b) reads a real mongodump --archive: CRCs, counts, sizes and metadata',
    async () => {
      const theirArchive = join(dir, 'mongodump.archive');
      await run(mongoTool('mongodump')!, [`--uri=${server.url()}`, `--db=${sourceName}`, `--archive=${theirArchive}`]);
      const seen = new Map<string, string[]>();
      const contents = await readArchive(createReadStream(theirArchive), {
        document: (_, collection, bson) => seen.set(collection, [...(seen.get(collection) ?? []), digest(bson)]),
      });
      expect(contents.header).toMatchObject({ formatVersion: '0.1', serverVersion: server.version });
      expect(contents.namespaces.map((ns) => ns.collection).sort()).toEqual([...NAMES].sort());
      for (const ns of contents.namespaces) {
        const docs = await rawDocuments(source.collection(ns.collection));
        expect([ns.collection, ns.type, ns.documents, ns.bytes]).toEqual([
          ns.collection,
          'collection',
          docs.length,
          totalBytes(docs),
        ]);
        expect((seen.get(ns.collection) ?? []).sort()).toEqual(docs.map(digest).sort());
        const info = (await collectionInfos(source, ns.collection))[0]!;
        expect(canonical(ns.metadata!.options)).toBe(canonical(info.options ?? {}));
        const indexes = await source.collection(ns.collection).listIndexes({ promoteValues: false }).toArray();
        expect(canonical(ns.metadata!.indexes)).toBe(canonical(indexes));
        expect(ns.metadata!.uuid).toBe(info.info?.uuid ? uuidHex(info.info.uuid) : undefined);
      }
      // Our writer describes each collection exactly as mongodump does.
      const ours = await readArchive(createReadStream(ourArchive));
      for (const ns of contents.namespaces) {
        const mine = ours.namespaces.find((o) => o.collection === ns.collection)!;
        expect([ns.collection, canonical(mine.metadata!)]).toEqual([ns.collection, canonical(ns.metadata!)]);
      }
    },
    300_000,
  );

  itUnless(mongoToolsMissing())(
    '(b) a real mongodump --archive is restored by dbops into another database: documents byte for byte, indexes and options equal',
    async () => {
      const theirArchive = join(dir, 'mongodump-for-restore.archive');
      await run(mongoTool('mongodump')!, [`--uri=${server.url()}`, `--db=${sourceName}`, `--archive=${theirArchive}`]);
      const restored = uniqueDatabase('fromdump');
      restoredNames.push(restored);
      const target = server.client.db(restored);
      const loaded = await loadArchive(theirArchive, target);
      expect(loaded.collections).toBe(NAMES.length);
      for (const name of NAMES) {
        const expected = await rawDocuments(source.collection(name));
        const actual = await rawDocuments(target.collection(name));
        expect([name, actual.length]).toEqual([name, expected.length]);
        actual.forEach((doc, i) => {
          expect([name, i, doc.equals(expected[i]!)]).toEqual([name, i, true]);
        });
        expect([name, await collectionOptions(target, name)]).toEqual([name, await collectionOptions(source, name)]);
        expect([name, await indexes(target, name)]).toEqual([name, await indexes(source, name)]);
      }
      expect(loaded.documents).toBe(
        (await Promise.all(NAMES.map((n) => source.collection(n).countDocuments()))).reduce((a, b) => a + b, 0),
      );
    },
    300_000,
  );

  it('(c) rejects a flipped byte and a truncated archive, naming the damage', async () => {
    const archive = await readFile(ourArchive);
    const flipped = Buffer.from(archive);
    const at = flipped.indexOf('Zoë');
    flipped[at] = flipped[at]! ^ 0x01;
    await expect(readArchive(Readable.from([flipped]))).rejects.toThrow(
      new RegExp(
        `failed its CRC check for ${sourceName}\\.orders: its \\d+ documents give 0x[0-9a-f]{16}, ` +
          'its EOF block at byte \\d+ says',
      ),
    );
    const half = Math.floor(archive.length / 2);
    await expect(readArchive(Readable.from([archive.subarray(0, half)]))).rejects.toThrow(
      new RegExp(`The mongodump archive is truncated at byte ${half}: it ends inside a block`),
    );
  }, 120_000);

  itUnless(mongoToolsMissing())(
    '(c) is refused by real mongorestore too when a byte is flipped',
    async () => {
      const flipped = await readFile(ourArchive);
      const at = flipped.indexOf('Zoë');
      flipped[at] = flipped[at]! ^ 0x01;
      const damaged = join(dir, 'flipped.archive');
      await writeFile(damaged, flipped);
      const restored = uniqueDatabase('bad');
      restoredNames.push(restored);
      await expect(mongorestore(server, damaged, sourceName, restored, ['--noIndexRestore'])).rejects.toThrow(
        /CRC mismatch/,
      );
    },
    300_000,
  );
});

/** Collections with non-ASCII and dotted names, many BSON types, a capped and an empty collection, a 16 MB document. */
async function fillSource(db: Db, server: MongoServer): Promise<void> {
  await db.createCollection('capped', { capped: true, size: 1 << 20, max: 100 });
  await db.createCollection('empty');
  const orders = db.collection('orders');
  await orders.insertMany([
    {
      _id: 1 as never,
      customer: 'Zoë 李 🚀',
      total: 12.5,
      count: new BSON.Int32(3),
      big: BSON.Long.fromString('9007199254740993'),
      at: new Date(Date.UTC(2026, 0, 2)),
      paid: true,
      note: null,
      tags: ['a', 'b', { nested: [1, 2.5] }],
      raw: new BSON.Binary(Buffer.from([0, 1, 255])),
      uuid: new BSON.UUID('0123456789ab4def8123456789abcdef'),
      ref: new BSON.ObjectId('65f000000000000000000001'),
      pattern: new BSON.BSONRegExp('^a.c$', 'i'),
      ts: new BSON.Timestamp({ t: 1_700_000_000, i: 7 }),
      negativeZero: -0,
      address: { city: 'Zürich', zip: '8001' },
    },
    { _id: 2 as never, customer: 'Ana', total: 3, ref: new BSON.ObjectId('65f000000000000000000002') },
  ]);
  if (!lacking('allBsonTypes')) {
    await orders.insertOne({
      _id: 3 as never,
      price: BSON.Decimal128.fromString('19.99'),
      code: new BSON.Code('function () { return 1; }'),
      low: new BSON.MinKey(),
      high: new BSON.MaxKey(),
      nan: NaN,
      inf: -Infinity,
      'dotted.field': 1,
      $dollar: 2,
    });
  }
  await orders.createIndex({ customer: 1, total: -1 });
  await orders.createIndex({ ref: 1 }, { unique: true, name: 'by_ref' });
  await db.collection('a.b.c').insertOne({ _id: 'x' as never, value: 'dotted name' });
  await db.collection('ünïcødé_集合').insertMany([{ text: 'naïve café' }, { text: '日本語' }]);
  await db.collection('capped').insertMany([{ n: 1 }, { n: 2 }]);
  await db.collection('attachments').insertOne({ _id: 'large' as never, body: 'x'.repeat(LARGE_STRING) });
  const large = await rawDocuments(db.collection('attachments'));
  if (large[0]!.length < LARGE_STRING) throw new Error(`${server.kind} stored a smaller document than was sent`);
}

/** Our writer, fed as the engine will feed it: listCollections / listIndexes with exact types, documents raw. */
async function writeOurArchive(db: Db, serverVersion: string, file: string): Promise<void> {
  const infos = await collectionInfos(db);
  const sources: CollectionSource[] = await Promise.all(
    infos.map(async (info) => ({
      db: db.databaseName,
      collection: info.name,
      metadata: {
        options: info.options ?? {},
        indexes: await db.collection(info.name).listIndexes({ promoteValues: false }).toArray(),
        ...(info.info?.uuid ? { uuid: uuidHex(info.info.uuid) } : {}),
        type: info.type ?? 'collection',
      },
      documents: () => db.collection(info.name).find({}, { raw: true }) as unknown as AsyncIterable<Uint8Array>,
    })),
  );
  const writer = new ArchiveWriter(sources, { serverVersion, toolVersion: 'dbops test' });
  await pipeline(Readable.from(writer.chunks()), createWriteStream(file));
}

async function mongorestore(server: MongoServer, archive: string, from: string, to: string, extra: string[]) {
  await run(mongoTool('mongorestore')!, [
    `--uri=${server.url()}`,
    `--archive=${archive}`,
    `--nsFrom=${from}.*`,
    `--nsTo=${to}.*`,
    ...extra,
  ]);
}

/** The collection's documents as the server sends them, in _id order. */
async function rawDocuments(collection: Collection): Promise<Buffer[]> {
  return (await collection.find({}, { raw: true, sort: { _id: 1 } }).toArray()) as unknown as Buffer[];
}

async function collectionOptions(db: Db, name: string): Promise<string> {
  const [info] = await collectionInfos(db, name);
  return canonical(info?.options ?? {});
}

/** Index definitions without the index version, which mongorestore lets the server choose. */
async function indexes(db: Db, name: string): Promise<string> {
  const list = await db.collection(name).listIndexes({ promoteValues: false }).toArray();
  const byName = (a: Document, b: Document) => String(a.name).localeCompare(String(b.name));
  return canonical(list.map(({ v: _, ...index }) => index).sort(byName));
}

function canonical(value: object): string {
  return BSON.EJSON.stringify(value, { relaxed: false });
}

function digest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function totalBytes(documents: Buffer[]): number {
  return documents.reduce((total, doc) => total + doc.length, 0);
}

function collectionInfos(db: Db, name?: string) {
  return db.listCollections(name ? { name } : {}, { nameOnly: false, promoteValues: false }).toArray();
}

function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} failed: ${error.message}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}
