// What the migration command's environment says, in check mode and in a deploy, through the CLI against a real
// PostgreSQL and psql: the job's PG* variables (here naming "production") are replaced by the database the command is
// for, so a psql without arguments migrates the scratch copy in check mode, never production; the job's PGOPTIONS
// reaches the command's sessions along with dbops's lock_timeout; the action's INPUT_* variables do not reach it. And
// check mode's target-url stands alone: production's separate connection inputs neither change it nor escape the
// refusal of a target-url naming production.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
let project: string;

// psql with no connection arguments: it connects where PG* say. Then it reports where it ran, the session's
// settings, and how many INPUT_* variables the command saw.
const COMMAND = [
  'psql -X -q -v ON_ERROR_STOP=1 -f migrations/001_widgets.sql',
  `psql -X -A -t -c "select 'ran-in=' || current_database() || ' marker=' || coalesce(current_setting('dbops_test.marker', true), 'none') || ' lock_timeout=' || current_setting('lock_timeout')"`,
  'echo "inputs=$(env | grep -c ^INPUT_)"',
].join(' && ');

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('prod');
  await server.createDatabase('deployed');
  project = await mkdtemp(join(tmpdir(), 'dbops-command-env-'));
  await mkdir(join(project, 'migrations'));
  await writeFile(join(project, 'migrations', '001_widgets.sql'), 'CREATE TABLE widgets (id int PRIMARY KEY);\n');
}, 120_000);

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
  await server?.stop();
});

/** A job whose libpq variables name production, as in a pipeline that also deploys, and that runs as an action. */
const productionJobEnv = () => ({
  PGHOST: server.host,
  PGPORT: String(server.port),
  PGDATABASE: 'prod',
  PGUSER: server.superuser,
  PGPASSWORD: server.password,
  PGOPTIONS: '-c dbops_test.marker=kept',
  'INPUT_DATABASE-URL': server.url('prod'),
});

const tables = async (database: string) =>
  (
    await server.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = 'public'",
      [],
      database,
    )
  ).map((r) => r.tablename);

const source = ['--working-directory', '.', '--tool', 'sql', '--migrations', 'migrations', '--command', COMMAND];

/** runCli runs in-process: the project folder is given absolute. */
const inProject = (args: string[]) => args.map((a) => (a === '.' ? project : a));

test('check mode: a psql migration runs in the scratch database, not in the database the job’s PG* name', async () => {
  const run = await runCli(inProject(['migrate-check', ...source, '--target-url', server.url('postgres')]), {
    DATABASE_URL: server.url('prod'),
    ...productionJobEnv(),
  });
  expect(run.stderr).not.toContain(server.password);
  expect(run.code).toBe(0);
  expect(await tables('prod')).toEqual([]);
  expect(run.stderr).toMatch(/ran-in=dbops_rehearsal_[0-9a-f]+ marker=kept lock_timeout=5s/);
  expect(run.stderr).toContain('inputs=0');
}, 120_000);

test('deploy: the job’s PGOPTIONS reaches the command’s sessions with lock_timeout; INPUT_* does not', async () => {
  const run = await runCli(inProject(['migrate-deploy', ...source, '--backup', 'false']), {
    DATABASE_URL: server.url('deployed'),
    ...productionJobEnv(),
  });
  expect(run.stderr).not.toContain(server.password);
  expect(run.code).toBe(0);
  expect(run.stderr).toContain('ran-in=deployed marker=kept lock_timeout=5s');
  expect(run.stderr).toContain('inputs=0');
  expect(await tables('deployed')).toEqual(['widgets']);
  expect(await tables('prod')).toEqual([]);
}, 120_000);

const production = () => [
  '--host',
  server.host,
  '--port',
  String(server.port),
  '--dbname',
  'prod',
  '--user',
  server.superuser,
];

test('check mode: production’s separate connection inputs (its password too) do not change target-url', async () => {
  const run = await runCli(
    inProject([
      'migrate-check',
      ...source,
      '--target-url',
      server.url('postgres'),
      ...production(),
      '--password',
      'wrong',
    ]),
    {},
  );
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/ran-in=dbops_rehearsal_[0-9a-f]+/);
  expect(await tables('prod')).toEqual([]);
}, 120_000);

test('check mode: a target-url naming production given by its separate inputs is refused', async () => {
  const run = await runCli(
    inProject(['migrate-check', ...source, '--target-url', server.url('prod'), ...production()]),
    {
      PGPASSWORD: server.password,
    },
  );
  expect(run.code).not.toBe(0);
  expect(run.stderr).toMatch(/target-url names the same database as database-url/);
  expect(await tables('prod')).toEqual([]);
}, 120_000);
