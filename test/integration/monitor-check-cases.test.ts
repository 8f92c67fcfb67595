// Cases the PostgreSQL checks once got wrong, each built for real on a harness server: query text whose quotes
// a regex misread, a transaction of short statements, INCLUDE columns taken for keys, a shared sequence feeding an
// int4 column, and a database nobody may connect to.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { defaultSettings, MemoryLogger, monitorReport, parsePgTarget, POSTGRES_CHECKS } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
const db = 'cases';
const clients: pg.Client[] = [];
const pending: Array<Promise<unknown>> = [];

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(db);
});
afterAll(async () => {
  await server
    .query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${db}' and pid <> pg_backend_pid()`)
    .catch(() => undefined);
  await Promise.all(pending);
  for (const c of clients) await c.end().catch(() => undefined);
  await server?.stop();
});

/** Runs one check with its thresholds overridden, and returns its result. */
async function runCheck(id: string, thresholds: { warning?: number; critical?: number } = {}) {
  const checks = POSTGRES_CHECKS.filter((c) => c.id === id);
  const settings = defaultSettings(checks);
  Object.assign(settings.checks[id]!, thresholds);
  const { report } = await monitorReport({
    target: parsePgTarget({ url: server.url(db) }),
    checks,
    settings,
    statementTimeoutMs: 10_000,
    budgetMs: 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-cases-')),
    log: new MemoryLogger(),
  });
  return report.checks[0]!;
}

async function session(): Promise<{ client: pg.Client; pid: number }> {
  const client = new pg.Client({ connectionString: server.url(db) });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return { client, pid: (await client.query('select pg_backend_pid() as pid')).rows[0].pid };
}

/** Waits for a state the server reports asynchronously (a query starting to run). */
async function until(sql: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await server.query<{ ok: boolean }>(sql, [], db);
    if (row?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition never held: ${sql}`);
}

it('masks the literals of running queries whose comments, names or backslashes hold quotes', async () => {
  const texts = [
    `/* don't log */ select pg_sleep(600), 'hunter2' as note`,
    `-- user's reset\nselect pg_sleep(600), 'hunter2' as "o'note"`,
    `select pg_sleep(600), 'C:\\x\\' as home, 'sk_live_abc' as token`,
  ];
  const pids: number[] = [];
  for (const text of texts) {
    const { client, pid } = await session();
    pids.push(pid);
    pending.push(client.query(text).catch(() => undefined));
    await until(`select state = 'active' and query like '%pg_sleep%' as ok from pg_stat_activity where pid = ${pid}`);
  }
  const result = await runCheck('long-running-queries', { warning: 0 });
  const details = pids.map((pid) => result.findings.find((f) => f.subject.startsWith(`pid ${pid} `))?.detail);
  expect(details).toEqual([
    `/* don'?'*/ select pg_sleep(600), '?' as note`,
    `-- user'?' select pg_sleep(600), '?' as "o'note"`,
    `select pg_sleep(600), '?' as home, '?' as token`,
  ]);
  await server.query(`select pg_cancel_backend(pid) from unnest($1::int[]) pid`, [pids], db);
});

it("flags a transaction kept open across many short statements, but not a dbops backup's snapshot", async () => {
  const { client, pid } = await session();
  await client.query('begin');
  for (let i = 0; i < 5; i++) await client.query('select 1');
  // A dbops backup (pg_dump runs as application_name dbops) holds one snapshot on purpose for as long as it takes.
  const backup = await session();
  await backup.client.query(`set application_name = 'dbops'`);
  await backup.client.query('begin isolation level repeatable read');
  await backup.client.query('select 1');
  const result = await runCheck('long-transactions', { warning: 0 });
  const subjects = result.findings.map((f) => f.subject);
  expect(subjects).toContain(`pid ${pid} (${server.superuser})`);
  expect(subjects).not.toContain(`pid ${backup.pid} (${server.superuser})`);
  await client.query('rollback');
  await backup.client.query('rollback');
});

it('keeps UNIQUE (a) INCLUDE (b) beside UNIQUE (a, b), and reports (a) INCLUDE (b) beside (a, b)', async () => {
  await server.query(
    `create table pairs (a int, b int, c int);
     create unique index pairs_a_b on pairs (a, b);
     create unique index pairs_a_inc_b on pairs (a) include (b);
     create index pairs_c_b on pairs (c, b);
     create index pairs_c_inc_b on pairs (c) include (b);
     create index pairs_c_desc on pairs (c desc);`,
    [],
    db,
  );
  const result = await runCheck('duplicate-indexes');
  expect(result.findings.map((f) => f.subject).sort()).toEqual(['public.pairs_c_inc_b']);
  expect(result.findings[0]!.detail).toMatch(/is covered by public\.pairs_c_b /);
});

it('measures a sequence without OWNED BY against the int4 column whose default calls it', async () => {
  await server.query(
    `create sequence shared_ids as bigint;
     create table tickets (id int primary key default nextval('shared_ids'), note text);
     create table wide (id bigint primary key default nextval('shared_ids'));
     select setval('shared_ids', (2147483647 * 0.8)::bigint);`,
    [],
    db,
  );
  const result = await runCheck('sequence-exhaustion');
  expect(result.findings).toEqual([
    expect.objectContaining({
      subject: 'public.shared_ids',
      severity: 'warning',
      detail: expect.stringMatching(/of 2147483647 \(public\.tickets\.id integer\)$/),
    }),
  ]);
});

it('measures wraparound in databases that allow no connections too', async () => {
  await server.createDatabase('closed');
  await server.query('alter database closed allow_connections false');
  for (const id of ['xid-wraparound', 'multixact-wraparound']) {
    const result = await runCheck(id, { warning: 0 });
    expect(result.findings.map((f) => f.subject)).toEqual(
      expect.arrayContaining(['database closed', 'database template0']),
    );
  }
});
