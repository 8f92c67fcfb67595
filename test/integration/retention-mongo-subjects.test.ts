// `dbops subject export` / `dbops subject erase` on MongoDB (issue 16): the subject is the document of --table whose
// _id is --id (42 or '42', an ObjectId or its hex); its dependants are the documents the collection's soft-delete
// rule declares (`dependants`: collection + field holding the subject's _id). The export is one JSON document of
// canonical Extended JSON; an erase dry run counts; an applied erase deletes the dependants and then the subject,
// each after its salted tombstone, with a receipt in the same chain; anonymize rewrites the subject's fields only;
// holds (on the subject or a dependant) refuse it, unreadable holds too; bad inputs name the input. All through the
// CLI, against FerretDB here (a real MongoDB with MONGO_URL).
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Binary, Double, Int32, Long, ObjectId } from 'mongodb';
import { tombstoneWriter } from '../../packages/core/src/databases/mongodb/data-retention-tombstones.js';
import { runCli } from '../harness/cli.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

const OID = new ObjectId('64b7f0c2a1b2c3d4e5f60718');

let server: MongoServer;
let db: string;
let dir: string;

const col = (name: string) =>
  server.client.db(db).collection<{ _id?: string | number | ObjectId; [k: string]: unknown }>(name);
const cli = (...args: string[]) => runCli([...args, '--database-url', server.url(db)]);

function policy(then = '    then: erase\n', holds = `${db}.legal_holds`): string {
  return `version: 1
holds:
  - collection: ${holds}
data:
  - name: deleted-accounts
    collection: ${db}.users
    soft-delete: deletedAt
    grace: 30d
${then}    dependants:
      - { collection: ${db}.orders, field: userId }
      - { collection: ${db}.sessions, field: user }
`;
}
const ANONYMIZE = "    then: anonymize\n    anonymize: { email: null, name: 'deleted user', profile.phone: null }\n";

async function writePolicy(name: string, text: string): Promise<string> {
  const path = join(dir, `${name}.yml`);
  await writeFile(path, text);
  return path;
}

/** Documents per collection, as `_id` key text (numbers and strings alike). */
async function contents(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of ['users', 'orders', 'sessions'])
    out[name] = (await col(name).find({}).toArray()).map((d) => String(d._id)).sort();
  return out;
}

beforeAll(async () => {
  server = await startMongo();
  dir = await mkdtemp(join(tmpdir(), 'dbops-mongo-subjects-'));
}, 60_000);
beforeEach(async () => {
  db = uniqueDatabase('subjects');
  await col('users').insertMany([
    {
      _id: 42,
      name: 'Ada',
      email: 'ada@example.com',
      profile: { phone: '+15550042', city: 'Oslo' },
      visits: new Int32(7),
      big: Long.fromString('9007199254740993'),
      ratio: new Double(1),
      avatar: new Binary(Buffer.from([0, 255, 16])),
      createdAt: new Date('2026-01-02T03:04:05.123Z'),
    },
    { _id: 7, name: 'Held', email: 'held@example.com' },
    { _id: 8, name: 'Dep', email: 'dep@example.com' },
    { _id: OID, name: 'Oid', email: 'oid@example.com' },
    { _id: 'grace', name: 'Grace', email: 'grace@example.com' },
  ]);
  await col('orders').insertMany([
    { _id: 1, userId: 42, total: 10.5 },
    { _id: 2, userId: 42, total: 3 },
    { _id: 3, userId: 8, total: 1 },
    { _id: 4, userId: OID.toHexString(), total: 2 },
    { _id: 5, userId: 'grace', total: 4 },
  ]);
  // A dependant holding the _id as text: '42' matches the number 42, as a hold's subject_id does.
  await col('sessions').insertMany([
    { _id: 's1', user: '42' },
    { _id: 's2', user: OID },
  ]);
  await col('legal_holds').insertMany([
    { subject_table: 'users', subject_id: '7' },
    { subject_table: `${db}.orders`, subject_id: '3' },
  ]);
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

const BEFORE = {
  users: ['42', '64b7f0c2a1b2c3d4e5f60718', '7', '8', 'grace'],
  orders: ['1', '2', '3', '4', '5'],
  sessions: ['s1', 's2'],
};

it('exports the subject and its declared dependants as canonical Extended JSON, to stdout or a 0600 file', async () => {
  const path = await writePolicy('export', policy());
  const { code, stdout, stderr } = await cli('subject', 'export', '--policy', path, '--table', 'users', '--id', '42');
  expect(stderr).not.toContain('error');
  expect(code).toBe(0);
  const doc = JSON.parse(stdout);
  expect(doc).toMatchObject({
    format: 'dbops.subject-export/1',
    subject: { table: `${db}.users`, id: '42' },
    snapshot: server.kind === 'ferretdb' ? false : expect.any(Boolean),
    notFollowed: [],
  });
  expect(doc.tables.map((t: { table: string }) => t.table)).toEqual([`${db}.users`, `${db}.orders`, `${db}.sessions`]);
  // Types survive: int32, long (exact past 2^53), double, binary, date, each in its canonical form.
  expect(doc.tables[0].rows).toEqual([
    {
      _id: { $numberInt: '42' },
      name: 'Ada',
      email: 'ada@example.com',
      profile: { phone: '+15550042', city: 'Oslo' },
      visits: { $numberInt: '7' },
      big: { $numberLong: '9007199254740993' },
      ratio: { $numberDouble: '1.0' },
      avatar: { $binary: { base64: 'AP8Q', subType: '00' } },
      createdAt: { $date: { $numberLong: String(Date.parse('2026-01-02T03:04:05.123Z')) } },
    },
  ]);
  expect(doc.tables[1]).toMatchObject({ field: 'userId', references: `${db}.users` });
  expect(doc.tables[1].rows.map((r: { _id: { $numberInt: string } }) => r._id.$numberInt)).toEqual(['1', '2']);
  expect(doc.tables[2]).toMatchObject({ field: 'user', rows: [{ _id: 's1', user: '42' }] });
  expect(stderr).toContain('4 rows in 3 tables exported');
  expect(stderr).toContain('Read without a snapshot');
  expect(stderr).not.toContain('ada@example.com');

  // An ObjectId subject by its hex; the dependant holding the hex text and the one holding the ObjectId both count.
  const file = join(dir, 'oid.json');
  const written = await cli(
    'subject-export',
    '--policy',
    path,
    '--table',
    `${db}.users`,
    '--id',
    OID.toHexString(),
    '--to',
    file,
  );
  expect(written.code).toBe(0);
  const fromFile = JSON.parse(await readFile(file, 'utf8'));
  expect(fromFile.tables[0].rows[0]._id).toEqual({ $oid: OID.toHexString() });
  expect(fromFile.tables.map((t: { rows: unknown[] }) => t.rows.length)).toEqual([1, 1, 1]);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  await expect(stat(`${file}.partial`)).rejects.toMatchObject({ code: 'ENOENT' });

  // Without a soft-delete rule for the collection, nothing is declared: the subject's own document alone.
  const bare = await writePolicy('bare', `version: 1\nholds:\n  - collection: ${db}.legal_holds\n`);
  const alone = await cli('subject', 'export', '--policy', bare, '--table', 'users', '--id', '42');
  expect(alone.code).toBe(0);
  expect(JSON.parse(alone.stdout).tables).toEqual([expect.objectContaining({ table: `${db}.users` })]);
});

it('names the input for an unknown collection, an id that matches nothing, a collection without a rule and a missing dependant collection', async () => {
  const path = await writePolicy('inputs', policy());
  const table = await cli('subject', 'export', '--policy', path, '--table', 'nosuch', '--id', '1');
  expect(table.code).toBe(2);
  expect(table.stderr).toContain(`Input 'table' names 'nosuch', which is not a collection of database ${db}`);
  expect(table.stderr).toContain('database.collection');
  const missing = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '4242');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain(`Input 'id' '4242' matches no document of ${db}.users`);
  expect(missing.stderr).toContain("an ObjectId's 24 hex digits, a string or a number");
  const noRule = await cli('subject', 'erase', '--policy', path, '--table', 'orders', '--id', '1');
  expect(noRule.code).toBe(2);
  expect(noRule.stderr).toContain(`Input 'table' names ${db}.orders, which no soft-delete rule of the policy covers`);
  const gone = await writePolicy('gone', policy().replace(`${db}.sessions`, `${db}.sesions`));
  const dependant = await cli('subject', 'export', '--policy', gone, '--table', 'users', '--id', '42');
  expect(dependant.code).toBe(2);
  expect(dependant.stderr).toContain(`declares the dependant collection ${db}.sesions, which does not exist`);
  expect(await contents()).toEqual(BEFORE);
});

it('refuses a held subject, an erase that would delete a held dependant, and holds that cannot be read', async () => {
  const path = await writePolicy('holds', policy());
  const exported = await cli('subject', 'export', '--policy', path, '--table', 'users', '--id', '7');
  expect(exported.code).toBe(1);
  expect(exported.stdout).toBe('');
  expect(exported.stderr).toContain(`Subject 7 of ${db}.users is under legal hold`);
  const erased = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '7', '--apply');
  expect(erased.code).toBe(1);
  expect(erased.stderr).toContain(`Subject 7 of ${db}.users is under legal hold`);
  const held = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '8', '--apply');
  expect(held.code).toBe(1);
  expect(held.stderr).toContain(`1 of its dependant documents in ${db}.orders are held`);
  // Fail closed: a hold collection that is not there stops both, before any document is read.
  const unreadable = await writePolicy('unreadable', policy('    then: erase\n', `${db}.no_holds`));
  for (const args of [['export'], ['erase', '--apply']]) {
    const run = await cli('subject', ...args, '--policy', unreadable, '--table', 'users', '--id', '42');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the hold collection ${db}.no_holds does not exist`);
  }
  expect(await contents()).toEqual(BEFORE);
  expect(await server.client.db(db).listCollections({ name: 'dbops_retention_tombstones' }).toArray()).toEqual([]);
});

it('counts in a dry run (the default) and changes nothing', async () => {
  const path = await writePolicy('dry', policy());
  const { code, stdout } = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--json');
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(json).toMatchObject({ dryRun: true, action: 'erase', rule: 'deleted-accounts', tombstones: 0 });
  expect(json.receipt).toBeUndefined();
  expect(json.tables.map((t: { table: string; action: string; rows: number }) => [t.table, t.action, t.rows])).toEqual([
    [`${db}.orders`, 'delete', 2],
    [`${db}.sessions`, 'delete', 1],
    [`${db}.users`, 'delete', 1],
  ]);
  expect(await contents()).toEqual(BEFORE);
  expect(await server.client.db(db).listCollections({ name: 'dbops_retention_tombstones' }).toArray()).toEqual([]);
});

it("is refused while a retention-purge holds a collection's lease; nothing of that collection or after it is erased", async () => {
  const path = await writePolicy('leased', policy());
  // Another run's purge of sessions, the second collection the erase reaches (as data-retention-purge.ts takes it).
  const now = Date.now();
  await server.client
    .db(db)
    .collection<{ _id: string }>('dbops_leases')
    .insertOne({
      _id: 'retention:sessions',
      holder: 'purge-run-1',
      host: 'runner-7',
      pid: 4242,
      since: new Date(now),
      until: new Date(now + 600_000),
    } as never);
  const { code, stderr } = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--apply');
  expect(code).toBe(1);
  expect(stderr).toMatch(
    new RegExp(
      `error \\[CONFLICT\\]: Erasing subject 42 of ${db}\\.users: ${db}\\.sessions is being purged by run purge-run-1 on runner-7 \\(pid 4242\\)`,
    ),
  );
  // orders came first and is erased (with its tombstones); sessions and the subject's own document are untouched.
  const after = await contents();
  expect(after.orders).toEqual(BEFORE.orders!.filter((o) => o !== '1' && o !== '2'));
  expect(after.sessions).toEqual(BEFORE.sessions);
  expect(after.users).toEqual(BEFORE.users);
  // The erase gave back its own lease on orders; the purge's on sessions stays.
  const leases = await server.client.db(db).collection('dbops_leases').find({}).toArray();
  expect(leases.map((l) => l._id)).toEqual(['retention:sessions']);
});

it('erases the dependants and the subject, each after its tombstone, with a receipt retention-verify accepts', async () => {
  const path = await writePolicy('retention', policy());
  const receipts = join(dir, `receipts-${db}`);
  // An earlier erasure that stopped after its delete: its tombstone (document gone) is completed by this run.
  await col('dbops_retention_tombstones').insertOne({
    _id: 'left-by-a-crash',
    database: db,
    collection: 'orders',
    erased_at: new Date(Date.now() - 60_000),
    completed_at: null,
    erased_by: 'subject-erase',
  });
  const { code, stdout, stderr } = await cli(
    'subject',
    'erase',
    '--policy',
    path,
    '--table',
    'users',
    '--id',
    '42',
    '--apply',
    '--receipts-to',
    receipts,
    '--json',
  );
  expect(stderr).not.toContain('error');
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(json).toMatchObject({ dryRun: false, tombstones: 4 });
  expect(json.tables.map((t: { rows: number; keysSha256: string }) => t.rows)).toEqual([2, 1, 1]);
  expect(await contents()).toEqual({
    users: ['64b7f0c2a1b2c3d4e5f60718', '7', '8', 'grace'],
    orders: ['3', '4', '5'],
    sessions: ['s2'],
  });
  const stones = await col('dbops_retention_tombstones').find({}).toArray();
  expect(stones.find((t) => t._id === 'left-by-a-crash')?.completed_at).toBeInstanceOf(Date);
  const ours = stones.filter((t) => t._id !== 'left-by-a-crash');
  expect(ours.map((t) => t.collection).sort()).toEqual(['orders', 'orders', 'sessions', 'users']);
  for (const stone of ours) {
    expect(stone).toMatchObject({
      database: db,
      erased_by: 'subject-erase',
      _id: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect((stone.completed_at as Date).getTime()).toBeGreaterThanOrEqual((stone.erased_at as Date).getTime());
  }
  const text = await readFile(json.receipt.location, 'utf8');
  expect(JSON.parse(text)).toMatchObject({ operation: 'subject-erase', sequence: 1, policy: 'retention' });
  expect(JSON.parse(text).rules.map((r: { table: string; rows: number }) => [r.table, r.rows])).toEqual([
    [`${db}.orders`, 2],
    [`${db}.sessions`, 1],
    [`${db}.users`, 1],
  ]);
  expect(text).not.toMatch(/ada@|"42"|Ada/);
  // The subject's own entry (one key) is keyed with the tombstones' salt: trying ids against the receipts alone
  // cannot confirm who was erased; whoever holds the database can recompute it.
  const own = JSON.parse(text).rules.find((r: { table: string }) => r.table === `${db}.users`);
  const { salt } = (await col('dbops_retention_salt').findOne({ _id: 'salt' })) as unknown as { salt: string };
  expect(own.keysSha256).not.toBe(createHash('sha256').update('42\n').digest('hex'));
  expect(own.keysSha256).toBe(createHmac('sha256', salt).update('42\n').digest('hex'));
  expect(json.receipt.table).toBe(`${db}.dbops_retention_receipts`);
  expect(await col('dbops_retention_receipts').countDocuments({ policy: 'retention', sequence: 1 })).toBe(1);
  // With receipts-to the collection holds a copy: it claims no slot of sequence 1 there (a purge's copy may share it).
  expect(await col('dbops_retention_receipts').findOne({ policy: 'retention' })).toMatchObject({
    chainSlot: `copy:${json.receipt.sha256}`,
  });
  const verify = await runCli(['retention-verify', '--receipts', receipts]);
  expect(verify.stderr).toBe('');
  expect(verify.code).toBe(0);
  expect(verify.stdout).toContain('1 receipts, every link intact');
  // The same subject again: its document is gone, the id names nothing.
  const again = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--apply');
  expect(again.code).toBe(2);
  expect(again.stderr).toContain(`Input 'id' '42' matches no document of ${db}.users`);
});

it('finishes an erasure a crash stopped midway: run again, it erases what is left and completes the tombstones', async () => {
  const path = await writePolicy('crashed', policy());
  // The state a crash leaves after the orders' delete and before its completion (the subject's document goes last):
  // the orders' tombstones written (completed_at null), the orders gone, sessions and the subject still there.
  const writer = await tombstoneWriter(server.client, { database: db, name: 'orders' }, 'subject-erase', 10_000);
  await writer.record([1, 2]);
  await col('orders').deleteMany({ _id: { $in: [1, 2] } });
  const stopped = await col('dbops_retention_tombstones').find({ collection: 'orders' }).toArray();
  expect(stopped.map((t) => t.completed_at)).toEqual([null, null]);

  const { code, stdout } = await cli(
    'subject',
    'erase',
    '--policy',
    path,
    '--table',
    'users',
    '--id',
    '42',
    '--apply',
    '--json',
  );
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(json.tables.map((t: { table: string; rows: number }) => [t.table, t.rows])).toEqual([
    [`${db}.orders`, 0],
    [`${db}.sessions`, 1],
    [`${db}.users`, 1],
  ]);
  expect(await contents()).toEqual({
    users: ['64b7f0c2a1b2c3d4e5f60718', '7', '8', 'grace'],
    orders: ['3', '4', '5'],
    sessions: ['s2'],
  });
  // Every tombstone complete now, the stopped run's included: none reads as an erasure still in progress.
  const stones = await col('dbops_retention_tombstones').find({}).toArray();
  expect(stones).toHaveLength(4);
  for (const stone of stones) expect(stone.completed_at).toBeInstanceOf(Date);
});

it('anonymizes only the listed fields of the subject, and chains receipts through the receipts collection', async () => {
  const path = await writePolicy('anonymize', policy(ANONYMIZE));
  const { code, stdout } = await cli(
    'subject',
    'erase',
    '--policy',
    path,
    '--table',
    'users',
    '--id',
    '42',
    '--dry-run',
    'false',
    '--json',
  );
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({
    action: 'anonymize',
    tombstones: 0,
    tables: [{ table: `${db}.users`, action: 'anonymize', rows: 1 }],
    receipt: { sequence: 1, table: `${db}.dbops_retention_receipts` },
  });
  expect(await col('users').findOne({ _id: 42 })).toMatchObject({
    name: 'deleted user',
    email: null,
    profile: { phone: null, city: 'Oslo' },
  });
  // Dependants and other subjects untouched.
  expect(await contents()).toEqual(BEFORE);
  expect(await col('users').findOne({ _id: 8 })).toMatchObject({ name: 'Dep', email: 'dep@example.com' });
  // Without receipts-to the chain continues from the receipts collection.
  const again = await cli(
    'subject',
    'erase',
    '--policy',
    path,
    '--table',
    'users',
    '--id',
    'grace',
    '--apply',
    '--json',
  );
  expect(again.code).toBe(0);
  const first = await col('dbops_retention_receipts').findOne({ policy: 'anonymize', sequence: 1 });
  expect(JSON.parse(again.stdout).receipt).toMatchObject({ sequence: 2 });
  // Without receipts-to the collection is the chain: each receipt claims its sequence's slot.
  expect(first).toMatchObject({ chainSlot: 'home:1:anonymize' });
  expect(await col('dbops_retention_receipts').findOne({ policy: 'anonymize', sequence: 2 })).toMatchObject({
    previousSha256: first!._id,
    chainSlot: 'home:2:anonymize',
  });
  expect(await col('users').findOne({ _id: 'grace' })).toMatchObject({ name: 'deleted user', email: null });
});

it('anonymizes nothing when the salt the receipt needs cannot be created', async () => {
  const path = await writePolicy('anonymize-salt', policy(ANONYMIZE));
  // A salt document that lost its salt: ensureSalt refuses it.
  await col('dbops_retention_salt').insertOne({ _id: 'salt' });
  const { code, stderr } = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--apply');
  expect(code).not.toBe(0);
  expect(stderr).toContain("holds a 'salt' document without a salt");
  expect(await col('users').findOne({ _id: 42 })).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
  expect(await col('dbops_retention_receipts').countDocuments({})).toBe(0);
});

// FerretDB run with a replica set name says setName in hello and accepts a snapshot session, which it ignores: the
// export must not claim a point in time it did not get.
(process.env.MONGO_URL ? it.skip : it)(
  'does not claim a snapshot on FerretDB run as a replica set, which has none',
  async () => {
    const replica = await startMongo({ oplog: true });
    try {
      await replica.client
        .db(db)
        .collection('users')
        .insertOne({ _id: 1, name: 'One' } as never);
      const path = await writePolicy('replica', `version: 1\n`);
      const { code, stdout, stderr } = await runCli([
        'subject',
        'export',
        '--policy',
        path,
        '--table',
        'users',
        '--id',
        '1',
        '--database-url',
        replica.url(db),
      ]);
      expect(stderr).not.toContain('error');
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ snapshot: false, tables: [{ rows: [{ name: 'One' }] }] });
      expect(stderr).toContain('Read without a snapshot');
    } finally {
      await replica.stop();
    }
  },
  60_000,
);
