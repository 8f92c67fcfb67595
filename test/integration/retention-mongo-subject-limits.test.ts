// A MongoDB subject with many nested documents (issue 16): an erase spanning several batches of ids keeps its lease
// on the collection alive batch by batch, so a retention-purge started meanwhile is refused even once the lease it
// first took would have ended; and a subject with more documents than its rule's `max-subject-documents` is refused
// before anything is exported or deleted, the error naming the rule, the count, the limit and how to raise it.
// While the erase runs: a hold placed on one of a batch's documents keeps it and stops the erase; one placed on the
// subject or on a document the remaining ones depend on stops it before their next batch, nothing it covers deleted
// (PostgreSQL refuses the whole erasure); documents written for the subject into a collection after its turn, or
// after the subject's own document went, are erased too. Writes and holds happen in the erase's per-batch hook, so
// the order of events is fixed, not timed.
// Against FerretDB (a real MongoDB with MONGO_URL).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { LEASE_COLLECTION } from '../../packages/core/src/databases/mongodb/lease.js';
import type { SubjectEraseOptions } from '../../packages/core/src/data-retention/subject-erase.js';
import { eraseMongoSubject } from '../../packages/core/src/databases/mongodb/subject-erase.js';
import { runCli } from '../harness/cli.js';
import { rejection } from '../harness/errors.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';
import { purgeMongo } from '../harness/mongo-retention.js';

const COLLECTIONS = ['users', 'orders', 'order_items'] as const;

let server: MongoServer;
let db: string;
let dir: string;

const col = (name: string) => server.client.db(db).collection<{ _id: string | number; [k: string]: unknown }>(name);
const cli = (...args: string[]) => runCli([...args, '--database-url', server.url(db)]);

/** users → orders → order_items; `limit` sets the users rule's max-subject-documents. */
function policy(limit?: number): string {
  return `version: 1
data:
  - name: deleted-accounts
    collection: ${db}.users
    soft-delete: deletedAt
    grace: 30d
    then: erase
    dependants:
      - { collection: ${db}.orders, field: userId }
${limit === undefined ? '' : `    max-subject-documents: ${limit}\n`}  - name: cancelled-orders
    collection: ${db}.orders
    soft-delete: cancelledAt
    grace: 30d
    then: erase
    dependants:
      - { collection: ${db}.order_items, field: orderId }
`;
}

async function writePolicy(name: string, text: string): Promise<string> {
  const path = join(dir, `${name}-${db}.yml`);
  await writeFile(path, text);
  return path;
}

async function counts(): Promise<number[]> {
  return Promise.all(COLLECTIONS.map((name) => col(name).countDocuments()));
}

beforeAll(async () => {
  server = await startMongo();
  dir = await mkdtemp(join(tmpdir(), 'dbops-mongo-subject-limits-'));
}, 60_000);
beforeEach(async () => {
  db = uniqueDatabase('subject_limits');
  await col('users').insertMany([
    { _id: 42, name: 'Ada' },
    { _id: 8, name: 'Other' },
  ]);
  // Ada: 3 orders, 2 items per order (10 documents with hers); Other: 1 order with 1 item.
  await col('orders').insertMany([1, 2, 3, 9].map((o) => ({ _id: o, userId: o === 9 ? 8 : 42 })));
  await col('order_items').insertMany([
    ...[1, 2, 3].flatMap((o) => [`a${o}`, `b${o}`].map((i) => ({ _id: i, orderId: o }))),
    { _id: 'x9', orderId: 9 },
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

test("renews its lease on a collection before each batch: a purge started after the first lease's end is refused", async () => {
  // 1,001 more orders of Ada's: two batches of ids (1,000 and 4) for the orders, each under the lease on orders.
  await col('orders').insertMany(Array.from({ length: 1001 }, (_, i) => ({ _id: 1000 + i, userId: 42 })));
  const leases = server.client.db(db).collection<{ _id: string; holder: string; until: Date }>(LEASE_COLLECTION);
  const seen: { table: string; rows: number; holder?: string; until?: Date; purge?: unknown }[] = [];
  const result = await eraseMongoSubject(server.client, db, await parsePolicy(policy(), 'retention.yml'), {
    table: 'users',
    id: '42',
    dryRun: false,
    onBatch: async ({ table, rows }) => {
      const event: (typeof seen)[number] = { table, rows };
      seen.push(event);
      if (table !== `${db}.orders`) return;
      const lease = await leases.findOne({ _id: 'retention:orders' });
      event.holder = lease?.holder;
      event.until = lease?.until;
      if (seen.filter((e) => e.table === table).length === 1) {
        // As if this first batch had run past the end of the lease taken for it (15 minutes): only a renewal
        // before the next batch keeps it.
        await leases.updateOne({ _id: 'retention:orders' }, { $set: { until: new Date(Date.now() - 60_000) } });
        return;
      }
      // Another run on the same collection: a real retention-purge of the policy, now.
      event.purge = (await purgeMongo(server, dir, db, policy(), { now: new Date() })).purge;
    },
  });
  expect(result).toMatchObject({ dryRun: false, tombstones: 6 + 1004 + 1 });
  expect(result.tables.map((t) => [t.table, t.rows])).toEqual([
    [`${db}.order_items`, 6],
    [`${db}.orders`, 1004],
    [`${db}.users`, 1],
  ]);
  const orders = seen.filter((e) => e.table === `${db}.orders`);
  expect(orders.map((e) => e.rows)).toEqual([1000, 4]);
  // The same erase held the lease at both batches, and the purge left the collection to it.
  expect(orders[0]!.holder).toMatch(/^subject-erase-/);
  expect(orders[1]!.holder).toBe(orders[0]!.holder);
  expect(orders[1]!.purge).toMatchObject({
    rules: [
      { rule: 'deleted-accounts', rows: 0, complete: true },
      { rule: 'cancelled-orders', rows: 0, batches: 0, complete: false },
    ],
    warnings: [
      expect.stringContaining(
        `Rule 'cancelled-orders' left to another run: ${db}.orders is being purged by run ${orders[0]!.holder}`,
      ),
    ],
  });
  // Renewed before the second batch: again until well after now.
  expect(orders[1]!.until!.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
  // Given back once the collection was done.
  expect(await leases.find({}).toArray()).toEqual([]);
  expect(await counts()).toEqual([1, 1, 1]);
}, 180_000);

test('refuses a subject with more documents than max-subject-documents, naming rule, count, limit and remedy; nothing changed', async () => {
  const path = await writePolicy('capped', policy(9));
  for (const args of [['export'], ['erase'], ['erase', '--apply']]) {
    const { code, stdout, stderr } = await cli('subject', ...args, '--policy', path, '--table', 'users', '--id', '42');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `error [CHECK_FAILED]: Subject 42 of ${db}.users has more documents than rule 'deleted-accounts' allows (max-subject-documents: 9): 10 found before counting stopped (1 in ${db}.users, 3 in ${db}.orders, 6 in ${db}.order_items)`,
    );
    expect(stderr).toContain(
      "raise max-subject-documents on rule 'deleted-accounts' (policy line 3), e.g. max-subject-documents: 90",
    );
  }
  expect(await counts()).toEqual([2, 4, 7]);
  expect(await server.client.db(db).listCollections({ name: 'dbops_retention_tombstones' }).toArray()).toEqual([]);
  // At the limit, the subject is exported and erased whole.
  const exact = await writePolicy('exact', policy(10));
  const exported = await cli('subject', 'export', '--policy', exact, '--table', 'users', '--id', '42');
  expect(exported.code).toBe(0);
  expect(JSON.parse(exported.stdout).tables.map((t: { rows: unknown[] }) => t.rows.length)).toEqual([1, 3, 6]);
  const erased = await cli('subject', 'erase', '--policy', exact, '--table', 'users', '--id', '42', '--apply');
  expect(erased.code).toBe(0);
  expect(await counts()).toEqual([1, 1, 1]);
});

test('refuses a max-subject-documents that is not a whole number from 1 to 100000000, naming rule and line', async () => {
  for (const bad of ['0', '2.5', '100000001', "'many'"]) {
    const path = await writePolicy(
      'bad',
      policy(9).replace('max-subject-documents: 9', `max-subject-documents: ${bad}`),
    );
    const { code, stderr } = await cli('subject', 'export', '--policy', path, '--table', 'users', '--id', '42');
    expect(code).toBe(2);
    expect(stderr).toContain(
      `line 10: rule 'deleted-accounts' (data[0]) field 'max-subject-documents' is ${bad === "'many'" ? '"many"' : bad}`,
    );
    expect(stderr).toContain('a whole number of documents from 1 to 100000000');
  }
});

/** An applied erase of Ada under a policy with holds (one on someone else to start with), `onBatch` its hook. */
async function eraseWithHolds(onBatch: SubjectEraseOptions['onBatch']) {
  await col('legal_holds').insertOne({ _id: 'none-yet', subject_table: 'users', subject_id: '7' });
  const withHolds = `version: 1\nholds:\n  - collection: ${db}.legal_holds\n${policy().slice('version: 1\n'.length)}`;
  return eraseMongoSubject(server.client, db, await parsePolicy(withHolds, 'retention.yml'), {
    table: 'users',
    id: '42',
    dryRun: false,
    onBatch,
  });
}

test('a hold placed during a long erasure is honoured at the next batch, and the stop counts what was erased', async () => {
  await col('orders').insertMany(Array.from({ length: 1001 }, (_, i) => ({ _id: 1000 + i, userId: 42 })));
  const error = await rejection(
    eraseWithHolds(async ({ table }) => {
      // After the first batch of orders (1,000 of 1,004): a hold on one of the four left.
      if (table === `${db}.orders` && (await col('legal_holds').countDocuments()) === 1)
        await col('legal_holds').insertOne({ _id: 'audit', subject_table: 'orders', subject_id: '2000' });
    }),
  );
  expect(error).toMatchObject({ code: 'CHECK_FAILED' });
  expect(error.message).toContain(`1 documents in ${db}.orders were put under legal hold during the erasure and kept`);
  // Ada's 6 items, then 1,000 + 3 orders: all counted, the collection it stopped in too.
  expect(error.message).toContain(
    "1009 documents were erased before it (each with its tombstone), the subject's document was not",
  );
  expect(await col('orders').find({ userId: 42 }).toArray()).toEqual([{ _id: 2000, userId: 42 }]);
  expect(await col('users').countDocuments({ _id: 42 })).toBe(1);
});

test('a hold placed on the subject during the erasure stops it before its next batch: its orders stay', async () => {
  const error = await rejection(
    eraseWithHolds(async ({ table }) => {
      // After the items (deleted first, in one batch): the subject is put under hold.
      if (table === `${db}.order_items` && (await col('legal_holds').countDocuments({ _id: 'ada' })) === 0)
        await col('legal_holds').insertOne({ _id: 'ada', subject_table: 'users', subject_id: '42' });
    }),
  );
  expect(error).toMatchObject({ code: 'CHECK_FAILED', input: 'id' });
  expect(error.message).toContain(`subject 42 of ${db}.users was put under legal hold during the erasure`);
  expect(error.message).toContain(
    "6 documents were erased before it (each with its tombstone), the subject's document was not",
  );
  // Nothing the hold covers went after it was placed.
  expect((await col('orders').find({ userId: 42 }).toArray()).map((o) => o._id)).toEqual([1, 2, 3]);
  expect(await col('users').countDocuments({ _id: 42 })).toBe(1);
  expect(await col('order_items').countDocuments({ orderId: { $in: [1, 2, 3] } })).toBe(0);
});

test("a hold placed on an order during the erasure keeps that order's remaining items", async () => {
  // Order 1 gets 1,001 more items: two batches of items, the hold placed between them.
  await col('order_items').insertMany(
    Array.from({ length: 1001 }, (_, n) => ({ _id: `i${String(n).padStart(4, '0')}`, orderId: 1 })),
  );
  const error = await rejection(
    eraseWithHolds(async ({ table }) => {
      if (table === `${db}.order_items` && (await col('legal_holds').countDocuments({ _id: 'order' })) === 0)
        await col('legal_holds').insertOne({ _id: 'order', subject_table: 'orders', subject_id: '1' });
    }),
  );
  expect(error).toMatchObject({ code: 'CHECK_FAILED' });
  expect(error.message).toContain(
    `1 documents in ${db}.orders that the subject's remaining documents depend on were put under legal hold during the erasure`,
  );
  // The first batch (a1..b3 and i0000..i0993) went; the 7 items after it are kept, with every order.
  expect(await col('order_items').countDocuments({ orderId: 1 })).toBe(7);
  expect(await col('orders').countDocuments({ userId: 42 })).toBe(3);
});

test("documents written for the subject after their collection's turn, or after the subject's document went, are erased", async () => {
  const written: string[] = [];
  const result = await eraseWithHolds(async ({ table }) => {
    // Once the orders are done: a new order of Ada's with an item (the items are done too).
    if (table === `${db}.orders` && !written.includes('after-orders')) {
      written.push('after-orders');
      await col('orders').insertOne({ _id: 77, userId: 42 });
      await col('order_items').insertOne({ _id: 'late77', orderId: 77 });
    }
    // Once Ada's own document is gone: another one, still referencing her _id.
    if (table === `${db}.users` && !written.includes('after-user')) {
      written.push('after-user');
      await col('orders').insertOne({ _id: 78, userId: 42 });
      await col('order_items').insertOne({ _id: 'late78', orderId: 78 });
    }
  });
  expect(written).toEqual(['after-orders', 'after-user']);
  expect(await col('orders').find({}).toArray()).toEqual([{ _id: 9, userId: 8 }]);
  expect(await col('order_items').find({}).toArray()).toEqual([{ _id: 'x9', orderId: 9 }]);
  expect(await col('users').find({}).toArray()).toEqual([{ _id: 8, name: 'Other' }]);
  expect(result.tables.map((t) => [t.table, t.rows])).toEqual([
    [`${db}.order_items`, 8],
    [`${db}.orders`, 5],
    [`${db}.users`, 1],
  ]);
  expect(result.tombstones).toBe(14);
  expect(await col('dbops_retention_tombstones').countDocuments({ completed_at: { $type: 'date' } })).toBe(14);
});
