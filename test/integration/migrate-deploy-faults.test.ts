// migrate-deploy's faults through the CLI, against a real PostgreSQL and Prisma's real engine (test/harness/prisma.ts):
// a command that does not exist, two deploys at once (the deploy lock held from another session), SIGTERM while a
// migration runs (the CLI as a child process), and a migration queued behind another session's ACCESS EXCLUSIVE lock
// (lock-timeout). Each says what happened and what it left, and leaves the database in a state it names.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEPLOY_LOCK_KEY } from '../../packages/core/src/migrations/deploy-lock.js';
import { runCli } from '../harness/cli.js';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaDatabases, type PrismaProject, PRISMA_DEPLOY, PRISMA_QUIET } from '../harness/prisma.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'packages', 'cli', 'lib', 'main.js');
const INIT = '20260101000000_init';

let server: PostgresServer;
let databases: ReturnType<typeof prismaDatabases>;
let work: string;
const sessions: pg.Client[] = [];

beforeAll(async () => {
  server = await startPostgres();
  databases = prismaDatabases(server, 'app');
  work = await mkdtemp(join(tmpdir(), 'dbops-migrate-faults-'));
});

afterAll(async () => {
  for (const s of sessions) await s.end().catch(() => undefined);
  await databases?.remove();
  await rm(work, { recursive: true, force: true });
  await server?.stop();
});

/** A migration of our own in the project's folder. */
async function addMigration(project: PrismaProject, name: string, sql: string): Promise<void> {
  const dir = join(project.migrations, name);
  await mkdir(dir);
  await writeFile(join(dir, 'migration.sql'), sql);
}

async function session(db: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.url(db), application_name: applicationName });
  await client.connect();
  sessions.push(client);
  return client;
}

async function finishedMigrations(db: string): Promise<string[]> {
  const rows = await server.query<{ migration_name: string }>(
    'select migration_name from _prisma_migrations where finished_at is not null order by migration_name',
    [],
    db,
  );
  return rows.map((r) => r.migration_name);
}

test('a command that does not exist: exit 1 naming it, nothing migrated; the backup taken first is kept and named', async () => {
  const { url, project, db } = await databases.setup(INIT);
  const backups = join(work, 'no-such-tool');
  const run = await runCli(
    ['migrate-deploy', '--working-directory', project.dir, '--command', 'no-such-tool migrate', '--backup-to', backups],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('no-such-tool');
  expect(run.stderr).not.toContain(server.password);
  expect(await databases.tableExists(db, 'users')).toBe(false);
  expect(await databases.tableExists(db, '_prisma_migrations')).toBe(false);
  // The backup comes before the command, so it exists; a restore point before a failed deploy does no harm.
  expect((await readdir(backups)).length).toBeGreaterThan(0);
}, 120_000);

test('two deploys at once: the second waits deploy-lock-timeout, fails naming the holder, succeeds after release', async () => {
  const { url, project, db } = await databases.setup(INIT);
  const holder = await session(db, 'other-pipeline');
  await holder.query('SELECT pg_advisory_lock($1::bigint)', [DEPLOY_LOCK_KEY]);
  const args = ['migrate-deploy', '--working-directory', project.dir, '--command', PRISMA_DEPLOY, '--backup', 'false'];

  const blocked = await runCli([...args, '--deploy-lock-timeout', '2s'], { DATABASE_URL: url, ...PRISMA_QUIET });
  expect(blocked.code).toBe(1);
  expect(blocked.stderr).toContain("application 'other-pipeline'");
  expect(blocked.stderr).toContain('deploy-lock-timeout');
  expect(blocked.stderr).toContain('No migration was run');
  expect(await databases.tableExists(db, 'users')).toBe(false);

  await holder.query('SELECT pg_advisory_unlock($1::bigint)', [DEPLOY_LOCK_KEY]);
  const after = await runCli([...args, '--deploy-lock-timeout', '2s'], { DATABASE_URL: url, ...PRISMA_QUIET });
  expect(after.code).toBe(0);
  expect(await finishedMigrations(db)).toEqual([INIT]);
}, 120_000);

test('SIGTERM mid-migration: exit 143, the migration not recorded as applied, no dbops session left, the state said', async () => {
  const { url, project, db } = await databases.setup(INIT);
  expect((await project.deploy()).code).toBe(0);
  await addMigration(project, '20260106000000_slow', 'SELECT pg_sleep(30);\nCREATE TABLE "after_sleep" (id int);\n');

  const child = spawn(
    process.execPath,
    [CLI, 'migrate-deploy', '--working-directory', project.dir, '--command', PRISMA_DEPLOY, '--backup', 'false'],
    { env: { PATH: process.env.PATH, DATABASE_URL: url, ...PRISMA_QUIET }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

  const sleeping = () =>
    server
      .query("select 1 from pg_stat_activity where query like 'SELECT pg_sleep(30)%' and state = 'active'", [], db)
      .then((rows) => rows.length > 0);
  expect(await eventually(sleeping, 60_000)).toBe(true);
  child.kill('SIGTERM');
  const code = await exited;

  expect(code).toBe(143);
  expect(stderr).toContain('Received SIGTERM');
  expect(stderr).toMatch(/cancel|stopped/i);
  expect(stderr).toContain('stopped mid-run');
  expect(stderr).toContain('20260106000000_slow');
  expect(stderr).toContain('migrate-status');
  expect(stderr).not.toContain(server.password);
  expect(await finishedMigrations(db)).toEqual([INIT]);
  expect(await databases.tableExists(db, 'after_sleep')).toBe(false);
  // dbops's own session (the one holding the deploy lock) is gone, and the lock with it. The killed command's own
  // backend (named dbops-migrate-<run id>, not dbops) is cancelled too: migrate-deploy-cancel.test.ts.
  const dbopsSessionsGone = () =>
    server
      .query(
        "select 1 from pg_stat_activity where application_name = 'dbops' and datname = $1 and query not like 'SELECT pg_sleep(30)%'",
        [db],
      )
      .then((rows) => rows.length === 0);
  expect(await eventually(dbopsSessionsGone)).toBe(true);
  const lockHeld = await server.query(
    "select 1 from pg_locks where locktype = 'advisory' and objid = ($1::bigint & 4294967295)::oid and granted",
    [DEPLOY_LOCK_KEY],
    db,
  );
  expect(lockHeld).toEqual([]);
}, 180_000);

test('lock-timeout: a migration queued behind an ACCESS EXCLUSIVE lock fails as a lock timeout while the lock is still held', async () => {
  const { url, project, db } = await databases.setup(INIT);
  expect((await project.deploy()).code).toBe(0);
  await addMigration(
    project,
    '20260105000000_orders_total_bigint',
    '-- widen\nALTER TABLE "orders" ALTER COLUMN "total" TYPE BIGINT;\n',
  );
  const blocker = await session(db, 'long-report');
  await blocker.query('BEGIN');
  await blocker.query('LOCK TABLE "orders" IN ACCESS EXCLUSIVE MODE');

  const run = await runCli(
    [
      'migrate-deploy',
      '--working-directory',
      project.dir,
      '--command',
      PRISMA_DEPLOY,
      '--backup',
      'false',
      '--lock-timeout',
      '1s',
    ],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  // Still inside the blocker's transaction: the deploy gave up on its own, it did not wait for the lock.
  const stillHeld = await server.query(
    "select 1 from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'orders' and l.mode = 'AccessExclusiveLock' and l.granted",
    [],
    db,
  );
  expect(stillHeld.length).toBe(1);
  await blocker.query('ROLLBACK');

  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/lock timeout/i);
  expect(run.stderr).toContain('No migration was run');
  expect(run.stderr).not.toContain(server.password);
  expect(await finishedMigrations(db)).toEqual([INIT]);
  const type = await server.query<{ data_type: string }>(
    "select data_type from information_schema.columns where table_name = 'orders' and column_name = 'total'",
    [],
    db,
  );
  expect(type[0]!.data_type).toBe('integer');
}, 120_000);
