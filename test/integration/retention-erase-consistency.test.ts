// Subject erase and purge agree on what protects a row (issue 16 review), on a real PostgreSQL server: a minimum
// named as the search_path resolves it, a hold on a timestamptz key written in the database's own time zone, a hold
// committed while the erase runs (an anonymizing erase too: its UPDATE carries the hold condition itself); and the purge's tombstones and receipt hashes are in UTC whatever the database's
// TimeZone, so restore-test (which hashes in UTC) finds an erased row that comes back with a backup.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { planRetention } from '../../packages/core/src/data-retention/plan.js';
import { purgeRetention } from '../../packages/core/src/data-retention/purge.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { eraseSubject } from '../../packages/core/src/data-retention/subject-erase.js';
import { subjectScope } from '../../packages/core/src/data-retention/subject-scope.js';
import { anonymizeRowSql } from '../../packages/core/src/databases/postgres/subject-rows.js';
import { checkTombstones } from '../../packages/core/src/databases/postgres/tombstone-check.js';
import type { BackupManifest } from '../../packages/core/src/manifest/manifest.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

let server: PostgresServer;
const clients: pg.Client[] = [];

/** A database of its own per test, with the settings a session there gets by default. */
async function database(name: string, settings: string): Promise<(sql: string, params?: unknown[]) => Promise<any[]>> {
  await server.createDatabase(name);
  await server.query(`ALTER DATABASE ${name} ${settings}`);
  return (sql, params) => server.query(sql, params, name);
}

async function connect(name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.url(name) });
  await client.connect();
  clients.push(client);
  return client;
}

const ERASE_POLICY = `version: 1
holds:
  - table: legal_holds
data:
  - name: deleted-accounts
    table: users
    soft-delete: deleted_at
    grace: 30d
    then: erase
`;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  for (const client of clients) await client.end().catch(() => undefined);
  await server?.stop();
});

it('refuses an erase into a table a minimum names by a bare name the search_path resolves outside public', async () => {
  const q = await database('minimums', 'SET search_path = app, public');
  await q(`CREATE SCHEMA app;
    CREATE TABLE public.legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE public.users (id int PRIMARY KEY, deleted_at timestamptz);
    CREATE TABLE app.invoices (id int PRIMARY KEY, user_id int NOT NULL REFERENCES public.users (id));
    INSERT INTO public.users VALUES (1, now() - interval '40 days');
    INSERT INTO app.invoices VALUES (10, 1), (11, 1);`);
  const policy = await parsePolicy(`${ERASE_POLICY}minimums:\n  - table: invoices\n    keep-at-least: 6y\n`, 'r.yml');
  const client = await connect('minimums');
  // The purge honours this minimum (targets.ts resolves its name); the erase, dry run and apply alike, does too.
  for (const dryRun of [true, false])
    await expect(eraseSubject(client, policy, { table: 'users', id: '1', dryRun })).rejects.toMatchObject({
      code: 'CHECK_FAILED',
      message: expect.stringContaining('2 in invoices (minimum for invoices on line 11: keep-at-least 6y)'),
    });
  expect(await q('SELECT id FROM app.invoices ORDER BY id')).toEqual([{ id: 10 }, { id: 11 }]);
  expect(await q('SELECT id FROM public.users')).toEqual([{ id: 1 }]);
});

it("holds a timestamptz key against the erase as the database's own time zone writes it, as the purge does", async () => {
  const q = await database('zones', "SET TimeZone = 'Europe/Berlin'");
  await q(`CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE users (id int PRIMARY KEY, deleted_at timestamptz);
    CREATE TABLE visits (user_id int NOT NULL REFERENCES users (id), at timestamptz NOT NULL, PRIMARY KEY (user_id, at));
    INSERT INTO users VALUES (1, now() - interval '40 days');
    INSERT INTO visits VALUES (1, '2026-01-01 12:00Z'), (1, '2026-01-02 12:00Z');
    -- Written from a session on the database's zone: (1,"2026-01-01 13:00:00+01").
    INSERT INTO legal_holds SELECT 'visits', ROW(user_id, at)::text FROM visits WHERE at = '2026-01-01 12:00Z';`);
  expect(await q('SELECT subject_id FROM legal_holds')).toEqual([{ subject_id: '(1,"2026-01-01 13:00:00+01")' }]);
  const client = await connect('zones');
  const policy = await parsePolicy(ERASE_POLICY, 'r.yml');
  await expect(eraseSubject(client, policy, { table: 'users', id: '1', dryRun: false })).rejects.toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining('1 of its dependant rows in visits are held'),
  });
  expect(await q('SELECT count(*)::int AS n FROM visits')).toEqual([{ n: 2 }]);
});

it("hashes a purge's erased timestamptz keys in UTC in a database on another zone: restore-test finds them", async () => {
  const q = await database('tombstones', "SET TimeZone = 'Europe/Berlin'");
  await q(`CREATE TABLE events (id int, at timestamptz, deleted_at timestamptz, PRIMARY KEY (id, at));
    INSERT INTO events VALUES (1, '2026-01-01 12:00Z', now() - interval '40 days'),
                              (2, '2026-01-02 12:00:00.5Z', now() - interval '40 days');`);
  const policy = await parsePolicy(
    'version: 1\ndata:\n  - name: events\n    table: events\n    soft-delete: deleted_at\n    grace: 30d\n    then: erase\n',
    'r.yml',
  );
  const utcKeys = ['(1,"2026-01-01 12:00:00+00")', '(2,"2026-01-02 12:00:00.5+00")'];
  const receiptHash = (keys: string[]) =>
    createHash('sha256')
      .update(keys.map((k) => `${k}\n`).join(''))
      .digest('hex');
  const client = await connect('tombstones');
  const result = await purgeRetention(client, await planRetention(client, policy, new Date()), { sleepCoefficient: 0 });
  // The receipt hashes the keys as a session on UTC writes them (the same hash a UTC database always got).
  expect(result.rules[0]).toMatchObject({ rows: 2, keysSha256: receiptHash(utcKeys) });
  // The rows come back (a backup taken before the purge, restored): restore-test's replay flags them.
  await q(`INSERT INTO events VALUES (1, '2026-01-01 12:00Z', NULL), (2, '2026-01-02 12:00:00.5Z', NULL)`);
  const manifest = { startedAt: new Date().toISOString() } as BackupManifest;
  const check = await checkTombstones(client, manifest);
  expect(check).toMatchObject({ passed: false, detail: expect.stringContaining('public.events: 2') });
});

it('keeps a row a legal hold placed while the erase runs names: the erase fails whole, nothing erased', async () => {
  const q = await database('race', 'SET TimeZone = UTC');
  await q(`CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE users (id int PRIMARY KEY, deleted_at timestamptz);
    CREATE TABLE invoices (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users (id));
    INSERT INTO users VALUES (1, now() - interval '40 days'), (2, now() - interval '40 days');
    INSERT INTO invoices VALUES (10, 1), (20, 2);`);
  const client = await connect('race');
  const policy = await parsePolicy(ERASE_POLICY, 'r.yml');
  // After the plan (holds checked, none) and the invoices' DELETE, another session commits a hold on the subject.
  const placed: string[] = [];
  const erase = eraseSubject(client, policy, {
    table: 'users',
    id: '1',
    dryRun: false,
    onBatch: async ({ table }) => {
      placed.push(table);
      if (table === 'invoices') await q("INSERT INTO legal_holds VALUES ('users', '1')");
    },
  });
  await expect(erase).rejects.toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining('a legal hold placed during the erase names 1 of its rows in users'),
  });
  expect(placed).toEqual(['invoices']);
  // Rolled back whole: the held subject and its invoice stay, and no tombstone says otherwise.
  expect(await q('SELECT id FROM users ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  expect(await q('SELECT id FROM invoices ORDER BY id')).toEqual([{ id: 10 }, { id: 20 }]);
  expect(await q("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'dbops_retention_tombstones'")).toEqual([
    { n: 0 },
  ]);
  // Without a hold the same erase goes through, and its tables match what was deleted.
  const erased = await eraseSubject(client, policy, { table: 'users', id: '2', dryRun: false });
  expect(erased.tables.map((t) => [t.table, t.rows])).toEqual([
    ['invoices', 1],
    ['users', 1],
  ]);
  expect(await q('SELECT id FROM users ORDER BY id')).toEqual([{ id: 1 }]);
});

// The erase policy with a second hold source and `then: anonymize`.
const ANONYMIZE_POLICY = ERASE_POLICY.replace(
  '  - table: legal_holds\n',
  "  - table: legal_holds\n  - query: SELECT subject_table, subject_id FROM late_holds WHERE current_query() LIKE 'UPDATE %'\n",
).replace('then: erase', "then: anonymize\n    anonymize: { email: 'erased@example.invalid' }");

it('leaves a row alone whose hold exists when the anonymizing UPDATE runs, though not when the subject was checked', async () => {
  const q = await database('anonymize_race', 'SET TimeZone = UTC');
  await q(`CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE late_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE users (id int PRIMARY KEY, email text, deleted_at timestamptz);
    INSERT INTO users VALUES (1, 'ada@example.com', now() - interval '40 days'),
                             (2, 'bob@example.com', now() - interval '40 days');
    INSERT INTO late_holds VALUES ('users', '1');`);
  const client = await connect('anonymize_race');
  const policy = await parsePolicy(ANONYMIZE_POLICY, 'r.yml');
  // late_holds names subject 1 only to an UPDATE (current_query()): every check before it, which SELECTs, sees no
  // hold; the statement does. A deterministic stand-in for a hold committed between the check and the UPDATE.
  await expect(eraseSubject(client, policy, { table: 'users', id: '1', dryRun: false })).rejects.toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining('a legal hold placed during the erase names it'),
  });
  expect(await q('SELECT id, email FROM users ORDER BY id')).toEqual([
    { id: 1, email: 'ada@example.com' },
    { id: 2, email: 'bob@example.com' },
  ]);
  // The statement itself refuses a held row, whatever checked it before.
  await q("INSERT INTO legal_holds VALUES ('users', '2')");
  await client.query('BEGIN');
  const scope = await subjectScope(client, await parsePolicy(ERASE_POLICY, 'e.yml'), 'users', '1');
  const sql = anonymizeRowSql(scope.graph.nodes, '2', { email: 'erased@example.invalid' }, scope.holdSources);
  expect((await client.query(sql.text, sql.values)).rows).toEqual([]);
  await client.query('COMMIT');
  expect(await q('SELECT email FROM users WHERE id = 2')).toEqual([{ email: 'bob@example.com' }]);
  // Unheld, the same erase anonymizes.
  await q('DELETE FROM late_holds');
  const done = await eraseSubject(client, policy, { table: 'users', id: '1', dryRun: false });
  expect(done.tables).toMatchObject([{ table: 'users', action: 'anonymize', rows: 1 }]);
  expect(await q('SELECT email FROM users WHERE id = 1')).toEqual([{ email: 'erased@example.invalid' }]);
});
