// Review findings on PostgreSQL data retention (issue 16), on a real PostgreSQL: a rule with archive-to archives the
// rows ON DELETE CASCADE deletes with its batches, at every depth, before the commit (one along a cycle is refused,
// nothing deleted); a batch retried
// after lock_timeout, once its archive was written, archives again under its attempt's own name and commits; the
// cutoff of a `timestamp` or `date` column is the older of its UTC and session-TimeZone readings (Tokyo: UTC wall
// time and whole UTC days; Los Angeles: local wall time and days, minimums and partitions alike); the
// marker comment before a partition's detach waits no longer than lock-timeout; and when receipts-to fails after
// the purge, the receipt is kept in the database table and the error says the rows are gone and where it is.
import { execFile } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { planRetention } from '../../packages/core/src/data-retention/plan.js';
import { type PurgeOptions, purgeRetention } from '../../packages/core/src/data-retention/purge.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { ensureTombstoneTables, TOMBSTONE_TABLE } from '../../packages/core/src/data-retention/tombstones.js';
import { parsePgTarget } from '../../packages/core/src/databases/postgres/target.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { openStorage } from '../../packages/core/src/storage/index.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const run = promisify(execFile);
const DB = 'app';
const NOW = new Date('2026-06-01T10:00:00Z');

let server: PostgresServer;
let client: pg.Client;
let dir: string;
let recipient: string;

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[], db = DB) => server.query<T>(sql, params, db);
const count = async (table: string, db = DB) =>
  (await q<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, [], db))[0]!.n;

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.age'))
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

async function connect(db: string): Promise<pg.Client> {
  const session = new pg.Client({ connectionString: server.url(db) });
  await session.connect();
  return session;
}

/** A database whose TimeZone is `zone`, with `sql` run in it, and a session on it (on that zone). */
async function zonedDatabase(name: string, zone: string, sql: string): Promise<pg.Client> {
  await server.createDatabase(name);
  await q(`ALTER DATABASE ${name} SET TimeZone = '${zone}'`, [], name);
  await q(sql, [], name);
  const session = await connect(name);
  expect((await session.query('SHOW TimeZone')).rows[0].TimeZone).toBe(zone);
  return session;
}

/** A policy of age rules, each on the table of its name: [name, by, keep]. */
function ageRules(rules: [string, string, string][]) {
  const text = rules.map(
    ([name, by, keep]) => `  - name: ${name}\n    table: ${name}\n    by: ${by}\n    keep: ${keep}\n`,
  );
  return parsePolicy(`version: 1\ndata:\n${text.join('')}`, 'retention.yml');
}

const idsOf = async (table: string, db: string) =>
  (await q<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`, [], db)).map((r) => r.id);

/** A policy with one rule, `name` on the table of that name, keep 365d by created_at, archived to `archiveDir`. */
function ageRuleArchivingTo(name: string, archiveDir: string) {
  const rule = `  - name: ${name}\n    table: ${name}\n    by: created_at\n    keep: 365d\n    archive-to: ${archiveDir}\n`;
  return parsePolicy(`version: 1\ndata:\n${rule}`, 'retention.yml');
}

function archiving(extra: PurgeOptions = {}): PurgeOptions {
  return {
    now: NOW,
    archive: {
      open: async (location) => openStorage(location, { inputName: 'archive-to' }),
      encryption: { recipients: [recipient] },
    },
    ...extra,
  };
}

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  client = new pg.Client({ connectionString: server.url(DB) });
  await client.connect();
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-review-'));
  const identityFile = join(dir, 'key.txt');
  await run('age-keygen', ['-o', identityFile]);
  recipient = (await run('age-keygen', ['-y', identityFile])).stdout.trim();
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('archives the rows ON DELETE CASCADE deletes with a batch, at every depth, before the batch commits', async () => {
  await q(
    `DROP TABLE IF EXISTS item_notes, order_items, orders;
    CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
    CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE);
    CREATE TABLE item_notes (item_id bigint NOT NULL REFERENCES order_items ON DELETE CASCADE, note text);
    INSERT INTO orders SELECT i, $1::timestamptz - i * interval '100 days' FROM generate_series(1, 10) i;
    INSERT INTO order_items SELECT i, i FROM generate_series(1, 10) i;
    INSERT INTO item_notes SELECT i, 'note ' || i FROM generate_series(1, 10) i;`.replaceAll(
      '$1::timestamptz',
      `'${NOW.toISOString()}'::timestamptz`,
    ),
  );
  // Orders 4..10 are past 365 days; with them go their items and the items' notes (a table without a key).
  const rowsOf = async (table: string, where: string) =>
    (await q<{ j: string }>(`SELECT to_jsonb(t)::text AS j FROM ${table} AS t WHERE ${where} ORDER BY 1`)).map(
      (r) => r.j,
    );
  const expected = {
    orders: await rowsOf('orders', 'id >= 4'),
    order_items: await rowsOf('order_items', 'order_id >= 4'),
    item_notes: await rowsOf('item_notes', 'item_id >= 4'),
  };
  const archiveDir = join(dir, 'cascade');
  const policy = await ageRuleArchivingTo('orders', archiveDir);
  const result = await purgeRetention(client, policy, archiving());
  expect(result.outcome).toBe('complete');
  expect(result.rules[0]).toMatchObject({ rows: 7, batches: 1 });
  expect([await count('orders'), await count('order_items'), await count('item_notes')]).toEqual([3, 3, 3]);
  const archives = result.rules[0]!.archives;
  expect(archives.map((a) => [a.location.split('/').at(-1), a.rows])).toEqual([
    ['000001.jsonl.zst.age', 7],
    ['000001.c1-order_items.jsonl.zst.age', 7],
    ['000001.c2-item_notes.jsonl.zst.age', 7],
  ]);
  for (const [archive, table] of archives.map((a, i) => [a, ['orders', 'order_items', 'item_notes'][i]!] as const)) {
    const { stdout } = await run('sh', [
      '-c',
      'age -d -i "$1" "$2" | zstd -d -q -c',
      'sh',
      join(dir, 'key.txt'),
      archive.location,
    ]);
    const lines = stdout.split('\n').filter((l) => l !== '');
    const normalized = await q<{ j: string }>('SELECT unnest($1::jsonb[])::text AS j ORDER BY 1', [lines]);
    expect(normalized.map((r) => r.j)).toEqual(expected[table as keyof typeof expected]);
    const manifest = JSON.parse(await readFile(`${archive.location}.manifest.json`, 'utf8'));
    expect(manifest.table).toBe(table);
  }
});

it('refuses a rule with archive-to whose deletes cascade along a cycle: nothing deleted, nothing archived', async () => {
  await q(`DROP TABLE IF EXISTS comments, threads;
    CREATE TABLE threads (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
    CREATE TABLE comments (id bigint PRIMARY KEY, thread_id bigint NOT NULL REFERENCES threads ON DELETE CASCADE,
      parent_id bigint REFERENCES comments ON DELETE CASCADE);
    INSERT INTO threads SELECT i, now() - interval '1000 days' FROM generate_series(1, 3) i;
    INSERT INTO comments SELECT i, i, NULL FROM generate_series(1, 3) i;`);
  const archiveDir = join(dir, 'cycle');
  const policy = await ageRuleArchivingTo('threads', archiveDir);
  const plan = await planRetention(client, policy, NOW);
  expect(plan.skipped).toEqual([{ rule: 'threads', reason: expect.stringContaining('along a cycle') }]);
  const result = await purgeRetention(client, policy, archiving());
  expect(result.outcome).toBe('failed');
  expect(result.error).toMatchObject({ code: 'CHECK_FAILED' });
  expect([await count('threads'), await count('comments')]).toEqual([3, 3]);
  expect(await filesUnder(archiveDir)).toEqual([]);
});

it('archives a batch retried after lock_timeout under its attempt’s own name, and the receipt names only that one', async () => {
  // An erase rule records tombstones after the archive write: a lock on the tombstone table times the batch out then.
  await q(
    `DROP TABLE IF EXISTS accounts;
    CREATE TABLE accounts (id bigint PRIMARY KEY, deleted_at timestamptz);
    INSERT INTO accounts SELECT i, CASE WHEN i <= 5 THEN $1::timestamptz - interval '60 days' END
      FROM generate_series(1, 8) i;`.replaceAll('$1::timestamptz', `'${NOW.toISOString()}'::timestamptz`),
  );
  const archiveDir = join(dir, 'retry');
  const policy = await parsePolicy(
    `version: 1
data:
  - name: accounts
    table: accounts
    soft-delete: deleted_at
    grace: 30d
    then: erase
    archive-to: ${archiveDir}
`,
    'retention.yml',
  );
  // The tombstone tables exist before the locker takes its lock (recordTombstones creates them on first use).
  await ensureTombstoneTables(client);
  const locker = await connect(DB);
  try {
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${TOMBSTONE_TABLE} IN SHARE MODE`);
    let attempts = 0;
    const result = await purgeRetention(
      client,
      policy,
      archiving({
        lockTimeoutMs: 200,
        lockRetries: 1,
        lockRetryDelayMs: 1,
        // The second attempt's archive is written: the lock goes, so its tombstones (and its commit) go through.
        afterArchive: async () => {
          if (++attempts === 2) await locker.query('COMMIT');
        },
      }),
    );
    expect(attempts).toBe(2);
    expect(result.outcome).toBe('complete');
    expect(result.rules[0]).toMatchObject({ rows: 5, batches: 1 });
    const files = await filesUnder(archiveDir);
    expect(files).toHaveLength(2);
    expect(files.map((f) => f.split('/').at(-1))).toEqual(['000001-2.jsonl.zst.age', '000001.jsonl.zst.age']);
    // Only the committed attempt's archive counts.
    expect(result.rules[0]!.archives).toHaveLength(1);
    expect(result.rules[0]!.archives[0]!.location).toMatch(/000001-2\.jsonl\.zst\.age$/);
    expect(await count('accounts')).toBe(3);
  } finally {
    await locker.end();
  }
});

it('on Asia/Tokyo, takes a timestamp cutoff in UTC wall time (the older reading) and a date by whole UTC days', async () => {
  // keep 30d from 2026-06-01 10:00 UTC: the cutoff is 2026-05-02 10:00 UTC (19:00 in Tokyo).
  const tokyo = await zonedDatabase(
    'zoned',
    'Asia/Tokyo',
    `CREATE TABLE wall (id int PRIMARY KEY, at timestamp NOT NULL);
     INSERT INTO wall VALUES (1, '2026-05-02 09:00:00'), (2, '2026-05-02 12:00:00'), (3, '2026-05-03 00:00:00');
     CREATE TABLE days (id int PRIMARY KEY, on_day date NOT NULL);
     INSERT INTO days VALUES (1, '2026-05-01'), (2, '2026-05-02'), (3, '2026-05-03');`,
  );
  const policy = await ageRules([
    ['wall', 'at', '30d'],
    ['days', 'on_day', '30d'],
  ]);
  try {
    const plan = await planRetention(tokyo, policy, NOW);
    expect(plan.rules.map((r) => [r.rule, r.rows.expired])).toEqual([
      ['wall', 1],
      ['days', 1],
    ]);
    const result = await purgeRetention(tokyo, policy, { now: NOW });
    expect(result.outcome).toBe('complete');
    // 12:00 UTC wall time is after the cutoff (read in Tokyo it would be 03:00 UTC, before it); the whole of
    // 2026-05-02 is not yet past a 10:00 cutoff (its midnight is).
    expect([await idsOf('wall', 'zoned'), await idsOf('days', 'zoned')]).toEqual([
      [2, 3],
      [2, 3],
    ]);
  } finally {
    await tokyo.end();
  }
});

it('on America/Los_Angeles, never takes a local-time timestamp or date early, nor undercuts a minimum', async () => {
  // keep 30d from 2026-06-01 03:00 UTC: the cutoff is 2026-05-02 03:00 UTC, 2026-05-01 20:00 in Los Angeles (PDT),
  // the older reading of a `timestamp` there (a server on that zone writes local wall time with DEFAULT now()).
  const now = new Date('2026-06-01T03:00:00Z');
  const la = await zonedDatabase(
    'los_angeles',
    'America/Los_Angeles',
    `CREATE TABLE wall (id int PRIMARY KEY, at timestamp NOT NULL);
     INSERT INTO wall VALUES (1, '2026-05-01 19:00'), (2, '2026-05-01 22:00'), (3, '2026-05-02 12:00');
     CREATE TABLE days (id int PRIMARY KEY, on_day date NOT NULL);
     INSERT INTO days VALUES (1, '2026-04-30'), (2, '2026-05-01'), (3, '2026-05-02');
     CREATE TABLE floor (id int PRIMARY KEY, at timestamp NOT NULL);
     INSERT INTO floor VALUES (1, '2026-05-01 19:00'), (2, '2026-05-01 22:00'), (3, '2026-05-10 00:00');
     CREATE TABLE parted (id int, at timestamp NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
     CREATE TABLE parted_a PARTITION OF parted FOR VALUES FROM ('2026-04-01') TO ('2026-05-01 22:00');
     CREATE TABLE parted_b PARTITION OF parted FOR VALUES FROM ('2026-05-01 22:00') TO ('2026-07-01');
     INSERT INTO parted VALUES (1, '2026-04-15'), (2, '2026-05-01 21:00'), (3, '2026-05-10');`,
  );
  const policy = await ageRules([
    ['wall', 'at', '30d'],
    ['days', 'on_day', '30d'],
    ['floor', 'at', '10d'],
    ['parted', 'at', '30d'],
  ]);
  // A minimum longer than the rule (the file reader refuses one; a policy built in code is held to it all the same).
  policy.minimums.push({ table: { name: 'floor' }, keepAtLeast: { years: 0, seconds: 30 * 86_400 }, line: 0 });
  try {
    const plan = await planRetention(la, policy, now);
    expect(plan.rules.map((r) => [r.rule, r.rows.expired, r.rows.protectedByMinimum, r.rows.toPurge])).toEqual([
      ['wall', 1, 0, 1],
      ['days', 1, 0, 1],
      ['floor', 3, 2, 1],
      ['parted', 1, 0, 1],
    ]);
    const result = await purgeRetention(la, policy, { now });
    expect(result.outcome).toBe('complete');
    // 22:00 on 2026-05-01 is after the cutoff in Los Angeles (read as UTC wall time it would be before it); the
    // whole of 2026-05-01 is not over there yet; the partition up to 22:00 holds a row after the cutoff: it stays.
    const left = await Promise.all(['wall', 'days', 'floor', 'parted'].map((t) => idsOf(t, 'los_angeles')));
    expect(left).toEqual([
      [2, 3],
      [2, 3],
      [2, 3],
      [2, 3],
    ]);
    expect(await count('parted_a', 'los_angeles')).toBe(1);
  } finally {
    await la.end();
  }
});

it('waits no longer than lock-timeout for the marker comment before a partition detach', async () => {
  await q(`DROP TABLE IF EXISTS views;
    CREATE TABLE views (id bigint NOT NULL, at timestamptz NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
    CREATE TABLE views_2026_01 PARTITION OF views FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');
    CREATE TABLE views_2026_06 PARTITION OF views FOR VALUES FROM ('2026-06-01 00:00:00+00') TO ('2026-07-01 00:00:00+00');
    INSERT INTO views VALUES (1, '2026-01-10 00:00:00+00'), (2, '2026-06-01 05:00:00+00');`);
  const policy = await parsePolicy(
    `version: 1
data:
  - name: views
    table: views
    by: at
    keep: 30d
`,
    'retention.yml',
  );
  const locker = await connect(DB);
  const purger = await connect(DB);
  try {
    // COMMENT ON takes SHARE UPDATE EXCLUSIVE (as VACUUM, CREATE INDEX CONCURRENTLY, ANALYZE do); rows are untouched.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE views_2026_01 IN SHARE UPDATE EXCLUSIVE MODE');
    // A bound on the session, so that an unbounded wait ends (as a statement timeout) rather than hang the test.
    await purger.query("SET statement_timeout = '5s'");
    const result = await purgeRetention(purger, policy, { now: NOW, lockTimeoutMs: 200 });
    expect(result.rules[0]!.partitions!.dropped).toEqual([]);
    expect(result.rules[0]!.partitions!.byRows).toEqual([
      { name: 'views_2026_01', bounds: expect.any(String), reason: 'its detach failed (lock-timeout reached)' },
    ]);
  } finally {
    await locker.end();
    await purger.end();
  }
});

it('keeps the receipt in the database when receipts-to fails after the purge, and says the rows are gone', async () => {
  await q(
    `DROP TABLE IF EXISTS sessions;
    CREATE TABLE sessions (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
    INSERT INTO sessions SELECT i, $1::timestamptz - i * interval '10 days' FROM generate_series(1, 10) i;`.replaceAll(
      '$1::timestamptz',
      `'${NOW.toISOString()}'::timestamptz`,
    ),
  );
  const policyPath = join(dir, 'retention.yml');
  await writeFile(
    policyPath,
    'version: 1\ndata:\n  - name: sessions\n    table: sessions\n    by: created_at\n    keep: 45d\n',
  );
  const receiptsTo = join(dir, 'receipts');
  // Once the rule's rows are deleted (its log line), receipts-to goes away: its directory becomes a file.
  class BreakingLogger extends MemoryLogger {
    override info(message: string): void {
      super.info(message);
      if (message.startsWith("Rule 'sessions': ") && message.includes('deleted')) {
        renameSync(receiptsTo, `${receiptsTo}.gone`);
        writeFileSync(receiptsTo, 'not a directory');
      }
    }
  }
  const log = new BreakingLogger();
  const failed = dataRetention({
    policyPath,
    target: parsePgTarget({ url: server.url(DB) }),
    dryRun: false,
    receiptsTo,
    backupGraceSeconds: 3600,
    secrets: new Secrets(),
    log,
    now: NOW,
  });
  await expect(failed).rejects.toThrow(
    /6 rows were deleted or anonymized \(sessions: 6\), but their receipt could not be stored in receipts-to/,
  );
  await expect(failed).rejects.toThrow(/it is kept in public\.dbops_retention_receipts \(sha256 [0-9a-f]{64}\)/);
  expect(await count('sessions')).toBe(4);
  const kept = await q<{ sha256: string; rows: number }>(
    "SELECT sha256, (receipt #>> '{rules,0,rows}')::int AS rows FROM public.dbops_retention_receipts WHERE policy = 'retention'",
  );
  expect(kept).toEqual([{ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), rows: 6 }]);
  expect(log.lines.some((l) => l.startsWith('error: ') && l.includes(kept[0]!.sha256))).toBe(true);
});
