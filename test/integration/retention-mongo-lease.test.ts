// One retention-purge at a time per MongoDB collection (databases/mongodb/data-retention-lease.ts): a run that finds
// another run's live lease on a collection leaves that rule to it (a warning, nothing deleted there) and goes on
// with its other rules; a lease whose run died (ended) is taken over; a run whose lease ran out and was taken over
// stops at its next renewal. Against FerretDB (or the MongoDB that MONGO_URL names).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEASE_COLLECTION, takePurgeLease } from '../../packages/core/src/databases/mongodb/data-retention-lease.js';
import { resolveCollectionTargets } from '../../packages/core/src/databases/mongodb/data-retention-target.js';
import { readPolicyFile } from '../../packages/core/src/data-retention/read-policy.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';
import { purgeMongo } from '../harness/mongo-retention.js';

const DAY = 86_400_000;
const NOW = new Date();

let server: MongoServer;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-lease-'));
  server = await startMongo();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function policyText(db: string): string {
  return `version: 1
defaults: { batch-size: 3 }
data:
  - name: events
    collection: ${db}.events
    by: createdAt
    keep: 30d
  - name: logs
    collection: ${db}.logs
    by: createdAt
    keep: 30d
`;
}

function purge(db: string) {
  return purgeMongo(server, dir, db, policyText(db), { now: NOW });
}

/** 7 expired documents and 2 young ones in each of events and logs. */
async function seed(db: string): Promise<void> {
  for (const name of ['events', 'logs'])
    await server.client
      .db(db)
      .collection<{ _id: number; createdAt: Date }>(name)
      .insertMany([
        ...Array.from({ length: 7 }, (_, i) => ({ _id: i + 1, createdAt: new Date(NOW.getTime() - (40 + i) * DAY) })),
        ...Array.from({ length: 2 }, (_, i) => ({ _id: i + 100, createdAt: new Date(NOW.getTime() - DAY) })),
      ]);
}

interface Lease {
  _id: string;
  holder: string;
  host: string;
  pid: number;
  acquired_at: Date;
  expires_at: Date;
}

const leases = (db: string) => server.client.db(db).collection<Lease>(LEASE_COLLECTION);
const leaseOf = (db: string, collection: string) => leases(db).findOne({ _id: collection });

/** Another run's lease on `collection`, as takePurgeLease writes it, ending `endsInMs` from now (negative: ended). */
async function otherRunsLease(db: string, collection: string, endsInMs: number): Promise<void> {
  const now = Date.now();
  await leases(db).insertOne({
    _id: collection,
    holder: '20261207T050000Z-0a0b0c',
    host: 'runner-7',
    pid: 4242,
    acquired_at: new Date(now - 60_000),
    expires_at: new Date(now + endsInMs),
  });
}

test("a collection under another run's live lease is left to it; the run's other rules are purged", async () => {
  const db = uniqueDatabase('lease_live');
  await seed(db);
  await otherRunsLease(db, 'events', 10 * 60_000);
  const result = await purge(db);
  const [events, logs] = result.purge!.rules;
  expect(events).toMatchObject({ rule: 'events', rows: 0, batches: 0, complete: false });
  expect(logs).toMatchObject({ rule: 'logs', rows: 7, complete: true });
  expect(result.purge!.outcome).toBe('complete');
  expect(result.purge!.warnings).toEqual([
    expect.stringMatching(
      new RegExp(
        `^Rule 'events' left to another run: ${db}\\.events is being purged by run 20261207T050000Z-0a0b0c on runner-7 \\(pid 4242\\) has purged it since .*; its lease ends at .* unless renewed$`,
      ),
    ),
  ]);
  expect(await server.client.db(db).collection('events').countDocuments()).toBe(9);
  // The other run's lease stays as it was; this run's own lease on logs is gone with its rule.
  expect(await leaseOf(db, 'events')).toMatchObject({ holder: '20261207T050000Z-0a0b0c' });
  expect(await leaseOf(db, 'logs')).toBeNull();
  await server.client.db(db).dropDatabase();
});

test('the lease of a run that died (ended) is taken over, and removed when the rule is done', async () => {
  const db = uniqueDatabase('lease_ended');
  await seed(db);
  await otherRunsLease(db, 'events', -1000);
  const result = await purge(db);
  expect(result.purge!.rules[0]).toMatchObject({ rule: 'events', rows: 7, complete: true });
  expect(result.purge!.warnings).toBeUndefined();
  expect(await leaseOf(db, 'events')).toBeNull();
  await server.client.db(db).dropDatabase();
});

test("a live lease of a process of this machine that is gone (a killed run) is taken over at once; another host's is not", async () => {
  const db = uniqueDatabase('lease_dead');
  await seed(db);
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
  const now = Date.now();
  const lease = { acquired_at: new Date(now), expires_at: new Date(now + 10 * 60_000) };
  await leases(db).insertOne({ _id: 'events', holder: 'killed-run', host: hostname(), pid: gone, ...lease });
  await leases(db).insertOne({ _id: 'logs', holder: 'elsewhere', host: `not-${hostname()}`, pid: gone, ...lease });
  const result = await purge(db);
  expect(result.purge!.rules[0]).toMatchObject({ rule: 'events', rows: 7, complete: true });
  expect(result.purge!.rules[1]).toMatchObject({ rule: 'logs', rows: 0, complete: false });
  expect(result.purge!.warnings).toEqual([
    expect.stringMatching(/^Rule 'logs' left to another run: .* run elsewhere on not-/),
  ]);
  expect(await leaseOf(db, 'events')).toBeNull();
  await server.client.db(db).dropDatabase();
});

test('a run whose lease ran out and was taken over stops at its next renewal; only the holder ends a lease', async () => {
  const db = uniqueDatabase('lease_lost');
  await seed(db);
  const policyPath = join(dir, `${db}.yml`);
  await writeFile(policyPath, policyText(db));
  const { targets } = await resolveCollectionTargets(server.client, await readPolicyFile(policyPath), NOW);
  const events = targets.find((t) => t.rule === 'events')!;
  const first = await takePurgeLease(server.client, events, 'run-a', 5000, 200);
  if (!('lease' in first)) throw new Error('run-a should have taken the lease');
  // While it lives, a second run is told who holds it.
  const refused = await takePurgeLease(server.client, events, 'run-b', 5000, 200);
  expect(refused).toMatchObject({ heldBy: { holder: 'run-a', pid: process.pid } });
  await sleep(300);
  const second = await takePurgeLease(server.client, events, 'run-b', 5000, 60_000);
  if (!('lease' in second)) throw new Error('run-b should have taken over the ended lease');
  await expect(first.lease.renew()).rejects.toMatchObject({
    code: 'CONFLICT',
    message: `The lease of run run-a on ${db}.events ran out and another run has taken it over`,
  });
  await first.lease.release();
  expect(await leaseOf(db, 'events')).toMatchObject({ holder: 'run-b' });
  await second.lease.renew();
  await second.lease.release();
  expect(await leaseOf(db, 'events')).toBeNull();
  await server.client.db(db).dropDatabase();
});
