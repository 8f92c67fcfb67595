// maintenance on MongoDB through the engine interface: the plan per collection (validate, and compact where much of
// the storage is free) and apply with the same guards, on FerretDB here and a real MongoDB with MONGO_URL.
import { maintenance } from '../../packages/core/src/operations/maintenance.js';
import { DEFAULT_THRESHOLDS } from '../../packages/core/src/maintenance/plan.js';
import { parseWindow } from '../../packages/core/src/maintenance-window/window.js';
import { type Logger, silentLogger } from '../../packages/core/src/log.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { mongoEngine } from '../../packages/core/src/databases/mongodb/engine.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { itUnless, startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

let server: MongoServer;
let database: string;
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
    ['validate-collection', `${database}.churned`, 'db.runCommand({ validate: "churned" })', 'apply'],
    ['compact-collection', `${database}.churned`, 'db.runCommand({ compact: "churned" })', 'apply'],
    ['validate-collection', `${database}.steady`, 'db.runCommand({ validate: "steady" })', 'apply'],
  ]);
  const compact = result.plan[1]!;
  expect(compact.why).toMatch(/MB of its storage is free for reuse \(\d+%, ≥ 50%; storage .* MB\)$/);
  expect(compact.figures.freeBytes).toBeGreaterThan(0);
  expect(result.outcomes).toEqual([]);
  const full = await run({ validateFull: true });
  expect(full.plan[0]!.statement).toBe('db.runCommand({ validate: "churned", full: true })');
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
        if (m.startsWith('Running db.runCommand({ validate: "churned" })'))
          void server.client.db(database).collection('gone').drop();
      },
    },
  );
  expect(result.failure).toBeUndefined();
  expect(result.outcomes.map((o) => [o.kind, o.object, o.status])).toEqual([
    ['validate-collection', `${database}.churned`, 'applied'],
    ['compact-collection', `${database}.churned`, 'applied'],
    ['validate-collection', `${database}.gone`, 'skipped'],
    ['validate-collection', `${database}.steady`, 'applied'],
  ]);
  expect(result.outcomes[0]!.result).toBe('valid: 500 records, 0 errors, 0 warnings');
  expect(result.outcomes[1]!.result).toMatch(/^the server reports \d+ bytes freed$/);
  expect(result.outcomes[1]!.before!.bytes).toBeGreaterThan(0);
  expect(result.outcomes[2]!.reason).toBe(`${database}.gone no longer exists (dropped after the plan was made)`);
  expect(warnings).toEqual([
    `db.runCommand({ validate: "gone" }) on ${database}.gone: ${database}.gone no longer exists (dropped after the plan was made)`,
  ]);
});

it('outside the window nothing runs; a step that does not fit max-runtime stops the run cleanly', async () => {
  const window = parseWindow('Sun 01:00-03:00 UTC', 'window');
  const outside = await run({ apply: true, window, now: () => new Date('2026-06-03T12:00:00Z') });
  expect(outside.outcomes).toEqual([]);
  expect(outside.window).toMatchObject({ open: false });
  expect(outside.window!.next.start.toISOString()).toBe('2026-06-07T01:00:00.000Z');

  const tight = await run({ apply: true, maxRuntimeMs: 500 });
  expect(tight.outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped']);
  // max-runtime counts from the run's start: planning took some of the 500 ms, so 0 or 1 s is left (rounded).
  expect(tight.outcomes[0]!.reason).toMatch(
    /^not started: [01] s are left of max-runtime; the next step needs about 1 s$/,
  );
});

// FerretDB v1.24.2 answers compact with { bytesFreed: 0 } and gives no space back; MongoDB's WiredTiger does.
itUnless(process.env.MONGO_URL ? undefined : 'FerretDB’s compact frees nothing (bytesFreed 0)')(
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
