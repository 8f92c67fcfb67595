// Whole partitions on a real PostgreSQL: a monthly range-partitioned page_views table with a default partition.
// The plan says which months are dropped (with row estimates and bytes) and which fall back to rows, and changes
// nothing; the purge drops the old months, deletes only the expired rows of the default and boundary partitions,
// keeps a month holding a row under legal hold (and the held rows), archives a partition before it drops it,
// records the drops in the receipt, undoes a detach an interrupted run left behind (a plain one, and a DETACH
// CONCURRENTLY stopped in its wait, "detach pending"), and VACUUMs what it purged
// (skipping, and saying so, a table someone holds a lock on).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generateIdentity } from '../../packages/core/src/crypto/age/keys.js';
import { planRetention } from '../../packages/core/src/data-retention/plan.js';
import { purgeRetention } from '../../packages/core/src/data-retention/purge.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { retentionReceipt } from '../../packages/core/src/data-retention/receipt.js';
import { vacuumPurged } from '../../packages/core/src/data-retention/vacuum.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { openStorage } from '../../packages/core/src/storage/index.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const DB = 'app';
const NOW = new Date('2026-06-15T00:00:00Z');
// keep 90d: the cutoff is 2026-03-17, so November, December and February lie wholly before it; March straddles it.
const CUTOFF = '2026-03-17T00:00:00Z';
const MONTHS = ['2025_11', '2025_12', '2026_01', '2026_02', '2026_03', '2026_04', '2026_05', '2026_06'];
const DROPPED = ['page_views_2025_11', 'page_views_2025_12', 'page_views_2026_02'];

let server: PostgresServer;
let client: pg.Client;
let dir: string;

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => server.query<T>(sql, params, DB);

function policyText(extra = '', table = 'page_views'): string {
  return `version: 1
holds:
  - table: legal_holds
data:
  - name: page-views
    table: ${table}
    by: viewed_at
    keep: 90d
${extra}`;
}

/** One row a day from 2025-10-01 to 2026-07-31: October and July land in the default partition. */
async function createPageViews(withDefault = true) {
  await q(`DROP TABLE IF EXISTS page_views, legal_holds;
    CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE page_views (id bigint NOT NULL, viewed_at timestamptz NOT NULL, path text NOT NULL,
      PRIMARY KEY (id, viewed_at)) PARTITION BY RANGE (viewed_at);`);
  for (const month of MONTHS) {
    const [year, m] = month.split('_').map(Number) as [number, number];
    const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
    await q(`CREATE TABLE page_views_${month} PARTITION OF page_views
      FOR VALUES FROM ('${month.replace('_', '-')}-01 00:00:00+00') TO ('${next}-01 00:00:00+00')`);
  }
  if (withDefault) await q('CREATE TABLE page_views_default PARTITION OF page_views DEFAULT');
  const range = withDefault ? ['2025-10-01', '2026-07-31'] : ['2025-11-01', '2026-06-30'];
  await q(
    `INSERT INTO page_views SELECT row_number() OVER (ORDER BY d), d, '/page/' || extract(doy FROM d)
       FROM generate_series($1::timestamptz, $2::timestamptz, interval '1 day') AS d`,
    [`${range[0]}T12:00:00Z`, `${range[1]}T12:00:00Z`],
  );
  await q('ANALYZE page_views');
}

const idsWhere = async (where: string, params: unknown[] = []) =>
  (await q<{ id: number }>(`SELECT id::int AS id FROM page_views WHERE ${where} ORDER BY id`, params)).map((r) => r.id);
const partitions = async () =>
  (
    await q<{ name: string }>(
      'SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = \'page_views\'::regclass ORDER BY inhrelid::regclass::text COLLATE "C"',
    )
  ).map((r) => r.name);
/**
 * Held: one January row (so January is not dropped whole) and one expired row of the default partition (October).
 * The key of a partitioned table includes its partition column: a hold names the row by its composite key's text.
 */
async function holdRows(): Promise<number[]> {
  const where = "viewed_at::date IN ('2026-01-10', '2025-10-05')";
  await q(`INSERT INTO legal_holds SELECT 'page_views', ROW(id, viewed_at)::text FROM page_views WHERE ${where}`);
  return idsWhere(where);
}

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  client = new pg.Client({ connectionString: server.url(DB) });
  await client.connect();
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-partitions-'));
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the plan shows the partitions dropped whole and those left to rows, and changes nothing', async () => {
  await createPageViews();
  await holdRows();
  const before = await q('SELECT count(*)::int AS n FROM page_views');
  const policy = await parsePolicy(policyText(), 'retention.yml');
  const plan = await planRetention(client, policy, NOW);

  const rule = plan.rules[0]!;
  expect(rule.partitioned).toBe(true);
  expect(rule.effectiveCutoff).toBe(new Date(CUTOFF).toISOString());
  expect(rule.partitions!.detach).toBe('with-lock-timeout'); // a default partition rules out CONCURRENTLY
  expect(rule.partitions!.drop.map((p) => p.name)).toEqual(DROPPED);
  expect(rule.partitions!.drop.map((p) => p.estimatedRows)).toEqual([30, 31, 28]);
  for (const p of rule.partitions!.drop) {
    expect(p.bytes).toBeGreaterThan(0);
    expect(p.bounds).toMatch(/^FOR VALUES FROM \('.+'\) TO \('.+'\)$/);
  }
  expect(rule.partitions!.rows.map((p) => [p.name, p.reason])).toEqual([
    ['page_views_2026_01', 'a legal hold names rows in it'],
    ['page_views_2026_03', 'it straddles the cutoff: only its expired rows go'],
    ['page_views_default', 'the default partition: only its expired rows go'],
  ]);
  // Nothing changed: rows, partitions, and no tuple deleted or updated in any of them.
  expect(await q('SELECT count(*)::int AS n FROM page_views')).toEqual(before);
  expect(await partitions()).toHaveLength(MONTHS.length + 1);
  const stats = await q<{ changed: number }>(
    "SELECT coalesce(sum(n_tup_del + n_tup_upd), 0)::int AS changed FROM pg_stat_user_tables WHERE relname LIKE 'page_views%'",
  );
  expect(stats[0]!.changed).toBe(0);

  // A `where` filter keeps some rows of every month: nothing is dropped whole, every old month goes by rows.
  const filtered = await parsePolicy(policyText('    where: "path <> \'/page/1\'"\n'), 'retention.yml');
  const byRows = (await planRetention(client, filtered, NOW)).rules[0]!.partitions!;
  expect(byRows.drop).toEqual([]);
  expect(
    byRows.rows.filter((p) => p.reason === "the rule's where filter keeps some of its rows").map((p) => p.name),
  ).toEqual([...DROPPED.slice(0, 2), 'page_views_2026_01', DROPPED[2]]);
});

test('the purge drops the old months, deletes only expired rows elsewhere, keeps held rows, and vacuums', async () => {
  await createPageViews();
  const held = await holdRows();
  const survivors = await idsWhere('viewed_at >= $1 OR id = ANY($2::bigint[])', [CUTOFF, held]);
  const policy = await parsePolicy(policyText(), 'retention.yml');
  const plan = await planRetention(client, policy, NOW);
  const result = await purgeRetention(client, plan, { batchSize: 20 });

  expect(result.outcome).toBe('complete');
  expect(await idsWhere('true')).toEqual(survivors);
  expect(await partitions()).toEqual(
    ['page_views_default', ...MONTHS.map((m) => `page_views_${m}`)].filter((p) => !DROPPED.includes(p)).sort(),
  );
  for (const name of DROPPED) expect(await q('SELECT to_regclass($1) AS t', [name])).toEqual([{ t: null }]);
  // January keeps its held row only; the default partition its held October row and July.
  expect(await q<{ n: number }>('SELECT count(*)::int AS n FROM page_views_2026_01')).toEqual([{ n: 1 }]);
  expect(await q('SELECT count(*)::int AS n FROM page_views_default WHERE viewed_at < $1', [CUTOFF])).toEqual([
    { n: 1 },
  ]);
  expect(await q('SELECT count(*)::int AS n FROM page_views_default')).toEqual([{ n: 32 }]);

  const rule = result.rules[0]!;
  expect(rule.partitions!.dropped.map((p) => [p.name, p.rows])).toEqual([
    ['page_views_2025_11', 30],
    ['page_views_2025_12', 31],
    ['page_views_2026_02', 28],
  ]);
  // October 31 − 1 held, January 31 − 1 held, March 1..16: deleted in batches.
  const batched = 30 + 30 + 16;
  expect(rule.rows).toBe(30 + 31 + 28 + batched);
  // Only the partitions the batches went through are vacuumed.
  const vacuum = await vacuumPurged(client, result, 2000, new MemoryLogger());
  expect(vacuum!.map((v) => [v.table, v.outcome])).toEqual([
    ['page_views_2026_01', 'vacuumed'],
    ['page_views_2026_03', 'vacuumed'],
    ['page_views_default', 'vacuumed'],
  ]);
  expect(
    await q<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE relname = 'page_views_default' AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL",
    ),
  ).toEqual([{ n: 1 }]);

  const receipt = retentionReceipt(result, 'f'.repeat(64));
  expect(receipt.rules[0]!.partitionsDropped).toEqual([
    { name: 'page_views_2025_11', bounds: rule.partitions!.dropped[0]!.bounds, rows: 30 },
    { name: 'page_views_2025_12', bounds: rule.partitions!.dropped[1]!.bounds, rows: 31 },
    { name: 'page_views_2026_02', bounds: rule.partitions!.dropped[2]!.bounds, rows: 28 },
  ]);
  expect(receipt.rules[0]!.partitionsDropped![0]!.bounds).toBe(
    "FOR VALUES FROM ('2025-11-01 00:00:00+00') TO ('2025-12-01 00:00:00+00')",
  );

  // A second run finds nothing more to drop or delete.
  const again = await purgeRetention(client, policy, { now: NOW });
  expect(again.rules[0]!.rows).toBe(0);
  expect(again.rules[0]!.partitions!.dropped).toEqual([]);
});

test('without a default partition it detaches CONCURRENTLY, and archives each partition before dropping it', async () => {
  await createPageViews(false);
  const archiveDir = join(dir, 'archive');
  const policy = await parsePolicy(policyText(`    archive-to: ${archiveDir}\n`), 'retention.yml');
  const plan = await planRetention(client, policy, NOW);
  expect(plan.rules[0]!.partitions!.detach).toBe('concurrently');
  expect(plan.rules[0]!.partitions!.drop.map((p) => p.name)).toEqual([
    'page_views_2025_11',
    'page_views_2025_12',
    'page_views_2026_01',
    'page_views_2026_02',
  ]);
  const result = await purgeRetention(client, plan, {
    batchSize: 25,
    archive: {
      open: (l) => openStorage(l, { inputName: 'archive-to' }),
      encryption: { recipients: [generateIdentity().recipient] },
    },
  });
  expect(result.outcome).toBe('complete');
  const dropped = result.rules[0]!.partitions!.dropped;
  expect(dropped.map((p) => [p.rows, p.archives.map((a) => a.rows)])).toEqual([
    [30, [25, 5]],
    [31, [25, 6]],
    [31, [25, 6]],
    [28, [25, 3]],
  ]);
  // Two objects per dropped partition, and one for the batch of March's expired rows.
  const objects = (await readdir(archiveDir, { recursive: true })).filter((f) => f.endsWith('.jsonl.zst.age'));
  expect(objects.filter((f) => /-page_views_20\d\d_\d\d\//.test(f))).toHaveLength(8);
  expect(objects).toHaveLength(9);
  expect(result.rules[0]!.archives.map((a) => a.rows)).toEqual([16]);
  const receipt = retentionReceipt(result, 'f'.repeat(64));
  expect(receipt.rules[0]!.partitionsDropped![0]!.archives!.map((a) => a.sha256)).toEqual(
    dropped[0]!.archives.map((a) => a.sha256),
  );
  expect(await idsWhere('viewed_at < $1', [CUTOFF])).toEqual([]);
});

test('a drop that fails and cannot be attached back ends the run, and the receipt still names the months already dropped', async () => {
  await createPageViews(false);
  const archive = {
    open: (l: string) => openStorage(l, { inputName: 'archive-to' }),
    encryption: { recipients: [generateIdentity().recipient] },
  };
  const policy = await parsePolicy(policyText(`    archive-to: ${join(dir, 'archive-fails')}\n`), 'retention.yml');
  const locker = new pg.Client({ connectionString: server.url(DB) });
  await locker.connect();
  try {
    let failed = false;
    const result = await purgeRetention(client, policy, {
      now: NOW,
      lockTimeoutMs: 300,
      archive,
      // December's archive is written, then its drop fails; a session locking page_views meanwhile keeps the
      // detached month from being attached again.
      afterArchive: async (record) => {
        if (failed || !record.location.includes('page_views_2025_12')) return;
        failed = true;
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE page_views IN ACCESS EXCLUSIVE MODE');
        throw new Error('the archive store went away');
      },
    });
    expect(result.outcome).toBe('failed');
    expect(result.error!.message).toMatch(/Rule 'page-views' on page_views: .*lock/);
    // November went for good before December failed: the receipt says so, and counts its rows.
    expect(result.rules[0]!.partitions!.dropped.map((p) => [p.name, p.rows])).toEqual([['page_views_2025_11', 30]]);
    expect(result.rules[0]!.rows).toBe(30);
    const receipt = retentionReceipt(result, 'f'.repeat(64));
    expect(receipt.rules[0]!.partitionsDropped!.map((p) => [p.name, p.rows])).toEqual([['page_views_2025_11', 30]]);
    expect(await q('SELECT to_regclass($1) AS t', ['page_views_2025_11'])).toEqual([{ t: null }]);
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
  // December is still whole, detached and marked: the next run attaches it again and drops it.
  expect(await q('SELECT count(*)::int AS n FROM page_views_2025_12')).toEqual([{ n: 31 }]);
  const next = await purgeRetention(client, policy, { now: NOW, archive });
  expect(next.outcome).toBe('complete');
  expect(next.rules[0]!.partitions!.reattached).toEqual(['page_views_2025_12']);
  expect(next.rules[0]!.partitions!.dropped.map((p) => p.name)).toContain('page_views_2025_12');
  expect(await idsWhere('viewed_at < $1', [CUTOFF])).toEqual([]);
});

test('a partition an interrupted run detached is attached again before the next run, which then drops it', async () => {
  await createPageViews();
  // What a run that died between detach and drop leaves: the marker comment, and the table out of page_views.
  const bound = (
    await q<{ b: string }>(
      "SELECT pg_get_expr(relpartbound, oid) AS b FROM pg_class WHERE relname = 'page_views_2025_11'",
    )
  )[0]!.b;
  const marker = JSON.stringify({ parent: 'page_views', bound, comment: 'monthly page views' });
  await q(`COMMENT ON TABLE page_views_2025_11 IS 'dbops-retention detaching: ${marker.replaceAll("'", "''")}'`);
  await q('ALTER TABLE page_views DETACH PARTITION page_views_2025_11');
  expect(await partitions()).not.toContain('page_views_2025_11');

  const policy = await parsePolicy(policyText(), 'retention.yml');
  const result = await purgeRetention(client, policy, { now: NOW });
  expect(result.rules[0]!.partitions!.reattached).toEqual(['page_views_2025_11']);
  expect(result.rules[0]!.partitions!.dropped.map((p) => [p.name, p.rows])).toContainEqual(['page_views_2025_11', 30]);
  expect(await q('SELECT to_regclass($1) AS t', ['page_views_2025_11'])).toEqual([{ t: null }]);
  expect(await idsWhere('viewed_at < $1', [CUTOFF])).toEqual([]);
});

test('a detach marker whose bound is not a bound is refused, naming the table, and nothing in it runs', async () => {
  await createPageViews();
  // Anyone who may comment on a table can write a marker: its bound must not become SQL.
  const bound = "FOR VALUES FROM ('2025-11-01 00:00:00+00') TO ('2025-12-01 00:00:00+00'); CREATE TABLE pwned (x int)";
  const marker = JSON.stringify({ parent: 'page_views', bound, comment: null });
  await q('ALTER TABLE page_views DETACH PARTITION page_views_2025_11');
  await q(`COMMENT ON TABLE page_views_2025_11 IS 'dbops-retention detaching: ${marker.replaceAll("'", "''")}'`);
  const policy = await parsePolicy(policyText(), 'retention.yml');
  const result = await purgeRetention(client, policy, { now: NOW });
  expect(result.outcome).toBe('failed');
  expect(result.rules[0]!.rows).toBe(0);
  expect(result.error).toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining('page_views_2025_11 carries a dbops detach marker for page_views whose bound'),
  });
  expect(await q('SELECT to_regclass($1) AS t', ['pwned'])).toEqual([{ t: null }]);
  expect(await q('SELECT count(*)::int AS n FROM page_views_2025_11')).toEqual([{ n: 30 }]);
  await q('DROP TABLE page_views_2025_11');
});

test('a DETACH CONCURRENTLY stopped in its wait is finished and undone by the next run, which drops the month', async () => {
  await createPageViews(false);
  // A session whose snapshot still sees page_views: DETACH CONCURRENTLY's second phase waits for it, and its
  // lock_timeout stops the detach there, leaving the partition "detach pending" (what a killed run leaves too).
  const reader = new pg.Client({ connectionString: server.url(DB) });
  await reader.connect();
  const pending = async () =>
    (
      await q<{ name: string }>(
        "SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'page_views'::regclass AND inhdetachpending",
      )
    ).map((r) => r.name);
  const policy = await parsePolicy(policyText(), 'retention.yml');
  try {
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await reader.query('SELECT count(*) FROM page_views');
    const stopped = await purgeRetention(client, policy, { now: NOW, lockTimeoutMs: 500 });
    const first = stopped.rules[0]!.partitions!;
    expect(first.dropped).toEqual([]);
    expect(first.byRows.find((p) => p.name === 'page_views_2025_11')?.reason).toMatch(/its detach failed/);
    expect(await pending()).toEqual(['page_views_2025_11']);
    // Its rows are still there, out of the parent's sight.
    expect(await q('SELECT count(*)::int AS n FROM page_views_2025_11')).toEqual([{ n: 30 }]);
  } finally {
    await reader.query('COMMIT');
    await reader.end();
  }

  const result = await purgeRetention(client, policy, { now: NOW });
  expect(result.outcome).toBe('complete');
  expect(result.rules[0]!.partitions!.reattached).toEqual(['page_views_2025_11']);
  expect(result.rules[0]!.partitions!.dropped.map((p) => [p.name, p.rows])).toContainEqual(['page_views_2025_11', 30]);
  expect(await pending()).toEqual([]);
  expect(await q('SELECT to_regclass($1) AS t', ['page_views_2025_11'])).toEqual([{ t: null }]);
  expect(await idsWhere('viewed_at < $1', [CUTOFF])).toEqual([]);
});

test('a table someone holds a lock on is not vacuumed: skipped and reported, the purge still complete', async () => {
  await q(
    `DROP TABLE IF EXISTS app_log, legal_holds;
    CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE app_log (id bigint PRIMARY KEY, viewed_at timestamptz NOT NULL);
    INSERT INTO app_log SELECT i, $1::timestamptz - i * interval '1 day' FROM generate_series(1, 200) i;`.replace(
      '$1',
      `'${NOW.toISOString()}'`,
    ),
  );
  const locker = new pg.Client({ connectionString: server.url(DB) });
  await locker.connect();
  try {
    // SHARE UPDATE EXCLUSIVE lets the batches' deletes through but not VACUUM.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE app_log IN SHARE UPDATE EXCLUSIVE MODE');
    const policy = await parsePolicy(policyText('', 'app_log'), 'retention.yml');
    const result = await purgeRetention(client, policy, { now: NOW, lockTimeoutMs: 200 });
    expect(result.outcome).toBe('complete');
    expect(result.rules[0]!.rows).toBe(200 - 90);
    expect(await vacuumPurged(client, result, 200, new MemoryLogger())).toEqual([
      {
        table: 'app_log',
        outcome: 'skipped',
        durationMs: expect.any(Number),
        reason: 'another session held a conflicting lock for longer than lock-timeout (200 ms)',
      },
    ]);
    expect(result.rules[0]!.partitions).toBeUndefined();
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
  // The session's own lock_timeout is back to what it was.
  expect((await client.query('SHOW lock_timeout')).rows[0]).toEqual({ lock_timeout: '0' });
});
