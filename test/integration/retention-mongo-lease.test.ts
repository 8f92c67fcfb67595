// One retention-purge at a time per MongoDB collection (databases/mongodb/data-retention-lease.ts): a run that finds
// another run's live lease on a collection leaves that rule to it (a warning, nothing deleted there) and goes on
// with its other rules; a lease whose run died (ended) is taken over; a run whose lease ran out and was taken over
// stops at its next renewal. Against FerretDB (or the MongoDB that MONGO_URL names).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEASE_COLLECTION, takeLease } from '../../packages/core/src/databases/mongodb/lease.js';
import { purgeLeaseKey } from '../../packages/core/src/databases/mongodb/data-retention-purge.js';
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
  - name: sessions
    collection: ${db}.sessions
    by: createdAt
    keep: 30d
`;
}

function purge(db: string) {
  return purgeMongo(server, dir, db, policyText(db), { now: NOW });
}

/** 7 expired documents and 2 young ones in each of events, logs and sessions. */
async function seed(db: string): Promise<void> {
  for (const name of ['events', 'logs', 'sessions'])
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
  pidNamespace?: string;
  since: Date;
  until: Date;
}

const leases = (db: string) => server.client.db(db).collection<Lease>(LEASE_COLLECTION);
const leaseOf = (db: string, collection: string) => leases(db).findOne({ _id: purgeLeaseKey(collection) });

/** Another run's lease on `collection`, as a purge writes it, ending `endsInMs` from now (negative: ended). */
async function otherRunsLease(db: string, collection: string, endsInMs: number): Promise<void> {
  const now = Date.now();
  await leases(db).insertOne({
    _id: purgeLeaseKey(collection),
    holder: '20261207T050000Z-0a0b0c',
    host: 'runner-7',
    pid: 4242,
    since: new Date(now - 60_000),
    until: new Date(now + endsInMs),
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
        `^Rule 'events' left to another run: ${db}\\.events is being purged by run 20261207T050000Z-0a0b0c on runner-7 \\(pid 4242\\) since \\S+, until \\S+ unless it renews it$`,
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
  const lease = { since: new Date(now), until: new Date(now + 10 * 60_000) };
  await leases(db).insertOne({
    _id: purgeLeaseKey('events'),
    holder: 'killed-run',
    host: hostname(),
    pid: gone,
    pidNamespace: readlinkSync('/proc/self/ns/pid'),
    ...lease,
  });
  await leases(db).insertOne({
    _id: purgeLeaseKey('logs'),
    holder: 'elsewhere',
    host: `not-${hostname()}`,
    pid: gone,
    ...lease,
  });
  // The same host name, but another container's processes (host network): its pid means nothing here.
  await leases(db).insertOne({
    _id: purgeLeaseKey('sessions'),
    holder: 'other-container',
    host: hostname(),
    pid: gone,
    pidNamespace: 'pid:[1]',
    ...lease,
  });
  const result = await purge(db);
  expect(result.purge!.rules[0]).toMatchObject({ rule: 'events', rows: 7, complete: true });
  expect(result.purge!.rules[1]).toMatchObject({ rule: 'logs', rows: 0, complete: false });
  expect(result.purge!.rules[2]).toMatchObject({ rule: 'sessions', rows: 0, complete: false });
  expect(result.purge!.warnings).toEqual([
    expect.stringMatching(/^Rule 'logs' left to another run: .* run elsewhere on not-/),
    expect.stringMatching(/^Rule 'sessions' left to another run: .* run other-container on /),
  ]);
  expect(await leaseOf(db, 'events')).toBeNull();
  await server.client.db(db).dropDatabase();
});

test('a run whose lease lapsed and was taken over stops at its next renewal; only the holder ends a lease', async () => {
  const db = uniqueDatabase('lease_lost');
  const key = purgeLeaseKey('events');
  const later = () => new Date(Date.now() + 60_000);
  const first = await takeLease(server.client.db(db), key, 'run-a', later(), 5000);
  if (!('lease' in first)) throw new Error('run-a should have taken the lease');
  // While it lives, a second run is told who holds it (a process of this machine that is alive: this one).
  const refused = await takeLease(server.client.db(db), key, 'run-b', later(), 5000);
  expect(refused).toMatchObject({ heldBy: { holder: 'run-a', host: hostname(), pid: process.pid } });
  // Lapsed (as if run-a had stalled past it), through its own renewal: no clock race on a loaded machine.
  await first.lease.extend(new Date(0));
  const second = await takeLease(server.client.db(db), key, 'run-b', new Date(Date.now() + 60_000), 5000);
  if (!('lease' in second)) throw new Error('run-b should have taken over the lapsed lease');
  await expect(first.lease.extend(later())).rejects.toMatchObject({
    code: 'CONFLICT',
    message: `The lease of run run-a on ${db} (retention:events) lapsed and another run has taken it over`,
  });
  await first.lease.release();
  expect(await leaseOf(db, 'events')).toMatchObject({ holder: 'run-b' });
  await second.lease.extend(new Date(Date.now() + 60_000));
  await second.lease.release();
  expect(await leaseOf(db, 'events')).toBeNull();
  await server.client.db(db).dropDatabase();
});
