// A Prisma project whose DATABASE_URL says ?schema=app&pgbouncer=true (Prisma's own parameters): dbops accepts the URL, hands the
// command a DATABASE_URL that still says schema=app (so Prisma migrates app, not public), and reads where each
// migration stands from app._prisma_migrations. Real PostgreSQL and Prisma's own engine (test/harness/prisma.ts).
import { runCli } from '../harness/cli.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaProject, PRISMA_DEPLOY, PRISMA_QUIET, type PrismaProject } from '../harness/prisma.js';

const INIT = '20260101000000_init';
const STATUS = '20260102000000_order_status';

let server: PostgresServer;
let project: PrismaProject;
let url: string;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('shop');
  url = `${server.url('shop')}?schema=app&connection_limit=5&pgbouncer=true`;
  project = await prismaProject(url, [INIT]);
});
afterAll(async () => {
  await project?.remove();
  await server?.stop();
});

const found = async (name: string) =>
  (await server.query<{ found: string | null }>(`select to_regclass('${name}')::text as found`, [], 'shop'))[0]!.found;

test('?schema=app: the command migrates schema app, and status reads app._prisma_migrations', async () => {
  const deploy = await runCli(
    ['migrate-deploy', '--working-directory', project.dir, '--command', PRISMA_DEPLOY, '--backup', 'false', '--json'],
    { DATABASE_URL: url, ...PRISMA_QUIET },
  );
  expect(deploy.stderr).not.toContain('unknown parameter');
  expect(deploy.code).toBe(0);
  // pgbouncer=true is Prisma's: accepted, with a warning that the deploy lock needs a session-mode connection.
  expect(deploy.stderr).toContain('pgbouncer=true: the deploy lock needs a session-mode connection');
  expect(JSON.parse(deploy.stdout).applied.applied.map((m: { name: string }) => m.name)).toEqual([INIT]);
  expect(await found('app.users')).not.toBeNull();
  expect(await found('app._prisma_migrations')).not.toBeNull();
  expect(await found('public.users')).toBeNull();

  await project.add(STATUS);
  const status = await runCli(['migrate-status', '--working-directory', project.dir, '--json'], {
    DATABASE_URL: url,
    ...PRISMA_QUIET,
  });
  expect(status.code).toBe(0);
  const result = JSON.parse(status.stdout);
  expect(result.status.pending).toEqual([STATUS]);
  expect(
    Object.fromEntries(result.status.migrations.map((m: { name: string; state: string }) => [m.name, m.state])),
  ).toEqual({ [INIT]: 'applied', [STATUS]: 'pending' });
}, 180_000);
