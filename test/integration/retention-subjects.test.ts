// `dbops subject export` / `dbops subject erase` on a real PostgreSQL server: the export follows foreign keys through
// schemas and a composite key, with and without ON DELETE CASCADE, into one JSON document; an erase dry run changes
// nothing; an applied erase removes the subject and its dependants (a SET NULL dependant stays, detached), records
// salted tombstones and a receipt retention-verify accepts; anonymize rewrites the listed columns only; a held
// subject (or a held dependant) is refused with nothing changed; an unknown table or id names the input.
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from '../harness/cli.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const DB = 'app';

const POLICY = `version: 1
holds:
  - table: legal_holds
data:
  - name: deleted-accounts
    table: users
    soft-delete: deleted_at
    grace: 30d
    then: erase
`;

const ANONYMIZE_POLICY = `version: 1
holds:
  - table: legal_holds
data:
  - name: deleted-accounts
    table: users
    soft-delete: deleted_at
    grace: 30d
    then: anonymize
    anonymize: { email: 'erased@example.invalid', name: null }
`;

let server: PostgresServer;
let dir: string;
let policy: string;
let anonymizePolicy: string;
let receipts: string;

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => server.query<T>(sql, params, DB);
const cli = (...args: string[]) => runCli([...args, '--database-url', server.url(DB)]);

async function counts(): Promise<Record<string, number>> {
  const rows = await q<{ t: string; n: number }>(`
    SELECT 'users' AS t, count(*)::int AS n FROM users UNION ALL
    SELECT 'orders', count(*)::int FROM shop.orders UNION ALL
    SELECT 'order_items', count(*)::int FROM shop.order_items UNION ALL
    SELECT 'item_notes', count(*)::int FROM item_notes UNION ALL
    SELECT 'sessions', count(*)::int FROM sessions UNION ALL
    SELECT 'referrals', count(*)::int FROM referrals`);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  dir = await mkdtemp(join(tmpdir(), 'dbops-subjects-'));
  policy = join(dir, 'retention.yml');
  anonymizePolicy = join(dir, 'anonymize.yml');
  receipts = join(dir, 'receipts');
  await writeFile(policy, POLICY);
  await writeFile(anonymizePolicy, ANONYMIZE_POLICY);
  await q(`CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE SCHEMA shop;
    CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, deleted_at timestamptz,
                        avatar bytea, balance numeric(20,2), big bigint, created_at timestamptz NOT NULL,
                        referred_by bigint REFERENCES users (id));
    -- No cascade: the erase must delete orders before their user.
    CREATE TABLE shop.orders (id int PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total numeric);
    CREATE TABLE shop.order_items (order_id int NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE,
                                   line int NOT NULL, sku text, PRIMARY KEY (order_id, line));
    -- A composite foreign key, and a table without a primary key of its own.
    CREATE TABLE item_notes (order_id int, line int, note text,
                             FOREIGN KEY (order_id, line) REFERENCES shop.order_items (order_id, line));
    CREATE TABLE sessions (token text PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE);
    CREATE TABLE referrals (id int PRIMARY KEY, referrer_id bigint REFERENCES users (id) ON DELETE SET NULL);
    INSERT INTO users VALUES
      (42, 'ada@example.com', 'Ada', now() - interval '40 days', '\\x00ff10', 12345678901234567.89, 9007199254740993,
       '2026-01-02 03:04:05.123456+00'),
      (7, 'held@example.com', 'Held', NULL, NULL, 1, 1, now()),
      (8, 'dep@example.com', 'Dep', NULL, NULL, 1, 1, now()),
      (9, 'anon@example.com', 'Anon', NULL, NULL, 1, 1, now()),
      (10, 'other@example.com', 'Other', NULL, NULL, 1, 1, now()),
      (11, 'friend@example.com', 'Friend', NULL, NULL, 1, 1, now());
    -- A cycle: users referring users is named by the export, not followed; it blocks erasing user 10.
    UPDATE users SET referred_by = 10 WHERE id = 11;
    INSERT INTO shop.orders VALUES (1, 42, 10.50), (2, 42, 3), (3, 10, 1), (4, 8, 1);
    INSERT INTO shop.order_items VALUES (1, 1, 'a'), (1, 2, 'b'), (2, 1, 'c'), (3, 1, 'd'), (4, 1, 'e');
    INSERT INTO item_notes VALUES (1, 2, 'gift'), (3, 1, 'other');
    INSERT INTO sessions VALUES ('s1', 42), ('s2', 10);
    INSERT INTO referrals VALUES (1, 42), (2, 10);
    INSERT INTO legal_holds VALUES ('users', '7'), ('shop.orders', '4');`);
});

afterAll(async () => {
  await server?.stop();
});

const BEFORE = { users: 6, orders: 4, order_items: 5, item_notes: 2, sessions: 2, referrals: 2 };

it('exports a subject and every row referencing it, through schemas and a composite key, as one JSON document', async () => {
  const { code, stdout, stderr } = await cli('subject', 'export', '--policy', policy, '--table', 'users', '--id', '42');
  expect(code).toBe(0);
  const doc = JSON.parse(stdout);
  expect(doc).toMatchObject({ format: 'dbops.subject-export/1', subject: { table: 'users', id: '42' } });
  const byTable = Object.fromEntries(doc.tables.map((t: { table: string }) => [t.table, t]));
  expect(Object.keys(byTable).sort()).toEqual([
    'item_notes',
    'referrals',
    'sessions',
    'shop.order_items',
    'shop.orders',
    'users',
  ]);
  // Types JSON cannot hold: bytea as base64, numeric as exact text, bigint exact, timestamps ISO 8601 in UTC.
  expect(byTable.users.rows).toEqual([
    expect.objectContaining({
      id: 42,
      email: 'ada@example.com',
      avatar: { $binary: 'AP8Q' },
      balance: '12345678901234567.89',
      created_at: '2026-01-02T03:04:05.123456+00:00',
    }),
  ]);
  expect(stdout).toContain('"big":9007199254740993'); // exact in the document, whatever JSON.parse makes of it
  expect(byTable['shop.orders']).toMatchObject({ constraint: 'orders_user_id_fkey', references: 'users' });
  expect(byTable['shop.orders'].rows.map((r: { id: number }) => r.id)).toEqual([1, 2]);
  expect(byTable['shop.orders'].rows[0].total).toBe('10.50');
  expect(byTable['shop.order_items'].rows.map((r: { sku: string }) => r.sku)).toEqual(['a', 'b', 'c']);
  expect(byTable.item_notes.rows).toEqual([{ order_id: 1, line: 2, note: 'gift' }]);
  expect(byTable.sessions.rows).toEqual([{ token: 's1', user_id: 42 }]);
  expect(byTable.referrals.rows).toEqual([{ id: 1, referrer_id: 42 }]);
  expect(doc.notFollowed).toEqual([{ table: 'users', constraint: 'users_referred_by_fkey', references: 'users' }]);
  // The summary goes to stderr, so stdout is the document alone; it names tables, never values.
  expect(stderr).toContain('6 tables exported');
  expect(stderr).not.toContain('ada@example.com');

  const file = join(dir, 'export.json');
  const written = await cli('subject-export', '--policy', policy, '--table', 'users', '--id', '42', '--to', file);
  expect(written.code).toBe(0);
  expect(JSON.parse(await readFile(file, 'utf8')).tables).toHaveLength(6);
  expect(written.stdout).toContain(file);
  // A file that cannot be written names the input; nothing is left under its name.
  const bad = join(dir, 'missing-dir', 'export.json');
  const refused = await cli('subject', 'export', '--policy', policy, '--table', 'users', '--id', '42', '--to', bad);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("Input 'to' could not be written");
  // The password of database-url appears nowhere.
  for (const text of [stdout, stderr, written.stdout, written.stderr, refused.stderr])
    expect(text).not.toContain(server.password);
});

it('names the input for an unknown table, an id of the wrong type and an id that matches no row', async () => {
  const table = await cli('subject', 'export', '--policy', policy, '--table', 'nosuch', '--id', '1');
  expect(table.code).toBe(2);
  expect(table.stderr).toContain("Input 'table' names 'nosuch', which is not a table in the database");
  const typed = await cli('subject', 'erase', '--policy', policy, '--table', 'users', '--id', 'abc');
  expect(typed.code).toBe(2);
  expect(typed.stderr).toContain("Input 'id' 'abc' is not a value of users's primary key (id bigint)");
  const missing = await cli('subject', 'export', '--policy', policy, '--table', 'users', '--id', '4242');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("Input 'id' '4242' matches no row of users");
  const noRule = await cli('subject', 'erase', '--policy', policy, '--table', 'sessions', '--id', 's2');
  expect(noRule.code).toBe(2);
  expect(noRule.stderr).toContain("Input 'table' names sessions, which no soft-delete rule of the policy covers");
  expect(await counts()).toEqual(BEFORE);
});

it('refuses a subject under legal hold, and an erase that would delete a held dependant', async () => {
  const exported = await cli('subject', 'export', '--policy', policy, '--table', 'users', '--id', '7');
  expect(exported.code).toBe(1);
  expect(exported.stdout).toBe('');
  expect(exported.stderr).toContain('Subject 7 of users is under legal hold');
  const erased = await cli('subject', 'erase', '--policy', policy, '--table', 'users', '--id', '7', '--apply');
  expect(erased.code).toBe(1);
  expect(erased.stderr).toContain('Subject 7 of users is under legal hold');
  const dependant = await cli('subject', 'erase', '--policy', policy, '--table', 'users', '--id', '8', '--apply');
  expect(dependant.code).toBe(1);
  expect(dependant.stderr).toContain('1 of its dependant rows in shop.orders are held');
  expect(await counts()).toEqual(BEFORE);
});

it('refuses an erase that would delete rows a compliance minimum protects, dry run and apply alike', async () => {
  const floored = join(dir, 'floored.yml');
  await writeFile(floored, `${POLICY}minimums:\n  - table: shop.orders\n    keep-at-least: 6y\n`);
  for (const extra of [[], ['--apply']]) {
    const erased = await cli('subject', 'erase', '--policy', floored, '--table', 'users', '--id', '42', ...extra);
    expect(erased.code).toBe(1);
    expect(erased.stderr).toContain(
      'Subject 42 of users: the erase would delete rows that a compliance minimum protects (2 in shop.orders (minimum for shop.orders on line 11: keep-at-least 6y)): nothing was erased',
    );
  }
  // A subject with no rows there is erased as before (a dry run here), and the export is never refused.
  const other = await cli('subject', 'erase', '--policy', floored, '--table', 'users', '--id', '9', '--json');
  expect(other.code).toBe(0);
  const exported = await cli('subject', 'export', '--policy', floored, '--table', 'users', '--id', '42');
  expect(exported.code).toBe(0);
  expect(await counts()).toEqual(BEFORE);
});

it('refuses an erase when two soft-delete rules cover the table: which then applies is not guessed', async () => {
  const split = join(dir, 'split.yml');
  await writeFile(
    split,
    `${POLICY}  - name: deleted-staff\n    table: users\n    soft-delete: deleted_at\n    grace: 90d\n    then: anonymize\n    anonymize: { name: null }\n    where: email LIKE '%@staff.example'\n`,
  );
  const erased = await cli('subject', 'erase', '--policy', split, '--table', 'users', '--id', '42');
  expect(erased.code).toBe(2);
  expect(erased.stderr).toContain(
    "has 2 soft-delete rules on users ('deleted-accounts' on line 5, 'deleted-staff' on line 10), so which one's then applies to a subject is ambiguous",
  );
  expect(await counts()).toEqual(BEFORE);
});

it('counts in a dry run (the default) and changes nothing', async () => {
  const { code, stdout } = await cli(
    'subject',
    'erase',
    '--policy',
    policy,
    '--table',
    'users',
    '--id',
    '42',
    '--json',
  );
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(json).toMatchObject({ dryRun: true, action: 'erase', rule: 'deleted-accounts', tombstones: 0 });
  expect(json.receipt).toBeUndefined();
  const rows = Object.fromEntries(
    json.tables.map((t: { table: string; action: string; rows: number }) => [`${t.table} ${t.action}`, t.rows]),
  );
  expect(rows).toEqual({
    'users delete': 1,
    'shop.orders delete': 2,
    'shop.order_items delete': 3,
    'item_notes delete': 1,
    'sessions delete': 1,
    'referrals set null': 1,
  });
  expect(await counts()).toEqual(BEFORE);
  expect(await q("SELECT to_regclass('dbops_retention_tombstones') AS t")).toEqual([{ t: null }]);
});

it('erases the subject and its dependants in one transaction, with tombstones and a receipt retention-verify accepts', async () => {
  const { code, stdout, stderr } = await cli(
    'subject',
    'erase',
    '--policy',
    policy,
    '--table',
    'users',
    '--id',
    '42',
    '--apply',
    '--receipts-to',
    receipts,
    '--json',
  );
  expect(stderr).not.toContain('error');
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(json).toMatchObject({ dryRun: false, tombstones: 1 + 2 + 3 + 1 });
  expect(await counts()).toEqual({ users: 5, orders: 2, order_items: 2, item_notes: 1, sessions: 1, referrals: 2 });
  expect(await q('SELECT referrer_id FROM referrals WHERE id = 1')).toEqual([{ referrer_id: null }]);
  // Tombstones: salted hashes per table, no key or value in them.
  const tombstones = await q<{ table_schema: string; table_name: string; n: number }>(
    `SELECT table_schema, table_name, count(*)::int AS n FROM dbops_retention_tombstones GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  expect(tombstones).toEqual([
    { table_schema: 'public', table_name: 'sessions', n: 1 },
    { table_schema: 'public', table_name: 'users', n: 1 },
    { table_schema: 'shop', table_name: 'order_items', n: 3 },
    { table_schema: 'shop', table_name: 'orders', n: 2 },
  ]);
  const text = await readFile(json.receipt.location, 'utf8');
  expect(JSON.parse(text)).toMatchObject({ operation: 'subject-erase', sequence: 1, policy: 'retention' });
  expect(text).not.toMatch(/ada@|"42"/);
  // The subject's own entry (one key) is keyed with the tombstones' salt: trying ids against the receipts alone
  // cannot confirm who was erased; whoever holds the database can recompute it.
  const own = JSON.parse(text).rules.find((r: { table: string }) => r.table === 'users');
  const [{ salt }] = (await q<{ salt: string }>('SELECT salt FROM dbops_retention_salt')) as [{ salt: string }];
  expect(own.keysSha256).not.toBe(createHash('sha256').update('42\n').digest('hex'));
  expect(own.keysSha256).toBe(createHmac('sha256', salt).update('42\n').digest('hex'));
  expect(await q('SELECT sequence FROM dbops_retention_receipts')).toEqual([{ sequence: 1 }]);
  const verify = await runCli(['retention-verify', '--receipts', receipts]);
  expect(verify.stderr).toBe('');
  expect(verify.code).toBe(0);
  expect(verify.stdout).toContain('1 receipts, every link intact');
});

it('stops at lock-timeout when a table it erases from is locked, with nothing changed', async () => {
  const before = await counts();
  const locker = new pg.Client({ connectionString: server.url(DB) });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE shop.order_items IN ACCESS EXCLUSIVE MODE');
    const { code, stderr } = await cli(
      'subject',
      'erase',
      '--policy',
      policy,
      '--table',
      'users',
      '--id',
      '10',
      '--apply',
      '--lock-timeout',
      '300ms',
    );
    expect(code).toBe(1);
    expect(stderr).toContain(
      'error [TIMEOUT]: Erasing subject 10 of users: a row or table was locked longer than lock-timeout; nothing was erased',
    );
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
  expect(await counts()).toEqual(before);
});

it('erases all or nothing: a row outside the followed keys that blocks the last delete rolls back the dependants too', async () => {
  const before = await counts();
  const { code, stderr } = await cli(
    'subject',
    'erase',
    '--policy',
    policy,
    '--table',
    'users',
    '--id',
    '10',
    '--apply',
  );
  expect(code).toBe(1);
  expect(stderr).toContain('Erasing subject 10 of users');
  expect(stderr).toContain('users_referred_by_fkey');
  expect(stderr).toContain('nothing was erased');
  expect(await counts()).toEqual(before);
  expect(await q('SELECT count(*)::int AS n FROM shop.orders WHERE user_id = 10')).toEqual([{ n: 1 }]);
});

it('anonymizes only the listed columns of the subject with a then: anonymize rule', async () => {
  const { code, stdout } = await cli(
    'subject',
    'erase',
    '--policy',
    anonymizePolicy,
    '--table',
    'public.users',
    '--id',
    '9',
    '--dry-run',
    'false',
    '--json',
  );
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({
    action: 'anonymize',
    tables: [{ table: 'users', action: 'anonymize', rows: 1 }],
  });
  expect(await q('SELECT email, name FROM users WHERE id = 9')).toEqual([
    { email: 'erased@example.invalid', name: null },
  ]);
  expect(await q('SELECT email FROM users WHERE id = 10')).toEqual([{ email: 'other@example.com' }]);
  // Without receipts-to the receipt goes to the receipts table alone, in the chain of its policy file's name.
  const chains = await q<{ policy: string; sequence: number; previous_sha256: string | null }>(
    'SELECT policy, sequence, previous_sha256 FROM dbops_retention_receipts ORDER BY policy',
  );
  expect(chains).toEqual([
    { policy: 'anonymize', sequence: 1, previous_sha256: null },
    { policy: 'retention', sequence: 1, previous_sha256: null },
  ]);
  // A second erasure of the same policy links to the first, read from the table.
  const again = await cli(
    'subject',
    'erase',
    '--policy',
    anonymizePolicy,
    '--table',
    'users',
    '--id',
    '10',
    '--apply',
    '--json',
  );
  expect(again.code).toBe(0);
  const [first] = await q<{ sha256: string }>(
    "SELECT sha256 FROM dbops_retention_receipts WHERE policy = 'anonymize' AND sequence = 1",
  );
  expect(JSON.parse(again.stdout).receipt).toMatchObject({ sequence: 2, table: 'public.dbops_retention_receipts' });
  expect(
    await q("SELECT previous_sha256 FROM dbops_retention_receipts WHERE policy = 'anonymize' AND sequence = 2"),
  ).toEqual([{ previous_sha256: first!.sha256 }]);
});

it('anonymizes as a role without CREATE on the schema once dbops tables exist', async () => {
  // The tables exist (the test above); the role may read the salt and holds, update users, append receipts.
  await q(`CREATE ROLE anonymizer LOGIN PASSWORD 'anon-pw';
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    GRANT USAGE ON SCHEMA shop TO anonymizer;
    GRANT SELECT, UPDATE ON users TO anonymizer;
    GRANT SELECT ON legal_holds, dbops_retention_salt TO anonymizer;
    GRANT SELECT, INSERT ON dbops_retention_receipts TO anonymizer;`);
  const { code, stderr } = await runCli([
    'subject',
    'erase',
    '--policy',
    anonymizePolicy,
    '--table',
    'users',
    '--id',
    '11',
    '--apply',
    '--database-url',
    server.url(DB, 'anonymizer', 'anon-pw'),
  ]);
  expect(stderr).not.toContain('permission denied');
  expect(code).toBe(0);
  expect(await q('SELECT email, name FROM users WHERE id = 11')).toEqual([
    { email: 'erased@example.invalid', name: null },
  ]);
});
