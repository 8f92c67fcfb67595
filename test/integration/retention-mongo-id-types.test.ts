// MongoDB documents whose `_id`s share a text (issue 16): the number 42 and the string '42' in one collection are two
// documents, with two tombstones and two export entries. A purge that erases one leaves no tombstone on the other
// (restore-test does not call it erased), a subject erase tombstones both, an export lists both; tombstones written
// before the typed form are still matched. Real FerretDB (or MONGO_URL).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { tombstoneHash } from '../../packages/core/src/data-retention/tombstones.js';
import { eraseMongoSubject } from '../../packages/core/src/databases/mongodb/subject-erase.js';
import { exportMongoSubject } from '../../packages/core/src/databases/mongodb/subject-export.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { checkMongoTombstones } from '../../packages/core/src/databases/mongodb/tombstone-check.js';
import { silentLogger } from '../../packages/core/src/log.js';
import type { BackupManifest } from '../../packages/core/src/manifest/manifest.js';
import { dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

const DAY = 86_400_000;
const NOW = new Date();

let server: MongoServer;
let db: string;
let dir: string;

const col = (name: string) => server.client.db(db).collection<{ _id: number | string; [k: string]: unknown }>(name);
const tombstones = () => server.client.db(db).collection('dbops_retention_tombstones');
/** A backup taken after everything so far: an erased document in it was erased before it. */
const later = () => ({ startedAt: new Date(Date.now() + 60_000).toISOString() }) as BackupManifest;

/** A soft-delete rule (`then: erase`) on `collection`, with the orders (by userId) as its dependants when asked. */
const erasePolicy = (collection: string, orders = false) =>
  `version: 1\ndata:\n  - name: deleted-${collection}\n    collection: ${db}.${collection}\n    soft-delete: deletedAt\n    grace: 30d\n    then: erase\n${orders ? `    dependants:\n      - { collection: ${db}.orders, field: userId }\n` : ''}`;

/** Each test's database, dropped at the end (a MONGO_URL server outlives the run). */
const used: string[] = [];

beforeAll(async () => {
  server = await startMongo();
  dir = await mkdtemp(join(tmpdir(), 'dbops-mongo-id-types-'));
}, 60_000);
beforeEach(() => {
  db = uniqueDatabase('id_types');
  used.push(db);
});
afterAll(async () => {
  for (const name of used)
    await server?.client
      .db(name)
      .dropDatabase()
      .catch(() => undefined);
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("a purge erasing the document 42 leaves '42' without a tombstone: a copy holding '42' passes, one holding 42 fails", async () => {
  await col('accounts').insertMany([
    { _id: 42, deletedAt: new Date(NOW.getTime() - 40 * DAY) },
    { _id: '42', deletedAt: null },
  ]);
  const policyPath = join(dir, `${db}.yml`);
  await writeFile(policyPath, erasePolicy('accounts'));
  const run = await dataRetention({
    policyPath,
    target: parseMongoTarget(server.url(db)),
    dryRun: false,
    receiptsTo: join(dir, `${db}-receipts`),
    backupGraceSeconds: 3600,
    secrets: new Secrets(),
    log: silentLogger,
    now: NOW,
  });
  expect(run.purge!.rules[0]).toMatchObject({ rows: 1 });
  expect((await col('accounts').find({}).toArray()).map((d) => d._id)).toEqual(['42']);

  // The database as a restored copy: '42' was never erased, so it is no erased document back.
  const copy = [{ db: server.client.db(db) }];
  expect(await checkMongoTombstones(copy, later())).toMatchObject({
    passed: true,
    detail: expect.stringContaining('no erased document is in the backup'),
  });
  expect(await tombstones().find({}).toArray()).toEqual([expect.objectContaining({ key_form: 'ejson' })]);
  // 42 itself back is.
  await col('accounts').insertOne({ _id: 42 });
  expect(await checkMongoTombstones(copy, later())).toMatchObject({
    passed: false,
    detail: expect.stringContaining(`(${db}.accounts: 1)`),
  });
}, 60_000);

test("a subject's dependants 42 and '42' are both exported, and both erased with a tombstone each", async () => {
  await col('users').insertOne({ _id: 1, name: 'Ada', deletedAt: new Date(NOW.getTime() - 40 * DAY) });
  await col('orders').insertMany([
    { _id: 42, userId: 1, total: 1 },
    { _id: '42', userId: 1, total: 2 },
    { _id: 43, userId: 2, total: 3 },
  ]);
  const policy = await parsePolicy(erasePolicy('users', true), 'retention.yml');
  const exported = await exportMongoSubject(server.client, db, policy, 'users', '1');
  expect(exported.tables.map((t) => [t.table, t.rows])).toEqual([
    [`${db}.users`, 1],
    [`${db}.orders`, 2],
  ]);
  const orders = JSON.parse(exported.document).tables[1].rows.map((r: { _id: unknown }) => r._id);
  expect(orders).toEqual([{ $numberInt: '42' }, '42']);

  const erased = await eraseMongoSubject(server.client, db, policy, { table: 'users', id: '1', dryRun: false });
  expect(erased.tables.map((t) => [t.table, t.rows])).toEqual([
    [`${db}.orders`, 2],
    [`${db}.users`, 1],
  ]);
  expect(erased.tombstones).toBe(3);
  expect(await tombstones().countDocuments({ collection: 'orders', completed_at: { $type: 'date' } })).toBe(2);
  // Either order back in a copy is found, each by its own tombstone.
  await col('orders').insertMany([
    { _id: 42, userId: 1 },
    { _id: '42', userId: 1 },
  ]);
  expect(await checkMongoTombstones([{ db: server.client.db(db) }], later())).toMatchObject({
    passed: false,
    detail: expect.stringContaining(`(${db}.orders: 2)`),
  });
}, 60_000);

test('tombstones written before the typed form (no key_form) are still matched by their text form', async () => {
  const salt = 'a'.repeat(64);
  await server.client.db(db).collection<{ _id: string; salt: string }>('dbops_retention_salt').insertOne({
    _id: 'salt',
    salt,
  });
  // As an older dbops wrote it: SHA-256(salt \n database.collection \n key text).
  const erasedAt = new Date(Date.now() - DAY);
  await tombstones().insertOne({
    _id: tombstoneHash(salt, db, 'accounts', '7') as never,
    database: db,
    collection: 'accounts',
    erased_at: erasedAt,
    completed_at: erasedAt,
    erased_by: 'subject-erase',
  });
  await col('accounts').insertMany([{ _id: 7 }, { _id: 8 }]);
  expect(await checkMongoTombstones([{ db: server.client.db(db) }], later())).toMatchObject({
    passed: false,
    detail: expect.stringContaining(`(${db}.accounts: 1)`),
  });
}, 60_000);
