// monitor-report on MongoDB (issue 15 part 5) from a terminal: the checks the server answers have real values, the
// ones it cannot answer are skipped with the reason (never passed), Prometheus output parses, no password printed.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MonitorReport } from '@dbops/core';
import type { Timestamp } from 'mongodb';
import { runCli } from '../harness/cli.js';
import { itUnless, lacking, oplogMissing, startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

const PASSWORD = 'm0n-pw/with:odd@chars';

let server: MongoServer;
let database: string;
beforeAll(async () => {
  server = await startMongo();
  database = uniqueDatabase('monitor');
  const db = server.client.db(database);
  await db.collection('events').insertMany(Array.from({ length: 500 }, (_, i) => ({ i, text: 'x'.repeat(200) })));
  await db.collection('events').createIndex({ i: 1 });
  await db.collection('users').insertOne({ name: 'ada' });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** The database's URL with a password: FerretDB (SQLite) takes any password with PLAIN, so it still travels. */
function urlWithPassword(): string {
  const url = server.url(database);
  if (server.kind === 'mongodb') return url;
  return `${url.replace('mongodb://', `mongodb://dbops:${encodeURIComponent(PASSWORD)}@`)}?authMechanism=PLAIN`;
}

async function report(...extra: string[]) {
  const out = await mkdtemp(join(tmpdir(), 'dbops-mongo-monitor-'));
  const run = await runCli([
    'monitor-report',
    '--database-url',
    urlWithPassword(),
    '--output-dir',
    out,
    // A flag is given once (the CLI refuses a repeated one): fail-on never unless the test sets its own.
    ...(extra.includes('--fail-on') ? [] : ['--fail-on', 'never']),
    '--json',
    ...extra,
  ]);
  return { ...run, out };
}

const byId = (r: MonitorReport, id: string) => r.checks.find((c) => c.id === id)!;

describe('monitor-report on MongoDB', () => {
  let run: Awaited<ReturnType<typeof report>>;
  let json: MonitorReport;
  beforeAll(async () => {
    run = await report();
    json = JSON.parse(run.stdout) as MonitorReport;
  }, 60_000);

  it('runs the MongoDB checks, not the PostgreSQL ones, and exits 0 with fail-on never', () => {
    expect(run.code).toBe(0);
    expect(json.checks.map((c) => c.id)).toEqual([
      'connections',
      'long-running-operations',
      'queues',
      'replica-set-members',
      'replication-lag',
      'oplog-window',
      'wiredtiger-cache',
      'wiredtiger-dirty',
      'asserts',
      'unused-indexes',
      'opcounters',
      'database-size',
      'collection-sizes',
    ]);
    expect(json.database).toMatchObject({ name: database, serverVersion: server.version });
  });

  it('measures the database and its collections from dbStats and $collStats', () => {
    const size = byId(json, 'database-size');
    expect(size.status).toBe('ok');
    expect(size.top[0]).toMatchObject({ subject: `database ${database}` });
    expect(size.top[0]!.value).toBeGreaterThan(0);
    expect(json.sample.databaseBytes).toBe(size.top[0]!.value);
    const collections = byId(json, 'collection-sizes');
    expect(collections.status).toBe('ok');
    expect(collections.top.map((o) => o.subject).sort()).toEqual([`${database}.events`, `${database}.users`]);
    expect(collections.top[0]!.subject).toBe(`${database}.events`); // largest first
    expect(collections.top[0]!.value).toBeGreaterThan(collections.top[1]!.value);
  });

  it('skips the replica set checks on a standalone server with the reason, and runs them on a replica set', async () => {
    const hello = await server.client.db('admin').command({ hello: 1 });
    const ids = ['replica-set-members', 'replication-lag', 'oplog-window'];
    if (typeof hello.setName !== 'string') {
      for (const id of ids) {
        const check = byId(json, id);
        expect(check.status).toBe('skipped');
        expect(check.reason).toMatch(/not a replica set member/);
        expect(check.findings).toEqual([]);
      }
      return;
    }
    // A real replica set (MONGO_URL, the workflow's single-node set): its primary serves, the oplog has a window.
    for (const id of ids) expect(byId(json, id).status).not.toMatch(/skipped|unknown/);
    expect(byId(json, 'replica-set-members').top[0]).toMatchObject({ display: 'PRIMARY', value: 0 });
    expect(byId(json, 'oplog-window').observed).toBe(1);
  });

  // What FerretDB lacks for these checks; a real MongoDB (MONGO_URL) answers them all.
  const ferretLacks = lacking('indexStats')
    ? 'FerretDB has no $indexStats, no $currentOp aggregation, no serverStatus connections/opcounters/wiredTiger/globalLock/asserts'
    : undefined;

  itUnless(ferretLacks ? undefined : 'the server is MongoDB, which answers every check')(
    'skips what FerretDB cannot answer with the reason, never as passed',
    () => {
      for (const id of ['connections', 'queues', 'wiredtiger-cache', 'wiredtiger-dirty', 'asserts', 'opcounters']) {
        expect(byId(json, id)).toMatchObject({ status: 'skipped' });
        expect(byId(json, id).reason).toMatch(/serverStatus has no \w+ section \(FerretDB does not report it\)/);
      }
      expect(byId(json, 'long-running-operations').status).toBe('skipped');
      expect(byId(json, 'long-running-operations').reason).toMatch(/cannot run the \$currentOp aggregation/);
      expect(byId(json, 'unused-indexes').status).toBe('skipped');
      expect(byId(json, 'unused-indexes').reason).toMatch(/does not support it \(NotImplemented.*\$indexStats/);
      expect(json.counts.skipped).toBe(11);
      expect(json.status).toBe('ok');
    },
  );

  itUnless(ferretLacks)('on MongoDB: connections, operations, cache and unused indexes have values', () => {
    const connections = byId(json, 'connections');
    expect(connections.status).not.toMatch(/skipped|unknown/);
    // The share of the server's limit in use: at least this test's client, far from the limit.
    expect(connections.top[0]!.value).toBeGreaterThan(0);
    expect(connections.top[0]!.value).toBeLessThan(0.8);
    expect(byId(json, 'opcounters').top.find((o) => o.subject === 'insert')!.value).toBeGreaterThanOrEqual(2);
    expect(byId(json, 'wiredtiger-cache').top[0]!.value).toBeGreaterThan(0);
    expect(byId(json, 'long-running-operations').status).toBe('ok');
    // The { i: 1 } index was never used by a query.
    expect(byId(json, 'unused-indexes').top.map((o) => o.subject)).toContain(`${database}.events i_1`);
  });

  it('writes every report file, a Prometheus file that promtool accepts, and never the password', async () => {
    const metrics = await readFile(join(run.out, 'metrics.prom'), 'utf8');
    expect(metrics).toMatch(
      new RegExp(`dbops_monitor_check_status\\{database="${database}",check="database-size"\\} 0`),
    );
    const result = execFileSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
    expect(result).toBe('');
    const files = await Promise.all(
      ['report.json', 'summary.md', 'report.html', 'metrics.prom'].map((f) => readFile(join(run.out, f), 'utf8')),
    );
    expect(files[1]).toContain('Database size');
    expect(files[2]).toContain('Largest collections');
    for (const text of [run.stdout, run.stderr, ...files]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
    }
  });
});

it('a thresholds file names the MongoDB checks, and fires on them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-mongo-thresholds-'));
  const file = join(dir, 'thresholds.yml');
  await writeFile(file, 'checks:\n  database-size: { warning: 1kB }\n  collection-sizes: { limit: 1 }\n');
  const { stdout, code } = await report('--thresholds', file, '--fail-on', 'warning');
  const json = JSON.parse(stdout) as MonitorReport;
  expect(code).toBe(1);
  expect(byId(json, 'database-size').status).toBe('warning');
  expect(byId(json, 'collection-sizes').top).toHaveLength(1);

  await writeFile(file, 'checks:\n  table-bloat: { warning: 40% }\n');
  const refused = await report('--thresholds', file);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/checks\.table-bloat is not a known check/);
  expect(refused.stderr).toContain('oplog-window');
}, 60_000);

it('keeps the database size in history, so a second report draws its trend', async () => {
  const history = await mkdtemp(join(tmpdir(), 'dbops-mongo-history-'));
  await report('--history', history, '--name', 'mongo-trend');
  await server.client
    .db(database)
    .collection('more')
    .insertMany(Array.from({ length: 200 }, (_, i) => ({ i, text: 'y'.repeat(500) })));
  const { stdout, code } = await report('--history', history, '--name', 'mongo-trend');
  expect(code).toBe(0);
  const json = JSON.parse(stdout) as MonitorReport;
  expect(json.trends?.reportsRead).toBe(1);
  const size = json.trends!.series.find((s) => s.id === 'database-size')!;
  expect(size.points).toHaveLength(2);
  expect(size.points[1]!.value).toBe(json.sample.databaseBytes);
  expect(size.points[1]!.value).toBeGreaterThan(size.points[0]!.value);
}, 60_000);

// FerretDB started with a replica set name and local.oplog.rs (startMongo({ oplog: true })) answers hello with
// setName and logs every write in its oplog, so the oplog-window check measures a real oplog there; it has no
// replSetGetStatus, so the member and lag checks are skipped with that reason.
describe('monitor-report on a server with an oplog', () => {
  let oplogServer: MongoServer;
  let json: MonitorReport;
  const oplogDatabase = uniqueDatabase('monitor_oplog');
  beforeAll(async () => {
    if (oplogMissing()) return;
    oplogServer = await startMongo({ oplog: true });
    const events = oplogServer.client.db(oplogDatabase).collection('events');
    // Two entries at least a second apart: the oplog's timestamps count whole seconds.
    await events.insertOne({ i: 1 });
    await sleep(1100);
    await events.insertOne({ i: 2 });
    const run = await runCli([
      'monitor-report',
      '--database-url',
      oplogServer.url(oplogDatabase),
      '--output-dir',
      await mkdtemp(join(tmpdir(), 'dbops-mongo-monitor-oplog-')),
      '--fail-on',
      'never',
      '--json',
    ]);
    json = JSON.parse(run.stdout) as MonitorReport;
  }, 60_000);
  afterAll(async () => {
    await oplogServer?.client
      .db(oplogDatabase)
      .dropDatabase()
      .catch(() => undefined);
    await oplogServer?.stop();
  });

  itUnless(oplogMissing())('measures the oplog window: its last entry’s ts − its first’s', async () => {
    const oplog = oplogServer.client.db('local').collection<{ ts: Timestamp }>('oplog.rs');
    const end = async (order: 1 | -1) => (await oplog.find({}, { sort: { $natural: order }, limit: 1 }).toArray())[0]!;
    const seconds = (await end(-1)).ts.getHighBits() - (await end(1)).ts.getHighBits();
    expect(seconds).toBeGreaterThanOrEqual(1);
    const check = byId(json, 'oplog-window');
    expect(check.status).not.toMatch(/skipped|unknown/);
    expect(check.top[0]).toMatchObject({ subject: 'oplog window', value: seconds });
    // A window of seconds is far under the 6 h critical threshold.
    if (oplogServer.kind === 'ferretdb') expect(check.status).toBe('critical');
  });

  itUnless(oplogMissing(), process.env.MONGO_URL ? 'MongoDB answers replSetGetStatus' : undefined)(
    'skips the member and lag checks on FerretDB, which has no replSetGetStatus, with that reason',
    () => {
      for (const id of ['replica-set-members', 'replication-lag']) {
        expect(byId(json, id).status).toBe('skipped');
        expect(byId(json, id).reason).toMatch(
          /does not support it \(CommandNotFound: no such command: 'replSetGetStatus'/,
        );
      }
    },
  );
});
