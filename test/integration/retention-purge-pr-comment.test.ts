// retention-purge's comment-on-pr as GitHub runs the action (actions/retention-purge/main.mjs), on a real PostgreSQL,
// with a local HTTP server standing in for api.github.com and a real git checkout holding the pull request's base:
// a dry run posts the plan as its own sticky comment (the migrate-deploy comment on the same pull request is left
// alone), calls out the rules whose keep or grace the change shortens against the base commit's policy, the backups:
// keep-* settings and the minimums it lowers, and updates the same comment on the next run; nothing is deleted; the
// token and password reach no comment.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitHubCommentsApi } from '../harness/github-comments-api.js';
import { runActionAsGitHub } from '../harness/github-action.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const git = promisify(execFile);
const TOKEN = 'ghs_test-token-0123456789';
const MARKER = '<!-- dbops:retention-purge -->';
const MIGRATE = '<!-- dbops:migrate-deploy -->\nmigrate plan';

const policy = (auditKeep: string, grace: string, keepDaily: number, auditFloor: string) => `version: 1
data:
  - name: audit-logs
    table: audit_log
    by: created_at
    keep: ${auditKeep}
  - name: deleted-accounts
    table: accounts
    soft-delete: deleted_at
    grace: ${grace}
    then: erase
minimums:
  - table: audit_log
    keep-at-least: ${auditFloor}
backups:
  from: ${join(repo, 'backups')}
  keep-daily: ${keepDaily}
  keep-weekly: 4
`;

let server: PostgresServer;
let github: GitHubCommentsApi;
let apiUrl: string;
let repo: string;
let baseSha: string;
let eventPath: string;

const q = <T = Record<string, unknown>>(sql: string) => server.query<T>(sql, undefined, 'app');

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('app');
  await q(`CREATE TABLE audit_log (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
    INSERT INTO audit_log SELECT i, now() - i * interval '10 days' FROM generate_series(1, 50) i;
    CREATE TABLE accounts (id bigint PRIMARY KEY, deleted_at timestamptz);
    INSERT INTO accounts SELECT i, now() - i * interval '5 days' FROM generate_series(1, 10) i;`);
  // GitHub's issue-comments API on owner/app, pull request #9, which already holds the migrate-deploy comment.
  github = new GitHubCommentsApi(9, [{ id: 21, body: MIGRATE }], 700);
  apiUrl = await github.start();
  repo = await mkdtemp(join(tmpdir(), 'dbops-retention-pr-'));
  const g = (...args: string[]) => git('git', ['-C', repo, ...args]);
  await g('init', '-q');
  await mkdir(join(repo, 'backups'));
  await writeFile(join(repo, 'retention.yml'), policy('365d', '30d', 7, '90d'));
  await g('add', 'retention.yml');
  await g('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'base policy');
  baseSha = (await g('rev-parse', 'HEAD')).stdout.trim();
  // The pull request's head: audit logs kept 180 days instead of 365, the erase grace 7 days instead of 30, 3 daily
  // backups kept instead of 7 (4 weekly as before), the audit logs' minimum 30 days instead of 90.
  await writeFile(join(repo, 'retention.yml'), policy('180d', '7d', 3, '30d'));
  eventPath = join(repo, '..', `${repo.split('/').pop()}-event.json`);
  await writeFile(eventPath, JSON.stringify({ pull_request: { number: 9, base: { sha: baseSha } } }));
});

afterAll(async () => {
  await github?.stop();
  await server?.stop();
  if (repo) await rm(repo, { recursive: true, force: true });
  if (eventPath) await rm(eventPath, { force: true });
});

const dryRun = () =>
  runActionAsGitHub(
    'retention-purge',
    {
      'database-url': server.url('app'),
      policy: 'retention.yml',
      'comment-on-pr': 'true',
      'github-token': TOKEN,
    },
    {
      cwd: repo,
      env: {
        GITHUB_API_URL: apiUrl,
        GITHUB_REPOSITORY: 'owner/app',
        GITHUB_RUN_ID: '42',
        GITHUB_REF: 'refs/pull/9/merge',
        GITHUB_EVENT_PATH: eventPath,
      },
    },
  );

test('a dry run on a pull request posts its plan with the shortened periods, then updates that comment', async () => {
  const first = await dryRun();
  expect(first.code).toBe(0);
  expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /repos/owner/app/issues/9/comments?per_page=100&page=1',
    'POST /repos/owner/app/issues/9/comments',
  ]);
  for (const request of github.requests) expect(request.authorization).toBe(`Bearer ${TOKEN}`);
  const body = JSON.parse(github.requests[1]!.body).body as string;
  expect(body.startsWith(`${MARKER}\n`)).toBe(true);
  expect(body).toContain(
    `2 retention periods shortened, 1 backup keep settings lowered, 1 minimums lowered or removed against \`retention.yml at ${baseSha.slice(0, 12)}\``,
  );
  expect(body).toMatch(
    /\|\s*`audit-logs`\s*\|\s*`public\.audit_log`\s*\|\s*keep\s*\|\s*365d\s*\|\s*180d\s*\|\s*3\s*\|/,
  );
  expect(body).toMatch(
    /\|\s*`deleted-accounts`\s*\|\s*`public\.accounts`\s*\|\s*grace\s*\|\s*30d\s*\|\s*7d\s*\|\s*7\s*\|/,
  );
  expect(body).toMatch(/\|\s*`backups`\s*\|\s*`[^`]*\/backups`\s*\|\s*keep-daily\s*\|\s*7\s*\|\s*3\s*\|\s*17\s*\|/);
  expect(body).toMatch(
    /\|\s*`minimums`\s*\|\s*`public\.audit_log`\s*\|\s*keep-at-least\s*\|\s*90d\s*\|\s*30d\s*\|\s*13\s*\|/,
  );
  expect(body).not.toMatch(/keep-weekly/);
  expect(body).toContain('Data retention plan (dry run: nothing was deleted)');
  // The head's policy is the base commit's file, edited and not committed.
  expect(body).toMatch(new RegExp(`Policy commit.*${baseSha.slice(0, 12)} with uncommitted changes`));
  expect(body).not.toContain(server.password);
  expect(body).not.toContain(TOKEN);
  expect((await q<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBe(50);

  github.requests.length = 0;
  const second = await dryRun();
  expect(second.code).toBe(0);
  expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /repos/owner/app/issues/9/comments?per_page=100&page=1',
    'PATCH /repos/owner/app/issues/comments/700',
  ]);
  expect(github.comments.map((c) => c.id)).toEqual([21, 700]);
  expect(github.comments[0]!.body).toBe(MIGRATE);
}, 180_000);

test('a base commit missing from the checkout is said in the comment; the plan is still posted', async () => {
  github.requests.length = 0;
  await writeFile(eventPath, JSON.stringify({ pull_request: { number: 9, base: { sha: 'f'.repeat(40) } } }));
  const run = await dryRun();
  expect(run.code).toBe(0);
  const body = JSON.parse(github.requests.at(-1)!.body).body as string;
  expect(body).toContain('Shortened periods: not compared');
  expect(body).toContain(`the base commit ${'f'.repeat(12)} is not in the checkout`);
  expect(body).toContain('Data retention plan (dry run: nothing was deleted)');
}, 180_000);
