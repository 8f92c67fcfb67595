// `dbops subject erase` over foreign keys that lead back into a table the erase already follows (a cycle, which the
// subject graph names but does not follow): ON DELETE CASCADE along one would delete other subjects' rows, held or
// not, unseen by the receipt, so the erase is refused before anything is deleted; the subject's own rows hanging on
// it (a reply to its own comment) do not count; SET NULL detaches the other rows and the result lists them.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

let server: PostgresServer;
let policy: string;

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => server.query<T>(sql, params, DB);
const erase = (id: string, ...extra: string[]) =>
  runCli([
    'subject',
    'erase',
    '--policy',
    policy,
    '--table',
    'users',
    '--id',
    id,
    '--json',
    ...extra,
    '--database-url',
    server.url(DB),
  ]);
const ids = async (table: string) =>
  (await q<{ id: number }>(`SELECT id::int FROM ${table} ORDER BY id`)).map((r) => r.id);

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  const dir = await mkdtemp(join(tmpdir(), 'dbops-subject-cycles-'));
  policy = join(dir, 'retention.yml');
  await writeFile(policy, POLICY);
  await q(`CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE users (id bigint PRIMARY KEY, deleted_at timestamptz,
                        referred_by bigint REFERENCES users (id) ON DELETE CASCADE,
                        mentor_id bigint REFERENCES users (id) ON DELETE SET NULL);
    CREATE TABLE orders (id int PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE);
    CREATE TABLE comments (id int PRIMARY KEY, author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                           parent_id int REFERENCES comments (id) ON DELETE CASCADE);
    INSERT INTO users (id) VALUES (1), (3), (4), (5), (6);
    -- User 2 (held, with an order) was referred by user 1; user 7 is mentored by user 6.
    INSERT INTO users (id, referred_by) VALUES (2, 1);
    INSERT INTO users (id, mentor_id) VALUES (7, 6);
    INSERT INTO orders VALUES (10, 1), (20, 2);
    -- User 4 replied to user 3's comment; user 5 replied only to their own.
    INSERT INTO comments VALUES (30, 3, NULL), (31, 4, 30), (50, 5, NULL), (51, 5, 50);
    INSERT INTO legal_holds VALUES ('users', '2');`);
});

afterAll(async () => {
  await server?.stop();
});

it('refuses an erase whose delete would cascade along a self-reference into another, held subject, dry run and apply alike', async () => {
  for (const extra of [[], ['--apply']]) {
    const { code, stderr } = await erase('1', ...extra);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'error [CHECK_FAILED]: Erasing subject 1 of users: 1 row(s) of users that the erase does not delete first reference its rows in users through users_referred_by_fkey, which is ON DELETE CASCADE',
    );
    expect(stderr).toContain('nothing was erased');
    expect(stderr).toContain('Make users_referred_by_fkey ON DELETE RESTRICT or NO ACTION');
  }
  expect(await ids('users')).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(await ids('orders')).toEqual([10, 20]);
});

it("refuses an erase that would cascade into another subject's reply, and erases one whose replies are its own", async () => {
  const refused = await erase('3', '--apply');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(
    '1 row(s) of comments that the erase does not delete first reference its rows in comments through comments_parent_id_fkey, which is ON DELETE CASCADE',
  );
  expect(await ids('comments')).toEqual([30, 31, 50, 51]);
  const erased = await erase('5', '--apply');
  expect(erased.stderr).not.toContain('error');
  expect(erased.code).toBe(0);
  expect(JSON.parse(erased.stdout)).toMatchObject({ dryRun: false, tombstones: 1 + 2 });
  expect(await ids('comments')).toEqual([30, 31]);
  expect(await ids('users')).toEqual([1, 2, 3, 4, 6, 7]);
});

it('lists the rows a SET NULL self-reference detaches, and keeps them', async () => {
  const { code, stdout, stderr } = await erase('6', '--apply');
  expect(stderr).not.toContain('error');
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(json.tables).toContainEqual(
    expect.objectContaining({ table: 'users', constraint: 'users_mentor_id_fkey', action: 'set null', rows: 1 }),
  );
  expect(await q('SELECT id::int, mentor_id FROM users WHERE id = 7')).toEqual([{ id: 7, mentor_id: null }]);
});

it('refuses, dry run and apply alike, an erase a NO ACTION self-reference would fail', async () => {
  // User 8 has an approver, user 9, through a NO ACTION key: deleting 9 would fail on 8's row.
  await q(`ALTER TABLE users ADD COLUMN approved_by bigint REFERENCES users (id);
    INSERT INTO users (id) VALUES (9);
    INSERT INTO users (id, approved_by) VALUES (8, 9);`);
  for (const extra of [[], ['--apply']]) {
    const { code, stderr } = await erase('9', ...extra);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'error [CHECK_FAILED]: Erasing subject 9 of users: 1 row(s) of users that the erase does not delete first reference its rows in users through users_approved_by_fkey, which is ON DELETE NO ACTION: the erase would fail on them; nothing was erased',
    );
  }
  expect(await ids('users')).toContain(9);
  await q('DELETE FROM users WHERE id IN (8, 9); ALTER TABLE users DROP COLUMN approved_by');
});
