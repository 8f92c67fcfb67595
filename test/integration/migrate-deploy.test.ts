// migrate-deploy end to end through the CLI (`dbops migrate-deploy`, `dbops migrate-status`), against a real
// PostgreSQL and Prisma's own migration engine (6.19.3's wasm engine, offline; test/harness/prisma.ts): the backup
// comes first and a failed backup migrates nothing, the command gets the database in its environment only, what it
// applied and changed is reported, a failure says what it left, and lint findings stop a deploy before it runs.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { runActionAsGitHub } from '../harness/github-action.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaDatabases, PRISMA_DEPLOY, PRISMA_QUIET } from '../harness/prisma.js';

let server: PostgresServer;
let databases: ReturnType<typeof prismaDatabases>;
let work: string;

beforeAll(async () => {
  server = await startPostgres();
  databases = prismaDatabases(server, 'app');
  work = await mkdtemp(join(tmpdir(), 'dbops-migrate-'));
});

afterAll(async () => {
  await databases?.remove();
  await rm(work, { recursive: true, force: true });
  await server?.stop();
});

const INIT = '20260101000000_init';
const STATUS = '20260102000000_order_status';
const FAILS = '20260104000000_audit_fails_halfway';

test('deploy: backs up first, applies the pending migrations, reports what changed; the password is never shown', async () => {
  const { url, project, db } = await databases.setup(INIT, STATUS);
  const backups = join(work, 'deploy-ok');
  const run = await runCli(
    [
      'migrate-deploy',
      '--working-directory',
      project.dir,
      '--command',
      PRISMA_DEPLOY,
      '--backup-to',
      backups,
      '--json',
    ],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  expect(run.stderr).not.toContain(server.password);
  expect(run.stdout).not.toContain(server.password);
  expect(run.code).toBe(0);

  const result = JSON.parse(run.stdout);
  expect(result.applied.applied.map((m: { name: string }) => m.name)).toEqual([INIT, STATUS]);
  expect(result.applied.applied[0].durationMs).toBeGreaterThanOrEqual(0);
  // The schema diff names what the migrations did, object by object.
  const changes = result.schemaChanges.map((c: { change: string; kind: string; name: string }) =>
    [c.change, c.kind, c.name].join(' '),
  );
  // Tables added whole are listed once (not their columns and indexes again); Prisma's own table is no change.
  expect(changes).toEqual(
    expect.arrayContaining([
      'added table public.users',
      'added table public.orders',
      'added function public.normalize_email()',
    ]),
  );
  expect(changes.join('\n')).not.toMatch(/_prisma_migrations|orders\.status/);
  // The backup was taken before, and is in the catalog with a manifest.
  const files = await readdir(join(backups, db));
  expect(files.some((f) => f === `${result.backup.backupId}.manifest.json`)).toBe(true);
  expect(await databases.tableExists(db, 'orders')).toBe(true);

  // Nothing pending any more: a second deploy applies nothing and takes no backup.
  const again = await runCli(
    ['migrate-deploy', '--working-directory', project.dir, '--command', PRISMA_DEPLOY, '--backup-to', backups],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  expect(again.code).toBe(0);
  expect(again.stderr).toContain('Nothing to apply');
  expect((await readdir(join(backups, db))).filter((f) => f.endsWith('.manifest.json'))).toHaveLength(1);
}, 180_000);

test('a failing backup stops the deploy: nothing is migrated', async () => {
  const { url, project, db } = await databases.setup(INIT);
  // A file where the backup directory should be: storage cannot write there.
  const notADirectory = join(work, 'a-file');
  await writeFile(notADirectory, 'x');
  const run = await runCli(
    ['migrate-deploy', '--working-directory', project.dir, '--command', PRISMA_DEPLOY, '--backup-to', notADirectory],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/backup before migrating failed, so no migration was run/);
  expect(await databases.tableExists(db, '_prisma_migrations')).toBe(false);
  expect(await databases.tableExists(db, 'users')).toBe(false);
}, 120_000);

test('backup-to is required unless backup: false is said', async () => {
  const { url, project, db } = await databases.setup(INIT);
  const missing = await runCli(['migrate-deploy', '--working-directory', project.dir, '--command', PRISMA_DEPLOY], {
    DATABASE_URL: url,
    ...PRISMA_QUIET,
  });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/Input 'backup-to' is required/);
  expect(await databases.tableExists(db, 'users')).toBe(false);

  const without = await runCli(
    ['migrate-deploy', '--working-directory', project.dir, '--command', PRISMA_DEPLOY, '--backup', 'false'],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  expect(without.code).toBe(0);
  expect(without.stderr).toMatch(/migrating without a backup/);
  expect(await databases.tableExists(db, 'users')).toBe(true);
}, 120_000);

test('a migration failing halfway: named, proven to have left nothing, with the backup taken before', async () => {
  const { url, project, db } = await databases.setup(INIT, FAILS);
  const backups = join(work, 'deploy-fails');
  const run = await runCli(
    [
      'migrate-deploy',
      '--working-directory',
      project.dir,
      '--command',
      PRISMA_DEPLOY,
      '--backup-to',
      backups,
      '--json',
    ],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  expect(run.code).toBe(1);
  const result = JSON.parse(run.stdout);
  expect(result.applied.applied.map((m: { name: string }) => m.name)).toEqual([INIT]);
  expect(result.applied.failed.map((m: { name: string }) => m.name)).toEqual([FAILS]);
  expect(run.stderr).toContain(`Migration ${FAILS} failed: division by zero`);
  expect(run.stderr).toMatch(/At line 7 of migrations\/20260104000000_audit_fails_halfway\/migration\.sql/);
  expect(result.explanation.state.kind).toBe('nothing-applied');
  // INIT's objects changed the schema; the failed migration's table is not among the changes.
  const names = result.schemaChanges.map((c: { name: string }) => c.name);
  expect(names).toContain('public.users');
  expect(names).not.toContain('public.audit');
  expect(await databases.tableExists(db, 'audit')).toBe(false);
  expect(run.stderr).toContain(result.backup.backupId);
  expect(run.stderr).toMatch(/never automatic/);
  expect(run.stderr).not.toContain(server.password);

  // Now deploy would fail anyway (P3009): status says so before anything runs, with the exact recovery command.
  const status = await runCli(['migrate-status', '--working-directory', project.dir, '--command', PRISMA_DEPLOY], {
    DATABASE_URL: url,
  });
  expect(status.code).toBe(1);
  expect(status.stderr).toContain(`migrate resolve --rolled-back "${FAILS}"`);
}, 180_000);

test('status lists pending migrations and puts lint findings on their file and line; lint-fail-on stops a deploy', async () => {
  const { url, project, db } = await databases.setup(INIT);
  await project.deploy();
  await server.query("insert into users (email) values ('a@example.com')", [], db);
  // A migration that takes ACCESS EXCLUSIVE on an existing table without a lock_timeout of its own.
  const dir = join(project.migrations, '20260105000000_orders_not_null');
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  await writeFile(join(dir, 'migration.sql'), '-- tighten\nALTER TABLE "orders" ALTER COLUMN "total" TYPE BIGINT;\n');

  const status = await runCli(['migrate-status', '--working-directory', project.dir, '--json'], { DATABASE_URL: url });
  expect(status.code).toBe(0);
  const result = JSON.parse(status.stdout);
  expect(result.status.pending).toEqual(['20260105000000_orders_not_null']);
  const finding = result.lint.find((f: { rule: string }) => f.rule === 'alter-column-type');
  expect(finding).toMatchObject({ line: 2, table: 'orders' });
  // On the file's line, as an editor links it.
  expect(status.stderr).toContain(`${join(dir, 'migration.sql')}:2:`);

  const strict = await runCli(
    [
      'migrate-deploy',
      '--working-directory',
      project.dir,
      '--command',
      PRISMA_DEPLOY,
      '--backup',
      'false',
      '--lint-fail-on',
      'warning',
      '--big-table-rows',
      '0',
    ],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  expect(strict.code).toBe(1);
  expect(strict.stderr).toMatch(/Lint found \d+ finding\(s\) at or above lint-fail-on/);
  const columns = await server.query<{ data_type: string }>(
    "select data_type from information_schema.columns where table_name = 'orders' and column_name = 'total'",
    [],
    db,
  );
  expect(columns[0]!.data_type).toBe('integer');
}, 180_000);

test('bad input: no migrations folder; a plain SQL folder without a command', async () => {
  const empty = await mkdtemp(join(work, 'empty-'));
  const none = await runCli(['migrate-status', '--working-directory', empty], { DATABASE_URL: server.url('postgres') });
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/No migrations found/);

  const sql = join(empty, 'sql');
  await import('node:fs/promises').then((fs) => fs.mkdir(sql));
  await writeFile(join(sql, '001_init.sql'), 'create table t (id int);\n');
  const noCommand = await runCli(
    ['migrate-deploy', '--working-directory', empty, '--migrations', 'sql', '--backup', 'false'],
    { DATABASE_URL: server.url('postgres') },
  );
  expect(noCommand.code).toBe(2);
  expect(noCommand.stderr).toMatch(/Input 'command' is required for a folder of plain SQL migrations/);
  expect(existsSync(join(empty, 'sql', '001_init.sql'))).toBe(true);
}, 60_000);

test('the action as GitHub runs it: outputs, a job summary, a lint annotation on the migration line, secrets masked', async () => {
  const { url, project, db } = await databases.setup(INIT);
  await project.deploy();
  const dir = join(project.migrations, '20260105000000_orders_total_bigint');
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  await writeFile(join(dir, 'migration.sql'), '-- widen\nALTER TABLE "orders" ALTER COLUMN "total" TYPE BIGINT;\n');

  const run = await runActionAsGitHub(
    'migrate-deploy',
    {
      'database-url': url,
      'working-directory': project.dir,
      command: PRISMA_DEPLOY,
      'backup-to': join(work, 'action-backups'),
      // Empty, as GitHub passes an input the workflow does not set.
      migrations: '',
    },
    { cwd: project.dir, env: PRISMA_QUIET },
  );
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({
    applied: '20260105000000_orders_total_bigint',
    'pending-count': '0',
    failed: '',
  });
  expect(run.outputs['backup-id']).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  expect(run.summary).toContain('Applied 1 migration(s)');
  expect(run.summary).toContain('public.orders.total');
  const result = await server.query<{ data_type: string }>(
    "select data_type from information_schema.columns where table_name = 'orders' and column_name = 'total'",
    [],
    db,
  );
  expect(result[0]!.data_type).toBe('bigint');
  const printed = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  expect(printed).not.toContain(server.password);
  expect(run.summary).not.toContain(server.password);
  expect(run.stdout).toContain(`::add-mask::${server.password.replace(/%/g, '%25')}`);

  // A warning (a column renamed that the running application may still read) is an annotation on the migration's
  // line, its path relative to the workspace.
  const dir2 = join(project.migrations, '20260106000000_rename');
  await import('node:fs/promises').then((fs) => fs.mkdir(dir2));
  await writeFile(
    join(dir2, 'migration.sql'),
    'SET lock_timeout = \'2s\';\nALTER TABLE "users" RENAME COLUMN "note" TO "remark";\n',
  );
  const status = await runActionAsGitHub(
    'migrate-deploy',
    { 'database-url': url, 'working-directory': project.dir, mode: 'status' },
    { cwd: project.dir, env: PRISMA_QUIET },
  );
  expect(status.code).toBe(0);
  expect(status.outputs['pending-count']).toBe('1');
  expect(status.commands).toContainEqual(
    expect.stringMatching(
      /^::warning file=migrations\/20260106000000_rename\/migration\.sql,line=2,col=\d+::.*rename-column/,
    ),
  );
}, 180_000);
