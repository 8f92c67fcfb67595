// The building blocks of migrate-deploy against a real PostgreSQL: dbops's deploy lock (waited for, then failing with
// the holder named; released on success and failure), the migration command (DATABASE_URL and lock_timeout reach
// it, its output never shows the password, a cancel stops its whole process group), and what a run applied, read
// from `_prisma_migrations` rows written by Prisma's own engine.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { appliedDiff } from '../../packages/core/src/migrations/applied-diff.js';
import { acquireDeployLock, DEPLOY_LOCK_KEY, withDeployLock } from '../../packages/core/src/migrations/deploy-lock.js';
import { PrismaSource } from '../../packages/core/src/migrations/prisma-source.js';
import { runMigrationCommand } from '../../packages/core/src/migrations/run-command.js';
import { readMigrationStatus } from '../../packages/core/src/migrations/status.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaProject, type PrismaProject, PRISMA_CLI } from '../harness/prisma.js';
import { rejection } from '../harness/errors.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let server: PostgresServer;
const clients: pg.Client[] = [];

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('shop');
});

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await server?.stop();
});

async function connect(applicationName: string, database = 'shop'): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: server.url(database), application_name: applicationName });
  await c.connect();
  clients.push(c);
  return c;
}

describe('deploy lock', () => {
  test('a second deploy waits for the timeout, then fails naming the holder; after release it gets the lock', async () => {
    const first = await connect('pipeline-a');
    const second = await connect('pipeline-b');
    const held = await acquireDeployLock(first, { timeoutMs: 0 });
    const firstPid = (await first.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    const started = Date.now();
    const error = await rejection(acquireDeployLock(second, { timeoutMs: 1200, pollMs: 100 }));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1100);
    expect(waited).toBeLessThan(5000);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain(`session ${firstPid}`);
    expect(error.message).toContain("application 'pipeline-a'");
    expect(error.message).toContain('client 127.0.0.1');
    expect(error.message).toMatch(/connected since \d{4}-\d\d-\d\dT/);
    expect(error.message).toContain(DEPLOY_LOCK_KEY);
    expect(error.hint).toContain(`pg_terminate_backend(${firstPid})`);

    // Released while the second waits: it gets the lock then, well before its timeout.
    const waiting = acquireDeployLock(second, { timeoutMs: 10_000, pollMs: 100 });
    await new Promise((r) => setTimeout(r, 300));
    await held.release();
    const second_ = await waiting;
    const holders = await server.query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1`,
      [],
      'shop',
    );
    expect(holders.map((h) => h.pid)).toEqual([(await second.query('SELECT pg_backend_pid() AS pid')).rows[0].pid]);
    await second_.release();
    await second_.release(); // twice is harmless
  });

  test('released when the work fails, so the next deploy is not blocked', async () => {
    const first = await connect('pipeline-c');
    const other = await connect('pipeline-d');
    await expect(
      withDeployLock(first, { timeoutMs: 0 }, async () => {
        // Held during the work.
        await expect(acquireDeployLock(other, { timeoutMs: 0 })).rejects.toThrow(/pipeline-c/);
        throw new Error('migration failed');
      }),
    ).rejects.toThrow('migration failed');
    const next = await acquireDeployLock(other, { timeoutMs: 0 });
    await next.release();
  });
});

describe('migration command', () => {
  test('DATABASE_URL and lock_timeout reach the command: a migration behind a held lock fails fast', async () => {
    const admin = await connect('admin');
    await admin.query('CREATE TABLE orders (id int)');
    const blocker = await connect('long-transaction');
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE orders IN ACCESS SHARE MODE');
    const lines: string[] = [];
    const started = Date.now();
    const error = await rejection(
      runMigrationCommand({
        command: `psql "$DATABASE_URL" -X -v ON_ERROR_STOP=1 -c 'ALTER TABLE orders ADD COLUMN status text'`,
        cwd: ROOT,
        databaseUrl: server.url('shop'),
        secrets: new Secrets(),
        lockTimeoutMs: 500,
        onLine: (line) => lines.push(line),
      }),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.code).toBe('CHECK_FAILED');
    expect(error.message).toContain('psql "$DATABASE_URL"');
    expect(error.message).toContain('exited with code 1');
    expect(error.message).toMatch(/canceling statement due to lock timeout/);
    expect(lines.join('\n')).toMatch(/lock timeout/);
    await blocker.query('ROLLBACK');

    const done = await runMigrationCommand({
      command: `psql "$DATABASE_URL" -X -v ON_ERROR_STOP=1 -c 'ALTER TABLE orders ADD COLUMN status text'`,
      cwd: ROOT,
      databaseUrl: server.url('shop'),
      secrets: new Secrets(),
      lockTimeoutMs: 500,
    });
    expect(done.exitCode).toBe(0);
    expect(done.durationMs).toBeGreaterThan(0);
    expect(done.lastLines).toEqual(['ALTER TABLE']);
  });

  test('the password never shows, even when the command echoes $DATABASE_URL', async () => {
    const password = server.password;
    const url = server.url('shop');
    const lines: string[] = [];
    const ok = await runMigrationCommand({
      command:
        'echo "url=$DATABASE_URL"; echo "options=$PGOPTIONS"; echo "pw=$(node -e \'console.log(new URL(process.env.DATABASE_URL).password)\')" >&2',
      cwd: ROOT,
      databaseUrl: url,
      secrets: new Secrets(),
      lockTimeoutMs: 5000,
      statementTimeoutMs: 60_000,
      env: { ...process.env, PGOPTIONS: '-c search_path=app' },
      onLine: (line) => lines.push(line),
    });
    expect(lines.length).toBe(3);
    expect(ok.lastLines).toEqual(
      expect.arrayContaining(['options=-c search_path=app -c lock_timeout=5000 -c statement_timeout=60000']),
    );
    const everything = [...lines, ...ok.lastLines].join('\n');
    expect(everything).toContain('url=');
    expect(everything).toContain('***');
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(encodeURIComponent(password));

    const error = await rejection(
      runMigrationCommand({
        command: 'echo "connecting to $DATABASE_URL"; exit 3',
        cwd: ROOT,
        databaseUrl: url,
        secrets: new Secrets(),
        lockTimeoutMs: 0,
      }),
    );
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('connecting to');
    expect(error.message).not.toContain(password);
    expect(error.message).not.toContain(encodeURIComponent(password));
  });

  test('a project folder that does not exist is named in the error', async () => {
    const error = await rejection(
      runMigrationCommand({
        command: 'true',
        cwd: '/nonexistent/project',
        databaseUrl: server.url('shop'),
        secrets: new Secrets(),
        lockTimeoutMs: 0,
      }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('/nonexistent/project');
  });

  test('a cancel stops the whole process group, grandchildren included', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const run = runMigrationCommand({
      command: 'sleep 60 & echo "pid=$!"; wait',
      cwd: ROOT,
      databaseUrl: server.url('shop'),
      secrets: new Secrets(),
      lockTimeoutMs: 0,
      signal: controller.signal,
      onLine: (line) => {
        grandchild = Number(/pid=(\d+)/.exec(line)?.[1] ?? 0);
        controller.abort();
      },
    });
    const error = await rejection(run);
    expect(error.code).toBe('CANCELLED');
    expect(grandchild).toBeGreaterThan(0);
    expect(await eventually(() => !alive(grandchild))).toBe(true);
  });
});

/** Whether a process runs (a zombie waiting for its parent to reap it has stopped running). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('applied diff', () => {
  let project: PrismaProject;
  afterAll(async () => project?.remove());

  test('what a real `prisma migrate deploy` run applied, with durations; then a failing one', async () => {
    await server.createDatabase('prisma_shop');
    project = await prismaProject(server.url('prisma_shop'), ['20260101000000_init', '20260102000000_order_status']);
    const client = await connect('status', 'prisma_shop');
    const source = new PrismaSource(project.migrations);
    const deploy = (secrets = new Secrets()) =>
      runMigrationCommand({
        command: `"${process.execPath}" "${PRISMA_CLI}" migrate deploy`,
        cwd: project.dir,
        databaseUrl: server.url('prisma_shop'),
        secrets,
        lockTimeoutMs: 5000,
        env: { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      });

    const before = await readMigrationStatus(source, client);
    const run = await deploy();
    expect(run.lastLines.join('\n')).toContain('applied');
    const after = await readMigrationStatus(source, client);
    const diff = appliedDiff(before, after);
    expect(diff.applied.map((m) => m.name)).toEqual(['20260101000000_init', '20260102000000_order_status']);
    for (const m of diff.applied) {
      expect(m.durationMs).toBeGreaterThanOrEqual(0);
      expect(m.durationMs).toBe(m.finishedAt!.getTime() - m.startedAt!.getTime());
    }
    expect(diff.failed).toEqual([]);
    expect(diff.stillPending).toEqual([]);

    // Nothing new: an empty diff.
    await deploy();
    expect(appliedDiff(after, await readMigrationStatus(source, client)).applied).toEqual([]);

    await project.add('20260104000000_audit_fails_halfway');
    const beforeFail = await readMigrationStatus(source, client);
    const failure = await rejection(deploy());
    expect(failure.code).toBe('CHECK_FAILED');
    const failedDiff = appliedDiff(beforeFail, await readMigrationStatus(source, client));
    expect(failedDiff.applied).toEqual([]);
    expect(failedDiff.failed.map((f) => f.name)).toEqual(['20260104000000_audit_fails_halfway']);
    expect(failedDiff.stillPending).toEqual([]);
  });
});
