// `dbops subject export` / `subject erase` on MongoDB follow declared dependants to any depth (issue 16): users →
// orders → order_items → returns, each collection's soft-delete rule declaring the next. The export has the nested
// documents (each entry naming its field and the collection it references); a dry run counts per collection; an
// applied erase deletes deepest first, each document after its tombstone, the subject's document last; a hold on a
// nested dependant refuses it with nothing changed; a cycle in the declarations is named and not followed (other
// subjects' documents stay); a level of more than one batch of ids is read and erased whole. Through the CLI,
// against FerretDB (a real MongoDB with MONGO_URL).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectId, UUID } from 'mongodb';
import { runCli } from '../harness/cli.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

const OID = new ObjectId('64b7f0c2a1b2c3d4e5f60718');
const COLLECTIONS = ['users', 'orders', 'sessions', 'order_items', 'returns'] as const;

let server: MongoServer;
let db: string;
let dir: string;

const col = (name: string) =>
  server.client.db(db).collection<{ _id?: string | number | ObjectId; [k: string]: unknown }>(name);
const cli = (...args: string[]) => runCli([...args, '--database-url', server.url(db)]);

/** The chain users → orders → order_items → returns; `extra` adds declarations (a cycle) per rule. */
function policy(extra: { users?: string; orders?: string; items?: string } = {}): string {
  const rule = (name: string, collection: string, dependants: string) => `  - name: ${name}
    collection: ${db}.${collection}
    soft-delete: deletedAt
    grace: 30d
    then: erase
    dependants:
${dependants}`;
  return `version: 1
holds:
  - collection: ${db}.legal_holds
data:
${rule('deleted-accounts', 'users', `      - { collection: ${db}.orders, field: userId }\n      - { collection: ${db}.sessions, field: user }\n${extra.users ?? ''}`)}
${rule('cancelled-orders', 'orders', `      - { collection: ${db}.order_items, field: orderId }\n${extra.orders ?? ''}`)}
${rule('removed-items', 'order_items', `      - { collection: ${db}.returns, field: item.id }\n${extra.items ?? ''}`)}
`;
}

async function writePolicy(name: string, text: string): Promise<string> {
  const path = join(dir, `${name}-${db}.yml`);
  await writeFile(path, text);
  return path;
}

/** Documents per collection, as `_id` key text. */
async function contents(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of COLLECTIONS) out[name] = (await col(name).find({}).toArray()).map((d) => String(d._id)).sort();
  return out;
}

beforeAll(async () => {
  server = await startMongo();
  dir = await mkdtemp(join(tmpdir(), 'dbops-mongo-nesting-'));
}, 60_000);
beforeEach(async () => {
  db = uniqueDatabase('nesting');
  await col('users').insertMany([
    { _id: 42, name: 'Ada' },
    { _id: 8, name: 'Other' },
    { _id: 9, name: 'Referrer', lastOrder: 1 },
  ]);
  await col('orders').insertMany([
    { _id: 1, userId: 42 },
    { _id: 2, userId: '42' },
    { _id: OID, userId: 42 },
    { _id: 3, userId: 8 },
    // Another user's order made from one of Ada's items: only a cycle (order_items → orders) would reach it.
    { _id: 5, userId: 8, fromItem: 'i1' },
  ]);
  await col('sessions').insertMany([{ _id: 's1', user: 42 }]);
  // Every form an _id may be referenced in: the number, its text, an ObjectId's hex, an array holding one.
  await col('order_items').insertMany([
    { _id: 'i1', orderId: 1 },
    { _id: 'i2', orderId: '2' },
    { _id: 'i4', orderId: OID.toHexString() },
    { _id: 'i5', orderId: [3, 2] },
    { _id: 'i3', orderId: 3 },
  ]);
  await col('returns').insertMany([
    { _id: 'r1', item: { id: 'i1' } },
    { _id: 'r5', item: { id: 'i5' } },
    { _id: 'r3', item: { id: 'i3' } },
  ]);
  await col('legal_holds').insertMany([{ subject_table: 'users', subject_id: '7' }]);
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
  users: ['42', '8', '9'],
  orders: ['1', '2', '3', '5', OID.toHexString()].sort(),
  sessions: ['s1'],
  order_items: ['i1', 'i2', 'i3', 'i4', 'i5'],
  returns: ['r1', 'r3', 'r5'],
};
const AFTER = {
  users: ['8', '9'],
  orders: ['3', '5'],
  sessions: [],
  order_items: ['i3'],
  returns: ['r3'],
};

type Entry = { table: string; field?: string; references?: string; rows: unknown[] | number; action?: string };
const ids = (rows: unknown[]) => rows.map((r) => JSON.stringify((r as { _id: unknown })._id));
const described = (t: Entry) => [t.table, t.field ?? null, t.references ?? null];

it("exports the dependants' own dependants, each naming its field and the collection it references", async () => {
  const path = await writePolicy('export', policy());
  const { code, stdout, stderr } = await cli('subject', 'export', '--policy', path, '--table', 'users', '--id', '42');
  expect(stderr).not.toContain('error');
  expect(code).toBe(0);
  const doc = JSON.parse(stdout);
  expect(doc.tables.map(described)).toEqual([
    [`${db}.users`, null, null],
    [`${db}.orders`, 'userId', `${db}.users`],
    [`${db}.sessions`, 'user', `${db}.users`],
    [`${db}.order_items`, 'orderId', `${db}.orders`],
    [`${db}.returns`, 'item.id', `${db}.order_items`],
  ]);
  expect(doc.tables.map((t: Entry) => ids(t.rows as unknown[]))).toEqual([
    ['{"$numberInt":"42"}'],
    ['{"$numberInt":"1"}', '{"$numberInt":"2"}', `{"$oid":"${OID.toHexString()}"}`],
    ['"s1"'],
    ['"i1"', '"i2"', '"i4"', '"i5"'],
    ['"r1"', '"r5"'],
  ]);
  expect(doc.notFollowed).toEqual([]);
  expect(stderr).toContain('11 rows in 5 tables exported');
});

it('counts every collection in a dry run, nested ones included, deepest first, and changes nothing', async () => {
  const path = await writePolicy('dry', policy());
  const { code, stdout } = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--json');
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(json).toMatchObject({ dryRun: true, tombstones: 0 });
  expect(json.tables.map((t: Entry) => [...described(t), t.action, t.rows])).toEqual([
    [`${db}.returns`, 'item.id', `${db}.order_items`, 'delete', 2],
    [`${db}.order_items`, 'orderId', `${db}.orders`, 'delete', 4],
    [`${db}.orders`, 'userId', `${db}.users`, 'delete', 3],
    [`${db}.sessions`, 'user', `${db}.users`, 'delete', 1],
    [`${db}.users`, null, null, 'delete', 1],
  ]);
  expect(await contents()).toEqual(BEFORE);
});

it('erases deepest first, each document after its tombstone, the subject last', async () => {
  const path = await writePolicy('erase', policy());
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
    '--json',
  );
  expect(stderr).not.toContain('error');
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(json).toMatchObject({ dryRun: false, tombstones: 11 });
  expect(json.tables.map((t: Entry) => [t.table, t.rows])).toEqual([
    [`${db}.returns`, 2],
    [`${db}.order_items`, 4],
    [`${db}.orders`, 3],
    [`${db}.sessions`, 1],
    [`${db}.users`, 1],
  ]);
  expect(await contents()).toEqual(AFTER);
  const stones = await col('dbops_retention_tombstones').find({}).toArray();
  const per = (c: string) => stones.filter((s) => s.collection === c);
  expect(COLLECTIONS.map((c) => per(c).length)).toEqual([1, 3, 1, 4, 2]);
  // Deepest first: every collection's deletes began after the collection below it had completed its own.
  const began = (c: string) => Math.min(...per(c).map((s) => (s.erased_at as Date).getTime()));
  const done = (c: string) => Math.max(...per(c).map((s) => (s.completed_at as Date).getTime()));
  expect(done('returns')).toBeLessThanOrEqual(began('order_items'));
  expect(done('order_items')).toBeLessThanOrEqual(began('orders'));
  expect(Math.max(done('orders'), done('sessions'))).toBeLessThanOrEqual(began('users'));
});

it('stops at a nested collection under a purge, having erased only what lies deeper; run again, it finishes', async () => {
  const path = await writePolicy('leased', policy());
  const now = Date.now();
  const leases = server.client.db(db).collection<{ _id: string }>('dbops_leases');
  await leases.insertOne({
    _id: 'retention:orders',
    holder: 'purge-run-1',
    host: 'runner-7',
    pid: 4242,
    since: new Date(now),
    until: new Date(now + 600_000),
  } as never);
  const stopped = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--apply');
  expect(stopped.code).toBe(1);
  expect(stopped.stderr).toContain(`${db}.orders is being purged by run purge-run-1`);
  // What references the orders is gone; the orders, the sessions and the subject are as they were.
  expect(await contents()).toEqual({ ...BEFORE, order_items: AFTER.order_items, returns: AFTER.returns });
  // And it has its receipt: a failed link of the chain, with what the stopped run deleted.
  const receipts = () =>
    server.client
      .db(db)
      .collection('dbops_retention_receipts')
      .find({}, { sort: { sequence: 1 } })
      .toArray();
  const [first] = await receipts();
  expect(first).toMatchObject({
    sequence: 1,
    receipt: {
      operation: 'subject-erase',
      outcome: 'failed',
      errorCode: 'CONFLICT',
      rules: [
        expect.objectContaining({ table: `${db}.returns`, rows: 2, complete: false }),
        expect.objectContaining({ table: `${db}.order_items`, rows: 4, complete: false }),
      ],
    },
  });
  await leases.deleteOne({ _id: 'retention:orders' });
  const again = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--apply', '--json');
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout).tables.map((t: Entry) => t.rows)).toEqual([0, 0, 3, 1, 1]);
  expect(await contents()).toEqual(AFTER);
  expect((await receipts()).map((r) => [r.sequence, r.receipt.outcome])).toEqual([
    [1, 'failed'],
    [2, 'complete'],
  ]);
});

it('refuses an erase that would delete a held nested dependant, naming its collection and count, nothing changed', async () => {
  const path = await writePolicy('held', policy());
  await col('legal_holds').insertMany([
    { subject_table: `${db}.returns`, subject_id: 'r5' },
    { subject_table: 'order_items', subject_id: 'i2' },
    { subject_table: 'order_items', subject_id: 'i4' },
  ]);
  for (const args of [[], ['--apply']]) {
    const { code, stderr } = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', ...args);
    expect(code).toBe(1);
    // The deepest collection is checked first.
    expect(stderr).toContain(
      `Subject 42 of ${db}.users is under legal hold (1 of its dependant documents in ${db}.returns are held)`,
    );
  }
  await col('legal_holds').deleteOne({ subject_id: 'r5' });
  const items = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--apply');
  expect(items.code).toBe(1);
  expect(items.stderr).toContain(`2 of its dependant documents in ${db}.order_items are held`);
  expect(await contents()).toEqual(BEFORE);
  expect(await server.client.db(db).listCollections({ name: 'dbops_retention_tombstones' }).toArray()).toEqual([]);
});

it('names a cycle in the declarations and does not follow it: the documents it leads to are other subjects', async () => {
  // users → orders → users (lastOrder) and orders → order_items → orders (fromItem).
  const path = await writePolicy(
    'cycle',
    policy({
      orders: `      - { collection: ${db}.users, field: lastOrder }\n`,
      items: `      - { collection: ${db}.orders, field: fromItem }\n`,
    }),
  );
  const exported = await cli('subject', 'export', '--policy', path, '--table', 'users', '--id', '42');
  expect(exported.code).toBe(0);
  const doc = JSON.parse(exported.stdout);
  expect(doc.notFollowed).toEqual([
    { table: `${db}.users`, field: 'lastOrder', references: `${db}.orders` },
    { table: `${db}.orders`, field: 'fromItem', references: `${db}.order_items` },
  ]);
  expect(doc.tables.map((t: Entry) => (t.rows as unknown[]).length)).toEqual([1, 3, 1, 4, 2]);
  expect(exported.stderr).toContain(`${db}.users (lastOrder) references ${db}.orders again: a cycle, not followed`);
  const erased = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--apply', '--json');
  expect(erased.code).toBe(0);
  expect(JSON.parse(erased.stdout).tables).toHaveLength(5);
  // User 9 (whose lastOrder was Ada's) and order 5 (made from Ada's item) belong to others: they stay.
  expect(await contents()).toEqual(AFTER);
});

it('reads and erases a level of more than one batch of ids whole, each document once', async () => {
  const path = await writePolicy('many', policy());
  // Ada's 1,003 orders are two batches of ids for order_items, her 1,005 items two deletes. Small, because
  // FerretDB writes tombstones slowly (seconds per thousand); a real MongoDB takes far more in the same time.
  const n = 1000;
  await col('orders').insertMany(Array.from({ length: n }, (_, i) => ({ _id: 1000 + i, userId: 42 })));
  await col('order_items').insertMany([
    ...Array.from({ length: n }, (_, i) => ({ _id: `m${i}`, orderId: 1000 + i })),
    // Referencing an order of the first batch of ids and one of the last: still one document.
    { _id: 'both', orderId: [1000, 1000 + n - 1] },
  ]);
  const exported = await cli('subject', 'export', '--policy', path, '--table', 'users', '--id', '42');
  expect(exported.code).toBe(0);
  const tables = JSON.parse(exported.stdout).tables as Entry[];
  expect(tables.map((t) => (t.rows as unknown[]).length)).toEqual([1, n + 3, 1, n + 5, 2]);
  expect(new Set(ids(tables[3]!.rows as unknown[])).size).toBe(n + 5);
  const dry = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--json');
  expect(JSON.parse(dry.stdout).tables.map((t: Entry) => t.rows)).toEqual([2, n + 5, n + 3, 1, 1]);
  const erased = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--apply', '--json');
  expect(erased.code).toBe(0);
  expect(JSON.parse(erased.stdout)).toMatchObject({ tombstones: 2 + (n + 5) + (n + 3) + 1 + 1 });
  expect(await contents()).toEqual(AFTER);
}, 180_000);

it('refuses a policy whose declarations lead to more than 200 collections, naming its rule and line', async () => {
  // c0 → c1 → … → c8, each rule declaring the next twice (two fields): 2 + 4 + … + 256 paths.
  const rules = Array.from({ length: 8 }, (_, i) =>
    [
      `  - name: level-${i}`,
      `    collection: ${db}.c${i}`,
      '    soft-delete: deletedAt',
      '    grace: 30d',
      '    then: erase',
      '    dependants:',
      `      - { collection: ${db}.c${i + 1}, field: a }`,
      `      - { collection: ${db}.c${i + 1}, field: b }`,
    ].join('\n'),
  );
  for (let i = 0; i <= 8; i++) await col(`c${i}`).insertOne({ _id: 1 });
  const path = await writePolicy(
    'wide',
    `version: 1\nholds:\n  - collection: ${db}.legal_holds\ndata:\n${rules.join('\n')}\n`,
  );
  for (const command of ['export', 'erase']) {
    const { code, stderr } = await cli('subject', command, '--policy', path, '--table', 'c0', '--id', '1');
    expect(code).toBe(2);
    expect(stderr).toContain(
      `error [INVALID_INPUT]: Policy line 5: the dependants of rule 'level-0' (${db}.c0), followed through their collections' rules, lead to more than 200 collections`,
    );
  }
});

it('follows a parent whose _id is a UUID, a 16-digit number or a date to the documents that hold it', async () => {
  const uuid = new UUID('5f0c9d3e-8a4b-4c1d-9e2f-0a1b2c3d4e5f');
  const long = 1234567890123456;
  const day = new Date('2026-01-02T03:04:05Z');
  await server.client
    .db(db)
    .collection('orders')
    .insertMany([
      { _id: uuid as never, userId: 42 },
      { _id: long as never, userId: 42 },
      { _id: day as never, userId: 42 },
    ]);
  await col('order_items').insertMany([
    { _id: 'u1', orderId: uuid },
    { _id: 'n1', orderId: long },
    { _id: 'd1', orderId: day },
  ]);
  const path = await writePolicy('typed', policy());
  const exported = await cli('subject', 'export', '--policy', path, '--table', 'users', '--id', '42');
  expect(exported.code).toBe(0);
  const items = JSON.parse(exported.stdout).tables.find((t: Entry) => t.table === `${db}.order_items`);
  expect(ids(items.rows).sort()).toEqual(['"d1"', '"i1"', '"i2"', '"i4"', '"i5"', '"n1"', '"u1"']);
  const erased = await cli('subject', 'erase', '--policy', path, '--table', 'users', '--id', '42', '--apply', '--json');
  expect(erased.code).toBe(0);
  expect((await contents()).order_items).toEqual(['i3']);
});

it('refuses an erase that would delete nested documents a compliance minimum protects, with nothing changed', async () => {
  const path = await writePolicy(
    'floored',
    `${policy()}minimums:\n  - table: ${db}.returns\n    keep-at-least: 400d\n`,
  );
  for (const extra of [[], ['--apply']]) {
    const { code, stderr } = await cli(
      'subject',
      'erase',
      '--policy',
      path,
      '--table',
      'users',
      '--id',
      '42',
      ...extra,
    );
    expect(code).toBe(1);
    expect(stderr).toContain(
      `Subject 42 of ${db}.users: the erase would delete documents that a compliance minimum protects (2 in ${db}.returns (minimum for ${db}.returns on line`,
    );
  }
  expect(await contents()).toEqual(BEFORE);
});
