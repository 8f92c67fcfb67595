// Collection UUIDs through a backup and `dbops restore --preserve-uuids` (issue 15: "Collections ... UUIDs"). The
// archive carries each collection's UUID (listCollections' info.uuid; mongo-archive.test.ts); a restore gives new
// ones unless preserve-uuids, which creates each collection with its own through applyOps, as mongorestore
// --preserveUUID does. FerretDB has UUIDs but no applyOps: there the restore with UUIDs runs against MONGO_URL only,
// and what runs here is the clear failure on a server without applyOps.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from 'mongodb';
import { FULL_SCOPE } from '../../packages/core/src/databases/engine.js';
import { uuidHex } from '../../packages/core/src/databases/mongodb/archive/metadata.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { backup } from '../../packages/core/src/operations/backup.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { runCli } from '../harness/cli.js';
import { itUnless, lacking, startMongo, uniqueDatabase, urlWithPassword, type MongoServer } from '../harness/mongo.js';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

let mongo: MongoServer;
let work: string;

beforeAll(async () => {
  mongo = await startMongo();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-uuids-'));
}, 120_000);

afterAll(async () => {
  await mongo?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** A small database of two collections (one capped), backed up to `dir` under the name 'uuids'. */
async function backedUp(database: string, dir: string): Promise<Db> {
  const db = mongo.client.db(database);
  await db.collection<{ _id: number }>('users').insertMany([{ _id: 1 }, { _id: 2 }]);
  await db.createCollection('log', { capped: true, size: 1 << 20 });
  await db.collection('log').insertOne({ at: 1 });
  await backup({
    target: parseMongoTarget(urlWithPassword(mongo, database, PASSWORD), 'database-url'),
    to: dir,
    name: 'uuids',
    compression: 'zstd',
    compressionLevel: 3,
    recipients: [],
    scope: FULL_SCOPE,
    pgDumpArgs: [],
    exactCountMaxBytes: 1 << 30,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
  });
  return db;
}

/** Each collection's UUID as 32 hex digits (undefined where the server gives none). */
async function uuids(db: Db): Promise<Record<string, string | undefined>> {
  const infos = await db.listCollections({}, { nameOnly: false }).toArray();
  return Object.fromEntries(
    infos.map((info) => [info.name, info.info?.uuid ? uuidHex(info.info.uuid) : undefined] as const),
  );
}

itUnless(lacking('applyOps'))(
  'dbops restore --preserve-uuids: every collection has the UUID it had at backup time; without it, new ones',
  async () => {
    const dir = path.join(work, 'preserved');
    const database = uniqueDatabase('uuids');
    const db = await backedUp(database, dir);
    const before = await uuids(db);
    expect(Object.keys(before).sort()).toEqual(['log', 'users']);
    expect(Object.values(before).every((u) => /^[0-9a-f]{32}$/.test(u ?? ''))).toBe(true);
    // A UUID names one collection on the whole server: the source goes first, as mongorestore --preserveUUID --drop.
    await db.dropDatabase();
    try {
      const run = await runCli(['restore', '--from', dir, '--name', 'uuids', '--preserve-uuids', '--json'], {
        DBOPS_TARGET_URL: urlWithPassword(mongo, database, PASSWORD),
      });
      expect(run.stderr).not.toContain(PASSWORD);
      expect(run.code).toBe(0);
      expect(await uuids(db)).toEqual(before);
      expect(await db.collection('users').countDocuments()).toBe(2);

      const copy = mongo.client.db(uniqueDatabase('uuids_copy'));
      try {
        const plain = await runCli(['restore', '--from', dir, '--name', 'uuids'], {
          DBOPS_TARGET_URL: urlWithPassword(mongo, copy.databaseName, PASSWORD),
        });
        expect(plain.code).toBe(0);
        const fresh = await uuids(copy);
        expect(Object.keys(fresh).sort()).toEqual(['log', 'users']);
        for (const name of ['log', 'users']) expect(fresh[name]).not.toBe(before[name]);
      } finally {
        await copy.dropDatabase();
      }
    } finally {
      await db.dropDatabase();
    }
  },
  120_000,
);

itUnless(process.env.MONGO_URL ? 'MONGO_URL is a MongoDB, which has applyOps' : undefined)(
  'a server without applyOps (FerretDB): --preserve-uuids fails naming the input, and creates nothing',
  async () => {
    const dir = path.join(work, 'no-applyops');
    const source = await backedUp(uniqueDatabase('uuids'), dir);
    const target = mongo.client.db(uniqueDatabase('uuids_into'));
    try {
      const run = await runCli(['restore', '--from', dir, '--name', 'uuids', '--preserve-uuids'], {
        DBOPS_TARGET_URL: urlWithPassword(mongo, target.databaseName, PASSWORD),
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('error [RESTORE_FAILED]');
      expect(run.stderr).toContain('the server has no applyOps, which preserve-uuids needs');
      expect(run.stderr).toContain('Restore without preserve-uuids');
      expect(run.stderr).not.toContain(PASSWORD);
      expect(await target.listCollections().toArray()).toEqual([]);
    } finally {
      await source.dropDatabase();
      await target.dropDatabase();
    }
  },
  120_000,
);
