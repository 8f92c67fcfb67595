// Cases the PostgreSQL checks once got wrong, each built for real on a harness server: query text whose quotes
// a regex misread, a transaction of short statements, INCLUDE columns taken for keys, a shared sequence feeding an
// int4 column, a database nobody may connect to, a replication slot whose WAL is lost, and duplicate indexes of a
// partitioned table.
import { mkdtemp, readFile } from 'node:fs/promises';
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
  return (await runCheckWithFiles(id, thresholds)).result;
}

/** Runs one check, returning its result and the directory the report's files were written to. */
async function runCheckWithFiles(id: string, thresholds: { warning?: number; critical?: number } = {}) {
  const checks = POSTGRES_CHECKS.filter((c) => c.id === id);
  const settings = defaultSettings(checks);
  Object.assign(settings.checks[id]!, thresholds);
  const outputDir = await mkdtemp(join(tmpdir(), 'dbops-monitor-cases-'));
  const { report } = await monitorReport({
    target: parsePgTarget({ url: server.url(db) }),
    checks,
    settings,
    statementTimeoutMs: 10_000,
    budgetMs: 60_000,
    outputDir,
    log: new MemoryLogger(),
  });
  return { result: report.checks[0]!, outputDir };
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

it('reports a slot whose WAL is lost as critical, with no made-up byte count in the report or the metrics', async () => {
  // A slot may keep 1 MB of WAL: past that, the checkpoint removes its segments and marks it lost.
  await server.query(`alter system set max_slot_wal_keep_size = '1MB'`);
  await server.query('select pg_reload_conf()');
  try {
    await server.query(`select pg_create_physical_replication_slot('gone', true)`);
    await server.query('create table wal_filler (v text)', [], db);
    for (let i = 0; i < 3; i++) {
      await server.query(`insert into wal_filler select repeat('x', 1000) from generate_series(1, 2000)`, [], db);
      await server.query('select pg_switch_wal()');
    }
    await server.query('checkpoint');
    const [slot] = await server.query<{ wal_status: string; restart_lsn: string | null }>(
      `select wal_status, restart_lsn::text from pg_replication_slots where slot_name = 'gone'`,
    );
    expect(slot).toEqual({ wal_status: 'lost', restart_lsn: null });

    const { result, outputDir } = await runCheckWithFiles('replication-slots');
    expect(result.findings).toEqual([
      expect.objectContaining({
        subject: 'slot gone',
        severity: 'critical',
        condition: 'lost',
        detail:
          'physical slot, inactive; its WAL is lost (wal_status lost): it can never be used again, drop it and rebuild its consumer',
      }),
    ]);
    const metrics = await readFile(join(outputDir, 'metrics.prom'), 'utf8');
    expect(metrics).not.toMatch(/^dbops_monitor_observation_bytes\{[^}]*subject="slot gone"/m);
    expect(metrics).toContain(
      'dbops_monitor_observation_condition{database="cases",check="replication-slots",subject="slot gone",condition="lost"} 1',
    );
    const summary = await readFile(join(outputDir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/`slot gone` \| lost \|/);
  } finally {
    await server.query(`select pg_drop_replication_slot('gone') from pg_replication_slots where slot_name = 'gone'`);
    await server.query('alter system reset max_slot_wal_keep_size');
    await server.query('select pg_reload_conf()');
  }
});

it("reports a partitioned table's duplicate index with the plain DROP INDEX it needs, not its partitions' indexes", async () => {
  await server.query(
    `create table parted (a int, b int) partition by range (a);
     create table parted_1 partition of parted for values from (0) to (1000);
     create table parted_2 partition of parted for values from (1000) to (2000);
     insert into parted select g, g from generate_series(0, 1999) g;
     create index parted_b on parted (b);
     create index parted_b_again on parted (b);`,
    [],
    db,
  );
  const result = await runCheck('duplicate-indexes');
  const parted = result.findings.filter((f) => /^public\.parted/.test(f.subject));
  // parted_1's and parted_2's twin indexes go with the partitioned ones: only the parent's drop can remove them.
  expect(parted.map((f) => f.subject)).toEqual(['public.parted_b_again']);
  expect(parted[0]!.detail).toMatch(/drop it with DROP INDEX \(PostgreSQL refuses CONCURRENTLY for it\)/);
  // Its size is its partitions' indexes (a partitioned index has no storage of its own).
  const [sizes] = await server.query<{ bytes: number }>(
    `select sum(pg_relation_size(relid))::float8 as bytes from pg_partition_tree('parted_b_again')`,
    [],
    db,
  );
  expect(parted[0]!.value).toBe(sizes!.bytes);
  expect(parted[0]!.value).toBeGreaterThan(0);
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
