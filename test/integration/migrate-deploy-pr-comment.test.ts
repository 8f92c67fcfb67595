// migrate-deploy's comment-on-pr as GitHub runs the action (actions/migrate-deploy/main.mjs), against a real
// PostgreSQL and Prisma's real engine, with a local HTTP server standing in for api.github.com: the first run on a
// pull request creates one comment carrying the hidden marker and the run's summary, the next run updates that same
// comment in place (others' comments untouched), the token is sent only as the auth header and no password reaches
// the comment; outside a pull request comment-on-pr is a warning and nothing is sent. Each job (mode and alert-key,
// or database) keeps its own comment; a comment someone else wrote with our marker in it is left alone; a run that
// throws says so in the comment; a summary too long for a comment is cut with a pointer to the job summary.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryLogger, syncPullRequestComment } from '@dbops/core';
import { ACTIONS_BOT, GitHubCommentsApi } from '../harness/github-comments-api.js';
import { runActionAsGitHub } from '../harness/github-action.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaProject, type PrismaProject, PRISMA_DEPLOY, PRISMA_QUIET } from '../harness/prisma.js';

const TOKEN = 'ghs_test-token-0123456789';
const ALICE = { login: 'alice', type: 'User' as const };
/** Without an alert-key, the deploy's comment is keyed by its mode and its database (hashed). */
const MARKER = /^<!-- dbops:migrate-deploy:deploy:[0-9a-f]{12} -->\n/;

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
  github = new GitHubCommentsApi(7, [{ id: 11, body: 'Looks good to me', user: ALICE }], 500);
  apiUrl = await github.start();
});

afterAll(async () => {
  await project?.remove();
  await github?.stop();
  await server?.stop();
});

function deploy(ref: string, inputs: Record<string, string> = {}) {
  return runActionAsGitHub(
    'migrate-deploy',
    {
      ...inputs,
      'database-url': inputs['database-url'] ?? url,
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
  expect(created).toMatch(MARKER);
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
  expect(updated.split('\n')[0]).toBe(created.split('\n')[0]);
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

test('each job of a matrix keeps its own comment, and a run that fails says so in it', async () => {
  const body = (id: number) => github.comments.find((c) => c.id === id)!.body;
  const eu = await deploy('refs/pull/7/merge', { 'alert-key': 'app-eu' });
  const us = await deploy('refs/pull/7/merge', { 'alert-key': 'app-us' });
  expect([eu.code, us.code]).toEqual([0, 0]);
  const [euComment, usComment] = github.comments.slice(-2);
  expect(euComment!.body.split('\n')[0]).toBe('<!-- dbops:migrate-deploy:deploy:app-eu -->');
  expect(usComment!.body.split('\n')[0]).toBe('<!-- dbops:migrate-deploy:deploy:app-us -->');
  expect(euComment!.id).not.toBe(usComment!.id);

  // app-eu fails before anything ran (the server refuses its password): its comment shows the failure, not the
  // success before it; app-us's comment is untouched.
  const usBefore = body(usComment!.id);
  github.requests.length = 0;
  const failed = await deploy('refs/pull/7/merge', {
    'alert-key': 'app-eu',
    'database-url': server.url('app', 'postgres', 'not the password'),
  });
  expect(failed.code).not.toBe(0);
  expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /repos/owner/app/issues/7/comments?per_page=100&page=1',
    `PATCH /repos/owner/app/issues/comments/${euComment!.id}`,
  ]);
  const shown = body(euComment!.id);
  expect(shown.split('\n')[0]).toBe('<!-- dbops:migrate-deploy:deploy:app-eu -->');
  expect(shown).toContain('migrate-deploy failed');
  expect(shown).toContain('`CONNECTION_FAILED`: ');
  expect(shown).not.toContain('20260101000000_init');
  expect(shown).not.toContain('not the password');
  expect(body(usComment!.id)).toBe(usBefore);
}, 180_000);

test("a comment someone wrote with the job's marker in it is not taken over", async () => {
  const quoted = { id: 90, body: '<!-- dbops:migrate-deploy:deploy:app-ci -->\nall fine, merge it', user: ALICE };
  github.comments.push(quoted);
  github.requests.length = 0;
  const run = await deploy('refs/pull/7/merge', { 'alert-key': 'app-ci' });
  expect(run.code).toBe(0);
  // Asked who the token is (an installation token may not: 403), then a comment of its own.
  expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /repos/owner/app/issues/7/comments?per_page=100&page=1',
    'GET /user',
    'POST /repos/owner/app/issues/7/comments',
  ]);
  expect(github.comments.find((c) => c.id === 90)).toEqual(quoted);
  const own = github.comments.at(-1)!;
  expect(own.user).toEqual(ACTIONS_BOT);
  expect(own.body.split('\n')[0]).toBe('<!-- dbops:migrate-deploy:deploy:app-ci -->');
  // The next run updates its own comment, not alice's.
  github.requests.length = 0;
  expect((await deploy('refs/pull/7/merge', { 'alert-key': 'app-ci' })).code).toBe(0);
  expect(github.requests.at(-1)!.path).toBe(`/repos/owner/app/issues/comments/${own.id}`);
}, 180_000);

test('a summary longer than a comment can be is cut, closed and pointed at the job summary', async () => {
  // Twenty thousand rows of a table inside a folded section: far over GitHub's 65,536 characters.
  const rows = Array.from({ length: 20_000 }, (_, i) => `| \`public.t${i}\` | ok |`);
  const markdown = ['### Migrations', '<details><summary>All</summary>', '', '```sql', 'select 1;', ...rows].join('\n');
  github.requests.length = 0;
  const result = await syncPullRequestComment({
    apiUrl,
    token: TOKEN,
    repository: 'owner/app',
    pullRequest: 7,
    key: 'long',
    body: markdown,
    runUrl: 'https://github.com/owner/app/actions/runs/42',
    log: new MemoryLogger(),
  });
  expect(result.action).toBe('created');
  const sent = github.comments.find((c) => c.id === result.id)!.body;
  expect(sent.length).toBeLessThanOrEqual(60_100);
  expect(sent.startsWith('<!-- dbops:long -->\n### Migrations\n')).toBe(true);
  expect(
    sent.endsWith(
      '\n```\n</details>\n\n**The summary is cut here: it is longer than a pull-request comment can be. See the job summary of [the workflow run](https://github.com/owner/app/actions/runs/42) for all of it.**',
    ),
  ).toBe(true);
  // Cut at the end of a row, never inside one.
  expect(sent).toMatch(/\| ok \|\n```\n<\/details>/);
});
