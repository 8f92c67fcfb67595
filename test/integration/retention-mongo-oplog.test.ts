// retention-purge on MongoDB waits on the oplog window (issue 16, item 8): with `min-oplog-window` set, a purge deletes
// nothing while local.oplog.rs spans less than the bound, names the wait when its budget runs out, and completes once
// the window has grown past it. Against FerretDB's real oplog (startMongo({ oplog: true }): it logs every insert,
// update and delete in a capped local.oplog.rs), or a replica set named by MONGO_URL. A server without an oplog
// (standalone) cannot apply the bound: the run goes on and says so in a warning.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Timestamp } from 'mongodb';
import type { Logger } from '../../packages/core/src/log.js';
import type { DataRetentionOptions } from '../../packages/core/src/operations/data-retention.js';
import { silentLogger } from '../../packages/core/src/log.js';
import { itUnless, oplogMissing, startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';
import { purgeMongo } from '../harness/mongo-retention.js';

const DAY = 86_400_000;
const NOW = new Date();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-oplog-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function policy(db: string, defaults: string): string {
  return `version: 1
defaults: { batch-size: 3, ${defaults} }
data:
  - name: events
    collection: ${db}.events
    by: createdAt
    keep: 30d
`;
}

function purge(server: MongoServer, db: string, text: string, extra: Partial<DataRetentionOptions> = {}) {
  return purgeMongo(server, dir, db, text, { now: NOW, ...extra });
}

/** 7 expired documents and 2 young ones. */
async function seed(server: MongoServer, db: string): Promise<void> {
  await server.client
    .db(db)
    .collection<{ _id: number; createdAt: Date }>('events')
    .insertMany([
      ...Array.from({ length: 7 }, (_, i) => ({ _id: i + 1, createdAt: new Date(NOW.getTime() - (40 + i) * DAY) })),
      ...Array.from({ length: 2 }, (_, i) => ({ _id: i + 100, createdAt: new Date(NOW.getTime() - DAY) })),
    ]);
}

/** The oplog's span in whole seconds, read here independently of dbops: its last entry's ts − its first's. */
async function oplogWindowSeconds(server: MongoServer): Promise<number> {
  const oplog = server.client.db('local').collection<{ ts: Timestamp }>('oplog.rs');
  const end = async (order: 1 | -1) => (await oplog.find({}, { sort: { $natural: order }, limit: 1 }).toArray())[0];
  const [first, last] = [await end(1), await end(-1)];
  return first && last ? last.ts.getHighBits() - first.ts.getHighBits() : 0;
}

function recordingLogger(lines: string[]): Logger {
  return {
    ...silentLogger,
    info: (message) => lines.push(message),
    warn: (message) => lines.push(`warning: ${message}`),
  };
}

const expiredLeft = (server: MongoServer, db: string) =>
  server.client
    .db(db)
    .collection('events')
    .countDocuments({ createdAt: { $lt: new Date(NOW.getTime() - 30 * DAY) } });

describe('a server with an oplog', () => {
  let server: MongoServer;
  beforeAll(async () => {
    if (!oplogMissing()) server = await startMongo({ oplog: true });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  itUnless(oplogMissing())(
    'deletes nothing while the oplog window is under min-oplog-window; a run whose budget runs out names the wait',
    async () => {
      const db = uniqueDatabase('oplog_short');
      await seed(server, db);
      // The bound lies 30 s past the window as it is now. The run's own lease on the collection (one write, taken just
      // before its first batch) moves the newest entry on by the time since the seed: seconds on a loaded machine.
      const window = await oplogWindowSeconds(server);
      const bound = window + 30;
      const result = await purge(server, db, policy(db, `max-runtime: 1s, min-oplog-window: ${bound}s`));
      expect(result.purge).toMatchObject({ outcome: 'time-budget' });
      expect(result.purge!.rules[0]).toMatchObject({ rows: 0, batches: 0, complete: false });
      const waited = /^The oplog window is (\d+\.\d) s \(min-oplog-window (\d+\.\d) s\)$/.exec(
        result.purge!.stoppedWaitingFor ?? '',
      );
      expect(waited?.[2]).toBe(bound.toFixed(1));
      expect(Number(waited?.[1])).toBeGreaterThanOrEqual(window);
      expect(Number(waited?.[1])).toBeLessThan(bound);
      expect(result.purge!.oplogWaitMs).toEqual(expect.any(Number));
      expect(await expiredLeft(server, db)).toBe(7);
      // Without the bound the same purge deletes them: the wait above was the bound's doing.
      const unbound = await purge(server, db, policy(db, 'max-runtime: 1m'));
      expect(unbound.purge).toMatchObject({ outcome: 'complete' });
      expect(unbound.purge!.rules[0]!.rows).toBe(7);
      expect(unbound.purge!.oplogWaitMs).toBeUndefined();
      await server.client.db(db).dropDatabase();
    },
  );

  itUnless(oplogMissing())(
    'waits while the window is short and purges once writes spread over time have grown it past the bound',
    async () => {
      const db = uniqueDatabase('oplog_grows');
      await seed(server, db);
      // Far enough ahead that the run starts under it even on a loaded machine; the ticks below grow the window past it.
      const bound = (await oplogWindowSeconds(server)) + 8;
      const lines: string[] = [];
      const running = purge(server, db, policy(db, `max-runtime: 2m, min-oplog-window: ${bound}s`), {
        log: recordingLogger(lines),
      });
      // Another client's writes, a few hundred ms apart: the oplog's newest entry moves on, its oldest stays.
      let done = false;
      const ticks = (async () => {
        for (let i = 0; !done; i++) {
          await server.client.db(db).collection('ticks').insertOne({ i });
          await sleep(400);
        }
      })();
      const result = await running.finally(() => (done = true));
      await ticks;
      expect(result.failure).toBeUndefined();
      expect(result.purge).toMatchObject({ outcome: 'complete' });
      expect(result.purge!.stoppedWaitingFor).toBeUndefined();
      expect(result.purge!.rules[0]).toMatchObject({ rows: 7, batches: 3, complete: true });
      expect(result.purge!.oplogWaitMs).toBeGreaterThan(0);
      expect(lines.find((l) => l.startsWith('The oplog window is'))).toMatch(
        new RegExp(`^The oplog window is \\d+\\.0 s \\(min-oplog-window ${bound}\\.0 s\\); waiting$`),
      );
      expect(await expiredLeft(server, db)).toBe(0);
      expect(await oplogWindowSeconds(server)).toBeGreaterThanOrEqual(bound);
      await server.client.db(db).dropDatabase();
    },
  );
});

describe('a server without an oplog', () => {
  const standalone =
    process.env.MONGO_URL && !oplogMissing() ? 'MONGO_URL names a replica set: it has an oplog' : undefined;
  let server: MongoServer;
  beforeAll(async () => {
    if (!standalone) server = await startMongo();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  itUnless(standalone)(
    'purges with min-oplog-window set, and warns that the bound cannot apply (never a silent pass)',
    async () => {
      const db = uniqueDatabase('oplog_none');
      await seed(server, db);
      const lines: string[] = [];
      const result = await purge(server, db, policy(db, 'max-runtime: 1m, min-oplog-window: 6h'), {
        log: recordingLogger(lines),
      });
      const warning =
        'min-oplog-window (6 h 0 min) does not apply: the server is not a replica set member, so it has no oplog; the purge went on without that bound';
      expect(result.purge).toMatchObject({ outcome: 'complete', warnings: [warning] });
      expect(result.purge!.rules[0]!.rows).toBe(7);
      expect(lines).toContain(`warning: ${warning}`);
      await server.client.db(db).dropDatabase();
    },
  );
});
