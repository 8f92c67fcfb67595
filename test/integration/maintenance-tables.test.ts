// Bloated tables and report-only suggestions on a real server: a table with 90% of its rows deleted (autovacuum off,
// then VACUUM: the file keeps its size) rebuilt online by the real pg_repack client when the database has the
// extension, otherwise VACUUM FULL only when allowed and small enough, under lock_timeout; an unindexed foreign key
// of a sequentially scanned table, and a table autovacuum has not kept up with (its naptime is a day here).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parsePgTarget } from '../../packages/core/src/databases/postgres/target.js';
import { silentLogger } from '../../packages/core/src/log.js';
import { applySteps as apply } from '../../packages/core/src/maintenance/apply.js';
import { DEFAULT_THRESHOLDS, planMaintenance } from '../../packages/core/src/maintenance/plan.js';
import { maintenanceCli } from '../harness/maintenance-cli.js';
import { heldBackPgRepack } from '../harness/held-back-pg-repack.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

let server: PostgresServer;
let databases = 0;

const hasPgRepack = (() => {
  try {
    return /pg_repack 1\./.test(execFileSync('pg_repack', ['--version'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();

beforeAll(async () => {
  server = await startPostgres({ settings: { autovacuum_naptime: '1d' } });
});
afterAll(async () => {
  await server?.stop();
});

/** A new database with table items (primary key, index on v): 200,000 rows, 90% deleted, vacuumed. */
async function bloatedTable(extension?: string): Promise<string> {
  const db = `maintenance_tables_${++databases}`;
  await server.createDatabase(db);
  const q = (sql: string) => server.query(sql, [], db);
  if (extension) await q(`create extension ${extension}`);
  await q(`create table items (id int primary key, v int, note text) with (autovacuum_enabled = false)`);
  await q(`insert into items select g, g, 'row ' || g from generate_series(1, 200000) g`);
  await q(`create index items_v on items (v)`);
  await q(`delete from items where id % 10 <> 0`);
  await q(`vacuum (analyze) items`);
  await q(`select pg_stat_force_next_flush()`);
  return db;
}

async function table(db: string) {
  const [row] = await server.query(
    `select relfilenode::int as filenode, pg_relation_size(oid)::int as bytes, (select count(*)::int from items) as rows
       from pg_class where relname = 'items'`,
    [],
    db,
  );
  return row as { filenode: number; bytes: number; rows: number };
}

/** `dbops maintenance --json` on `db`; `maintenanceWith`: with `env` added to the CLI's environment. */
const maintenance = (db: string, ...args: string[]) => maintenanceCli(server, db, args);
const maintenanceWith = (env: NodeJS.ProcessEnv, db: string, ...args: string[]) =>
  maintenanceCli(server, db, args, env);

const applySteps = (result: { plan: Array<{ kind: string; mode: string; statement: string }> }) =>
  result.plan.filter((s) => s.mode === 'apply').map((s) => [s.kind, s.statement]);

(hasPgRepack ? it : it.skip)(
  'with the pg_repack extension: rebuilt online by pg_repack, indexes included',
  async () => {
    const db = await bloatedTable('pg_repack');
    const before = await table(db);
    const plan = await maintenance(db);
    expect(applySteps(plan.result)).toEqual([
      ['repack-table', `pg_repack --no-kill-backend --table '"public"."items"'`],
    ]);
    expect(plan.result.plan[0].why).toMatch(
      /^estimated bloat (8|9)\d% \(from statistics: pg_class and pg_stats \(pgstattuple is not installed\)\): .* pg_repack rebuilds it online$/,
    );
    expect(plan.result.plan[0].lock).toMatch(/ACCESS EXCLUSIVE only briefly/);

    const started = (await server.query<{ now: Date }>(`select now()`, [], db))[0]!.now;
    const run = await maintenance(db, '--apply');
    expect(run.code).toBe(0);
    // Analyzed after the rebuild (by dbops: pg_repack runs with --no-analyze).
    const [analyzed] = await server.query<{ analyzed: boolean }>(
      `select last_analyze > $1 as analyzed from pg_stat_user_tables where relname = 'items'`,
      [started],
      db,
    );
    expect(analyzed).toEqual({ analyzed: true });
    expect(run.result.outcomes).toEqual([
      expect.objectContaining({
        kind: 'repack-table',
        status: 'applied',
        before: expect.objectContaining({ bytes: before.bytes, relfilenode: before.filenode }),
      }),
    ]);
    const after = await table(db);
    expect(after.rows).toBe(20000);
    expect(after.filenode).not.toBe(before.filenode);
    expect(after.bytes).toBeLessThan(before.bytes / 4);
    // pg_repack leaves no trigger or log table behind, and the table is not bloated any more.
    expect(await server.query(`select tgname from pg_trigger where tgname like 'repack%'`, [], db)).toEqual([]);
    expect(applySteps((await maintenance(db)).result)).toEqual([]);
  },
);

(hasPgRepack ? it : it.skip)('pg_repack that cannot get its lock is skipped and kills no session', async () => {
  const db = await bloatedTable('pg_repack');
  const before = await table(db);
  const holder = new pg.Client({ connectionString: server.url(db) });
  await holder.connect();
  try {
    await holder.query(`begin; lock table items in share update exclusive mode`);
    const run = await maintenance(db, '--apply', '--lock-timeout', '1s');
    expect(run.code).toBe(0);
    expect(run.result.outcomes).toEqual([expect.objectContaining({ kind: 'repack-table', status: 'skipped' })]);
    expect(run.result.outcomes[0].reason).toMatch(/^skipped: pg_repack did not get its lock within lock-timeout/);
    expect(await holder.query('select 1 as alive')).toMatchObject({ rows: [{ alive: 1 }] });
  } finally {
    await holder.query('rollback').catch(() => undefined);
    await holder.end();
  }
  expect(await table(db)).toEqual(before);
  expect(await server.query(`select tgname from pg_trigger where tgname like 'repack%'`, [], db)).toEqual([]);
});

(hasPgRepack ? it : it.skip)(
  'pg_repack runs with --no-analyze and dbops analyzes the table: a lock held after the swap only skips the ANALYZE',
  async () => {
    const db = await bloatedTable('pg_repack');
    const before = await table(db);
    const dir = await mkdtemp(join(tmpdir(), 'repack-analyze-'));
    // Held after the real pg_repack swapped the table and exited, until the test holds the table.
    const repack = await heldBackPgRepack(dir, 'after');
    const holder = new pg.Client({ connectionString: server.url(db) });
    await holder.connect();
    try {
      const running = maintenanceWith({ PATH: repack.path }, db, '--apply', '--lock-timeout', '1s');
      expect(await repack.held(120_000)).toBe(true);
      await holder.query(`begin; lock table items in share update exclusive mode`);
      await repack.release();
      const run = await running;
      expect(run.code).toBe(0);
      expect(await repack.args()).toContain('--no-analyze');
      expect(run.result.outcomes).toEqual([expect.objectContaining({ kind: 'repack-table', status: 'applied' })]);
      expect(run.result.outcomes[0].result).toMatch(
        /^rebuilt by pg_repack; ANALYZE was skipped: another session held a conflicting lock on the table .* longer than lock-timeout \(1000 ms\)\. Autovacuum will analyze the table/,
      );
      expect(await holder.query('select 1 as alive')).toMatchObject({ rows: [{ alive: 1 }] });
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end();
      await rm(dir, { recursive: true, force: true });
    }
    const after = await table(db);
    expect(after.rows).toBe(20000);
    expect(after.filenode).not.toBe(before.filenode);
  },
);

(hasPgRepack ? it : it.skip)(
  'the ANALYZE after pg_repack gets only what is left of max-runtime: none left, it is skipped and said',
  async () => {
    const db = await bloatedTable('pg_repack');
    const dir = await mkdtemp(join(tmpdir(), 'repack-analyze-budget-'));
    const repack = await heldBackPgRepack(dir, 'after');
    const client = new pg.Client({ connectionString: server.url(db) });
    await client.connect();
    // The run's clock: max-runtime is spent while pg_repack is held after its swap (no waiting on a real clock).
    let now = Date.parse('2026-12-07T01:00:00Z');
    try {
      const plan = await planMaintenance(client, { ...DEFAULT_THRESHOLDS, minTableBytes: 1024 * 1024 });
      const steps = plan.steps.filter((s) => s.kind === 'repack-table');
      expect(steps.map((s) => s.object)).toEqual(['"public"."items"']);
      const running = apply(client, steps, {
        lockTimeoutMs: 1000,
        statementTimeoutMs: 600_000,
        maxRuntimeMs: 3_600_000,
        startedAt: now,
        now: () => new Date(now),
        log: silentLogger,
        target: parsePgTarget({ url: server.url(db) }),
        env: { PATH: repack.path },
      });
      expect(await repack.held(120_000)).toBe(true);
      now += 3_600_000;
      await repack.release();
      const [outcome] = await running;
      expect(outcome).toMatchObject({ kind: 'repack-table', status: 'applied' });
      expect(outcome!.result).toBe(
        'rebuilt by pg_repack; ANALYZE was skipped: nothing was left of the maintenance window or max-runtime after the rebuild. Autovacuum will analyze the table; until then the planner uses its old statistics',
      );
    } finally {
      await client.end();
      await rm(dir, { recursive: true, force: true });
    }
  },
);

it('without pg_repack: VACUUM FULL is reported unless allowed and within vacuum-full-max-size', async () => {
  const db = await bloatedTable();
  const before = await table(db);
  const off = await maintenance(db);
  const full = off.result.plan.find((s: { kind: string }) => s.kind === 'vacuum-full');
  expect(full).toMatchObject({ mode: 'report', statement: 'VACUUM (FULL, ANALYZE) "public"."items"' });
  expect(full.why).toMatch(
    /the pg_repack extension is not installed in this database; not applied: allow-vacuum-full is off$/,
  );
  expect(full.lock).toMatch(/^ACCESS EXCLUSIVE on the table for the whole rewrite/);
  // Reported only, so the table's bloated indexes still get their REINDEX.
  expect(applySteps(off.result)).toEqual([
    ['reindex-bloated', 'REINDEX INDEX CONCURRENTLY "public"."items_pkey"'],
    ['reindex-bloated', 'REINDEX INDEX CONCURRENTLY "public"."items_v"'],
  ]);

  const tooBig = await maintenance(db, '--allow-vacuum-full', '--vacuum-full-max-size', '1MB');
  const reported = tooBig.result.plan.find((s: { kind: string }) => s.kind === 'vacuum-full');
  expect(reported.mode).toBe('report');
  expect(reported.why).toMatch(
    /not applied: \d+\.\d MB \(the table \d+\.\d MB with its indexes and TOAST, all of which VACUUM FULL rewrites\) is over vacuum-full-max-size \(1\.0 MB\)$/,
  );
  expect(await table(db)).toEqual(before);

  const run = await maintenance(db, '--apply', '--allow-vacuum-full');
  expect(run.code).toBe(0);
  expect(run.result.outcomes.map((o: { kind: string; status: string }) => [o.kind, o.status])).toEqual([
    ['vacuum-full', 'applied'],
  ]);
  const after = await table(db);
  expect(after.rows).toBe(20000);
  expect(after.bytes).toBeLessThan(before.bytes / 4);
  expect(run.result.outcomes[0].after).toMatchObject({ bytes: after.bytes, relfilenode: after.filenode });
});

it('vacuum-full-max-size bounds the table with its indexes and TOAST: a heap under it whose indexes pass it is reported only', async () => {
  const db = await bloatedTable();
  const before = await table(db);
  // VACUUM FULL rewrites the heap and both indexes (each kept its pages through the delete): a limit halfway between
  // the heap alone and the whole table lets the heap through but not what the rewrite really writes.
  const [sizes] = (await server.query(
    `select pg_relation_size('items')::float8 as heap, pg_total_relation_size('items')::float8 as total`,
    [],
    db,
  )) as Array<{ heap: number; total: number }>;
  const { heap, total } = sizes!;
  expect(total - heap).toBeGreaterThan(heap / 2);
  const limit = `${Math.floor((heap + total) / 2 / 1024)}kB`;
  const run = await maintenance(db, '--apply', '--allow-vacuum-full', '--vacuum-full-max-size', limit);
  expect(run.code).toBe(0);
  const full = run.result.plan.find((s: { kind: string }) => s.kind === 'vacuum-full');
  expect(full.mode).toBe('report');
  expect(full.why).toMatch(
    /not applied: \d+\.\d MB \(the table \d+\.\d MB with its indexes and TOAST, all of which VACUUM FULL rewrites\) is over vacuum-full-max-size \(\d+\.\d MB\)$/,
  );
  expect(run.result.outcomes.filter((o: { kind: string }) => o.kind === 'vacuum-full')).toEqual([]);
  expect((await table(db)).filenode).toBe(before.filenode);
});

it('VACUUM FULL behind a reader is skipped by lock_timeout: the reader is not blocked for the rewrite', async () => {
  const db = await bloatedTable();
  const before = await table(db);
  const reader = new pg.Client({ connectionString: server.url(db) });
  await reader.connect();
  try {
    await reader.query(`begin; select count(*) from items`);
    const run = await maintenance(db, '--apply', '--allow-vacuum-full', '--lock-timeout', '1s');
    expect(run.code).toBe(0);
    expect(run.result.outcomes[0]).toMatchObject({ kind: 'vacuum-full', status: 'skipped' });
    expect(run.result.outcomes[0].reason).toMatch(/^skipped: it did not get its lock within lock-timeout \(1000 ms\)/);
  } finally {
    await reader.query('rollback');
    await reader.end();
  }
  expect(await table(db)).toEqual(before);
});

it('reports an unindexed foreign key of a scanned table and a table autovacuum has not kept up with', async () => {
  const db = `maintenance_tables_${++databases}`;
  await server.createDatabase(db);
  const q = (sql: string) => server.query(sql, [], db);
  await q(`create table parent (id int primary key)`);
  await q(`insert into parent select generate_series(1, 1000)`);
  await q(`create table "Child" (id int, "parent Id" int references parent)`);
  await q(`create table indexed_child (id int, parent_id int references parent)`);
  await q(`create index on indexed_child (parent_id)`);
  for (const t of [`"Child"`, 'indexed_child'])
    await q(`insert into ${t} select g, 1 + g % 1000 from generate_series(1, 100000) g`);
  await q(`create table busy (id int primary key, v int)`);
  await q(`insert into busy select g, g from generate_series(1, 100000) g`);
  await q(`analyze`);
  await q(`update busy set v = v + 1 where id <= 30000`);
  for (let i = 0; i < 3; i++) await q(`select count(*) from "Child"; select count(*) from indexed_child`);
  await q(`select pg_stat_force_next_flush()`);

  const client = new pg.Client({ connectionString: server.url(db) });
  await client.connect();
  try {
    const thresholds = { ...DEFAULT_THRESHOLDS, minTableBytes: 1024 * 1024, minSeqScans: 3, autovacuumLagSeconds: 0 };
    const plan = await planMaintenance(client, thresholds);
    const reported = plan.steps.filter((s) => s.mode === 'report');
    expect(reported.map((s) => [s.kind, s.statement])).toEqual([
      ['create-foreign-key-index', `CREATE INDEX CONCURRENTLY "Child_parent Id_idx" ON "public"."Child" ("parent Id")`],
      ['tune-autovacuum', `ALTER TABLE "public"."busy" SET (autovacuum_vacuum_scale_factor = 0.075)`],
    ]);
    const [fk, autovacuum] = reported;
    expect(fk!.why).toMatch(/^foreign key "Child_parent Id_fkey" \("parent Id"\) → parent has no index: /);
    expect(fk!.figures.seqScans).toBeGreaterThanOrEqual(3);
    expect(fk!.lock).toMatch(/^SHARE UPDATE EXCLUSIVE/);
    expect(autovacuum!.why).toMatch(
      /^autovacuum is not keeping up: 30000 dead tuples are past its threshold of 20050 \(50 \+ 0\.2 × 100000 rows\), and the last vacuum was never/,
    );
    expect(autovacuum!.figures).toMatchObject({ deadTuples: 30000, suggestedScaleFactor: 0.075 });
    expect(autovacuum!.expectedGain).toMatch(/^autovacuum starts at about 7550 dead tuples instead of 20050/);
    // Each has an estimate and a gain; none is ever applied.
    for (const s of reported)
      expect(s).toMatchObject({ estimatedSeconds: expect.any(Number), expectedGain: expect.any(String) });

    // With the default lag (a day) a table that was never vacuumed on a fresh server is not yet a finding.
    const defaults = await planMaintenance(client, { ...thresholds, autovacuumLagSeconds: 86_400 });
    expect(defaults.steps.filter((s) => s.kind === 'tune-autovacuum')).toEqual([]);
  } finally {
    await client.end();
  }
});

it('table bloat from pgstattuple_approx when the extension is installed, from the statistics otherwise', async () => {
  const sources = async (db: string, ...args: string[]) => {
    const run = await maintenance(db, ...args);
    expect(run.code).toBe(0);
    return run.result.plan
      .filter((s: { kind: string }) => s.kind === 'vacuum-full')
      .map((s: { object: string; source: string; why: string }) => [s.object, s.source, s.why]);
  };
  // A table vacuumed but never analyzed has no row widths: the statistics cannot estimate it, pgstattuple can.
  const unanalyzed = async (db: string) => {
    const q = (sql: string) => server.query(sql, [], db);
    await q(`create table fresh (id int primary key, note text) with (autovacuum_enabled = false)`);
    await q(`insert into fresh select g, 'row ' || g from generate_series(1, 200000) g`);
    await q(`delete from fresh where id % 10 <> 0`);
    await q(`vacuum fresh`);
  };
  const measured = await bloatedTable('pgstattuple');
  await unanalyzed(measured);
  const fromPgstattuple = await sources(measured);
  expect(fromPgstattuple.map(([object]: string[]) => object)).toEqual(['"public"."fresh"', '"public"."items"']);
  for (const [, source, why] of fromPgstattuple) {
    expect(source).toMatch(/^pgstattuple_approx \(\d+% of the pages read, the rest from the free-space map\)$/);
    expect(why).toMatch(/^estimated bloat (8|9)\d% \(from pgstattuple_approx \(/);
  }

  const estimated = await bloatedTable();
  await unanalyzed(estimated);
  expect(await sources(estimated)).toEqual([
    [
      '"public"."items"',
      'statistics: pg_class and pg_stats (pgstattuple is not installed)',
      expect.stringMatching(/^estimated bloat (8|9)\d% \(from statistics: pg_class and pg_stats \(pgstattuple is not/),
    ],
  ]);

  // A table another session holds: pgstattuple_approx waits lock-timeout, then the statistics are used for it.
  const holder = new pg.Client({ connectionString: server.url(measured) });
  await holder.connect();
  try {
    await holder.query(`begin; lock table items in access exclusive mode`);
    const held = await sources(measured, '--lock-timeout', '1s');
    expect(held.map(([object, source]: string[]) => [object, source])).toEqual([
      ['"public"."fresh"', expect.stringMatching(/^pgstattuple_approx/)],
      ['"public"."items"', 'statistics: pg_class and pg_stats (pgstattuple_approx waited past lock-timeout)'],
    ]);
  } finally {
    await holder.query('rollback');
    await holder.end();
  }
});
