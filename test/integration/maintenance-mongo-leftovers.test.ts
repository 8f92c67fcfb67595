// maintenance on MongoDB: what an index rebuild killed midway leaves (its stand-in: the key plus a trailing
// __dbops_rebuild field, named <index>__dbops_rebuild), left here by hand as such a run leaves it. The plan finds
// stand-ins by name AND key shape and puts a drop-rebuild-leftover step first: the original in place, the stand-in
// is dropped; the original missing, it is built again from the stand-in, then the stand-in dropped. A stand-in whose
// index a running maintenance holds dbops's lease on is only reported; a lapsed lease (a killed run's) is not in the
// way. A user's index whose name merely ends the same way is never touched, and a plan-only run changes nothing.
import { maintenance } from '../../packages/core/src/operations/maintenance.js';
import { DEFAULT_THRESHOLDS } from '../../packages/core/src/maintenance/plan.js';
import { LEASE_COLLECTION } from '../../packages/core/src/databases/mongodb/lease.js';
import { leaseKey, withIndexLease } from '../../packages/core/src/databases/mongodb/maintenance-lease.js';
import { maintenanceSummary } from '../../packages/core/src/report/maintenance-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';
import { type Logger, silentLogger } from '../../packages/core/src/log.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { itUnless, lacking, startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

let server: MongoServer;
let database: string;
const db = () => server.client.db(database);
const FORCE = { ...DEFAULT_THRESHOLDS, indexBloatRatio: 0, minIndexBytes: 0 };
const SUFFIX = '__dbops_rebuild';

beforeEach(async () => {
  server ??= await startMongo();
  database = uniqueDatabase('maintleft');
  await db()
    .collection('items')
    .insertMany(Array.from({ length: 200 }, (_, i) => ({ a: i % 7, b: `b${i}`, note: `n${i}` })));
  await db().collection('items').createIndex({ a: 1, b: -1 }, { name: 'a_b' });
  // Killed after the stand-in was built: the original is still there.
  await db()
    .collection('items')
    .createIndex({ a: 1, b: -1, [SUFFIX]: 1 }, { name: `a_b${SUFFIX}` });
  // A user's index whose name ends the same way, another key shape: never a stand-in.
  await db()
    .collection('items')
    .createIndex({ note: 1 }, { name: `note${SUFFIX}` });
  await db()
    .collection('orders')
    .insertMany(Array.from({ length: 100 }, (_, i) => ({ sku: `s${i}`, qty: i })));
  // Killed after the original's drop, before its build: only the stand-in is left.
  await db()
    .collection('orders')
    .createIndex({ sku: 1, qty: -1, [SUFFIX]: 1 }, { name: `sku_qty${SUFFIX}` });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function run(extra: Partial<Parameters<typeof maintenance>[0]> = {}, log: Logger = silentLogger) {
  return maintenance({
    target: parseMongoTarget(server.url(database)),
    apply: false,
    thresholds: DEFAULT_THRESHOLDS,
    lockTimeoutMs: 5000,
    statementTimeoutMs: 60_000,
    maxRuntimeMs: 3_600_000,
    secrets: new Secrets(),
    log,
    ...extra,
  });
}

/** The collection's indexes by name (FerretDB lists them by name, MongoDB in the order they were built). */
const indexes = async (collection: string) =>
  (await db().collection(collection).listIndexes().toArray())
    .map(({ v: _v, ns: _ns, ...spec }) => spec)
    .sort((a, b) => (a.name < b.name ? -1 : 1));

const ITEMS_AFTER = [
  { key: { _id: 1 }, name: '_id_' },
  { key: { a: 1, b: -1 }, name: 'a_b' },
  { key: { note: 1 }, name: `note${SUFFIX}` },
];
const ORDERS_AFTER = [
  { key: { _id: 1 }, name: '_id_' },
  { key: { sku: 1, qty: -1 }, name: 'sku_qty' },
];

it('plans a drop-rebuild-leftover step per stand-in, first; a plan-only run changes nothing', async () => {
  const before = { items: await indexes('items'), orders: await indexes('orders') };
  const result = await run();
  const leftovers = result.plan.filter((s) => s.kind === 'drop-rebuild-leftover');
  expect(result.plan.slice(0, 2)).toEqual(leftovers);
  expect(leftovers.map((s) => [s.object, s.index, s.mode, s.statement])).toEqual([
    [`${database}.items`, `a_b${SUFFIX}`, 'apply', `db.runCommand({"dropIndexes":"items","index":"a_b${SUFFIX}"})`],
    [
      `${database}.orders`,
      `sku_qty${SUFFIX}`,
      'apply',
      `db.runCommand({"createIndexes":"orders","indexes":[{"key":{"sku":1,"qty":-1},"name":"sku_qty"}]}); db.runCommand({"dropIndexes":"orders","index":"sku_qty${SUFFIX}"})`,
    ],
  ]);
  expect(leftovers[0]!.why).toMatch(
    /^stand-in "a_b__dbops_rebuild" of index "a_b" left by an interrupted rebuild \(killed or crashed before it dropped the stand-in\), "a_b" in place: every write maintains both/,
  );
  expect(leftovers[1]!.why).toContain(
    `"sku_qty" is missing and queries use the stand-in; the index is built again from the stand-in's key without "${SUFFIX}", with the same options, before the stand-in is dropped`,
  );
  const summary = renderSummary([maintenanceSummary(result)]);
  expect(summary).toContain('Maintenance plan (dry run): 4 step(s) to apply');
  expect(summary).toContain(`db.runCommand({"dropIndexes":"items","index":"a_b${SUFFIX}"})`);
  expect(summary).toContain('"sku_qty" is missing and queries use the stand-in');
  expect(summary).not.toContain(`note${SUFFIX}"`);
  expect(result.outcomes).toEqual([]);
  expect({ items: await indexes('items'), orders: await indexes('orders') }).toEqual(before);
});

it('apply drops a stand-in beside its original, builds a missing original from its stand-in first; a look-alike stays', async () => {
  const documents = await db().collection('orders').find({}).sort({ qty: 1 }).toArray();
  const result = await run({ apply: true });
  expect(result.failure).toBeUndefined();
  const leftovers = result.outcomes.filter((o) => o.kind === 'drop-rebuild-leftover');
  expect(leftovers.map((o) => [o.object, o.status, o.result])).toEqual([
    [`${database}.items`, 'applied', `dropped the stand-in "a_b${SUFFIX}"; "a_b" stands`],
    [
      `${database}.orders`,
      'applied',
      `built "sku_qty" again from its stand-in, then dropped the stand-in "sku_qty${SUFFIX}"`,
    ],
  ]);
  expect(await indexes('items')).toEqual(ITEMS_AFTER);
  expect(await indexes('orders')).toEqual(ORDERS_AFTER);
  expect(await db().collection('orders').find({}).sort({ qty: 1 }).toArray()).toEqual(documents);
  const summary = renderSummary([maintenanceSummary(result)]);
  expect(summary).toContain('Maintenance applied 4 of 4 step(s)');
  expect(summary).toContain(`built "sku_qty" again from its stand-in, then dropped the stand-in "sku_qty${SUFFIX}"`);
  // Nothing is left for the next run, and dbops's lease collection is never maintained itself.
  const next = await run({ thresholds: FORCE });
  expect(next.plan.filter((s) => s.kind === 'drop-rebuild-leftover')).toEqual([]);
  expect(next.plan.map((s) => s.object)).not.toContain(`${database}.dbops_leases`);
  expect(await db().collection(LEASE_COLLECTION).countDocuments()).toBe(0);
  // The user's look-alike is never touched, not even rebuilt.
  expect(next.plan.filter((s) => s.kind === 'rebuild-index').map((s) => s.index)).toEqual(['a_b', 'sku_qty']);
});

it('a stand-in whose index a running maintenance holds the lease on is reported and left; so is its rebuild', async () => {
  await db().collection('items').dropIndex(`a_b${SUFFIX}`);
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
  // Another run rebuilding "sku_qty" holds its lease (the real lease, taken as a rebuild takes it).
  const result = await withIndexLease(db(), 'orders', 'sku_qty', `${database}.orders`, 60_000, async () => {
    await db().collection('orders').createIndex({ sku: 1, qty: -1 }, { name: 'sku_qty' });
    return run({ apply: true, thresholds: FORCE }, log);
  });
  const busy = result.plan.find((s) => s.kind === 'drop-rebuild-leftover')!;
  expect(busy).toMatchObject({
    mode: 'report',
    index: `sku_qty${SUFFIX}`,
    expectedGain: 'none while the rebuild works',
  });
  expect(busy.why).toMatch(
    /^stand-in "sku_qty__dbops_rebuild" of index "sku_qty": a maintenance run in progress \(.+ pid \d+, since .+\) holds dbops's lease on it until .+: it is rebuilding the index now; left alone\. If that run is gone, a run after .+ cleans up$/,
  );
  expect(result.outcomes.filter((o) => o.kind === 'drop-rebuild-leftover')).toEqual([]);
  const rebuild = result.outcomes.find((o) => o.kind === 'rebuild-index' && o.object === `${database}.orders`)!;
  expect(rebuild.status).toBe('skipped');
  expect(rebuild.reason).toMatch(/^.+\.orders index "sku_qty": a maintenance run in progress .+; left alone$/);
  expect(warnings.some((w) => w.includes("holds dbops's lease on it"))).toBe(true);
  expect(renderSummary([maintenanceSummary(result)])).toContain('it is rebuilding the index now; left alone');
  expect(await indexes('orders')).toEqual([
    ...ORDERS_AFTER,
    { key: { sku: 1, qty: -1, [SUFFIX]: 1 }, name: `sku_qty${SUFFIX}` },
  ]);
  // The lease was given back: the next run cleans up.
  const after = await run({ apply: true });
  expect(after.outcomes.map((o) => [o.kind, o.status])).toContainEqual(['drop-rebuild-leftover', 'applied']);
  expect(await indexes('orders')).toEqual(ORDERS_AFTER);
});

it('a lapsed lease (a run killed mid-rebuild) is not in the way: the cleanup takes it over and gives it back', async () => {
  await db()
    .collection(LEASE_COLLECTION)
    .insertOne({
      _id: leaseKey('orders', 'sku_qty') as never,
      holder: 'killed-run',
      host: 'gone-host',
      pid: 1,
      since: new Date(Date.now() - 3_600_000),
      until: new Date(Date.now() - 1000),
    });
  const result = await run({ apply: true });
  expect(result.failure).toBeUndefined();
  expect(result.plan.find((s) => s.index === `sku_qty${SUFFIX}`)!.mode).toBe('apply');
  expect(result.outcomes.map((o) => [o.kind, o.status])).toContainEqual(['drop-rebuild-leftover', 'applied']);
  expect(await indexes('orders')).toEqual(ORDERS_AFTER);
  // Taken over (its holder replaced) and deleted as the step ended.
  expect(await db().collection(LEASE_COLLECTION).countDocuments()).toBe(0);
});

it('a missing original that cannot be built again fails the step and keeps the stand-in, which serves its queries', async () => {
  // Duplicates under the unique key that the stand-in's trailing field told apart.
  await db()
    .collection('emails')
    .insertMany([
      { e: 'x@example.com', [SUFFIX]: 1 },
      { e: 'x@example.com', [SUFFIX]: 2 },
    ]);
  const standIn = { key: { e: 1, [SUFFIX]: 1 }, name: `e_1${SUFFIX}`, unique: true };
  await db().collection('emails').createIndex(standIn.key, { name: standIn.name, unique: true });
  const result = await run({ apply: true });
  const step = result.outcomes.find((o) => o.kind === 'drop-rebuild-leftover' && o.object === `${database}.emails`)!;
  expect(step.status).toBe('failed');
  expect(step.reason).toMatch(
    new RegExp(`^failed: .*\\("e_1" is still missing; its stand-in "e_1${SUFFIX}" is kept and serves its queries\\)$`),
  );
  expect(result.failure?.message).toContain('1 maintenance step(s) failed');
  expect(await indexes('emails')).toEqual([{ key: { _id: 1 }, name: '_id_' }, standIn]);
});

/**
 * An index `at_1` on sessions.at (with `options`), its rebuild killed between the original's drop and its build; then
 * a plan and an apply: the index must come back as it was, from the spec the rebuild recorded in its lease.
 */
async function killedRebuildComesBack(options: { expireAfterSeconds?: number }) {
  const sessions = db().collection('sessions');
  await sessions.insertMany(Array.from({ length: 50 }, (_, i) => ({ at: new Date(Date.now() - i * 1000) })));
  await sessions.createIndex({ at: 1 }, { name: 'at_1', ...options });
  const original = (await indexes('sessions')).find((i) => i.name === 'at_1')!;
  expect(original).toEqual({ key: { at: 1 }, name: 'at_1', ...options });
  // A rebuild's first steps as rebuildIndex takes them (the real lease and record), then the run is gone: killed
  // between the original's drop and its build, it never gives the lease back.
  const killed = new Error('the runner was killed');
  await expect(
    withIndexLease(db(), 'sessions', 'at_1', `${database}.sessions`, 60_000, async (lease) => {
      await lease.recordSpec(original);
      await sessions.createIndex({ at: 1, [SUFFIX]: 1 }, { name: `at_1${SUFFIX}` });
      await sessions.dropIndex('at_1');
      throw killed;
    }),
  ).rejects.toBe(killed);
  // Its lease lapses in time (here: at once).
  await db()
    .collection(LEASE_COLLECTION)
    .updateOne({ _id: leaseKey('sessions', 'at_1') as never }, { $set: { until: new Date(Date.now() - 1000) } });

  const plan = (await run()).plan.find((s) => s.index === `at_1${SUFFIX}`)!;
  expect(plan.mode).toBe('apply');
  expect(plan.statement).toContain(`{"createIndexes":"sessions","indexes":[${JSON.stringify(original)}]}`);
  expect(plan.why).toContain("from the spec that rebuild recorded in dbops's lease (its options");
  const result = await run({ apply: true });
  expect(
    result.outcomes.filter((o) => o.kind === 'drop-rebuild-leftover' && o.object === `${database}.sessions`),
  ).toEqual([
    expect.objectContaining({
      status: 'applied',
      result: `built "at_1" again from the spec its rebuild recorded, then dropped the stand-in "at_1${SUFFIX}"`,
    }),
  ]);
  expect((await indexes('sessions')).filter((i) => String(i.name).startsWith('at_1'))).toEqual([original]);
  expect(await db().collection(LEASE_COLLECTION).countDocuments()).toBe(0);
}

it('an index whose rebuild was killed after the drop is built again from the spec recorded in the lease', () =>
  killedRebuildComesBack({}));

itUnless(lacking('indexKinds'))('a TTL index whose rebuild was killed after the drop comes back with its TTL', () =>
  killedRebuildComesBack({ expireAfterSeconds: 3600 }),
);
