// Erasure survives a restore, on MongoDB (issue 16, item 8): a soft-delete rule's erasures leave tombstones in the
// database, a backup carries them, and restore-test replays them on the restored copy (check `erased rows absent`):
// a backup without the erased documents passes; one taken after an erased document came back (a sync job, an
// import) fails, naming the collection and how many, never an _id. Real FerretDB (or MONGO_URL).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateIdentity } from '../../packages/core/src/crypto/age/keys.js';
import { FULL_SCOPE } from '../../packages/core/src/databases/engine.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { parsePgTarget } from '../../packages/core/src/databases/postgres/target.js';
import { MemoryLogger, silentLogger } from '../../packages/core/src/log.js';
import { backup } from '../../packages/core/src/operations/backup.js';
import { dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { restoreTest, type RestoreTestOptions } from '../../packages/core/src/operations/restore-test.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

const DAY = 86_400_000;
const key = generateIdentity();

let mongo: MongoServer;
let work: string;
let source: string;
/** Each backup in a location of its own: restore-test takes a location's newest, and two may share a second. */
let location = 'before-erasure';
const backups = () => path.join(work, location);

beforeAll(async () => {
  mongo = await startMongo();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-tombstones-'));
  source = uniqueDatabase('tomb');
}, 60_000);
afterAll(async () => {
  await mongo?.client
    .db(source)
    .dropDatabase()
    .catch(() => undefined);
  await mongo?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

const accounts = () => mongo.client.db(source).collection<{ _id: number; name: string; deletedAt?: Date }>('accounts');

async function takeBackup(): Promise<void> {
  await backup({
    target: parseMongoTarget(mongo.url(source), 'database-url'),
    to: backups(),
    name: 'app',
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
}

const drill = (extra: Partial<RestoreTestOptions> = {}) =>
  restoreTest({
    from: backups(),
    name: 'app',
    target: parseMongoTarget(mongo.url('admin'), 'target-url'),
    decryption: { identities: [key.identity] },
    checks: [],
    keep: false,
    record: false,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    ...extra,
  });

test('restore-test replays the backup’s own tombstones: passes without the erased documents, fails once one is back', async () => {
  const now = new Date();
  await accounts().insertMany([
    { _id: 1, name: 'ada', deletedAt: new Date(now.getTime() - 40 * DAY) },
    { _id: 2, name: 'bob', deletedAt: new Date(now.getTime() - 41 * DAY) },
    { _id: 3, name: 'cy' },
  ]);
  // A backup from before the erasures.
  await takeBackup();
  const policyPath = path.join(work, 'retention.yml');
  await fs.writeFile(
    policyPath,
    `version: 1\ndata:\n  - name: deleted-accounts\n    collection: ${source}.accounts\n    soft-delete: deletedAt\n    grace: 30d\n    then: erase\n`,
  );
  const purged = await dataRetention({
    policyPath,
    target: parseMongoTarget(mongo.url(source)),
    dryRun: false,
    receiptsTo: path.join(work, 'receipts'),
    backupGraceSeconds: 3600,
    secrets: new Secrets(),
    log: silentLogger,
    now,
  });
  expect(purged.purge!.rules[0]).toMatchObject({ rows: 2 });

  location = 'after-erasure';
  await takeBackup();
  const clean = await drill();
  expect(clean.checks.find((c) => c.name === 'erased rows absent')).toEqual({
    name: 'erased rows absent',
    passed: true,
    detail: "2 tombstones from the backup's own tombstone collection replayed: no erased document is in the backup",
  });
  expect(clean.passed).toBe(true);

  // An erased document comes back (an import), and the next backup holds it.
  await accounts().insertOne({ _id: 2, name: 'bob' });
  location = 'erasure-undone';
  await takeBackup();
  const undone = await drill();
  const check = undone.checks.find((c) => c.name === 'erased rows absent')!;
  expect(check).toMatchObject({ passed: false });
  expect(check.detail).toBe(
    `documents erased before this backup was taken are in it (${source}.accounts: 1): an erasure was undone; the backup must not be restored as it is`,
  );
  expect(undone.passed).toBe(false);
}, 180_000);

test('tombstones-from a live MongoDB: a backup taken before the erasures still holds those documents, counted, and passes', async () => {
  const withLive = await drill({ tombstonesFrom: parseMongoTarget(mongo.url(source), 'tombstones-from') });
  // The newest backup (the erased document back in it) still fails with the live tombstones.
  expect(withLive.checks.find((c) => c.name === 'erased rows absent')).toMatchObject({ passed: false });
  location = 'before-erasure';
  const older = await drill({ tombstonesFrom: parseMongoTarget(mongo.url(source), 'tombstones-from') });
  expect(older.checks.find((c) => c.name === 'erased rows absent')).toEqual({
    name: 'erased rows absent',
    passed: true,
    detail: `2 tombstones from tombstones-from replayed; this backup predates erasures and still holds those documents (${source}.accounts: 2) until it rotates out`,
  });
  // Without them, the old backup has no tombstones of its own: nothing to replay, no check.
  expect((await drill()).checks.map((c) => c.name)).not.toContain('erased rows absent');
}, 180_000);

test('tombstones-from of another engine than the backup is refused before anything is restored', async () => {
  const error = await drill({
    tombstonesFrom: parsePgTarget({ url: 'postgres://dbops@127.0.0.1:1/app' }, 'tombstones-from'),
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'tombstones-from' });
  expect((error as Error).message).toMatch(/names a postgresql server, but backup .* is a mongodb backup/);
});
