// Erasure survives a restore, on MongoDB, when a backup and an erasure overlap (issue 16, item 7). A soft-delete
// rule's tombstone is written just before its delete (MongoDB has no transaction for both), and a backup reads each
// collection at its own time: a backup that read the collection before the delete had completed holds the document
// rightly, and restore-test must say it still holds it, not that an erasure was undone. A document whose erasure had
// completed before the backup read its collection, and that is back in it, still fails. A run that stopped between
// tombstone and delete is finished by the next one. An `_id` erased once and erased again keeps its first erasure's
// tombstone when the second delete leaves the document. Real FerretDB (or MONGO_URL).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { FULL_SCOPE } from '../../packages/core/src/databases/engine.js';
import { runCollectionBatch } from '../../packages/core/src/databases/mongodb/data-retention-batch.js';
import { readHeldIds } from '../../packages/core/src/databases/mongodb/data-retention-filter.js';
import { resolveCollectionTargets } from '../../packages/core/src/databases/mongodb/data-retention-target.js';
import {
  collectionTombstones,
  type Tombstone,
  tombstoneWriter,
} from '../../packages/core/src/databases/mongodb/data-retention-tombstones.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { type BackupOptions, backup } from '../../packages/core/src/operations/backup.js';
import { dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { restoreTest, type RestoreTestOptions } from '../../packages/core/src/operations/restore-test.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { gatedStorage } from '../harness/gated-storage.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

const DAY = 86_400_000;
const NOW = new Date();
const CHECK = 'erased rows absent';

let mongo: MongoServer;
let work: string;

beforeAll(async () => {
  mongo = await startMongo();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-erase-timing-'));
}, 60_000);
afterAll(async () => {
  await mongo?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

interface Account {
  _id: number;
  name: string;
  deletedAt?: Date | null;
}

/** A database with accounts 1 and 2 erasable (marked deleted 40 days ago) and 3 not. */
async function seed(prefix: string) {
  const database = uniqueDatabase(prefix);
  const accounts = mongo.client.db(database).collection<Account>('accounts');
  await accounts.insertMany([
    { _id: 1, name: 'ada', deletedAt: new Date(NOW.getTime() - 40 * DAY) },
    { _id: 2, name: 'bob', deletedAt: new Date(NOW.getTime() - 41 * DAY) },
    { _id: 3, name: 'cy' },
  ]);
  const policyText = `version: 1\ndata:\n  - name: deleted-accounts\n    collection: ${database}.accounts\n    soft-delete: deletedAt\n    grace: 30d\n    then: erase\n`;
  const policyPath = path.join(work, `${database}.yml`);
  await fs.writeFile(policyPath, policyText);
  const [target] = (await resolveCollectionTargets(mongo.client, await parsePolicy(policyText, policyPath), NOW))
    .targets;
  return { database, accounts, policyPath, target: target! };
}

const backupOptions = (database: string, extra: Partial<BackupOptions>): BackupOptions => ({
  target: parseMongoTarget(mongo.url(database), 'database-url'),
  to: 'unused',
  name: 'app',
  compression: 'none',
  compressionLevel: 0,
  recipients: [],
  scope: FULL_SCOPE,
  pgDumpArgs: [],
  exactCountMaxBytes: 1 << 30,
  env: process.env,
  secrets: new Secrets(),
  log: new MemoryLogger(),
  ...extra,
});

const drill = (from: string, extra: Partial<RestoreTestOptions> = {}) =>
  restoreTest({
    from,
    name: 'app',
    target: parseMongoTarget(mongo.url('admin'), 'target-url'),
    decryption: { identities: [] },
    checks: [],
    keep: false,
    record: false,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    ...extra,
  });

const tombstonesOf = (database: string) =>
  mongo.client.db(database).collection<Tombstone>('dbops_retention_tombstones').find({}).toArray();

test('a backup taken between the tombstones and their delete holds the documents rightly: restore-test passes and says it still holds them', async () => {
  const { database, accounts, target } = await seed('gap');
  const dir = path.join(work, `${database}-gap`);
  const tombstones = await collectionTombstones(mongo.client, target, 10_000);
  // The purge's batch, paused after it wrote its tombstones and before its delete: the backup runs in that gap.
  const batch = await runCollectionBatch(
    mongo.client,
    target,
    () => readHeldIds(mongo.client, target, 10_000),
    100,
    10_000,
    undefined,
    undefined,
    {
      ...tombstones,
      record: async (keys) => {
        const hashes = await tombstones.record(keys);
        await backup(backupOptions(database, { to: dir }));
        return hashes;
      },
    },
  );
  expect(batch).toMatchObject({ found: 2, rows: 2 });
  expect((await accounts.find({}).toArray()).map((a) => a._id)).toEqual([3]);
  // The delete completed after the tombstones were written.
  const stones = await tombstonesOf(database);
  expect(stones).toHaveLength(2);
  for (const stone of stones) expect(stone.completed_at!.getTime()).toBeGreaterThanOrEqual(stone.erased_at.getTime());

  // The live tombstones (erased_at older than the backup): the backup read the collection before the delete ended.
  const live = await drill(dir, { tombstonesFrom: parseMongoTarget(mongo.url(database), 'tombstones-from') });
  expect(live.checks.find((c) => c.name === CHECK)).toEqual({
    name: CHECK,
    passed: true,
    detail: `2 tombstones from tombstones-from replayed; this backup predates erasures and still holds those documents (${database}.accounts: 2) until it rotates out`,
  });
  expect(live.passed).toBe(true);
  // The backup's own tombstones: written, not yet completed, when it was taken.
  const own = await drill(dir);
  expect(own.checks.find((c) => c.name === CHECK)).toMatchObject({
    passed: true,
    detail: expect.stringContaining(`still holds those documents (${database}.accounts: 2)`),
  });
}, 180_000);

test('a document back after its erasure completed fails the check, even when the erasure ended while the backup was running', async () => {
  const { database, accounts, target } = await seed('back');
  // A collection read before accounts (names in order), large enough that the stored stream holds while it is read.
  await mongo.client
    .db(database)
    .collection<{ _id: number; blob: Buffer }>('aaa_blobs')
    .insertMany(Array.from({ length: 12 }, (_, i) => ({ _id: i, blob: randomBytes(512 * 1024) })));
  const dir = path.join(work, `${database}-back`);
  // Salt and tombstone collections there before the backup: it carries them (read after accounts).
  const tombstones = await collectionTombstones(mongo.client, target, 10_000);
  await mongo.client.db(database).createCollection('dbops_retention_tombstones');
  let erasedDuring: Date | undefined;
  // The backup has started and is reading aaa_blobs: the erasure runs to its end, then an import brings bob back.
  const gate = gatedStorage(dir, async () => {
    const purge = await runCollectionBatch(
      mongo.client,
      target,
      () => readHeldIds(mongo.client, target, 10_000),
      100,
      10_000,
      undefined,
      undefined,
      tombstones,
    );
    expect(purge).toMatchObject({ rows: 2 });
    await accounts.insertOne({ _id: 2, name: 'bob' });
    erasedDuring = new Date();
  });
  const { manifest } = await backup(
    backupOptions(database, { to: 'artifact://back', artifacts: async () => gate.storage }),
  );
  expect(gate.ran).toBe(true);
  // The scenario as meant: the backup started before the erasure, and read accounts after it.
  expect(Date.parse(manifest.startedAt)).toBeLessThan(erasedDuring!.getTime());
  const accountsRead = manifest.mongodb!.collections.find((c) => c.name === 'accounts')!.readStartedAt!;
  expect(Date.parse(accountsRead)).toBeGreaterThanOrEqual(erasedDuring!.getTime());

  for (const tombstonesFrom of [parseMongoTarget(mongo.url(database), 'tombstones-from'), undefined]) {
    const result = await drill(dir, tombstonesFrom ? { tombstonesFrom } : {});
    expect(result.checks.find((c) => c.name === CHECK)).toEqual({
      name: CHECK,
      passed: false,
      detail: `documents erased before this backup was taken are in it (${database}.accounts: 1): an erasure was undone; the backup must not be restored as it is`,
    });
    expect(result.passed).toBe(false);
  }
}, 180_000);

test('the next run finishes an erasure a crash left half done: tombstones completed, documents erased, the unexpired taken back', async () => {
  const { database, accounts, policyPath, target } = await seed('crash');
  await accounts.insertOne({ _id: 4, name: 'dee', deletedAt: new Date(NOW.getTime() - 42 * DAY) });
  const tombstones = await collectionTombstones(mongo.client, target, 10_000);
  // What crashes leave: 4's delete ran but its tombstone was not completed; 1's and 2's tombstones were written but
  // the delete never ran, and 2 was restored meanwhile (its mark cleared): it is no longer expired.
  await tombstones.record([4, 1, 2]);
  await accounts.deleteOne({ _id: 4 });
  await accounts.updateOne({ _id: 2 }, { $set: { deletedAt: null } });
  expect((await tombstonesOf(database)).map((t) => t.completed_at)).toEqual([null, null, null]);

  const log = new MemoryLogger();
  const run = await dataRetention({
    policyPath,
    target: parseMongoTarget(mongo.url(database)),
    dryRun: false,
    receiptsTo: path.join(work, `${database}-receipts`),
    backupGraceSeconds: 3600,
    secrets: new Secrets(),
    log,
    now: NOW,
  });
  expect(run.purge!.rules[0]).toMatchObject({ rows: 1, complete: true });
  expect((await accounts.find({}).toArray()).map((a) => a._id)).toEqual([2, 3]);
  const stones = await tombstonesOf(database);
  // 4 (gone: completed) and 1 (erased by this run); 2's tombstone taken back.
  expect(stones).toHaveLength(2);
  for (const stone of stones) expect(stone.completed_at).toBeInstanceOf(Date);
  expect(log.lines).toContain(
    'info: ' +
      "Rule 'deleted-accounts': an earlier run stopped mid-erasure; 1 tombstones completed (their documents are gone), 1 taken back (their documents are no longer expired)",
  );
}, 120_000);

test("a document whose _id was erased before and is left by a later erasure keeps the earlier erasure's tombstone", async () => {
  const { database, accounts } = await seed('reused');
  const collection = { database, name: 'accounts' };
  // January: account 1 erased, its tombstone completed.
  const january = await tombstoneWriter(mongo.client, collection, 'retention-purge:deleted-accounts', 10_000);
  await january.record([1]);
  await accounts.deleteOne({ _id: 1 });
  await january.complete([1]);
  const [before] = await tombstonesOf(database);
  expect(before!.completed_at).toBeInstanceOf(Date);
  // The _id used again; a later erasure records it, but its delete leaves the document (held or changed meanwhile).
  await accounts.insertOne({ _id: 1, name: 'again' });
  const later = await tombstoneWriter(mongo.client, collection, 'subject-erase', 10_000);
  await later.record([1]);
  expect((await tombstonesOf(database))[0]!.completed_at).toBeNull();
  await later.takeBack([1]);
  expect(await tombstonesOf(database)).toEqual([before]);
  // Recorded and completed this time: the later erasure's, with nothing of the earlier one kept aside.
  await later.record([1]);
  await accounts.deleteOne({ _id: 1 });
  await later.complete([1]);
  const [after] = await tombstonesOf(database);
  expect(after).toMatchObject({ erased_by: 'subject-erase', completed_at: expect.any(Date) });
  expect(after!.previous).toBeUndefined();
  expect(after!.erased_at.getTime()).toBeGreaterThanOrEqual(before!.completed_at!.getTime());
});
