// migrate-deploy's comment-on-pr as GitHub runs the action (actions/migrate-deploy/main.mjs), against a real
// PostgreSQL and Prisma's real engine, with a local HTTP server standing in for api.github.com: the first run on a
// pull request creates one comment carrying the hidden marker and the run's summary, the next run updates that same
// comment in place (others' comments untouched), the token is sent only as the auth header and no password reaches
// the comment; outside a pull request comment-on-pr is a warning and nothing is sent.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitHubCommentsApi } from '../harness/github-comments-api.js';
import { runActionAsGitHub } from '../harness/github-action.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaProject, type PrismaProject, PRISMA_DEPLOY, PRISMA_QUIET } from '../harness/prisma.js';

const TOKEN = 'ghs_test-token-0123456789';
const MARKER = '<!-- dbops:migrate-deploy -->';

let server: PostgresServer;
let github: GitHubCommentsApi;
let apiUrl: string;
let project: PrismaProject;
let url: string;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('app');
  url = server.url('app');
  project = await prismaProject(url, ['20260101000000_init']);
  // A stand-in for GitHub's issue-comments API on owner/app, pull request #7, which already has someone's comment.
  github = new GitHubCommentsApi(7, [{ id: 11, body: 'Looks good to me' }], 500);
  apiUrl = await github.start();
});

afterAll(async () => {
  await project?.remove();
  await github?.stop();
  await server?.stop();
});

function deploy(ref: string) {
  return runActionAsGitHub(
    'migrate-deploy',
    {
      'database-url': url,
      'working-directory': project.dir,
      command: PRISMA_DEPLOY,
      backup: 'false',
      'comment-on-pr': 'true',
      'github-token': TOKEN,
    },
    {
      cwd: project.dir,
      env: {
        ...PRISMA_QUIET,
        GITHUB_API_URL: apiUrl,
        GITHUB_REPOSITORY: 'owner/app',
        GITHUB_RUN_ID: '42',
        GITHUB_REF: ref,
      },
    },
  );
}

test('a pull request gets one sticky comment: created on the first run, updated in place on the next', async () => {
  const first = await deploy('refs/pull/7/merge');
  expect(first.code).toBe(0);
  expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /repos/owner/app/issues/7/comments?per_page=100&page=1',
    'POST /repos/owner/app/issues/7/comments',
  ]);
  for (const request of github.requests) expect(request.authorization).toBe(`Bearer ${TOKEN}`);
  const created = JSON.parse(github.requests[1]!.body).body as string;
  expect(created.startsWith(`${MARKER}\n`)).toBe(true);
  // The run's summary, as the job summary shows it.
  expect(created).toContain('20260101000000_init');
  expect(created).toContain(first.summary.trim().split('\n')[0]);
  expect(created).not.toContain(server.password);
  expect(created).not.toContain(TOKEN);

  // A second migration, a second run: the same comment is updated, no new one.
  const dir = join(project.migrations, '20260105000000_orders_total_bigint');
  await mkdir(dir);
  await writeFile(join(dir, 'migration.sql'), '-- widen\nALTER TABLE "orders" ALTER COLUMN "total" TYPE BIGINT;\n');
  github.requests.length = 0;
  const second = await deploy('refs/pull/7/merge');
  expect(second.code).toBe(0);
  expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /repos/owner/app/issues/7/comments?per_page=100&page=1',
    'PATCH /repos/owner/app/issues/comments/500',
  ]);
  expect(github.requests[1]!.authorization).toBe(`Bearer ${TOKEN}`);
  const updated = JSON.parse(github.requests[1]!.body).body as string;
  expect(updated.startsWith(`${MARKER}\n`)).toBe(true);
  expect(updated).toContain('20260105000000_orders_total_bigint');
  expect(updated).toContain('public.orders.total');
  expect(updated).not.toContain(server.password);
  expect(github.comments.map((c) => c.id)).toEqual([11, 500]);
  expect(github.comments[0]!.body).toBe('Looks good to me');
}, 180_000);

test('outside a pull request comment-on-pr is a warning, the deploy still succeeds, nothing is sent', async () => {
  github.requests.length = 0;
  const run = await deploy('refs/heads/main');
  expect(run.code).toBe(0);
  expect(run.commands.some((c) => c.startsWith('::warning') && c.includes('comment-on-pr'))).toBe(true);
  expect(github.requests).toEqual([]);
}, 120_000);
