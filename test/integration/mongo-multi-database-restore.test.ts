// Restoring a MongoDB backup of several databases (issue 15, databases/exclude-databases): restore-test loads each
// database into a scratch database of its own and checks each collection against its database in the manifest;
// restore takes one database (source-database) into the URL's, or all (all-databases) under their own names, and
// refuses unclear choices. Real FerretDB (test/harness/mongo.ts), the real backup, restore and restore-test.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from 'mongodb';
import { FULL_SCOPE } from '../../packages/core/src/databases/engine.js';
import { mongoEngine } from '../../packages/core/src/databases/mongodb/engine.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { scratchDatabases } from '../../packages/core/src/databases/mongodb/restore-databases.js';
import type { MongoTarget } from '../../packages/core/src/databases/mongodb/target.js';
import { MemoryLogger, silentLogger } from '../../packages/core/src/log.js';
import { backup, type BackupResult } from '../../packages/core/src/operations/backup.js';
import { restore, type RestoreOptions } from '../../packages/core/src/operations/restore.js';
import { dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { restoreTest, type RestoreTestOptions } from '../../packages/core/src/operations/restore-test.js';
import { parsePipelineChecks } from '../../packages/core/src/restore/pipeline-checks.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { runCli } from '../harness/cli.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';
import { rejection } from '../harness/errors.js';

type Doc = { _id: unknown; [field: string]: unknown };

const PREFIX = uniqueDatabase('mr');
const SHOP = `${PREFIX}_shop`;
const BILLING = `${PREFIX}_billing`;
/** Each database's collections and their document counts; `users` in both, to prove the checks keep them apart. */
const FIXTURE: Record<string, Record<string, number>> = {
  [SHOP]: { users: 120, orders: 40 },
  [BILLING]: { invoices: 75, users: 3 },
};

let mongo: MongoServer;
let work: string;
let backups: string;
let made: BackupResult;
/** The source databases' documents, as raw BSON, read before the backup. */
const before: Record<string, Record<string, string[]>> = {};

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

async function databaseNames(): Promise<string[]> {
  const { databases } = await mongo.client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases.map((d) => d.name);
}

async function scratchLeft(): Promise<string[]> {
  return (await databaseNames()).filter((name) => name.startsWith('dbops_restore_test_'));
}

function testOptions(extra: Partial<RestoreTestOptions> = {}): RestoreTestOptions {
  return {
    from: backups,
    name: 'multi',
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
    from: backups,
    name: 'multi',
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

beforeAll(async () => {
  mongo = await startMongo();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-multi-restore-'));
  backups = path.join(work, 'backups');
  for (const [database, collections] of Object.entries(FIXTURE)) {
    for (const [name, count] of Object.entries(collections)) {
      await mongo.client
        .db(database)
        .collection<Doc>(name)
        .insertMany(Array.from({ length: count }, (_, i) => ({ _id: i, of: `${database}.${name}`, n: i })));
    }
  }
  await mongo.client.db(SHOP).collection('users').createIndex({ n: 1 }, { name: 'n_1' });
  await mongo.client.db(BILLING).collection('invoices').createIndex({ of: 1, n: -1 }, { name: 'of_n' });
  for (const database of Object.keys(FIXTURE)) before[database] = await rawDocuments(mongo.client.db(database));
  made = await backup({
    target: parseMongoTarget(mongo.url(SHOP), 'database-url'),
    to: backups,
    name: 'multi',
    compression: 'zstd',
    compressionLevel: 3,
    recipients: [],
    scope: { ...FULL_SCOPE, databases: [SHOP, BILLING] },
    pgDumpArgs: [],
    exactCountMaxBytes: 1 << 30,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
  });
}, 300_000);

afterAll(async () => {
  for (const name of (await databaseNames().catch(() => [])).filter((n) => n.startsWith(PREFIX))) {
    await mongo.client.db(name).dropDatabase();
  }
  await mongo?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe('restore-test of a backup of two databases', () => {
  test('each database goes into a scratch database of its own, every check passes, and all are dropped', async () => {
    expect(made.manifest.mongodb!.databases).toEqual([BILLING, SHOP]);
    const log = new MemoryLogger();
    const checks = parsePipelineChecks(
      JSON.stringify([
        { name: 'shop orders', collection: `${SHOP}.orders`, pipeline: [{ $count: 'n' }], expect: [{ n: 40 }] },
        { name: 'billing users', collection: `${BILLING}.users`, pipeline: [{ $count: 'n' }], expect: [{ n: 3 }] },
        { name: 'no database', collection: 'users', pipeline: [{ $count: 'n' }], expect: [{ n: 3 }] },
      ]),
    );
    const result = await restoreTest(testOptions({ log, checks }));
    const failed = result.checks.filter((c) => !c.passed).map((c) => [c.name, c.detail]);
    expect(failed).toEqual([
      [
        'no database',
        `not run: its collection users names none of the databases restored (${BILLING}, ${SHOP}); write it as DATABASE.COLLECTION`,
      ],
    ]);
    const named = (name: string) => result.checks.find((c) => c.name === name);
    expect(result.checks.map((c) => c.name)).toEqual([
      'integrity',
      'restore',
      'collections present',
      'document counts (exact)',
      'indexes',
      'schema fingerprint',
      'shop orders',
      'billing users',
      'no database',
    ]);
    expect(named('collections present')?.detail).toBe('4 of 4 collections and views');
    expect(named('document counts (exact)')?.detail).toBe("4 collections match the archive's counts");
    expect(named('indexes')?.detail).toBe('6 indexes in the backup');
    expect(result.rows).toBe(120 + 40 + 75 + 3);
    const scratch = scratchDatabases(result.scratchDatabase, [BILLING, SHOP]);
    expect(log.lines.join('\n')).toContain(`${BILLING} → ${scratch[0]!.to}, ${SHOP} → ${scratch[1]!.to}`);
    expect(await scratchLeft()).toEqual([]);
  }, 120_000);

  test('a document removed from one restored database fails the count check, naming that database.collection', async () => {
    const log = new MemoryLogger();
    const result = await restoreTest(testOptions({ keep: true, log }));
    const databases = scratchDatabases(result.scratchDatabase, [BILLING, SHOP]);
    try {
      expect(result.passed).toBe(true);
      // The kept databases are named as they are on the server, not by the scratch name they derive from.
      const kept = log.lines.find((line) => line.startsWith('info: Kept scratch '));
      expect(kept).toMatch(/^info: Kept scratch (\S+@)?127\.0\.0\.1:\d+ \(databases (.*)\) \(keep: true\)$/);
      expect(kept).toContain(`(databases ${databases.map((d) => d.to).join(', ')})`);
      // Both scratch databases hold their database's collections, and nothing else was created.
      expect((await scratchLeft()).sort()).toEqual(databases.map((d) => d.to).sort());
      for (const { from, to } of databases) expect(await rawDocuments(mongo.client.db(to))).toEqual(before[from]);

      const billing = mongo.client.db(databases[0]!.to);
      await billing.collection<{ _id: number }>('users').deleteOne({ _id: 0 });
      const into: MongoTarget = {
        ...parseMongoTarget(mongo.url('admin'), 'target-url'),
        database: result.scratchDatabase,
        databases,
      };
      const again = await mongoEngine.checkRestored(into, result.manifest, [], { log: new MemoryLogger() });
      const failed = again.checks.filter((c) => !c.passed).map((c) => [c.name, c.detail]);
      expect(failed).toEqual([['document counts (exact)', `${BILLING}.users: 2 documents, backup had 3`]]);
    } finally {
      for (const { to } of databases) await mongo.client.db(to).dropDatabase();
    }
  }, 120_000);
});

describe('tombstones in a backup of two databases', () => {
  const ERASED = `${PREFIX}_erased`;
  const OTHER = `${PREFIX}_other`;
  type Account = { _id: number; name: string; deletedAt?: Date };
  const accounts = (db: string) => mongo.client.db(db).collection<Account>('accounts');

  async function backupBoth(to: string): Promise<void> {
    await backup({
      target: parseMongoTarget(mongo.url(ERASED), 'database-url'),
      to: path.join(work, to),
      name: 'tomb',
      compression: 'zstd',
      compressionLevel: 3,
      recipients: [],
      scope: { ...FULL_SCOPE, databases: [ERASED, OTHER] },
      pgDumpArgs: [],
      exactCountMaxBytes: 1 << 30,
      env: process.env,
      secrets: new Secrets(),
      log: new MemoryLogger(),
    });
  }
  const drill = (to: string, extra: Partial<RestoreTestOptions> = {}) =>
    restoreTest(testOptions({ from: path.join(work, to), name: 'tomb', ...extra }));

  test('each copy is matched with its own database’s tombstones, and a failure names database.collection', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    await accounts(ERASED).insertMany([
      { _id: 1, name: 'ada', deletedAt: old },
      { _id: 2, name: 'bob', deletedAt: old },
      { _id: 3, name: 'cy' },
    ]);
    // The same _ids in the other database, never erased: the erased database's tombstones must not touch them.
    await accounts(OTHER).insertMany([
      { _id: 1, name: 'ada' },
      { _id: 2, name: 'bob' },
    ]);
    const policyPath = path.join(work, 'retention.yml');
    await fs.writeFile(
      policyPath,
      `version: 1\ndata:\n  - name: deleted-accounts\n    collection: ${ERASED}.accounts\n    soft-delete: deletedAt\n    grace: 30d\n    then: erase\n`,
    );
    const purged = await dataRetention({
      policyPath,
      target: parseMongoTarget(mongo.url(ERASED)),
      dryRun: false,
      receiptsTo: path.join(work, 'receipts'),
      backupGraceSeconds: 3600,
      secrets: new Secrets(),
      log: silentLogger,
      now: new Date(),
    });
    expect(purged.purge!.rules[0]).toMatchObject({ rows: 2 });

    await backupBoth('tomb-clean');
    const live = parseMongoTarget(mongo.url(ERASED), 'tombstones-from');
    for (const result of [await drill('tomb-clean'), await drill('tomb-clean', { tombstonesFrom: live })]) {
      expect(result.checks.find((c) => c.name === 'erased rows absent')).toMatchObject({ passed: true });
      expect(result.passed).toBe(true);
    }

    // An erased document comes back in its database, and the next backup holds it.
    await accounts(ERASED).insertOne({ _id: 2, name: 'bob' });
    await backupBoth('tomb-undone');
    const undone = await drill('tomb-undone');
    const check = undone.checks.find((c) => c.name === 'erased rows absent')!;
    expect(check.passed).toBe(false);
    expect(check.detail).toContain(`(${ERASED}.accounts: 1)`);
    expect(check.detail).not.toContain(OTHER);

    // tombstones-from reads every database of the backup on that server, whichever one its URL names: here the
    // database without erasures, whose own tombstones are none.
    const otherLive = parseMongoTarget(mongo.url(OTHER), 'tombstones-from');
    const fromOther = await drill('tomb-undone', { tombstonesFrom: otherLive });
    const fromOtherCheck = fromOther.checks.find((c) => c.name === 'erased rows absent')!;
    expect(fromOtherCheck).toMatchObject({ passed: false });
    expect(fromOtherCheck.detail).toContain(`(${ERASED}.accounts: 1)`);
    const cleanFromOther = await drill('tomb-clean', { tombstonesFrom: otherLive });
    expect(cleanFromOther.checks.find((c) => c.name === 'erased rows absent')).toMatchObject({
      passed: true,
      detail: expect.stringContaining('2 tombstones from tombstones-from replayed'),
    });
    expect(await scratchLeft()).toEqual([]);
  }, 180_000);
});

describe('restore of a backup of two databases', () => {
  test('source-database restores that one database into the database target-url names', async () => {
    const into = `${PREFIX}_copy`;
    const existing = new Set(await databaseNames());
    const result = await restore(restoreOptions(into, { choice: { sourceDatabase: BILLING } }));
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    // The backup's fingerprint covers both databases: not compared when one was restored.
    expect(result.checks.map((c) => c.name)).toEqual(['collections present', 'document counts (exact)', 'indexes']);
    expect(result.checks[0]!.detail).toBe('2 of 2 collections and views');
    expect(result.rows).toBe(78);
    expect(await rawDocuments(mongo.client.db(into))).toEqual(before[BILLING]);
    const indexes = (await mongo.client.db(into).collection('invoices').indexes()).map((i) => i.name).sort();
    expect(indexes).toEqual(['_id_', 'of_n']);
    // Nothing of the other database was written anywhere.
    expect((await databaseNames()).filter((n) => !existing.has(n))).toEqual([into]);
  }, 120_000);

  test('the CLI takes --source-database', async () => {
    const into = `${PREFIX}_cli`;
    const run = await runCli(['restore', '--from', backups, '--name', 'multi', '--source-database', SHOP, '--json'], {
      DBOPS_TARGET_URL: mongo.url(into),
    });
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await rawDocuments(mongo.client.db(into))).toEqual(before[SHOP]);
  }, 120_000);

  test('all-databases restores each under its own name; over databases that hold data only with clean', async () => {
    // The sources hold data: refused without clean, and nothing is written.
    const refused = await rejection(restore(restoreOptions('admin', { choice: { allDatabases: true } })));
    expect(refused).toMatchObject({ code: 'UNSAFE_TARGET', input: 'clean' });
    expect(refused.message).toContain(`(databases ${BILLING}, ${SHOP}) already holds 4 objects`);

    // The databases gone: all of them come back, each under its own name.
    for (const database of Object.keys(FIXTURE)) await mongo.client.db(database).dropDatabase();
    const result = await restore(restoreOptions('admin', { choice: { allDatabases: true } }));
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(result.checks.map((c) => c.name)).toContain('schema fingerprint');
    for (const database of Object.keys(FIXTURE))
      expect(await rawDocuments(mongo.client.db(database))).toEqual(before[database]);

    // Again, with clean: a safety backup of both databases first, then the same data.
    await mongo.client.db(SHOP).collection<{ _id: number }>('orders').deleteOne({ _id: 1 });
    const again = await restore(
      restoreOptions('admin', { choice: { allDatabases: true }, clean: true, safetyBackup: true }),
    );
    expect(again.safetyBackup?.manifest.mongodb?.databases).toEqual([BILLING, SHOP]);
    expect(again.safetyBackup?.manifest.mongodb?.collections.find((c) => c.name === 'orders')?.documents).toBe(39);
    for (const database of Object.keys(FIXTURE))
      expect(await rawDocuments(mongo.client.db(database))).toEqual(before[database]);
  }, 240_000);
});

describe('unclear choices are refused before anything is downloaded or written', () => {
  test('neither source-database nor all-databases: names source-database and lists the databases', async () => {
    const error = await rejection(restore(restoreOptions(`${PREFIX}_none`)));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'source-database' });
    expect(error.message).toContain(`holds 2 databases (${BILLING}, ${SHOP})`);
    expect(error.hint).toContain(`source-database: one of ${BILLING}, ${SHOP}`);
    expect(error.hint).toContain('all-databases: true');
  });

  test('a source-database the backup does not hold: lists the ones it holds', async () => {
    const error = await rejection(restore(restoreOptions(`${PREFIX}_none`, { choice: { sourceDatabase: 'shop' } })));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'source-database' });
    expect(error.message).toContain(
      `is shop, which backup ${made.manifest.backupId} does not hold (it holds 2 databases (${BILLING}, ${SHOP}))`,
    );
  });

  test('source-database together with all-databases is refused, naming all-databases', async () => {
    const error = await rejection(
      restore(restoreOptions(`${PREFIX}_none`, { choice: { sourceDatabase: SHOP, allDatabases: true } })),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'all-databases' });
  });

  test('source-database on a backup of one database is refused', async () => {
    const one = await backup({
      target: parseMongoTarget(mongo.url(SHOP), 'database-url'),
      to: path.join(work, 'one'),
      name: 'one',
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
    const error = await rejection(
      restore(
        restoreOptions(`${PREFIX}_none`, {
          from: path.join(work, 'one'),
          name: 'one',
          choice: { sourceDatabase: SHOP },
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'source-database' });
    expect(error.message).toContain(`backup ${one.manifest.backupId} is of one (${SHOP})`);
  }, 120_000);

  test('none of the refusals wrote a database', async () => {
    expect(await databaseNames()).not.toContain(`${PREFIX}_none`);
  });
});
