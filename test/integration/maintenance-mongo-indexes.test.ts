// maintenance on MongoDB: index rebuilds (rebuild-index), planned from collStats' per-index figures and applied so
// that the collection is never without the index: a stand-in (same key + one trailing field), drop, build again
// under the original name, drop the stand-in. On FerretDB, which reports no reusable bytes per index, the
// thresholds are set to 0 to force the step; MongoDB's WiredTiger reports them in indexDetails. FerretDB's unique
// stand-in lets duplicates in (SQLite NULLs are distinct), so there a unique index's rebuild is only reported.
import { maintenance } from '../../packages/core/src/operations/maintenance.js';
import { DEFAULT_THRESHOLDS } from '../../packages/core/src/maintenance/plan.js';
import { type Logger, silentLogger } from '../../packages/core/src/log.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { LEASE_COLLECTION } from '../../packages/core/src/databases/mongodb/lease.js';
import { leaseKey, recordedIndexSpecs } from '../../packages/core/src/databases/mongodb/maintenance-lease.js';
import { itUnless, startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

let server: MongoServer;
let database: string;
const db = () => server.client.db(database);
const FORCE = { ...DEFAULT_THRESHOLDS, indexBloatRatio: 0, minIndexBytes: 0 };

beforeAll(async () => {
  server = await startMongo();
  database = uniqueDatabase('maintidx');
  await db()
    .collection('accounts')
    .insertMany(Array.from({ length: 300 }, (_, i) => ({ email: `u${i}@example.com`, n: i })));
  await db().collection('accounts').createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
  await db()
    .collection('orders')
    .insertMany(Array.from({ length: 50 }, (_, i) => ({ sku: `s${i}`, qty: i })));
  await db().collection('orders').createIndex({ sku: 1, qty: -1 }, { name: 'sku_qty' });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function run(extra: Partial<Parameters<typeof maintenance>[0]> = {}, log: Logger = silentLogger) {
  return maintenance({
    target: parseMongoTarget(server.url(database)),
    apply: false,
    thresholds: FORCE,
    lockTimeoutMs: 5000,
    statementTimeoutMs: 60_000,
    maxRuntimeMs: 3_600_000,
    secrets: new Secrets(),
    log,
    ...extra,
  });
}

const indexes = async (collection: string) =>
  (await db().collection(collection).listIndexes().toArray()).map(({ v: _v, ns: _ns, ...spec }) => spec);

it('plans rebuild-index per index (never _id_) when its free bytes and size reach the thresholds', async () => {
  const plan = (await run()).plan.filter((s) => s.kind === 'rebuild-index');
  expect(plan.map((s) => [s.object, s.index, s.mode])).toEqual([
    [`${database}.accounts`, 'email_unique', server.kind === 'ferretdb' ? 'report' : 'apply'],
    [`${database}.orders`, 'sku_qty', 'apply'],
  ]);
  expect(plan[0]!.statement).toBe(
    [
      'db.runCommand({"createIndexes":"accounts","indexes":[{"key":{"email":1,"__dbops_rebuild":1},"name":"email_unique__dbops_rebuild","unique":true}]})',
      'db.runCommand({"dropIndexes":"accounts","index":"email_unique"})',
      'db.runCommand({"createIndexes":"accounts","indexes":[{"key":{"email":1},"name":"email_unique","unique":true}]})',
      'db.runCommand({"dropIndexes":"accounts","index":"email_unique__dbops_rebuild"})',
    ].join('; '),
  );
  expect(plan[0]!.why).toMatch(
    /^index "email_unique": .* MB of its file is free for reuse \(\d+%, ≥ 0%; index .* MB, ≥ 0\.0 MB\)/,
  );
  if (server.kind === 'ferretdb')
    expect(plan[0]!.why).toMatch(/; not applied: this server \(FerretDB\) does not keep a unique stand-in unique/);
  expect(plan[0]!.figures.indexBytes).toBeGreaterThan(0);
  // The default thresholds (index-bloat-percent 50, min-index-size 10MB): nothing to rebuild on these small indexes.
  const defaults = await run({ thresholds: DEFAULT_THRESHOLDS });
  expect(defaults.plan.filter((s) => s.kind === 'rebuild-index')).toEqual([]);
});

/** Runs apply while inserting a duplicate email again and again; returns the result and each insert's error code. */
async function applyWithDuplicates() {
  let running = true;
  const codes: Array<number | undefined> = [];
  const duplicates = (async () => {
    while (running) {
      codes.push(
        await db()
          .collection('accounts')
          .insertOne({ email: 'u7@example.com', n: -1 })
          .then(() => undefined)
          .catch((e: { code?: number }) => e.code),
      );
    }
  })();
  const result = await run({ apply: true }).finally(() => {
    running = false;
  });
  await duplicates;
  return { result, codes };
}

it('apply rebuilds an index under its own name with its key and options, documents untouched; a unique index refuses duplicates throughout', async () => {
  const before = { accounts: await indexes('accounts'), orders: await indexes('orders') };
  const documents = await db()
    .collection('orders')
    .find({}, { sort: { qty: 1 } })
    .toArray();
  const { result, codes } = await applyWithDuplicates();
  expect(result.failure).toBeUndefined();
  const orders = result.outcomes.filter((o) => o.kind === 'rebuild-index' && o.object === `${database}.orders`);
  expect(orders.map((o) => o.status)).toEqual(['applied']);
  expect(orders[0]!.result).toMatch(/^index "sku_qty" rebuilt: \d+ → \d+ bytes$/);
  expect(orders[0]!.before!.bytes).toBeGreaterThan(0);
  expect(await indexes('orders')).toEqual(before.orders);
  expect(await indexes('accounts')).toEqual(before.accounts);
  expect(
    await db()
      .collection('orders')
      .find({}, { sort: { qty: 1 } })
      .toArray(),
  ).toEqual(documents);
  expect(codes.length).toBeGreaterThan(0);
  expect(codes.filter((code) => code !== 11000)).toEqual([]);
  expect(await db().collection('accounts').countDocuments()).toBe(300);
});

itUnless(
  process.env.MONGO_URL
    ? undefined
    : 'FerretDB’s unique stand-in lets duplicates in: the rebuild is only reported there',
)('on MongoDB a unique index is rebuilt too, and refuses duplicates throughout and after', async () => {
  const before = await indexes('accounts');
  const { result, codes } = await applyWithDuplicates();
  expect(
    result.outcomes.filter((o) => o.kind === 'rebuild-index' && o.object === `${database}.accounts`),
  ).toMatchObject([{ status: 'applied' }]);
  expect(await indexes('accounts')).toEqual(before);
  expect(codes.filter((code) => code !== 11000)).toEqual([]);
  expect(await db().collection('accounts').countDocuments()).toBe(300);
});

it('a collection dropped or an index dropped after the plan makes the step skipped, and the run goes on', async () => {
  await db().collection('gone').insertOne({ g: 1 });
  await db().collection('gone').createIndex({ g: 1 }, { name: 'g_1' });
  await db().collection('orders').createIndex({ qty: 1 }, { name: 'qty_1' });
  const warnings: string[] = [];
  const result = await run(
    { apply: true },
    {
      ...silentLogger,
      warn: (m: string) => void warnings.push(m),
      info: (m: string) => {
        if (m.startsWith('Running db.runCommand({ validate: "accounts"')) {
          void db().collection('gone').drop();
          void db().collection('orders').dropIndex('qty_1');
        }
      },
    },
  );
  expect(result.failure).toBeUndefined();
  const outcomes = result.outcomes.filter((o) => o.object !== `${database}.accounts`);
  expect(outcomes.map((o) => [o.kind, o.object, o.status])).toEqual([
    ['validate-collection', `${database}.gone`, 'skipped'],
    ['rebuild-index', `${database}.gone`, 'skipped'],
    ['validate-collection', `${database}.orders`, 'applied'],
    ['rebuild-index', `${database}.orders`, 'skipped'],
    ['rebuild-index', `${database}.orders`, 'applied'],
  ]);
  expect(outcomes[1]!.reason).toBe(`${database}.gone no longer exists (dropped after the plan was made)`);
  expect(outcomes[3]!.reason).toBe(
    `${database}.orders index "qty_1" no longer exists (dropped after the plan was made)`,
  );
  expect(await indexes('orders')).toEqual([
    { key: { _id: 1 }, name: '_id_' },
    { key: { sku: 1, qty: -1 }, name: 'sku_qty' },
  ]);
});

it('an index on a nested field is rebuilt: its spec ("profile.email") is recorded in the lease as EJSON', async () => {
  // Its own database: the plans above see only their two collections.
  const nested = server.client.db(uniqueDatabase('maintnested'));
  await nested
    .collection('people')
    .insertMany(Array.from({ length: 50 }, (_, i) => ({ profile: { email: `p${i}@example.com` } })));
  await nested.collection('people').createIndex({ 'profile.email': 1 }, { name: 'profile_email' });
  const result = await run({ apply: true, target: parseMongoTarget(server.url(nested.databaseName)) });
  expect(result.failure).toBeUndefined();
  expect(result.outcomes.filter((o) => o.kind === 'rebuild-index')).toMatchObject([
    { status: 'applied', result: expect.stringMatching(/^index "profile_email" rebuilt/) },
  ]);
  expect((await nested.collection('people').listIndexes().toArray()).map((i) => [i.name, i.key])).toEqual([
    ['_id_', { _id: 1 }],
    ['profile_email', { 'profile.email': 1 }],
  ]);
});

it('a spec recorded as a document (by runs before the EJSON form) is still read back', async () => {
  const spec = { key: { at: 1 }, name: 'at_1', expireAfterSeconds: 60 };
  await db()
    .collection(LEASE_COLLECTION)
    .insertOne({ _id: leaseKey('old', 'at_1') as never, until: new Date(0), spec });
  expect((await recordedIndexSpecs(db(), 5000)).get(leaseKey('old', 'at_1'))).toEqual(spec);
  await db().collection(LEASE_COLLECTION).deleteMany({});
});
