// `dbops maintenance` on a real server with a really bloated index (90% of a table's rows deleted under a B-tree
// index, then vacuumed: the index keeps its pages). Dry run by default; apply only inside the window; a lock held by
// another session skips the step by its lock_timeout; a failed concurrent rebuild's leftover is dropped.
import pg from 'pg';
import { parsePgTarget } from '../../packages/core/src/databases/postgres/target.js';
import { silentLogger } from '../../packages/core/src/log.js';
import { applySteps } from '../../packages/core/src/maintenance/apply.js';
import { DEFAULT_THRESHOLDS, planMaintenance } from '../../packages/core/src/maintenance/plan.js';
import { parseWindow } from '../../packages/core/src/maintenance-window/window.js';
import { maintenance as runMaintenance } from '../../packages/core/src/operations/maintenance.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { runCli } from '../harness/cli.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

let server: PostgresServer;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

/** A new database holding table items with the bloated index items_v (about 4 MB for 20,000 rows). */
async function bloatedDatabase(): Promise<string> {
  const db = `maintenance_action_${++databases}`;
  await server.createDatabase(db);
  const q = (sql: string) => server.query(sql, [], db);
  await q(`create table items (id int, v int) with (autovacuum_enabled = false)`);
  await q(`insert into items select g, g from generate_series(1, 200000) g`);
  await q(`create index items_v on items (v)`);
  await q(`delete from items where id % 10 <> 0`);
  await q(`vacuum (analyze) items`);
  if (server.majorVersion >= 15) await q(`select pg_stat_force_next_flush()`);
  else await new Promise((r) => setTimeout(r, 1500));
  return db;
}

async function index(db: string) {
  const [row] = await server.query(
    `select c.relfilenode::int as filenode, pg_relation_size(c.oid)::int as bytes from pg_class c where c.relname = 'items_v'`,
    [],
    db,
  );
  return row as { filenode: number; bytes: number };
}

const invalidIndexes = (db: string) =>
  server.query(`select indexrelid::regclass::text as name from pg_index where not indisvalid`, [], db);

/** `dbops maintenance` on `db`; nothing printed ever holds the password. */
async function maintenance(db: string, ...args: string[]) {
  const run = await runCli(['maintenance', '--database-url', server.url(db), '--min-index-size', '1MB', ...args]);
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toContain(server.password);
    expect(text).not.toContain(encodeURIComponent(server.password));
  }
  return run;
}

/** A daily UTC window from `fromMinutes` to `toMinutes` after this minute (negative: before it). */
function windowAround(fromMinutes: number, toMinutes: number): { text: string; start: Date } {
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  const at = (offset: number) => new Date(minute + offset * 60_000).toISOString().slice(11, 16);
  return { text: `daily ${at(fromMinutes)}-${at(toMinutes)} UTC`, start: new Date(minute + fromMinutes * 60_000) };
}

it('plans a REINDEX CONCURRENTLY of the bloated index by default and changes nothing', async () => {
  const db = await bloatedDatabase();
  const before = await index(db);
  const { code, stdout, stderr } = await maintenance(db, '--json');
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const result = JSON.parse(stdout);
  expect(result.apply).toBe(false);
  expect(
    result.plan.map((s: { kind: string; mode: string; statement: string }) => [s.kind, s.mode, s.statement]),
  ).toEqual([
    ['reindex-bloated', 'apply', 'REINDEX INDEX CONCURRENTLY "public"."items_v"'],
    ['drop-unused-index', 'report', 'DROP INDEX CONCURRENTLY "public"."items_v"'],
  ]);
  expect(result.plan[0].why).toMatch(/estimated bloat (8|9)\d%/);
  expect(result.outcomes).toEqual([]);
  expect(await index(db)).toEqual(before);

  const text = await maintenance(db);
  expect(text.code).toBe(0);
  expect(text.stdout).toMatch(/Maintenance plan \(dry run\): 1 step\(s\) to apply/);
  expect(text.stdout).toContain('REINDEX INDEX CONCURRENTLY "public"."items_v"');
});

it('applies inside a window that is open now: the index is rebuilt (new file) and shrinks', async () => {
  const db = await bloatedDatabase();
  const before = await index(db);
  const window = windowAround(-60, 120);
  const { code, stdout, stderr } = await maintenance(db, '--apply', '--window', window.text, '--json');
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('Running') });
  expect(stderr).toContain('Running REINDEX INDEX CONCURRENTLY "public"."items_v"');
  const result = JSON.parse(stdout);
  expect(result.window).toMatchObject({ text: window.text, open: true });
  expect(result.outcomes).toEqual([
    expect.objectContaining({
      kind: 'reindex-bloated',
      status: 'applied',
      before: expect.objectContaining({ bytes: before.bytes, relfilenode: before.filenode }),
    }),
  ]);
  const after = await index(db);
  expect(after.filenode).not.toBe(before.filenode);
  expect(after.bytes).toBeLessThan(before.bytes / 4);
  expect(result.outcomes[0].after).toMatchObject({ bytes: after.bytes, relfilenode: after.filenode });
  // Rebuilt, the index is no longer bloated: the next plan has nothing to apply.
  const next = JSON.parse((await maintenance(db, '--json')).stdout);
  expect(next.plan.filter((s: { mode: string }) => s.mode === 'apply')).toEqual([]);
});

it('applies nothing outside the window and says when it opens next', async () => {
  const db = await bloatedDatabase();
  const before = await index(db);
  const window = windowAround(120, 180);
  const { code, stdout, stderr } = await maintenance(db, '--apply', 'true', '--window', window.text);
  expect(code).toBe(0);
  expect(stderr).toContain(
    `warning: Outside the maintenance window '${window.text}': nothing was applied. It opens next at ${window.start.toISOString()}.`,
  );
  expect(stdout).toMatch(/Maintenance not applied: outside the window/);
  expect(await index(db)).toEqual(before);
});

it('a lock held by another session skips the step by its lock_timeout, saying so', async () => {
  const db = await bloatedDatabase();
  const before = await index(db);
  const holder = new pg.Client({ connectionString: server.url(db) });
  await holder.connect();
  try {
    // What a running VACUUM, ANALYZE or CREATE INDEX CONCURRENTLY holds: readers and writers go on, a rebuild waits.
    await holder.query(`begin; lock table items in share update exclusive mode`);
    const { code, stdout, stderr } = await maintenance(db, '--apply', '--lock-timeout', '1s', '--json');
    expect(code).toBe(0);
    const [outcome] = JSON.parse(stdout).outcomes;
    expect(outcome).toMatchObject({ kind: 'reindex-bloated', status: 'skipped' });
    expect(outcome.reason).toMatch(
      /^skipped: it did not get its lock within lock-timeout \(1000 ms\); another session holds a conflicting lock/,
    );
    expect(stderr).toContain(
      'warning: REINDEX INDEX CONCURRENTLY "public"."items_v": skipped: it did not get its lock',
    );
  } finally {
    await holder.query('rollback');
    await holder.end();
  }
  expect(await index(db)).toEqual(before);
  expect(await invalidIndexes(db)).toEqual([]);
});

it('a table locked ACCESS EXCLUSIVE by another session: planning does not wait for it, its step is skipped', async () => {
  const db = await bloatedDatabase();
  const before = await index(db);
  const holder = new pg.Client({ connectionString: server.url(db) });
  await holder.connect();
  try {
    await holder.query(`begin; lock table items in access exclusive mode`);
    // Sizes come from the catalog (relpages), so the plan reads no table file and takes no table lock.
    const plan = await maintenance(db, '--lock-timeout', '1s', '--json');
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(plan.stdout).plan.map((s: { kind: string }) => s.kind)).toEqual([
      'reindex-bloated',
      'drop-unused-index',
    ]);
    const { code, stdout, stderr } = await maintenance(db, '--apply', '--lock-timeout', '1s', '--json');
    expect(code).toBe(0);
    const [outcome] = JSON.parse(stdout).outcomes;
    expect(outcome).toMatchObject({ kind: 'reindex-bloated', status: 'skipped' });
    expect(outcome.reason).toMatch(/^skipped: it did not get its lock within lock-timeout \(1000 ms\)/);
    expect(stderr).toContain('warning: REINDEX INDEX CONCURRENTLY "public"."items_v": skipped');
  } finally {
    await holder.query('rollback');
    await holder.end();
  }
  expect(await index(db)).toEqual(before);
});

it('a rebuild that times out waiting for an older snapshot says so, naming that session, and drops its copy', async () => {
  const db = await bloatedDatabase();
  const before = await index(db);
  const report = new pg.Client({ connectionString: server.url(db) });
  await report.connect();
  let outcome: Record<string, unknown>;
  try {
    // A REPEATABLE READ transaction elsewhere, holding its snapshot and no lock on items: once its copy is built,
    // REINDEX CONCURRENTLY waits for it (on its virtual transaction ID), and lock_timeout ends that wait.
    await report.query('begin isolation level repeatable read');
    const { pid } = (await report.query('select pg_backend_pid() as pid')).rows[0] as { pid: number };
    const run = await maintenance(db, '--apply', '--lock-timeout', '1s', '--json');
    expect(run.code).toBe(0);
    [outcome] = JSON.parse(run.stdout).outcomes;
    expect(outcome).toMatchObject({
      kind: 'reindex-bloated',
      status: 'skipped',
      cleanedUp: ['"public"."items_v_ccnew"'],
    });
    expect(outcome.reason).toMatch(
      new RegExp(
        `^skipped: after building its new copy, REINDEX CONCURRENTLY waits for the transactions that began before it and write to the table or hold an older snapshot \\(a wait on their transaction IDs, not on a lock on the table\\), and one was still open after lock-timeout \\(1000 ms\\); the oldest: session ${pid} \\(application '[^']*', idle in transaction, its transaction open for \\d+\\.\\d s\\)\\. The copy was dropped;`,
      ),
    );
    expect(run.stderr).toContain(`the oldest: session ${pid} `);
  } finally {
    await report.query('rollback');
    await report.end();
  }
  expect(await invalidIndexes(db)).toEqual([]);
  expect(await index(db)).toEqual(before);
});

it('a rebuild stopped halfway by a writer leaves an invalid copy: reported, and dropped by the next run', async () => {
  const db = await bloatedDatabase();
  const writer = new pg.Client({ connectionString: server.url(db) });
  await writer.connect();
  let first: { outcomes: Array<Record<string, unknown>> };
  try {
    // An open writing transaction: REINDEX CONCURRENTLY creates items_v_ccnew, then waits for it, and times out.
    await writer.query(`begin; insert into items values (0, 0)`);
    const run = await maintenance(db, '--apply', '--lock-timeout', '1s', '--json');
    expect(run.code).toBe(0);
    first = JSON.parse(run.stdout);
  } finally {
    await writer.query('rollback');
    await writer.end();
  }
  expect(first.outcomes[0]).toMatchObject({ status: 'skipped', leftOver: ['"public"."items_v_ccnew"'] });
  expect(await invalidIndexes(db)).toEqual([{ name: 'items_v_ccnew' }]);

  const second = await maintenance(db, '--apply', '--json');
  expect(second.code).toBe(0);
  const result = JSON.parse(second.stdout);
  expect(result.outcomes.map((o: { kind: string; status: string }) => [o.kind, o.status])).toEqual([
    ['drop-invalid-leftover', 'applied'],
    ['reindex-bloated', 'applied'],
  ]);
  expect(await invalidIndexes(db)).toEqual([]);
});

it('starts no step that max-runtime leaves too little time for, and says so', async () => {
  const db = await bloatedDatabase();
  const before = await index(db);
  const { code, stdout } = await maintenance(db, '--apply', '--max-runtime', '1ms', '--json');
  expect(code).toBe(0);
  const [outcome] = JSON.parse(stdout).outcomes;
  expect(outcome).toMatchObject({ kind: 'reindex-bloated', status: 'skipped' });
  expect(outcome.reason).toMatch(/^not started: 0 s are left of max-runtime; the next step needs about 1 s$/);
  expect(await index(db)).toEqual(before);
});

it('counts max-runtime from the start of the run: a budget that planning spent starts no step', async () => {
  const db = await bloatedDatabase();
  const before = await index(db);
  // The run's clock: planning (a big catalog, a monitor report) takes the whole 10-minute budget. The first reading
  // is the run's start; every later one is 10 minutes on.
  const start = Date.parse('2026-12-06T02:00:00Z');
  let readings = 0;
  const now = () => new Date(readings++ === 0 ? start : start + 600_000);
  const result = await runMaintenance({
    target: parsePgTarget({ url: server.url(db) }),
    apply: true,
    thresholds: { ...DEFAULT_THRESHOLDS, minIndexBytes: 1024 * 1024 },
    lockTimeoutMs: 1000,
    statementTimeoutMs: 60_000,
    maxRuntimeMs: 600_000,
    now,
    secrets: new Secrets(),
    log: silentLogger,
  });
  expect(result.outcomes.map((o) => [o.kind, o.status, o.reason])).toEqual([
    ['reindex-bloated', 'skipped', 'not started: 0 s are left of max-runtime; the next step needs about 1 s'],
  ]);
  expect(await index(db)).toEqual(before);
});

it('starts no step whose estimate passes the end of the window, nor any after it, and none once cancelled', async () => {
  const db = await bloatedDatabase();
  const before = await index(db);
  const client = new pg.Client({ connectionString: server.url(db) });
  await client.connect();
  try {
    const [reindex] = (await planMaintenance(client, { ...DEFAULT_THRESHOLDS, minIndexBytes: 1024 * 1024 })).steps;
    const steps = [
      { ...reindex!, estimatedSeconds: 60 },
      { ...reindex!, estimatedSeconds: 1 },
    ];
    const window = parseWindow('daily 02:00-03:00 UTC', 'window');
    const settings = { lockTimeoutMs: 1000, statementTimeoutMs: 60_000, maxRuntimeMs: 3_600_000, log: silentLogger };
    // 30 s before the window closes: the 60-second step is not started, and the run stops there.
    const late = await applySteps(client, steps, { ...settings, window, now: () => new Date('2026-12-06T02:59:30Z') });
    expect(late.map((o) => [o.status, o.reason])).toEqual([
      ['skipped', 'not started: 30 s are left of the maintenance window; the next step needs about 60 s'],
      ['skipped', 'not started: 30 s are left of the maintenance window; the next step needs about 60 s'],
    ]);
    const aborted = new AbortController();
    aborted.abort();
    const cancelled = await applySteps(client, steps, { ...settings, now: () => new Date(), signal: aborted.signal });
    expect(cancelled.map((o) => [o.status, o.reason])).toEqual([
      ['skipped', 'not started: the run was cancelled'],
      ['skipped', 'not started: the run was cancelled'],
    ]);
  } finally {
    await client.end();
  }
  expect(await index(db)).toEqual(before);
});

it('a malformed window exits 2 naming the input and the valid form, before connecting', async () => {
  const { code, stdout, stderr } = await maintenance(
    'maintenance_nowhere',
    '--apply',
    '--window',
    'Sun 25:00-03:00 UTC',
  );
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toContain(
    "error [INVALID_INPUT]: Input 'window' has a start time '25:00' that is not a time of day in window 'Sun 25:00-03:00 UTC'",
  );
  expect(stderr).toContain("fix: one or more windows separated by commas, each '<days> <HH:MM>-<HH:MM> <time zone>'");
});

it('a lock-timeout, statement-timeout or max-runtime of 0 exits 2: it would turn that guard off', async () => {
  for (const input of ['lock-timeout', 'statement-timeout', 'max-runtime']) {
    const { code, stderr } = await maintenance('maintenance_nowhere', '--apply', `--${input}`, '0s');
    expect(code).toBe(2);
    expect(stderr).toContain(`error [INVALID_INPUT]: Input '${input}' is '0s', which would turn this guard off`);
    expect(stderr).toContain('fix: a duration above 0, e.g.');
  }
});
