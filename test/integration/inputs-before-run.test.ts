// Every input is checked before the operation changes anything: an invalid comment-on-pr found only after the
// migrations were applied or the rows purged failed the run and lost the report of what it had done.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const DB = 'app';
let server: PostgresServer;
let work: string;

beforeAll(async () => {
  [server, work] = await Promise.all([startPostgres(), mkdtemp(join(tmpdir(), 'dbops-inputs-before-run-'))]);
  await server.createDatabase(DB);
  await server.query(
    `CREATE TABLE audit_log (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
     INSERT INTO audit_log SELECT g, now() - g * interval '10 days' FROM generate_series(1, 100) g;`,
    [],
    DB,
  );
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('retention-purge with dry-run false and comment-on-pr y deletes nothing and names comment-on-pr', async () => {
  const policy = join(work, 'retention.yml');
  await writeFile(
    policy,
    'version: 1\ndata:\n  - name: audit\n    table: audit_log\n    by: created_at\n    keep: 30d\n',
  );
  const receipts = join(work, 'receipts');
  const run = await runCli(
    ['retention-purge', '--policy', policy, '--dry-run', 'false', '--receipts-to', receipts, '--comment-on-pr', 'y'],
    { DATABASE_URL: server.url(DB) },
  );
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^error \[INVALID_INPUT\]: Input 'comment-on-pr'/m);
  const rows = await server.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log', [], DB);
  expect(rows[0]?.n).toBe(100); // 97 rows are older than 30 days: none was purged
  expect(existsSync(receipts) ? await readdir(receipts) : []).toEqual([]);
});

test('migrate-deploy with comment-on-pr y runs no migration command and names comment-on-pr', async () => {
  const project = await mkdtemp(join(work, 'project-'));
  await mkdir(join(project, 'sql'));
  await writeFile(join(project, 'sql', '001_init.sql'), 'create table t (id int);\n');
  const marker = join(work, 'command-ran');
  const run = await runCli(
    [
      'migrate-deploy',
      '--working-directory',
      project,
      '--migrations',
      'sql',
      '--command',
      `touch '${marker}'`,
      '--backup',
      'false',
      '--comment-on-pr',
      'y',
    ],
    { DATABASE_URL: server.url(DB) },
  );
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^error \[INVALID_INPUT\]: Input 'comment-on-pr'/m);
  expect(existsSync(marker)).toBe(false);
});
