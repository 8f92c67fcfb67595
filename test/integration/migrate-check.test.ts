// migrate-deploy's check mode through the CLI (`dbops migrate-check`), against a real PostgreSQL and Prisma's own
// migration engine: the newest backup of "production" is restored into a scratch database on target-url, the
// pending migration is rehearsed there with its locks sampled, thresholds fail the check, the scratch database is
// dropped, and production is never touched.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaProject, type PrismaProject, PRISMA_DEPLOY, PRISMA_QUIET } from '../harness/prisma.js';

const PENDING = '20260105000000_orders_total_bigint';

let server: PostgresServer;
let work: string;
let project: PrismaProject;
let backups: string;

const scratchDatabases = async () =>
  (
    await server.query<{ datname: string }>(
      "select datname from pg_database where datname like 'dbops_%'",
      [],
      'postgres',
    )
  ).map((r) => r.datname);

beforeAll(async () => {
  server = await startPostgres();
  work = await mkdtemp(join(tmpdir(), 'dbops-migrate-check-'));
  await server.createDatabase('prod');
  project = await prismaProject(server.url('prod'), ['20260101000000_init']);
  expect((await project.deploy()).code).toBe(0);
  await server.query("insert into users (email) values ('a@example.com')", [], 'prod');
  await server.query('insert into orders (user_id, total) select 1, g from generate_series(1, 200000) g', [], 'prod');
  await server.query('analyze orders', [], 'prod');
  backups = join(work, 'backups');
  const backup = await runCli(['backup', '--to', backups], { DATABASE_URL: server.url('prod') });
  expect(backup.code).toBe(0);
  // The pull request's migration: a rewrite of orders under ACCESS EXCLUSIVE. Its conversion pauses half a second
  // on the first row, so the lock is seen by several of the sampler's ticks (100 ms apart) however fast this machine
  // rewrites 200,000 rows: a lock seen by one tick only has no measured duration.
  const dir = join(project.migrations, PENDING);
  await mkdir(dir);
  await writeFile(
    join(dir, 'migration.sql'),
    `CREATE FUNCTION pause_once(v integer) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN IF v = 1 THEN PERFORM pg_sleep(0.5); END IF; RETURN v; END $$;
ALTER TABLE "orders" ALTER COLUMN "total" TYPE BIGINT USING pause_once("total");
DROP FUNCTION pause_once(integer);
`,
  );
}, 300_000);

afterAll(async () => {
  await project?.remove();
  await rm(work, { recursive: true, force: true });
  await server?.stop();
});

/** Production is as the backup left it: the pending migration never ran there. */
async function expectProductionUntouched(): Promise<void> {
  const columns = await server.query<{ data_type: string }>(
    "select data_type from information_schema.columns where table_name = 'orders' and column_name = 'total'",
    [],
    'prod',
  );
  expect(columns[0]!.data_type).toBe('integer');
  const applied = await server.query<{ migration_name: string }>(
    'select migration_name from _prisma_migrations',
    [],
    'prod',
  );
  expect(applied.map((r) => r.migration_name)).toEqual(['20260101000000_init']);
}

const check = (...extra: string[]) =>
  runCli(
    [
      'migrate-check',
      '--working-directory',
      project.dir,
      '--command',
      PRISMA_DEPLOY,
      '--target-url',
      server.url('postgres'),
      '--json',
      ...extra,
    ],
    { DATABASE_URL: server.url('prod'), ...PRISMA_QUIET },
  );

test('a copy of the newest backup rehearses the pending migration: its lock, table and size; production untouched', async () => {
  const run = await check('--rehearse-from', backups, '--max-lock-time', '1h');
  expect(run.stderr).not.toContain(server.password);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result.scratch.backupId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  // Status and lint ran on the restored copy, which has production's table sizes.
  expect(result.status.pending).toEqual([PENDING]);
  expect(result.lint.find((f: { rule: string }) => f.rule === 'alter-column-type')?.tableSize?.rows).toBeGreaterThan(
    100_000,
  );
  const [rehearsed] = result.rehearsal.migrations;
  expect(rehearsed).toMatchObject({ name: PENDING, outcome: 'applied' });
  expect(rehearsed.strongestLock).toMatchObject({ relation: 'public.orders', mode: 'ACCESS EXCLUSIVE' });
  expect(rehearsed.strongestLock.rowsEstimate).toBeGreaterThan(100_000);
  expect(run.stderr).toMatch(/holds ACCESS EXCLUSIVE on public\.orders/);
  expect(await scratchDatabases()).toEqual([]);
  await expectProductionUntouched();
}, 300_000);

test('a lock longer than max-lock-time fails the check, naming the migration and the table', async () => {
  const run = await check('--rehearse-from', backups, '--max-lock-time', '1ms');
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/exceeded its thresholds/);
  expect(run.stderr).toMatch(new RegExp(`${PENDING}.*public\\.orders`));
  expect(await scratchDatabases()).toEqual([]);
  await expectProductionUntouched();
}, 300_000);

test('without a backup, the migrations build the schema in an empty scratch database', async () => {
  const run = await check();
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result.scratch.backupId).toBeUndefined();
  expect(result.rehearsal.migrations.map((m: { name: string; outcome: string }) => [m.name, m.outcome])).toEqual([
    ['20260101000000_init', 'applied'],
    [PENDING, 'applied'],
  ]);
  expect(await scratchDatabases()).toEqual([]);
  await expectProductionUntouched();
}, 300_000);

test('target-url naming the database-url database is refused before anything runs', async () => {
  const run = await runCli(
    [
      'migrate-check',
      '--working-directory',
      project.dir,
      '--command',
      PRISMA_DEPLOY,
      '--target-url',
      server.url('prod'),
    ],
    { DATABASE_URL: server.url('prod'), ...PRISMA_QUIET },
  );
  expect(run.code).not.toBe(0);
  expect(run.stderr).toMatch(/target-url names the same database as database-url/);
  expect(run.stderr).not.toContain(server.password);
  await expectProductionUntouched();
}, 60_000);
