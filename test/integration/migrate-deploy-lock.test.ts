// migrate-deploy and its deploy lock against a real PostgreSQL and Prisma's real engine (test/harness/prisma.ts), the
// CLI as a child process: a deploy reads where each migration stands only once it holds the lock (another deploy's
// migration still running is not "failed", and one that failed while this deploy waited stops it); a cancelled deploy
// keeps the lock until the SQL its command left running is stopped; a command that exits 0 having applied nothing
// fails; and a release that PostgreSQL refuses (lock and unlock on different server connections) is told.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { acquireDeployLock, DEPLOY_LOCK_KEY, lockNotHeld } from '../../packages/core/src/migrations/deploy-lock.js';
import { runCli } from '../harness/cli.js';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaDatabases, type PrismaProject, PRISMA_DEPLOY, PRISMA_QUIET } from '../harness/prisma.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'packages', 'cli', 'lib', 'main.js');
const INIT = '20260101000000_init';
const FAILS = '20260104000000_audit_fails_halfway';
/** An advisory lock of the test's own that a gated migration waits for. */
const GATE = 4242;

let server: PostgresServer;
let databases: ReturnType<typeof prismaDatabases>;
const sessions: pg.Client[] = [];

beforeAll(async () => {
  server = await startPostgres();
  databases = prismaDatabases(server, 'lock');
});

afterAll(async () => {
  for (const s of sessions) await s.end().catch(() => undefined);
  await databases?.remove();
  await server?.stop();
});

async function session(db: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.url(db), application_name: applicationName });
  await client.connect();
  sessions.push(client);
  return client;
}

async function addMigration(project: PrismaProject, name: string, sql: string): Promise<void> {
  await mkdir(join(project.migrations, name));
  await writeFile(join(project.migrations, name, 'migration.sql'), sql);
}

/** `dbops migrate-deploy` as a child process; `done` settles with its exit code and output. */
function startDeploy(project: PrismaProject, url: string, command = PRISMA_DEPLOY) {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'migrate-deploy',
      '--working-directory',
      project.dir,
      '--command',
      command,
      '--backup',
      'false',
      '--deploy-lock-timeout',
      '5m',
    ],
    { env: { PATH: process.env.PATH, DATABASE_URL: url, ...PRISMA_QUIET }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let exited = false;
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => {
      exited = true;
      resolve({ code, output });
    }),
  );
  return { child, done, exited: () => exited };
}

/** A dbops session polling for the deploy lock (its last query is the try). */
async function waitingForLock(db: string): Promise<boolean> {
  const rows = await server.query(
    "select 1 from pg_stat_activity where datname = $1 and application_name = 'dbops' and query like 'SELECT pg_try_advisory_lock%'",
    [db],
  );
  return rows.length > 0;
}

test('a deploy that waited for the lock stops on the migration the holder failed meanwhile', async () => {
  const { url, project, db } = await databases.setup(INIT);
  expect((await project.deploy()).code).toBe(0);
  await project.add(FAILS);
  // Deploy A holds the lock; B starts and waits for it.
  const a = await session(db, 'deploy-a');
  await a.query('SELECT pg_advisory_lock($1::bigint)', [DEPLOY_LOCK_KEY]);
  const b = startDeploy(project, url);
  expect(await eventually(async () => b.exited() || (await waitingForLock(db)), 60_000)).toBe(true);
  expect(b.exited()).toBe(false);
  // A runs the migration, which fails: Prisma leaves its row unfinished, and the next deploy must not run past it.
  expect((await project.deploy()).code).not.toBe(0);
  await a.query('SELECT pg_advisory_unlock($1::bigint)', [DEPLOY_LOCK_KEY]);

  const { code, output } = await b.done;
  expect(output).not.toContain('Nothing to apply');
  expect(code).toBe(1);
  expect(output).toContain('stop the deploy before anything runs');
  expect(output).toContain(`migrate resolve --rolled-back "${FAILS}"`);
}, 180_000);

test("a deploy started while another's migration runs waits for it, instead of calling it failed", async () => {
  const { url, project, db } = await databases.setup(INIT);
  expect((await project.deploy()).code).toBe(0);
  // The migration holds orders under ACCESS EXCLUSIVE and waits for the test's gate; the next one alters orders.
  await addMigration(
    project,
    '20260108000000_gated',
    `LOCK TABLE "orders" IN ACCESS EXCLUSIVE MODE;\nSELECT pg_advisory_xact_lock(${GATE});\nALTER TABLE "orders" ADD COLUMN "note" text;\n`,
  );
  await addMigration(project, '20260109000000_after', 'ALTER TABLE "orders" ADD COLUMN "note2" text;\n');
  const a = await session(db, 'deploy-a');
  await a.query('SELECT pg_advisory_lock($1::bigint)', [DEPLOY_LOCK_KEY]);
  await a.query('SELECT pg_advisory_lock($1)', [GATE]);
  const deployA = project.deploy();
  const gated = () =>
    server
      .query("select 1 from pg_locks where locktype = 'advisory' and not granted and objid = $1", [GATE], db)
      .then((rows) => rows.length > 0);
  expect(await eventually(gated, 60_000)).toBe(true);

  // A's migration is mid-run (its row unfinished, orders locked): B waits for the lock rather than reading it.
  const b = startDeploy(project, url);
  expect(await eventually(async () => b.exited() || (await waitingForLock(db)), 60_000)).toBe(true);
  expect(b.exited()).toBe(false);
  await a.query('SELECT pg_advisory_unlock($1)', [GATE]);
  expect((await deployA).code).toBe(0);
  await a.query('SELECT pg_advisory_unlock($1::bigint)', [DEPLOY_LOCK_KEY]);

  const { code, output } = await b.done;
  expect(output).not.toContain('rolled-back');
  expect(code).toBe(0);
  expect(output).toContain('Nothing to apply');
}, 180_000);

test('a cancelled deploy keeps the lock until the SQL its command left running is stopped', async () => {
  const { url, project, db } = await databases.setup(INIT);
  // The command ignores SIGTERM, so it is killed only after its grace period: its statement runs on meanwhile.
  const b = startDeploy(project, url, `trap '' TERM; psql "$DATABASE_URL" -X -c 'SELECT pg_sleep(600)'`);
  const sleepers = () =>
    server.query(
      "select pid from pg_stat_activity where datname = $1 and query like '%pg_sleep(600)%' and state = 'active' and pid <> pg_backend_pid()",
      [db],
    );
  expect(await eventually(async () => (await sleepers()).length > 0, 60_000)).toBe(true);
  b.child.kill('SIGTERM');

  // The moment another deploy could take the lock, nothing of the cancelled one may still run.
  const next = await session(db, 'next-deploy');
  let runningWhenFree: number | undefined;
  const lockFree = async () => {
    const { rows } = await next.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [DEPLOY_LOCK_KEY]);
    if (!rows[0].locked) return false;
    runningWhenFree = (await sleepers()).length;
    await next.query('SELECT pg_advisory_unlock($1::bigint)', [DEPLOY_LOCK_KEY]);
    return true;
  };
  expect(await eventually(lockFree, 60_000, 50)).toBe(true);
  expect(runningWhenFree).toBe(0);
  const { code, output } = await b.done;
  expect(code).toBe(143);
  expect(output).toContain('were cancelled (backend');
}, 180_000);

test('a command that exits 0 having applied nothing (it migrated another database) fails, naming what was pending', async () => {
  const { url, project, db } = await databases.setup(INIT);
  const other = await databases.setup(INIT);
  // The command points Prisma at another database, as a datasource reading another variable would.
  const run = await runCli(
    [
      'migrate-deploy',
      '--working-directory',
      project.dir,
      '--command',
      `DATABASE_URL="$OTHER_DATABASE_URL" ${PRISMA_DEPLOY}`,
      '--backup',
      'false',
    ],
    { DATABASE_URL: url, OTHER_DATABASE_URL: other.url, ...PRISMA_QUIET },
  );
  expect(await databases.tableExists(other.db, 'users')).toBe(true);
  expect(await databases.tableExists(db, 'users')).toBe(false);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('exited 0 but applied none of the 1 pending migration(s)');
  expect(run.stderr).toContain(INIT);
  expect(run.stderr).toContain('DATABASE_URL');
  expect(run.stderr).not.toContain('Nothing to apply');
  expect(run.stderr).not.toContain(server.password);
}, 180_000);

test('a command that changed the schema but recorded nothing where dbops reads passes, with a warning', async () => {
  const { url, project, db } = await databases.setup(INIT);
  // A tool with its own tracking elsewhere (node-pg-migrate with --migrations-table, say): the schema changes, the
  // tracking table dbops reads does not.
  const run = await runCli(
    [
      'migrate-deploy',
      '--working-directory',
      project.dir,
      '--command',
      `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -c 'create table public.users (id int primary key)'`,
      '--backup',
      'false',
    ],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  expect(await databases.tableExists(db, 'users')).toBe(true);
  expect(run.stderr).not.toContain('applied none of the');
  expect(run.stderr).toMatch(
    /changed the schema \(\d+ change\(s\)\) but .* still lists 1 pending migration\(s\) \(20260101000000_init\)/,
  );
  expect(run.code).toBe(0);
}, 180_000);

test('a release PostgreSQL refuses (lock and unlock on different server connections) says so', async () => {
  await server.createDatabase('pooled');
  // A pooler in transaction mode: each statement may go to another server connection.
  const backends = [await session('pooled', 'pooled-1'), await session('pooled', 'pooled-2')];
  let next = 0;
  const pooled = {
    query: (text: string, values: unknown[]) => backends[next++ % 2]!.query(text, values),
  };
  const lock = await acquireDeployLock(pooled as unknown as pg.ClientBase, { timeoutMs: 0 });
  expect(await lock.release()).toBe(false);
  // The first server connection holds the lock still: what the warning tells the user.
  const holders = await server.query<{ application_name: string }>(
    `select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objid = ($1::bigint & 4294967295)::oid`,
    [DEPLOY_LOCK_KEY],
    'pooled',
  );
  expect(holders.map((h) => h.application_name)).toEqual(['pooled-1']);
  expect(lockNotHeld()).toMatch(/pg_advisory_unlock returned false.*transaction mode/s);
  await backends[0]!.query('SELECT pg_advisory_unlock($1::bigint)', [DEPLOY_LOCK_KEY]);

  // A release on the session that holds the lock is true.
  const held = await acquireDeployLock(backends[0]!, { timeoutMs: 0 });
  expect(await held.release()).toBe(true);
});
