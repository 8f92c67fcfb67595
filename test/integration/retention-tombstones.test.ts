// Erasure survives a restore (issue 16, part 7), on a real PostgreSQL server: subject erase and a retention-purge
// erase rule record salted tombstones; restore-test replays them. A backup taken before an erasure passes and says
// how many erased rows it still holds; a backup taken after it that holds an erased subject again (re-inserted behind
// dbops's back before the backup) fails the check, naming the table and the count, never a key or value.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity } from '@dbops/core';
import { runCli } from '../harness/cli.js';
import { erasureChecks } from '../harness/erasure-checks.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const DB = 'app';
const POLICY = `version: 1
data:
  - name: deleted-accounts
    table: users
    soft-delete: deleted_at
    grace: 30d
    then: erase
`;

let server: PostgresServer;
let dir: string;
let backups: string;
let policy: string;
const key = generateIdentity();

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => server.query<T>(sql, params, DB);

const { takeBackup, restoreTest } = erasureChecks({
  url: () => server.url(DB),
  scratchUrl: () => server.url('postgres'),
  backups: () => backups,
  key,
});

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  dir = await mkdtemp(join(tmpdir(), 'dbops-tombstones-'));
  backups = join(dir, 'backups');
  policy = join(dir, 'retention.yml');
  await writeFile(policy, POLICY);
  await q(`CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, deleted_at timestamptz);
    CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users (id), total numeric);
    INSERT INTO users VALUES (1, 'keep@example.com', NULL), (42, 'ada@example.com', now()),
                             (43, 'gone@example.com', now() - interval '40 days');
    INSERT INTO orders VALUES (1, 42, 5), (2, 42, 6), (3, 1, 7);`);
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

let older: string;

async function eraseUser(url: string, id: number): Promise<void> {
  const erase = await runCli([
    'subject',
    'erase',
    '--policy',
    policy,
    '--table',
    'users',
    '--id',
    `${id}`,
    '--apply',
    '--database-url',
    url,
  ]);
  expect(erase.code).toBe(0);
}

it('records tombstones for a subject erase and for a retention-purge erase rule, as salted hashes', async () => {
  older = await takeBackup();
  await eraseUser(server.url(DB), 42);
  const purge = await runCli([
    'retention-purge',
    '--policy',
    policy,
    '--dry-run',
    'false',
    '--receipts-to',
    join(dir, 'receipts'),
    '--database-url',
    server.url(DB),
  ]);
  expect(purge.stderr).not.toContain('error');
  expect(purge.code).toBe(0);
  expect(await q('SELECT id FROM users ORDER BY id')).toEqual([{ id: 1 }]);
  const rows = await q<{ table_name: string; erased_by: string; key_sha256: string }>(
    'SELECT table_name, erased_by, key_sha256 FROM dbops_retention_tombstones ORDER BY erased_by, table_name',
  );
  expect(rows.map((r) => [r.table_name, r.erased_by])).toEqual([
    ['users', 'retention-purge:deleted-accounts'],
    ['orders', 'subject-erase'],
    ['orders', 'subject-erase'],
    ['users', 'subject-erase'],
  ]);
  for (const r of rows) expect(r.key_sha256).toMatch(/^[0-9a-f]{64}$/);
  // Both completed once their transaction had committed (a backup started before that may hold the rows).
  expect(
    await q('SELECT erased_by FROM dbops_retention_tombstones WHERE completed_at IS NULL OR completed_at < erased_at'),
  ).toEqual([]);
  const [salt] = await q<{ salt: string }>('SELECT salt FROM dbops_retention_salt');
  expect(salt!.salt).toMatch(/^[0-9a-f]{64}$/);
});

it('passes a backup older than the erasures and reports how many erased rows it still holds', async () => {
  const { report, check } = await restoreTest(older, { 'tombstones-from': server.url(DB) });
  expect(report.failure).toBeUndefined();
  expect(check).toEqual({
    name: 'erased rows absent',
    passed: true,
    detail:
      '4 tombstones from tombstones-from replayed; this backup predates erasures and still holds those rows (public.orders: 2; public.users: 2) until it rotates out',
  });
  // Without tombstones-from, the old backup has no tombstone table of its own: no check to run.
  expect((await restoreTest(older)).check).toBeUndefined();
});

it('fails a backup newer than an erasure that holds the erased subject again, naming the table and count only', async () => {
  // The subject comes back behind dbops's back (a sync job, a bad import), is backed up, then removed again.
  await q("INSERT INTO users VALUES (42, 'ada@example.com', NULL)");
  const newer = await takeBackup();
  await q('DELETE FROM users WHERE id = 42');
  for (const extra of [{}, { 'tombstones-from': server.url(DB) }]) {
    const { report, check } = await restoreTest(newer, extra);
    expect(check?.passed).toBe(false);
    expect(check?.detail).toContain('rows erased before this backup was taken are in it (public.users: 1)');
    expect(check?.detail).not.toContain('ada@');
    expect(check?.detail).not.toContain('42');
    expect(report.failure?.message).toContain('erased rows absent');
  }
});

it('passes a backup newer than every erasure that holds none of the erased rows', async () => {
  const clean = await takeBackup();
  const { report, check } = await restoreTest(clean);
  expect(report.failure).toBeUndefined();
  expect(check).toEqual({
    name: 'erased rows absent',
    passed: true,
    detail: "4 tombstones from the backup's own tombstone table replayed: no erased row is in the backup",
  });
});

it('an erase rule on a table an ON DELETE CASCADE key references is planned: its dependants go with the row', async () => {
  await q(`INSERT INTO users VALUES (44, 'cascades@example.com', now() - interval '40 days');
    CREATE TABLE sessions (token text PRIMARY KEY, user_id int REFERENCES users (id) ON DELETE CASCADE);
    INSERT INTO sessions VALUES ('s44', 44);`);
  const purge = await runCli(['retention-purge', '--policy', policy, '--database-url', server.url(DB), '--json']);
  expect(purge.code).toBe(0);
  const rule = JSON.parse(purge.stdout).plan.rules.find((r: { rule: string }) => r.rule === 'deleted-accounts');
  expect(rule.dependants).toContainEqual(expect.objectContaining({ table: 'sessions', onDelete: 'cascade' }));
  expect(await q('SELECT count(*)::int AS n FROM sessions')).toEqual([{ n: 1 }]); // a dry run
  await q('DROP TABLE sessions; DELETE FROM users WHERE id = 44');
});

it('fails when tombstones-from is another database: its salt is not the backup’s, so no tombstone could match', async () => {
  // A second database that has erased a subject too: its own random salt, its own tombstones.
  await server.createDatabase('other');
  await server.query(
    `CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, deleted_at timestamptz);
     INSERT INTO users VALUES (1, 'keep@example.com', NULL), (7, 'seven@example.com', NULL);`,
    [],
    'other',
  );
  await eraseUser(server.url('other'), 7);
  const backup = await takeBackup(); // of app, holding app's salt
  const { report, check } = await restoreTest(backup, { 'tombstones-from': server.url('other') });
  expect(check?.passed).toBe(false);
  expect(check?.detail).toMatch(/^tombstones-from is not the backup's source database/);
  expect(report.failure?.message).toContain('erased rows absent');
  // The right database still passes.
  expect((await restoreTest(backup, { 'tombstones-from': server.url(DB) })).check?.passed).toBe(true);
});
