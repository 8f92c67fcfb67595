// migrate-deploy cancelled while a migration runs (issue 14): SIGTERM to the CLI stops the migration command AND the
// SQL it had sent, which PostgreSQL would otherwise run to its end. Prisma's real engine (over node-postgres, see
// test/harness/prisma.ts) names its sessions from the application_name dbops put in DATABASE_URL and PGAPPNAME; the
// run then cancels them by that name, reads the state and says it, without the password anywhere.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../harness/cli.js';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaDatabases, PRISMA_DEPLOY, PRISMA_QUIET } from '../harness/prisma.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'packages', 'cli', 'lib', 'main.js');
const INIT = '20260101000000_init';
const SLOW = '20260107000000_slow';

let server: PostgresServer;
let databases: ReturnType<typeof prismaDatabases>;
let work: string;

beforeAll(async () => {
  server = await startPostgres();
  databases = prismaDatabases(server, 'cancel');
  work = await mkdtemp(join(tmpdir(), 'dbops-migrate-cancel-'));
});

afterAll(async () => {
  await databases?.remove();
  await rm(work, { recursive: true, force: true });
  await server?.stop();
});

/** The backends running the slow migration's sleep, with the name they connected under. */
async function sleepers(db: string): Promise<Array<{ pid: number; application_name: string }>> {
  return server.query(
    // Prisma sends a migration's script as one query: the sleep may follow other statements in it.
    "select pid, application_name from pg_stat_activity where datname = $1 and query like '%pg_sleep(600)%' and state = 'active' and pid <> pg_backend_pid()",
    [db],
  );
}

/** Deploys `sql` as a new migration after INIT, SIGTERMs the CLI once its pg_sleep runs; the output and more. */
async function cancelMidMigration(sql: string) {
  const { url, project, db } = await databases.setup(INIT);
  expect((await project.deploy()).code).toBe(0);
  const dir = join(project.migrations, SLOW);
  await mkdir(dir);
  await writeFile(join(dir, 'migration.sql'), sql);

  const child = spawn(
    process.execPath,
    [CLI, 'migrate-deploy', '--working-directory', project.dir, '--command', PRISMA_DEPLOY, '--backup', 'false'],
    { env: { PATH: process.env.PATH, DATABASE_URL: url, ...PRISMA_QUIET }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

  expect(await eventually(async () => (await sleepers(db)).length > 0, 60_000)).toBe(true);
  const [sleeper] = await sleepers(db);
  child.kill('SIGTERM');
  const code = await exited;
  return { code, output, sleeper: sleeper!, db };
}

test('SIGTERM mid-migration: the statement the command sent is cancelled in PostgreSQL, exit 143, the state said', async () => {
  const { code, output, sleeper, db } = await cancelMidMigration(
    'SELECT pg_sleep(600);\nCREATE TABLE "after_sleep" (id int);\n',
  );
  // The engine connected under the run's own name, taken from the URL dbops gave it.
  expect(sleeper.application_name).toMatch(/^dbops-migrate-[0-9a-f]{12}$/);
  expect(code).toBe(143);
  // Without the cancel, pg_sleep(600) would run on for ten minutes.
  expect(await eventually(async () => (await sleepers(db)).length === 0, 15_000)).toBe(true);
  expect(output).toContain('Received SIGTERM');
  expect(output).toContain('stopped mid-run');
  expect(output).toContain(`still running in PostgreSQL were cancelled (backend ${sleeper.pid}`);
  expect(output).toContain('State left: applied by this run: none');
  // Prisma recorded the migration as started: the next deploy stops on it, and the report says how to clear it.
  expect(output).toContain(`started and not finished: ${SLOW}`);
  expect(output).toContain(`migrate resolve --rolled-back "${SLOW}"`);
  expect(output).toContain('migrate-status');
  // The migration ran in one transaction: the schema snapshots prove nothing of it stayed.
  expect(output).toContain('The schema is as it was before the run (same fingerprint)');
  expect(output).not.toContain(server.password);
  expect(output).not.toContain(encodeURIComponent(server.password));
  expect(await databases.tableExists(db, 'after_sleep')).toBe(false);
}, 180_000);

test('SIGTERM after part of the migration was committed: the schema changes it left are named', async () => {
  // COMMIT ends the script's implicit transaction: before_sleep stays when the sleep is cancelled.
  const { code, output, db } = await cancelMidMigration(
    'CREATE TABLE "before_sleep" (id int);\nCOMMIT;\nSELECT pg_sleep(600);\nCREATE TABLE "after_sleep" (id int);\n',
  );
  expect(code).toBe(143);
  expect(await databases.tableExists(db, 'before_sleep')).toBe(true);
  expect(await databases.tableExists(db, 'after_sleep')).toBe(false);
  expect(output).toMatch(
    /Schema changes left by this run \(the stopped migration ran partly outside a transaction\): [^\n]*before_sleep/,
  );
  expect(output).not.toContain('same fingerprint');
}, 180_000);

test("the command's DATABASE_URL carries the run's application_name and is redacted with its password", async () => {
  const { url, project } = await databases.setup(INIT);
  const command = 'echo "url=$DATABASE_URL"; echo "app=$PGAPPNAME"; exit 3';
  const run = await runCli(
    ['migrate-deploy', '--working-directory', project.dir, '--command', command, '--backup', 'false'],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  const output = `${run.stdout}${run.stderr}`;
  expect(run.code).toBe(1);
  expect(output).toMatch(/app=dbops-migrate-[0-9a-f]{12}/);
  // The whole URL is a secret: neither its password nor the URL with the added parameter is shown.
  expect(output).toContain('url=***');
  expect(output).not.toContain('application_name=');
  expect(output).not.toContain(server.password);
  expect(output).not.toContain(encodeURIComponent(server.password));
}, 120_000);
