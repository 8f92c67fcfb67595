// The data-retention plan and purge on a real PostgreSQL: an audit log with rows of known ages, legal holds, a
// compliance minimum and a soft-delete table anonymized after its grace. Counts are exact, a dry run changes nothing
// (rows and pg_stat_user_tables), the purge deletes exactly what may go in bounded batches, holds added after the
// plan still protect, an abort or a lock stops the run between whole batches, and the receipt holds no row data.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { planRetention } from '../../packages/core/src/data-retention/plan.js';
import type { DataRetentionPolicy } from '../../packages/core/src/data-retention/policy.js';
import { type BatchEvent, purgeRetention } from '../../packages/core/src/data-retention/purge.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { policySha256, retentionReceipt } from '../../packages/core/src/data-retention/receipt.js';
import { eventually } from '../harness/eventually.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const DB = 'app';
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');

// Audit row i (1..200) is i × 3 days old: keep 365d expires i ≥ 122 (79 rows); a 400-day minimum keeps i ≤ 133.
const HELD = [10, 130, 150, 170]; // 10 is not expired; 130 is also under the minimum
const MINIMUM_KEPT = range(122, 133);
const EXPIRED = range(122, 200);
const PURGEABLE = EXPIRED.filter((i) => !HELD.includes(i) && !MINIMUM_KEPT.includes(i)); // 65 rows

const POLICY_TEXT = `version: 1
holds:
  - table: legal_holds
data:
  - name: audit-logs
    table: audit_log
    by: created_at
    keep: 365d
  - name: deleted-accounts
    table: public.users
    soft-delete: deleted_at
    grace: 30d
    then: anonymize
    anonymize: { email: null, name: 'deleted user' }
`;

let server: PostgresServer;
let client: pg.Client;
let policy: DataRetentionPolicy;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => server.query<T>(sql, params, DB);
const auditIds = async () =>
  (await q<{ id: number }>('SELECT id::int AS id FROM audit_log ORDER BY id')).map((r) => r.id);

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  client = new pg.Client({ connectionString: server.url(DB), application_name: 'retention-purger' });
  await client.connect();
  const parsed = await parsePolicy(POLICY_TEXT, 'retention.yml');
  // A policy built in code: the file reader refuses a rule shorter than a minimum, the purge enforces it anyway.
  policy = {
    ...parsed,
    minimums: [
      { table: { schema: 'public', name: 'audit_log' }, keepAtLeast: { years: 0, seconds: 400 * 86400 }, line: 0 },
    ],
  };
});

beforeEach(async () => {
  await q(`DROP TABLE IF EXISTS audit_log, users, legal_holds;
    CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE audit_log (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text NOT NULL);
    CREATE TABLE users (id int PRIMARY KEY, email text, name text, deleted_at timestamptz);`);
  await q(
    `INSERT INTO audit_log SELECT i, $1::timestamptz - i * interval '3 days', 'note-' || i FROM generate_series(1, 200) i`,
    [NOW.toISOString()],
  );
  // Users 1-4 live, 5-6 deleted 10 days ago (in grace), 7-10 deleted 40 days ago (past grace); 8 is held.
  await q(
    `INSERT INTO users SELECT i, 'user' || i || '@example.com', 'User ' || i,
            CASE WHEN i <= 4 THEN NULL WHEN i <= 6 THEN $1::timestamptz - interval '10 days' ELSE $1::timestamptz - interval '40 days' END
       FROM generate_series(1, 10) i`,
    [NOW.toISOString()],
  );
  // Holds name the table as written or schema-qualified; a hold on another table's id 160 protects nothing here.
  await q(`INSERT INTO legal_holds VALUES ('audit_log', '10'), ('audit_log', '130'), ('public.audit_log', '150'),
             ('audit_log', '170'), ('orders', '160'), ('users', '8')`);
  await q('ANALYZE audit_log, users');
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

test('the plan counts exactly: expired, kept by a hold, kept by a minimum, and what would go', async () => {
  const plan = await planRetention(client, policy, NOW);
  expect(plan.now).toBe(NOW.toISOString());
  const [audit, users] = plan.rules;
  expect(audit).toMatchObject({
    rule: 'audit-logs',
    action: 'delete',
    table: 'audit_log',
    timeColumn: 'created_at',
    cutoff: new Date(NOW.getTime() - 365 * DAY).toISOString(),
    effectiveCutoff: new Date(NOW.getTime() - 400 * DAY).toISOString(),
    minimumSeconds: 400 * 86400,
    rows: { expired: 79, protectedByHold: 3, protectedByMinimum: 12, toPurge: PURGEABLE.length, exact: true },
    dependants: [],
  });
  expect(PURGEABLE.length).toBe(65);
  expect(audit!.rows.estimatedExpired).toBeGreaterThan(0);
  expect(audit!.estimatedBytes).toBeGreaterThan(0);
  expect(users).toMatchObject({
    rule: 'deleted-accounts',
    action: 'anonymize',
    rows: { expired: 4, protectedByHold: 1, protectedByMinimum: 0, toPurge: 3, exact: true },
  });
});

test('past the count limit the counts are lower bounds, flagged as such', async () => {
  const plan = await planRetention(client, policy, NOW, { countLimit: 20, rules: ['audit-logs'] });
  expect(plan.rules).toHaveLength(1);
  expect(plan.rules[0]!.rows.exact).toBe(false);
  expect(plan.rules[0]!.rows.expired).toBe(21);
  expect(plan.rules[0]!.rows.toPurge).toBeLessThanOrEqual(PURGEABLE.length);
});

test('a dry run changes nothing: same rows, no insert, update or delete in pg_stat_user_tables', async () => {
  const state = async () => {
    await client.query('SELECT pg_stat_force_next_flush()');
    const [stats] = await q(
      `SELECT pg_stat_clear_snapshot(), json_object_agg(relname, json_build_array(n_tup_ins, n_tup_upd, n_tup_del)) AS s
         FROM pg_stat_user_tables`,
    );
    const [rows] = await q(`SELECT (SELECT md5(string_agg(a::text, ',' ORDER BY id)) FROM audit_log a) AS audit,
                                   (SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u) AS users`);
    return { stats: stats!.s, rows };
  };
  const before = await state();
  const plan = await planRetention(client, policy, NOW);
  expect(plan.rules[0]!.rows.toPurge).toBe(65);
  expect(await state()).toEqual(before);
  expect(await auditIds()).toEqual(range(1, 200));
});

test('the purge deletes exactly what may go, anonymizes past grace, and a hold added after the plan still protects', async () => {
  const plan = await planRetention(client, policy, NOW);
  await q(`INSERT INTO legal_holds VALUES ('audit_log', '190'), ('users', '9')`); // after the plan
  const result = await purgeRetention(client, plan, { batchSize: 10, sleepCoefficient: 0 });

  expect(result.outcome).toBe('complete');
  expect(result.error).toBeUndefined();
  const purged = PURGEABLE.filter((i) => i !== 190);
  expect(await auditIds()).toEqual(range(1, 200).filter((i) => !purged.includes(i)));
  const [audit, users] = result.rules;
  expect(audit).toMatchObject({ rule: 'audit-logs', rows: 64, batches: 7, complete: true });
  expect(users).toMatchObject({ rule: 'deleted-accounts', action: 'anonymize', rows: 2, batches: 1, complete: true });
  expect(await q('SELECT id, email, name FROM users WHERE id >= 5 ORDER BY id')).toEqual([
    { id: 5, email: 'user5@example.com', name: 'User 5' },
    { id: 6, email: 'user6@example.com', name: 'User 6' },
    { id: 7, email: null, name: 'deleted user' },
    { id: 8, email: 'user8@example.com', name: 'User 8' },
    { id: 9, email: 'user9@example.com', name: 'User 9' },
    { id: 10, email: null, name: 'deleted user' },
  ]);

  // The receipt: counts, cutoffs, the policy's hash and a hash of the keys, never the rows or the keys themselves.
  const receipt = retentionReceipt(result, policySha256(POLICY_TEXT));
  expect(receipt).toMatchObject({
    format: 'dbops.retention-receipt/1',
    policySha256: createHash('sha256').update(POLICY_TEXT).digest('hex'),
    now: NOW.toISOString(),
    outcome: 'complete',
    rules: [
      { rule: 'audit-logs', table: 'audit_log', action: 'delete', rows: 64, batches: 7, complete: true },
      { rule: 'deleted-accounts', table: 'users', action: 'anonymize', rows: 2, batches: 1, complete: true },
    ],
  });
  expect(receipt.rules[0]!.keysSha256).toBe(
    createHash('sha256')
      .update(purged.map((i) => `${i}\n`).join(''))
      .digest('hex'),
  );
  const json = JSON.stringify(receipt);
  expect(json).not.toMatch(/note-|example\.com|User \d/);
  expect(json).not.toContain(server.password);

  // A second run finds nothing more: anonymized rows are not rewritten, held rows stay.
  const again = await planRetention(client, policy, NOW);
  expect(again.rules.map((r) => r.rows.toPurge)).toEqual([0, 0]);
});

test('batches are bounded by the batch size, each its own commit', async () => {
  const events: BatchEvent[] = [];
  const result = await purgeRetention(client, policy, {
    now: NOW,
    rules: ['audit-logs'],
    batchSize: 7,
    sleepCoefficient: 0,
    onBatch: (e) => {
      events.push(e);
    },
  });
  // 65 rows in batches of 7: nine full batches and one of 2.
  expect(events.map((e) => e.rows)).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 7, 2]);
  expect(events.map((e) => e.batch)).toEqual(range(1, 10));
  expect(result.rules[0]).toMatchObject({ rows: 65, batches: 10, complete: true });
  expect(result.rules[0]!.keysSha256).toBe(
    createHash('sha256')
      .update(PURGEABLE.map((i) => `${i}\n`).join(''))
      .digest('hex'),
  );
});

test('an abort during a batch lets that batch commit whole, then stops; the next run finishes the rule', async () => {
  const controller = new AbortController();
  const locker = new pg.Client({ connectionString: server.url(DB) });
  await locker.connect();
  try {
    const run = purgeRetention(client, policy, {
      now: NOW,
      rules: ['audit-logs'],
      batchSize: 10,
      sleepCoefficient: 0,
      lockTimeoutMs: 60_000,
      signal: controller.signal,
      onBatch: async (e) => {
        // After the first commit another session locks the table: the second batch waits for it.
        if (e.batch === 1) await locker.query('BEGIN; LOCK TABLE audit_log IN SHARE MODE');
      },
    });
    const waiting = await eventually(async () => {
      const [row] = await q<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'retention-purger' AND wait_event_type = 'Lock'`,
      );
      return row!.n === 1;
    });
    expect(waiting).toBe(true);
    controller.abort(); // while the second batch waits
    await locker.query('ROLLBACK');
    const result = await run;
    expect(result.outcome).toBe('aborted');
    expect(result.rules[0]).toMatchObject({ rows: 20, batches: 2, complete: false });
    expect(await auditIds()).toEqual(range(1, 200).filter((i) => !PURGEABLE.slice(0, 20).includes(i)));

    const rest = await purgeRetention(client, policy, {
      now: NOW,
      rules: ['audit-logs'],
      batchSize: 10,
      sleepCoefficient: 0,
    });
    expect(rest.rules[0]).toMatchObject({ rows: 45, complete: true });
  } finally {
    await locker.end();
  }
});

test('a lock held by another session fails the batch fast, naming the table; committed batches stay', async () => {
  const locker = new pg.Client({ connectionString: server.url(DB), application_name: 'migration' });
  await locker.connect();
  try {
    const result = await purgeRetention(client, policy, {
      now: NOW,
      rules: ['audit-logs'],
      batchSize: 10,
      sleepCoefficient: 0,
      lockTimeoutMs: 100,
      lockRetries: 1,
      lockRetryDelayMs: 10,
      onBatch: async (e) => {
        if (e.batch === 1) await locker.query('BEGIN; LOCK TABLE audit_log IN SHARE MODE');
      },
    });
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatchObject({
      code: 'TIMEOUT',
      input: 'lock-timeout',
      message: expect.stringMatching(
        /^Rule 'audit-logs' on audit_log: a batch waited longer than lock-timeout \(100 ms\) for a lock on audit_log, 2 times; 10 rows in 1 committed batches stay deleted/,
      ),
      hint: expect.stringMatching(/holds ShareLock \(application 'migration'/),
    });
    expect(result.rules[0]).toMatchObject({ rows: 10, batches: 1, complete: false });
    expect(retentionReceipt(result, 'x')).toMatchObject({ outcome: 'failed', errorCode: 'TIMEOUT' });
    await locker.query('ROLLBACK');
    expect(await auditIds()).toEqual(range(1, 200).filter((i) => !PURGEABLE.slice(0, 10).includes(i)));
    // The purger's session was left usable, outside any transaction.
    expect((await client.query('SELECT now() = statement_timestamp() AS idle')).rows).toEqual([{ idle: true }]);
  } finally {
    await locker.end();
  }
});

test('the time budget stops the run cleanly after a whole batch', async () => {
  const result = await purgeRetention(client, policy, {
    now: NOW,
    batchSize: 10,
    maxRuntimeMs: 1,
  });
  expect(result.outcome).toBe('time-budget');
  expect(result.rules.map((r) => [r.rule, r.rows, r.batches, r.complete])).toEqual([
    ['audit-logs', 10, 1, false],
    ['deleted-accounts', 0, 0, false],
  ]);
  expect((await auditIds()).length).toBe(190);
});

test("the policy's sleep paces the batches: a pause that would end past the budget stops the run after one batch", async () => {
  const paced = await parsePolicy(
    `version: 1\ndefaults: { batch-size: 10, max-runtime: 5s, sleep: 30s, sleep-coefficient: 0 }\ndata:\n  - name: audit-logs\n    table: audit_log\n    by: created_at\n    keep: 365d\n`,
    'retention.yml',
  );
  const result = await purgeRetention(client, paced, { now: NOW });
  expect(result.outcome).toBe('time-budget');
  expect(result.rules.map((r) => [r.rule, r.rows, r.batches, r.complete])).toEqual([['audit-logs', 10, 1, false]]);
});

test('holds that cannot be read fail closed: the purge throws and deletes nothing', async () => {
  await q('DROP TABLE legal_holds');
  await expect(purgeRetention(client, policy, { now: NOW })).rejects.toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining('the hold table legal_holds does not exist; nothing is purged'),
  });
  expect(await auditIds()).toEqual(range(1, 200));
});

test('a partitioned table with a composite key, a where filter, a default partition and a hold on a composite key', async () => {
  await q(`DROP TABLE IF EXISTS page_views;
    CREATE TABLE page_views (id bigint, viewed_at timestamp NOT NULL, tenant_id int NOT NULL, PRIMARY KEY (id, viewed_at))
      PARTITION BY RANGE (viewed_at);
    CREATE TABLE page_views_old PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-06-01');
    CREATE TABLE page_views_new PARTITION OF page_views FOR VALUES FROM ('2025-06-01') TO ('2026-07-01');
    CREATE TABLE page_views_default PARTITION OF page_views DEFAULT;`);
  // Row i (1..60) is i × 5 days old (i = 37 exactly at the 185-day cutoff: not expired); 61..65 are from 2020, in
  // the default partition. The filter keeps odd tenants only.
  await q(
    `INSERT INTO page_views
       SELECT i, ($1::timestamptz - i * interval '5 days')::timestamp, i % 2 FROM generate_series(1, 60) i
       UNION ALL SELECT i, '2020-01-01'::timestamp + i * interval '1 hour', i % 2 FROM generate_series(61, 65) i`,
    [NOW.toISOString()],
  );
  await q(`INSERT INTO legal_holds SELECT 'page_views', ROW(id, viewed_at)::text FROM page_views WHERE id = 39`);
  const views = await parsePolicy(
    `version: 1
holds:
  - table: legal_holds
data:
  - name: page-views
    table: page_views
    by: viewed_at
    keep: 185d
    where: tenant_id = 1
`,
    'retention.yml',
  );
  const plan = await planRetention(client, views, NOW);
  expect(plan.rules[0]).toMatchObject({
    partitioned: true,
    rows: { expired: 14, protectedByHold: 1, protectedByMinimum: 0, toPurge: 13, exact: true },
  });
  const result = await purgeRetention(client, plan, { batchSize: 4, sleepCoefficient: 0 });
  expect(result.rules[0]).toMatchObject({ rows: 13, batches: 4, complete: true });
  const gone = [...range(38, 60), ...range(61, 65)].filter((i) => i % 2 === 1 && i !== 39);
  const left = await q<{ id: number }>('SELECT id::int AS id FROM page_views ORDER BY id');
  expect(left.map((r) => r.id)).toEqual(range(1, 65).filter((i) => !gone.includes(i)));
});

test('a hold on a timestamptz key written in UTC holds in a session elsewhere, batches and partition drops alike', async () => {
  await q(`DROP TABLE IF EXISTS visits_tz;
    CREATE TABLE visits_tz (id int, at timestamptz NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
    CREATE TABLE visits_tz_2024 PARTITION OF visits_tz FOR VALUES FROM ('2024-01-01 00:00Z') TO ('2025-01-01 00:00Z');
    CREATE TABLE visits_tz_2026 PARTITION OF visits_tz FOR VALUES FROM ('2025-01-01 00:00Z') TO ('2027-01-01 00:00Z');
    INSERT INTO visits_tz VALUES (1, '2024-03-01 12:00Z'), (2, '2024-03-02 12:00Z'), (3, '2025-03-01 12:30:00.25Z'),
                                 (4, '2025-03-02 12:00Z');`);
  // Written as an application on UTC writes them: the whole 2024 partition and one row of 2025 are held.
  await q(`INSERT INTO legal_holds VALUES ('visits_tz', '(1,"2024-03-01 12:00:00+00")'),
                                          ('visits_tz', '(3,"2025-03-01 12:30:00.25+00")')`);
  const policyText =
    'version: 1\nholds:\n  - table: legal_holds\ndata:\n  - name: visits\n    table: visits_tz\n    by: at\n    keep: 365d\n';
  await client.query("SET TimeZone = 'America/New_York'");
  try {
    const plan = await planRetention(client, await parsePolicy(policyText, 'retention.yml'), NOW);
    expect(plan.rules[0]).toMatchObject({ rows: { expired: 4, protectedByHold: 2, toPurge: 2 } });
    await purgeRetention(client, plan, { batchSize: 10, sleepCoefficient: 0 });
  } finally {
    await client.query('RESET TimeZone');
  }
  expect((await q<{ id: number }>('SELECT id FROM visits_tz ORDER BY id')).map((r) => r.id)).toEqual([1, 3]);
});

test('holds that are all MongoDB collections fail a PostgreSQL run closed: no table rule runs unheld', async () => {
  const onlyCollections = await parsePolicy(
    'version: 1\nholds:\n  - collection: compliance.legal_holds\ndata:\n  - name: audit-logs\n    table: audit_log\n    by: created_at\n    keep: 365d\n',
    'retention.yml',
  );
  const refused = await planRetention(client, onlyCollections, NOW).catch(
    (e: unknown) => e as { code: string; message: string },
  );
  expect(refused).toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining(
      'Policy line 3: the legal holds are MongoDB collections, which a PostgreSQL run cannot read',
    ),
  });
  expect(await auditIds()).toHaveLength(200);
});

test('rows still referenced by a foreign key: the plan lists the dependant, the purge stops there, named', async () => {
  await q(`DROP TABLE IF EXISTS clicks, sessions;
    CREATE TABLE sessions (id int PRIMARY KEY, started_at timestamptz NOT NULL);
    CREATE TABLE clicks (id int PRIMARY KEY, session_id int REFERENCES sessions ON DELETE RESTRICT);`);
  // Sessions 1-3 started 60 days ago (expired at 30d), 4-6 yesterday; a click still points at session 2.
  await q(
    `INSERT INTO sessions SELECT i, $1::timestamptz - CASE WHEN i <= 3 THEN interval '60 days' ELSE interval '1 day' END
       FROM generate_series(1, 6) i`,
    [NOW.toISOString()],
  );
  await q('INSERT INTO clicks VALUES (1, 2)');
  const sessions = await parsePolicy(
    'version: 1\ndata:\n  - name: sessions\n    table: sessions\n    by: started_at\n    keep: 30d\n',
    'retention.yml',
  );
  const plan = await planRetention(client, sessions, NOW);
  expect(plan.rules[0]).toMatchObject({
    rows: { expired: 3, toPurge: 3 },
    dependants: [{ table: 'clicks', constraint: 'clicks_session_id_fkey', onDelete: 'restrict' }],
  });
  const result = await purgeRetention(client, plan, { batchSize: 1, sleepCoefficient: 0 });
  expect(result.outcome).toBe('failed');
  expect(result.error).toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringMatching(
      /^Rule 'sessions' on sessions: .*violates foreign key constraint "clicks_session_id_fkey" on table "clicks"; 1 rows in 1 committed batches stay deleted/,
    ),
  });
  expect(result.rules[0]).toMatchObject({ rows: 1, batches: 1 });
  expect((await q<{ id: number }>('SELECT id FROM sessions ORDER BY id')).map((r) => r.id)).toEqual([2, 3, 4, 5, 6]);
});

test('a cascade into a table a minimum protects refuses the rule at the plan, at any depth, with nothing deleted', async () => {
  await q(`DROP TABLE IF EXISTS prescriptions, visits, patients;
    CREATE TABLE patients (id int PRIMARY KEY, seen_at timestamptz NOT NULL);
    CREATE TABLE visits (id int PRIMARY KEY, patient_id int REFERENCES patients ON DELETE CASCADE);
    CREATE TABLE prescriptions (id int PRIMARY KEY, visit_id int REFERENCES visits ON DELETE CASCADE);
    INSERT INTO patients VALUES (1, now() - interval '900 days');
    INSERT INTO visits VALUES (1, 1);
    INSERT INTO prescriptions VALUES (1, 1);`);
  const text = (floor: string) =>
    `version: 1\ndata:\n  - name: patients\n    table: patients\n    by: seen_at\n    keep: 365d\nminimums:\n  - table: ${floor}\n    keep-at-least: 6y\n`;
  const refused = await planRetention(client, await parsePolicy(text('prescriptions'), 'retention.yml'), NOW).catch(
    (e: unknown) => e as { code: string; message: string },
  );
  expect(refused).toMatchObject({
    code: 'CHECK_FAILED',
    message:
      "Rule 'patients' (line 3) deletes rows of patients, and ON DELETE CASCADE deletes rows of prescriptions with them (patients → visits (visits_patient_id_fkey) → prescriptions (prescriptions_visit_id_fkey)), which a compliance minimum protects (line 8): nothing was deleted",
  });
  // A minimum on a table the cascade does not reach is no reason to refuse.
  const plan = await planRetention(client, await parsePolicy(text('audit_log'), 'retention.yml'), NOW);
  expect(plan.rules[0]).toMatchObject({ rows: { toPurge: 1 } });
  expect(await q('SELECT count(*)::int AS n FROM prescriptions')).toEqual([{ n: 1 }]);
});

test('a row whose delete would cascade into a held row, at any depth, is counted held and kept, holds read per batch', async () => {
  await q(`DROP TABLE IF EXISTS item_notes, cart_items, carts;
    CREATE TABLE carts (id int PRIMARY KEY, created_at timestamptz NOT NULL);
    CREATE TABLE cart_items (id int PRIMARY KEY, cart_id int REFERENCES carts ON DELETE CASCADE);
    CREATE TABLE item_notes (id int PRIMARY KEY, item_id int REFERENCES cart_items ON DELETE CASCADE);
    INSERT INTO carts SELECT i, now() - interval '900 days' FROM generate_series(1, 5) i;
    INSERT INTO cart_items VALUES (11, 1), (12, 2), (13, 3), (14, 4);
    INSERT INTO item_notes VALUES (23, 13);
    INSERT INTO legal_holds VALUES ('cart_items', '12'), ('public.item_notes', '23');`);
  const carts = await parsePolicy(
    'version: 1\nholds:\n  - table: legal_holds\ndata:\n  - name: carts\n    table: carts\n    by: created_at\n    keep: 365d\n',
    'retention.yml',
  );
  const plan = await planRetention(client, carts, NOW);
  expect(plan.rules[0]).toMatchObject({ rows: { expired: 5, protectedByHold: 2, toPurge: 3, exact: true } });
  await q(`INSERT INTO legal_holds VALUES ('cart_items', '14')`); // after the plan: the batches still see it
  const result = await purgeRetention(client, plan, { batchSize: 2, sleepCoefficient: 0 });
  expect(result.outcome).toBe('complete');
  const ids = async (table: string) =>
    (await q<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);
  expect(await ids('carts')).toEqual([2, 3, 4]);
  expect(await ids('cart_items')).toEqual([12, 13, 14]);
  expect(await ids('item_notes')).toEqual([23]);
  // A cascade back into its own table reaches a depth no fixed join can check holds at: that rule is refused while
  // holds exist; the policy's other rules still run, and the run fails naming the refusal.
  await q(`CREATE TABLE cart_comments (id int PRIMARY KEY, cart_id int REFERENCES carts ON DELETE CASCADE,
                                        parent_id int REFERENCES cart_comments ON DELETE CASCADE)`);
  const both = await parsePolicy(
    'version: 1\nholds:\n  - table: legal_holds\ndata:\n  - name: carts\n    table: carts\n    by: created_at\n    keep: 365d\n  - name: audit\n    table: audit_log\n    by: created_at\n    keep: 365d\n',
    'retention.yml',
  );
  const message =
    "Rule 'carts' (line 5) deletes rows of carts, and ON DELETE CASCADE deletes rows with them along a cycle (carts → cart_comments (cart_comments_cart_id_fkey) → cart_comments (cart_comments_parent_id_fkey)), to a depth legal holds cannot be checked at: nothing of it was deleted";
  const refusedPlan = await planRetention(client, both, NOW);
  expect(refusedPlan.skipped).toEqual([{ rule: 'carts', reason: `refused: ${message}` }]);
  expect(refusedPlan.rules.map((r) => r.rule)).toEqual(['audit']);
  const refusedRun = await purgeRetention(client, refusedPlan, { sleepCoefficient: 0 });
  expect(refusedRun).toMatchObject({ outcome: 'failed', error: { code: 'CHECK_FAILED', message } });
  expect(refusedRun.rules.map((r) => [r.rule, r.rows])).toEqual([['audit', 79 - 3]]); // 130, 150 and 170 are held
  expect(await ids('carts')).toEqual([2, 3, 4]);
  await q('DROP TABLE cart_comments, item_notes, cart_items, carts');
});

test('after the first batch nothing throws: a failing progress callback ends the run with what committed', async () => {
  const result = await purgeRetention(client, policy, {
    now: NOW,
    rules: ['audit-logs'],
    batchSize: 10,
    sleepCoefficient: 0,
    onBatch: (e) => {
      if (e.batch === 2) throw new Error('the receipt store is gone');
    },
  });
  expect(result.outcome).toBe('failed');
  expect(result.error?.message).toMatch(
    /^Rule 'audit-logs' on audit_log: the receipt store is gone; 20 rows in 2 committed batches stay deleted$/,
  );
  expect(result.rules[0]).toMatchObject({ rows: 20, batches: 2, complete: false });
  expect((await auditIds()).length).toBe(180);
});

test('keep-at-least: 2y is two calendar years across a 29 February: a row 2 × 365 + 0.5 days old stays', async () => {
  // 2 calendar years before 2026-02-01 is 2024-02-01, 731 days (2024-02-29 lies between); 2 × 365 days would put
  // the floor at 2024-02-02 and let the purge delete the row of 2024-02-01 12:00.
  const now = new Date('2026-02-01T00:00:00Z');
  const text = `version: 1
data:
  - name: ledger
    table: ledger
    by: booked_at
    keep: 2y
minimums:
  - table: public.ledger
    keep-at-least: 2y
`;
  const filed = await parsePolicy(text, 'retention.yml');
  // The rule's own 2y is calendar years too; in code it may be shorter, and the minimum's floor still holds.
  const short: DataRetentionPolicy = {
    ...filed,
    data: [{ ...filed.data[0]!, keep: { years: 0, seconds: 30 * 86400 } } as DataRetentionPolicy['data'][number]],
  };
  await q(`DROP TABLE IF EXISTS ledger;
    CREATE TABLE ledger (id int PRIMARY KEY, booked_at timestamptz NOT NULL);
    INSERT INTO ledger VALUES (1, '2025-10-24T00:00:00Z'), (2, '2024-02-01T12:00:00Z'), (3, '2024-01-31T12:00:00Z');`);
  try {
    const ledgerIds = async () => (await q<{ id: number }>('SELECT id FROM ledger ORDER BY id')).map((r) => r.id);
    const [own] = (await planRetention(client, filed, now)).rules;
    expect(own).toMatchObject({
      cutoff: '2024-02-01T00:00:00.000Z',
      effectiveCutoff: '2024-02-01T00:00:00.000Z',
      minimumSeconds: 731 * 86400,
      rows: { expired: 1, protectedByMinimum: 0, toPurge: 1, exact: true },
    });

    const plan = await planRetention(client, short, now);
    expect(plan.rules[0]).toMatchObject({
      cutoff: '2026-01-02T00:00:00.000Z',
      effectiveCutoff: '2024-02-01T00:00:00.000Z',
      rows: { expired: 3, protectedByMinimum: 2, toPurge: 1, exact: true },
    });
    const result = await purgeRetention(client, plan, { batchSize: 10, sleepCoefficient: 0 });
    expect(result.outcome).toBe('complete');
    expect(result.rules[0]).toMatchObject({ rule: 'ledger', rows: 1 });
    expect(await ledgerIds()).toEqual([1, 2]);
  } finally {
    await q('DROP TABLE IF EXISTS ledger');
  }
});
