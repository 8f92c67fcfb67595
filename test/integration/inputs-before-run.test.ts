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

describe('migrate-deploy backup-name is a backup name, checked before the backup and the migration', () => {
  const deploy = async (backupName: string) => {
    const project = await mkdtemp(join(work, 'project-'));
    await mkdir(join(project, 'sql'));
    await writeFile(join(project, 'sql', '001_init.sql'), 'create table t (id int);\n');
    const marker = join(project, 'command-ran');
    const backups = join(project, 'backups');
    const run = await runCli(
      [
        'migrate-deploy',
        ...['--working-directory', project, '--migrations', 'sql', '--command', `touch '${marker}'`],
        ...['--backup-to', backups, '--backup-name', backupName, '--compression', 'gzip'],
      ],
      { DATABASE_URL: server.url(DB) },
    );
    return { ...run, ran: existsSync(marker), stored: existsSync(backups) ? await readdir(backups) : [] };
  };

  test.each([
    ['pre-restore/app', /Input 'backup-name' 'pre-restore\/app' is in pre-restore\/, where restores file/],
    ['my app', /Input 'backup-name' 'my app' is not a valid backup name/],
    ['../app', /Input 'backup-name' '\.\.\/app' is not a valid backup name/],
  ])('%s is refused naming backup-name: no backup stored, no migration run', async (name, message) => {
    const run = await deploy(name);
    expect(run.stderr).toMatch(/^error \[INVALID_INPUT\]/m);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(run.ran).toBe(false);
    expect(run.stored).toEqual([]);
  });

  test('/prod/ is the name prod, as for backup', async () => {
    const run = await deploy('/prod/');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(run.ran).toBe(true);
    expect(run.stored).toEqual(['prod']);
  });
});
