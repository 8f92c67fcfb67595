// What a killed pg_repack leaves, on a real server with the real pg_repack client: dbops' own apply starts the
// rebuild of a bloated table, an open transaction holds pg_repack after its copy (it waits for older transactions
// before it swaps), and the pg_repack process is SIGKILLed. Its trigger, log table, copy and type stay; every write
// to the table pays the trigger. The next plan reports them (which table, the writes logged), an apply removes them
// with pg_repack's own cleanup under lock_timeout and then rebuilds the table; all rows and later writes are kept.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { maintenanceCli } from '../harness/maintenance-cli.js';
import { eventually } from '../harness/eventually.js';
import { heldBackPgRepack } from '../harness/held-back-pg-repack.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';
import { childPids, killQuietly } from '../harness/processes.js';

const hasPgRepack = (() => {
  try {
    return /pg_repack 1\./.test(execFileSync('pg_repack', ['--version'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();

let server: PostgresServer;
beforeAll(async () => {
  // track_commit_timestamp: the plan can say since when the leftovers are there.
  if (hasPgRepack)
    server = await startPostgres({ settings: { autovacuum_naptime: '1d', track_commit_timestamp: 'on' } });
});
afterAll(async () => {
  await server?.stop();
});

const DB = 'repack_leftovers';
const q = (sql: string) => server.query(sql, [], DB);

/** `dbops maintenance --json` on `db`; `maintenanceWith`: with `env` added to the CLI's environment. */
const maintenanceOf = (db: string, ...args: string[]) => maintenanceCli(server, db, args);
const maintenanceWith = (env: NodeJS.ProcessEnv, db: string, ...args: string[]) =>
  maintenanceCli(server, db, args, env);
const maintenance = (...args: string[]) => maintenanceOf(DB, ...args);

/** A new database `db` with pg_repack and table items: 300,000 rows, 90% deleted, vacuumed. Returns its oid. */
async function bloatedTable(db: string): Promise<number> {
  await server.createDatabase(db);
  const sql = (text: string) => server.query(text, [], db);
  await sql(`create extension pg_repack`);
  await sql(`create table items (id int primary key, v int, note text) with (autovacuum_enabled = false)`);
  await sql(`insert into items select g, g, 'row ' || g from generate_series(1, 300000) g`);
  await sql(`delete from items where id % 10 <> 0`);
  await sql(`vacuum (analyze) items`);
  await sql(`select pg_stat_force_next_flush()`);
  return (await sql(`select 'items'::regclass::oid::int as oid`))[0]!.oid;
}

/** pg_repack's objects for the table with `oid` in `db`, by name. */
const leftoversIn = async (db: string, oid: number) =>
  server
    .query(
      `select relname::text as name from pg_class where relnamespace = 'repack'::regnamespace
          and relname in ('log_${oid}', 'table_${oid}', 'pk_${oid}')
       union all select tgname::text from pg_trigger where tgname = 'repack_trigger'
       order by 1`,
      [],
      db,
    )
    .then((rows) => rows.map((r) => r.name));
const leftovers = (oid: number) => leftoversIn(DB, oid);

(hasPgRepack ? it : it.skip)(
  'SIGKILL of pg_repack mid-rebuild: the leftovers are reported, then removed, the table intact',
  async () => {
    const started = Date.now();
    let killedAt = Number.POSITIVE_INFINITY;
    const oid = await bloatedTable(DB);

    // An older transaction: pg_repack copies, builds its indexes, then waits for it before the swap.
    const older = new pg.Client({ connectionString: server.url(DB) });
    await older.connect();
    try {
      await older.query(`begin; select 1`);
      const running = maintenance('--apply', '--lock-timeout', '5s');
      const waiting = () =>
        q(`select 1 from pg_class where relname = 'table_${oid}'`).then(
          (rows) => rows.length === 1 && childPids(process.pid, 'pg_repack').length === 1,
        );
      expect(await eventually(waiting, 60_000)).toBe(true);

      // While pg_repack works, its objects are not leftovers: reported, left alone.
      const during = await maintenance();
      const busy = during.result.plan.find((s: { kind: string }) => s.kind === 'drop-repack-leftovers');
      expect(busy).toMatchObject({ mode: 'report', object: '"public"."items"' });
      expect(busy.why).toMatch(/holds pg_repack's advisory lock on it: a pg_repack is still at work/);

      killedAt = Date.now();
      for (const pid of childPids(process.pid, 'pg_repack')) killQuietly(pid, 'SIGKILL');
      const killed = await running;
      expect(killed.code).toBe(1);
      expect(killed.result.outcomes).toEqual([
        expect.objectContaining({ kind: 'repack-table', status: 'failed', reason: expect.stringMatching(/SIGKILL/) }),
      ]);
    } finally {
      await older.query('rollback');
      await older.end();
    }
    // Its server processes end once they notice the client is gone.
    const gone = () =>
      q(`select 1 from pg_stat_activity where application_name = 'pg_repack'`).then((r) => r.length === 0);
    expect(await eventually(gone, 30_000)).toBe(true);
    expect(await leftovers(oid)).toEqual([`log_${oid}`, `pk_${oid}`, 'repack_trigger', `table_${oid}`]);

    // Every write pays the trigger: it lands in the log table too.
    await q(`insert into items select g, g, 'late ' || g from generate_series(300001, 300100) g`);
    await q(`update items set v = -v where id = 10`);
    expect(await q(`select count(*)::int as logged from repack.log_${oid}`)).toEqual([{ logged: 101 }]);
    await q(`select pg_stat_force_next_flush()`);

    const plan = await maintenance();
    expect(plan.result.plan.map((s: { kind: string; mode: string }) => [s.kind, s.mode])).toEqual([
      ['drop-repack-leftovers', 'apply'],
      ['repack-table', 'apply'],
    ]);
    const [step] = plan.result.plan;
    expect(step).toMatchObject({
      object: '"public"."items"',
      statement: `SELECT repack.repack_drop('"public"."items"'::regclass, 4)`,
      figures: { tableOid: oid, loggedWrites: 101, since: expect.any(Number) },
    });
    expect(step.why).toBe(
      `an interrupted pg_repack (killed mid-rebuild) left repack.log_${oid}, type repack.pk_${oid}, repack.table_${oid}, trigger repack_trigger on "public"."items", left since ${new Date(step.figures.since).toISOString()}: every insert, update and delete on "public"."items" also writes to repack.log_${oid} (101 write(s) logged by its trigger since the statistics were reset), and pg_repack refuses the table until they are gone`,
    );
    // Since pg_repack committed its trigger and log table: after the test began, before the kill.
    expect(step.figures.since).toBeGreaterThanOrEqual(started - 1000);
    expect(step.figures.since).toBeLessThanOrEqual(killedAt);
    // pg_repack's work tables are not maintenance targets of their own.
    expect(JSON.stringify(plan.result.plan)).not.toMatch(/"object":"\\"repack\\"/);

    // A reader holding the table: the cleanup waits lock-timeout, is skipped, and changes nothing.
    const reader = new pg.Client({ connectionString: server.url(DB) });
    await reader.connect();
    try {
      await reader.query(`begin; select count(*) from items`);
      const blocked = await maintenance('--apply', '--lock-timeout', '1s');
      expect(blocked.result.outcomes[0]).toMatchObject({ kind: 'drop-repack-leftovers', status: 'skipped' });
      expect(blocked.result.outcomes[0].reason).toMatch(/did not get its lock within lock-timeout \(1000 ms\)/);
      // pg_repack would refuse the table (with exit 0): its rebuild is not started.
      expect(blocked.result.outcomes[1]).toMatchObject({
        kind: 'repack-table',
        status: 'skipped',
        reason: `not started: what an interrupted pg_repack left on "public"."items" is still there, and pg_repack refuses the table until it is removed`,
      });
      expect(await leftovers(oid)).toHaveLength(4);
    } finally {
      await reader.query('rollback');
      await reader.end();
    }

    const run = await maintenance('--apply');
    expect(run.code).toBe(0);
    expect(run.result.outcomes.map((o: { kind: string; status: string }) => [o.kind, o.status])).toEqual([
      ['drop-repack-leftovers', 'applied'],
      ['repack-table', 'applied'],
    ]);
    expect(run.result.outcomes[0].cleanedUp).toEqual([
      `repack.log_${oid}`,
      `type repack.pk_${oid}`,
      `repack.table_${oid}`,
      'trigger repack_trigger',
    ]);
    expect(run.result.outcomes[0].result).toMatch(/^removed what pg_repack left: repack\.log_/);
    expect(await leftovers(oid)).toEqual([]);
    // Every row kept, writes made while the trigger was there included, and new writes fire no trigger.
    const [table] = await q(
      `select count(*)::int as rows, count(*) filter (where note like 'late %')::int as late,
              (select v from items where id = 10) as v from items`,
    );
    expect(table).toEqual({ rows: 30100, late: 100, v: -10 });
    await q(`insert into items values (400000, 1, 'after')`);
    expect(await q(`select tgname from pg_trigger where tgrelid = 'items'::regclass`)).toEqual([]);
    expect(
      await q(`select 1 from pg_class where relname like 'log\\_%' and relnamespace = 'repack'::regnamespace`),
    ).toEqual([]);
  },
  180_000,
);

(hasPgRepack ? it : it.skip)(
  'pg_repack that copied the table but cannot get its lock for the swap: failed, with what it left listed; its cleanup never holds up the application past lock-timeout',
  async () => {
    const db = 'repack_swap_lock';
    const sql = (text: string) => server.query(text, [], db);
    const oid = await bloatedTable(db);
    const left = () => leftoversIn(db, oid);
    // pg_repack's sessions (application_name is dbops's, from PGAPPNAME), by what they run.
    const repackDrop = `from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
        and query like '%repack.repack_drop%' and query not like '%pg_stat_activity%'`;

    const older = new pg.Client({ connectionString: server.url(db) });
    const reader = new pg.Client({ connectionString: server.url(db) });
    const app = new pg.Client({ connectionString: server.url(db) });
    await older.connect();
    await reader.connect();
    await app.connect();
    try {
      // An older transaction holds pg_repack after its copy (it waits for older transactions before the swap) …
      await older.query(`begin; select 1`);
      // The step's time limit is far beyond lock-timeout: pg_repack must not wait until it.
      const running = maintenanceOf(db, '--apply', '--lock-timeout', '2s', '--statement-timeout', '120s');
      const copied = () =>
        sql(`select 1 from pg_class where relname = 'table_${oid}'`).then(
          (rows) => rows.length === 1 && childPids(process.pid, 'pg_repack').length === 1,
        );
      expect(await eventually(copied, 60_000)).toBe(true);
      // … meanwhile a newer reader takes the table's ACCESS SHARE lock (pg_repack does not wait for it), and holds it
      // through the swap: pg_repack's ACCESS EXCLUSIVE waits --wait-timeout, kills nobody, gives up, and asks for the
      // same lock to remove its objects (repack_drop), queued in front of every later query on the table.
      await reader.query(`begin; select count(*) from items`);
      await older.query('rollback');
      const queued = () => sql(`select 1 ${repackDrop} and wait_event_type = 'Lock'`).then((r) => r.length === 1);
      expect(await eventually(queued, 60_000, 20)).toBe(true);
      // An application query now: held up at most lock-timeout, not until the step's time limit (its own
      // statement_timeout, far below that limit, would end it).
      await app.query(`set statement_timeout = '20s'`);
      expect((await app.query(`select count(*)::int as n from items`)).rows).toEqual([{ n: 30000 }]);
      // pg_repack does not go on queueing for that lock (it retries a failed cleanup without end) until the step's
      // time limit: it has ended, and nothing of it waits, while the reader still holds the table.
      expect(await eventually(() => childPids(process.pid, 'pg_repack').length === 0, 60_000)).toBe(true);
      const gone = () => sql(`select 1 ${repackDrop}`).then((r) => r.length === 0);
      expect(await eventually(gone, 30_000)).toBe(true);

      const run = await running;
      const result = run.result;
      const objects = [`repack.log_${oid}`, `type repack.pk_${oid}`, `repack.table_${oid}`, 'trigger repack_trigger'];
      expect(await left()).toEqual([`log_${oid}`, `pk_${oid}`, 'repack_trigger', `table_${oid}`]);
      expect(run.code).toBe(1);
      expect(result.outcomes).toEqual([
        expect.objectContaining({ kind: 'repack-table', status: 'failed', leftOver: objects }),
      ]);
      expect(result.outcomes[0].reason).toMatch(
        /^failed: pg_repack did not get its lock within lock-timeout \(2000 ms\) after it had copied the table, and left repack\.log_\d+, .*trigger repack_trigger on "public"\."items".*pg_repack could not remove its objects and was stopped before it retried: [\s\S]*lock timeout/,
      );
    } finally {
      await older.query('rollback').catch(() => undefined);
      await reader.query('rollback');
      await older.end();
      await reader.end();
      await app.end();
    }
    // What it left is the next run's first step, as a killed run's is.
    expect(await left()).toHaveLength(4);
    const plan = await maintenanceOf(db);
    expect(plan.result.plan[0]).toMatchObject({ kind: 'drop-repack-leftovers', mode: 'apply' });
  },
  180_000,
);

(hasPgRepack ? it : it.skip)(
  'a pg_repack that starts on the table after the plan: our rebuild is skipped and claims none of its objects',
  async () => {
    const db = 'repack_running';
    const oid = await bloatedTable(db);
    const dir = await mkdtemp(join(tmpdir(), 'repack-running-'));
    // Held before the real pg_repack starts: the plan saw the table free.
    const repack = await heldBackPgRepack(dir, 'before');
    // The other pg_repack: its advisory lock on the table, and its log table.
    const other = new pg.Client({ connectionString: server.url(db) });
    await other.connect();
    try {
      const running = maintenanceWith({ PATH: repack.path }, db, '--apply', '--lock-timeout', '1s');
      expect(await repack.held(120_000)).toBe(true);
      await other.query(`select pg_advisory_lock(16185446, (-2147483648 + ${oid}::bigint)::int)`);
      await other.query(`create table repack.log_${oid} (id bigserial primary key)`);
      await repack.release();
      const run = await running;
      expect(run.result.outcomes).toEqual([expect.objectContaining({ kind: 'repack-table', status: 'skipped' })]);
      expect(run.result.outcomes[0].leftOver).toBeUndefined();
      expect(run.result.outcomes[0].reason).toMatch(/^skipped: .*another pg_repack/i);
      expect(run.code).toBe(0);
    } finally {
      await other.end();
      await rm(dir, { recursive: true, force: true });
    }
    // Its log table is untouched.
    expect(await leftoversIn(db, oid)).toEqual([`log_${oid}`]);
  },
  180_000,
);
