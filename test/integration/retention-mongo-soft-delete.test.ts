// Soft-delete rules on MongoDB collections (issue 16, item 8): `collection` + `soft-delete: <field>` + `grace` and
// `then: erase` (documents deleted by _id in batches, each leaving a salted-hash tombstone in the database's
// dbops_retention_tombstones) or `then: anonymize` (the listed fields set to their replacements, the documents kept).
// Holds and the grace are checked as the age rule checks them; receipts as for it. Against FerretDB here, a real
// MongoDB with MONGO_URL.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { runCollectionBatch } from '../../packages/core/src/databases/mongodb/data-retention-batch.js';
import { readHeldIds } from '../../packages/core/src/databases/mongodb/data-retention-filter.js';
import { resolveCollectionTargets } from '../../packages/core/src/databases/mongodb/data-retention-target.js';
import { collectionTombstones } from '../../packages/core/src/databases/mongodb/data-retention-tombstones.js';
import { type DataRetentionOptions, dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { silentLogger } from '../../packages/core/src/log.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

const DAY = 86_400_000;
const NOW = new Date();

let server: MongoServer;
let db: string;
let dir: string;

interface Account {
  _id: number;
  name: string;
  email?: string | null;
  profile?: { phone?: string | null; city?: string };
  deletedAt?: Date | null;
}
const accounts = () => server.client.db(db).collection<Account>('accounts');

/** 1..6 soft-deleted 40+ days ago (3 held), 7 soft-deleted 5 days ago, 8 not deleted, 9 with a null mark. */
async function seed(): Promise<void> {
  await server.client
    .db(db)
    .dropDatabase()
    .catch(() => undefined);
  await accounts().insertMany([
    ...Array.from({ length: 6 }, (_, i) => ({
      _id: i + 1,
      name: `user ${i + 1}`,
      email: `u${i + 1}@example.com`,
      profile: { phone: `+1555000${i + 1}`, city: 'Oslo' },
      deletedAt: new Date(NOW.getTime() - (40 + i) * DAY),
    })),
    { _id: 7, name: 'user 7', email: 'u7@example.com', deletedAt: new Date(NOW.getTime() - 5 * DAY) },
    { _id: 8, name: 'user 8', email: 'u8@example.com' },
    { _id: 9, name: 'user 9', email: 'u9@example.com', deletedAt: null },
  ]);
  await server.client.db(db).collection('legal_holds').insertOne({ subject_table: 'accounts', subject_id: '3' });
}

function policy(then: string): string {
  return `version: 1
defaults: { batch-size: 2 }
holds:
  - collection: ${db}.legal_holds
data:
  - name: deleted-accounts
    collection: ${db}.accounts
    soft-delete: deletedAt
    grace: 30d
${then}`;
}
const ERASE = '    then: erase\n';
const ANONYMIZE = "    then: anonymize\n    anonymize: { email: null, name: 'deleted user', profile.phone: null }\n";

async function run(text: string, extra: Partial<DataRetentionOptions> = {}) {
  const policyPath = join(dir, 'retention.yml');
  await writeFile(policyPath, text);
  return dataRetention({
    policyPath,
    target: parseMongoTarget(server.url(db)),
    dryRun: true,
    backupGraceSeconds: 3600,
    secrets: new Secrets(),
    log: silentLogger,
    now: NOW,
    ...extra,
  });
}

beforeAll(async () => {
  server = await startMongo();
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-mongo-soft-'));
}, 60_000);
beforeEach(async () => {
  db = uniqueDatabase('soft_delete');
  await seed();
});
afterEach(async () => {
  await server.client
    .db(db)
    .dropDatabase()
    .catch(() => undefined);
});
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ids = async () =>
  (
    await accounts()
      .find({}, { projection: { _id: 1 } })
      .toArray()
  )
    .map((d) => d._id)
    .sort((a, b) => a - b);

it('plans a soft-delete rule: documents past the grace, the held one apart; a mark within the grace or none is not counted', async () => {
  const result = await run(policy(ERASE));
  expect(result.plan.rules).toEqual([
    expect.objectContaining({
      rule: 'deleted-accounts',
      kind: 'collection',
      action: 'delete',
      table: `${db}.accounts`,
      timeColumn: 'deletedAt',
      cutoff: new Date(NOW.getTime() - 30 * DAY).toISOString(),
      rows: {
        expired: 6,
        protectedByHold: 1,
        protectedByMinimum: 0,
        toPurge: 5,
        exact: true,
        estimatedExpired: 6,
      },
    }),
  ]);
  expect(await ids()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

it('then: erase deletes them in batches, leaves a salted-hash tombstone per erased _id, and chains a receipt', async () => {
  const receiptsTo = join(dir, `receipts-${db}`);
  const result = await run(policy(ERASE), { dryRun: false, receiptsTo });
  expect(result.failure).toBeUndefined();
  expect(result.purge!.rules[0]).toMatchObject({
    rule: 'deleted-accounts',
    action: 'delete',
    rows: 5,
    batches: 3, // 2 + 2 + 1, oldest mark first
    complete: true,
  });
  expect(await ids()).toEqual([3, 7, 8, 9]);
  // Oldest deletedAt first: 6, 5, 4, (3 held), 2, 1.
  const keys = ['6', '5', '4', '2', '1'];
  expect(result.purge!.rules[0]!.keysSha256).toBe(
    createHash('sha256')
      .update(keys.map((k) => `${k}\n`).join(''))
      .digest('hex'),
  );
  // Tombstones: the erased keys only, as SHA-256(ejson \n salt \n database.collection \n canonical EJSON of the
  // _id), never the _id.
  const salt = (await server.client
    .db(db)
    .collection<{ _id: string; salt: string }>('dbops_retention_salt')
    .findOne({ _id: 'salt' }))!.salt;
  expect(salt).toMatch(/^[0-9a-f]{64}$/);
  const tombstones = await server.client.db(db).collection('dbops_retention_tombstones').find({}).toArray();
  const hash = (key: string) =>
    createHash('sha256').update(`ejson\n${salt}\n${db}.accounts\n{"$numberInt":"${key}"}`).digest('hex');
  expect(tombstones.map((t) => t._id).sort()).toEqual(keys.map(hash).sort());
  for (const tombstone of tombstones) {
    expect(tombstone).toMatchObject({
      database: db,
      collection: 'accounts',
      key_form: 'ejson',
      erased_by: 'retention-purge:deleted-accounts',
    });
    expect(tombstone.erased_at).toBeInstanceOf(Date);
    // Completed once the delete returned: never before the tombstone was written.
    expect(tombstone.completed_at.getTime()).toBeGreaterThanOrEqual(tombstone.erased_at.getTime());
    expect(Object.keys(tombstone).sort()).toEqual([
      '_id',
      'collection',
      'completed_at',
      'database',
      'erased_at',
      'erased_by',
      'key_form',
    ]);
  }
  expect(result.receipt).toMatchObject({ sequence: 1 });
  // A second run finds nothing more, and keeps the tombstones and the salt.
  const again = await run(policy(ERASE), { dryRun: false, receiptsTo });
  expect(again.purge!.rules[0]).toMatchObject({ rows: 0, complete: true });
  expect(await server.client.db(db).collection('dbops_retention_tombstones').countDocuments()).toBe(5);
});

it('then: anonymize replaces the listed fields in batches and keeps the documents; a second run changes nothing', async () => {
  const receiptsTo = join(dir, `receipts-${db}`);
  const result = await run(policy(ANONYMIZE), { dryRun: false, receiptsTo });
  expect(result.failure).toBeUndefined();
  expect(result.plan.rules[0]).toMatchObject({ action: 'anonymize', rows: { toPurge: 5 } });
  expect(result.purge!.rules[0]).toMatchObject({ action: 'anonymize', rows: 5, batches: 3, complete: true });
  expect(await ids()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const byId = new Map((await accounts().find({}).toArray()).map((d) => [d._id, d]));
  for (const id of [1, 2, 4, 5, 6]) {
    expect(byId.get(id)).toEqual({
      _id: id,
      name: 'deleted user',
      email: null,
      profile: { phone: null, city: 'Oslo' },
      deletedAt: new Date(NOW.getTime() - (39 + id) * DAY),
    });
  }
  // Held, within the grace, not deleted: untouched.
  expect(byId.get(3)).toMatchObject({ name: 'user 3', email: 'u3@example.com', profile: { phone: '+15550003' } });
  expect(byId.get(7)).toMatchObject({ name: 'user 7', email: 'u7@example.com' });
  expect(byId.get(8)).toMatchObject({ name: 'user 8' });
  // Anonymized documents are still there: no tombstones.
  const names = (await server.client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  expect(names).not.toContain('dbops_retention_tombstones');
  const again = await run(policy(ANONYMIZE), { dryRun: false, receiptsTo });
  expect(again.plan.rules[0]!.rows).toMatchObject({ expired: 1, protectedByHold: 1, toPurge: 0 });
  expect(again.purge!.rules[0]).toMatchObject({ rows: 0, complete: true });
});

it('an age rule on a collection leaves no tombstones', async () => {
  const text = `version: 1
holds:
  - collection: ${db}.legal_holds
data:
  - name: old-accounts
    collection: ${db}.accounts
    by: deletedAt
    keep: 30d
`;
  const result = await run(text, { dryRun: false, receiptsTo: join(dir, `receipts-${db}`) });
  expect(result.purge!.rules[0]).toMatchObject({ action: 'delete', rows: 5 });
  const names = (await server.client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  expect(names).not.toContain('dbops_retention_tombstones');
});

it('writes tombstones before the delete, and takes back those of documents the delete left (restored or held meanwhile)', async () => {
  const parsed = await parsePolicy(policy(ERASE), 'retention.yml');
  const [target] = (await resolveCollectionTargets(server.client, parsed, NOW)).targets;
  const tombstones = await collectionTombstones(server.client, target!, 10_000);
  const stones = server.client.db(db).collection('dbops_retention_tombstones');
  let writtenBeforeDelete = -1;
  const batch = await runCollectionBatch(
    server.client,
    target!,
    () => readHeldIds(server.client, target!, 10_000),
    4,
    10_000,
    async (picked) => {
      expect(picked).toEqual([6, 5, 4, 2]);
      // Restored by the user (mark cleared), and put under a hold, between the pick and the delete.
      await accounts().updateOne({ _id: 6 }, { $set: { deletedAt: null } });
      await server.client.db(db).collection('legal_holds').insertOne({ subject_table: 'accounts', subject_id: '5' });
    },
    undefined,
    {
      ...tombstones,
      record: async (keys) => {
        const hashes = await tombstones.record(keys);
        writtenBeforeDelete = await accounts().countDocuments({ _id: { $in: [4, 2] } });
        return hashes;
      },
    },
  );
  expect(batch).toEqual({ found: 4, rows: 2, keys: ['4', '2'] });
  // When the tombstones were written, the documents were still there: the delete came after.
  expect(writtenBeforeDelete).toBe(2);
  const salt = (await server.client
    .db(db)
    .collection<{ _id: string; salt: string }>('dbops_retention_salt')
    .findOne({ _id: 'salt' }))!.salt;
  const hash = (key: string) =>
    createHash('sha256').update(`ejson\n${salt}\n${db}.accounts\n{"$numberInt":"${key}"}`).digest('hex');
  expect((await stones.find({}).toArray()).map((t) => t._id).sort()).toEqual(['4', '2'].map(hash).sort());
  expect(await ids()).toEqual([1, 3, 5, 6, 7, 8, 9]);
});

it('then: anonymize with archive-to archives each batch as it was before its fields were replaced', async () => {
  const exec = promisify(execFile);
  const identityFile = join(dir, `key-${db}.txt`);
  await exec('age-keygen', ['-o', identityFile]);
  const recipient = (await exec('age-keygen', ['-y', identityFile])).stdout.trim();
  // The documents to anonymize as the server sends them, oldest mark first (3 is held).
  const before = (await accounts()
    .find({ _id: { $in: [6, 5, 4, 2, 1] } }, { raw: true, sort: { deletedAt: 1, _id: 1 } })
    .toArray()) as unknown as Buffer[];
  const archiveTo = join(dir, `archive-${db}`);
  const result = await run(policy(`${ANONYMIZE}    archive-to: ${archiveTo}\n`), {
    dryRun: false,
    receiptsTo: join(dir, `receipts-${db}`),
    archiveEncryption: { recipients: [recipient] },
  });
  expect(result.failure).toBeUndefined();
  const [rule] = result.purge!.rules;
  expect(rule).toMatchObject({ action: 'anonymize', rows: 5, batches: 3 });
  expect(rule!.archives.map((a) => a.rows)).toEqual([2, 2, 1]);
  const archived: Buffer[] = [];
  for (const archive of rule!.archives) {
    const { stdout } = await exec(
      'sh',
      ['-c', 'age -d -i "$1" "$2" | zstd -d -q -c', 'sh', identityFile, archive.location],
      {
        encoding: 'buffer',
      },
    );
    archived.push(stdout);
  }
  expect(Buffer.concat(archived).equals(Buffer.concat(before))).toBe(true);
  expect(await accounts().countDocuments({ name: 'deleted user' })).toBe(5);
});
