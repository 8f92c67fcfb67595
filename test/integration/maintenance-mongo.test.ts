// maintenance on MongoDB through the engine interface: the plan per collection (validate, and compact where much of
// the storage is free) and apply with the same guards, on FerretDB here and a real MongoDB with MONGO_URL.
import { maintenance } from '../../packages/core/src/operations/maintenance.js';
import { DEFAULT_THRESHOLDS } from '../../packages/core/src/maintenance/plan.js';
import { parseWindow } from '../../packages/core/src/maintenance-window/window.js';
import { type Logger, silentLogger } from '../../packages/core/src/log.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { mongoEngine } from '../../packages/core/src/databases/mongodb/engine.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { itUnless, notAPrimary, startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

let server: MongoServer;
let database: string;
/** MONGO_URL is a replica set's primary (CI runs both topologies): compact is only reported, validate runs in the background. */
const primary = notAPrimary() === undefined;
const bg = () => (primary ? ', background: true' : '');
beforeAll(async () => {
  server = await startMongo();
  database = uniqueDatabase('maint');
  const db = server.client.db(database);
  await db.collection('churned').insertMany(Array.from({ length: 4000 }, (_, i) => ({ i, t: 'x'.repeat(500) })));
  await db.collection('churned').deleteMany({ i: { $lt: 3500 } });
  await db.collection('steady').insertMany(Array.from({ length: 10 }, (_, i) => ({ i })));
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function run(extra: Partial<Parameters<typeof maintenance>[0]> = {}, log: Logger = silentLogger) {
  return maintenance({
    target: parseMongoTarget(server.url(database)),
    apply: false,
    thresholds: { ...DEFAULT_THRESHOLDS, minTableBytes: 64 * 1024 },
    lockTimeoutMs: 5000,
    statementTimeoutMs: 60_000,
    maxRuntimeMs: 3_600_000,
    secrets: new Secrets(),
    log,
    ...extra,
  });
}

it('plans validate for every collection and compact where half the storage is free', async () => {
  const result = await run();
  expect(result.plan.map((s) => [s.kind, s.object, s.statement, s.mode])).toEqual([
    ['validate-collection', `${database}.churned`, `db.runCommand({ validate: "churned"${bg()} })`, 'apply'],
    [
      'compact-collection',
      `${database}.churned`,
      'db.runCommand({ compact: "churned" })',
      primary ? 'report' : 'apply',
    ],
    ['validate-collection', `${database}.steady`, `db.runCommand({ validate: "steady"${bg()} })`, 'apply'],
  ]);
  const compact = result.plan[1]!;
  expect(compact.why).toMatch(
    primary
      ? /MB of its storage is free for reuse \(\d+%, ≥ 50%; storage .* MB\); not applied: this server is a replica set primary, where MongoDB refuses compact without force: true/
      : /MB of its storage is free for reuse \(\d+%, ≥ 50%; storage .* MB\)$/,
  );
  expect(compact.figures.freeBytes).toBeGreaterThan(0);
  expect(result.outcomes).toEqual([]);
  const full = await run({ validateFull: true });
  expect(full.plan[0]!.statement).toBe('db.runCommand({ validate: "churned", full: true })');
  // A full validate cannot run in the background: on a primary it would lock the collection, so it is only reported.
  expect(full.plan[0]!.mode).toBe(primary ? 'report' : 'apply');
});

it('applies one step at a time: validate says valid, compact runs, a dropped collection is skipped and the run goes on', async () => {
  const infos: string[] = [];
  const warnings: string[] = [];
  const log: Logger = {
    ...silentLogger,
    info: (m: string) => void infos.push(m),
    warn: (m: string) => void warnings.push(m),
  };
  await server.client.db(database).collection('gone').insertOne({ a: 1 });
  // Dropped between plan and apply: the plan is made, then the collection goes before its step.
  const result = await run(
    { apply: true },
    {
      ...log,
      info: (m: string) => {
        infos.push(m);
        if (m.startsWith('Running db.runCommand({ validate: "churned"'))
          void server.client.db(database).collection('gone').drop();
      },
    },
  );
  expect(result.failure).toBeUndefined();
  expect(result.outcomes.map((o) => [o.kind, o.object, o.status])).toEqual([
    ['validate-collection', `${database}.churned`, 'applied'],
    ...(primary ? [] : [['compact-collection', `${database}.churned`, 'applied']]),
    ['validate-collection', `${database}.gone`, 'skipped'],
    ['validate-collection', `${database}.steady`, 'applied'],
  ]);
  expect(result.outcomes[0]!.result).toBe('valid: 500 records, 0 errors, 0 warnings');
  if (!primary) {
    expect(result.outcomes[1]!.result).toMatch(/^the server reports \d+ bytes freed$/);
    expect(result.outcomes[1]!.before!.bytes).toBeGreaterThan(0);
  }
  expect(result.outcomes.find((o) => o.object === `${database}.gone`)!.reason).toBe(
    `${database}.gone no longer exists (dropped after the plan was made)`,
  );
  expect(warnings).toEqual([
    `db.runCommand({ validate: "gone"${bg()} }) on ${database}.gone: ${database}.gone no longer exists (dropped after the plan was made)`,
  ]);
});

it('outside the window nothing runs; a step that does not fit max-runtime stops the run cleanly', async () => {
  const window = parseWindow('Sun 01:00-03:00 UTC', 'window');
  const outside = await run({ apply: true, window, now: () => new Date('2026-06-03T12:00:00Z') });
  expect(outside.outcomes).toEqual([]);
  expect(outside.window).toMatchObject({ open: false });
  expect(outside.window!.next.start.toISOString()).toBe('2026-06-07T01:00:00.000Z');

  const tight = await run({ apply: true, maxRuntimeMs: 500 });
  expect(tight.outcomes.map((o) => o.status)).toEqual(
    primary ? ['skipped', 'skipped'] : ['skipped', 'skipped', 'skipped'],
  );
  // max-runtime counts from the run's start: planning took some of the 500 ms, so 0 or 1 s is left (rounded).
  expect(tight.outcomes[0]!.reason).toMatch(
    /^not started: [01] s are left of max-runtime; the next step needs about 1 s$/,
  );
});

const onPrimary = primary ? 'MONGO_URL is a replica set primary, where compact is only reported' : undefined;

// FerretDB v1.24.2 answers compact with { bytesFreed: 0 } and gives no space back; MongoDB's WiredTiger does.
itUnless(process.env.MONGO_URL ? undefined : 'FerretDB’s compact frees nothing (bytesFreed 0)', onPrimary)(
  'compact gives free storage back on MongoDB',
  async () => {
    const db = server.client.db(database);
    await db.collection('big').insertMany(Array.from({ length: 20000 }, (_, i) => ({ i, t: 'y'.repeat(1000) })));
    await db.collection('big').deleteMany({ i: { $lt: 18000 } });
    await db.command({ fsync: 1 }).catch(() => undefined);
    const result = await run({ apply: true });
    const compact = result.outcomes.find((o) => o.kind === 'compact-collection' && o.object === `${database}.big`);
    expect(compact?.status).toBe('applied');
    expect(compact!.after!.bytes).toBeLessThan(compact!.before!.bytes);
  },
);

// MongoDB refuses compact on a primary without force: true (IllegalOperation), 8.0 too: it is reported, and the
// run neither fails nor locks the collection with a foreground validate.
itUnless(notAPrimary())('on a replica set primary compact is reported, validate runs in the background', async () => {
  const db = server.client.db(database);
  await db.collection('primary').insertMany(Array.from({ length: 4000 }, (_, i) => ({ i, t: 'z'.repeat(500) })));
  await db.collection('primary').deleteMany({ i: { $lt: 3500 } });
  await db.command({ fsync: 1 }).catch(() => undefined);
  const result = await run({ apply: true });
  expect(result.failure).toBeUndefined();
  const steps = result.plan.filter((s) => s.object === `${database}.primary`);
  expect(steps.map((s) => [s.kind, s.mode, s.statement])).toEqual([
    ['validate-collection', 'apply', 'db.runCommand({ validate: "primary", background: true })'],
    ['compact-collection', 'report', 'db.runCommand({ compact: "primary" })'],
  ]);
  expect(result.outcomes.filter((o) => o.object === `${database}.primary`).map((o) => [o.kind, o.status])).toEqual([
    ['validate-collection', 'applied'],
  ]);
});

it('a command the server lacks makes the step skipped with the server’s reason, not failed', async () => {
  // An unknown command: CommandNotFound on FerretDB and MongoDB alike, the error a missing compact or validate gives.
  const error = await server.client
    .db(database)
    .command({ dbopsNoSuchCommand: 1 })
    .catch((e: unknown) => e);
  await mongoEngine.withMaintenanceSession!(
    parseMongoTarget(server.url(database)),
    { log: silentLogger },
    async (s) => {
      expect(s.explainStepFailure(error, 1000)).toEqual({
        status: 'skipped',
        reason: expect.stringMatching(
          /^skipped: the server does not support it \(CommandNotFound: .*dbopsNoSuchCommand/,
        ),
      });
    },
  );
});
