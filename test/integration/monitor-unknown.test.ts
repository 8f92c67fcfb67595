// A report that could not check everything says so: checks that could not run make the status `unknown`, which
// fails the run by default and shows in every output; and no query of the report escapes its error handling.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  defaultSettings,
  MemoryLogger,
  monitorReport,
  monitorReportDefinition,
  parsePgTarget,
  Secrets,
  type CheckDefinition,
  type MonitorReport,
  renderSummary,
} from '@dbops/core';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { runCli } from '../harness/cli.js';

let server: PostgresServer;
let work: string;

// Levels the harness sets on purpose for speed: excluded, so that nothing here is critical.
const THRESHOLDS = 'checks:\n  settings:\n    exclude: [fsync, full_page_writes]\n';

beforeAll(async () => {
  server = await startPostgres();
  work = await mkdtemp(join(tmpdir(), 'dbops-monitor-unknown-'));
  await server.query('create table orders (id bigint generated always as identity primary key, note text)');
});
afterAll(async () => {
  await server?.stop();
});

/** A second session that holds `table` exclusively, as a migration would, until `release`. */
async function holdLock(table: string): Promise<{ client: pg.Client; release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: server.url() });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('begin');
  await client.query(`lock table ${table} in access exclusive mode`);
  return {
    client,
    async release() {
      await client.query('rollback').catch(() => undefined);
      await client.end();
    },
  };
}

const cli = (...args: string[]) => runCli(args);

describe('checks that could not run', () => {
  let thresholds: string;
  beforeAll(async () => {
    thresholds = join(work, 'thresholds.yml');
    await writeFile(thresholds, THRESHOLDS);
  });

  it('make the report UNKNOWN, not OK, and fail the run by default', async () => {
    // The table held exclusively makes the size checks wait past the statement timeout: they cannot look.
    const lock = await holdLock('orders');
    try {
      const out = await mkdtemp(join(work, 'cli-'));
      const failing = await cli(
        'monitor',
        '--database-url',
        server.url(),
        '--thresholds',
        thresholds,
        '--statement-timeout',
        '300ms',
        '--output-dir',
        out,
      );
      expect(failing.stdout).toMatch(/Database health: UNKNOWN/);
      expect(failing.stdout).not.toMatch(/Database health: OK/);
      expect(failing.code).toBe(1);
      expect(failing.stderr).toMatch(
        /error \[CHECK_FAILED\]: The health report of postgres is unknown: \d+ checks? could not run/,
      );
      // A warning (an annotation on GitHub) says so before the report ends.
      expect(failing.stderr).toMatch(
        /^warning: \d+ checks? could not run \(.*table-sizes.*\): this report cannot say postgres is healthy/m,
      );

      // fail-on never: the run passes, and the report still says what it is.
      const never = await cli(
        'monitor',
        '--database-url',
        server.url(),
        '--thresholds',
        thresholds,
        '--statement-timeout',
        '300ms',
        '--output-dir',
        out,
        '--fail-on',
        'never',
        '--json',
      );
      expect(never.code).toBe(0);
      expect(JSON.parse(never.stdout)).toMatchObject({
        status: 'unknown',
        counts: { critical: 0, unknown: expect.any(Number) },
      });
    } finally {
      await lock.release();
    }
  });

  it('are shown as not checked, with the reason, in every output', async () => {
    const lock = await holdLock('orders');
    let result: Awaited<ReturnType<typeof monitorReportDefinition.run>>;
    const outputDir = await mkdtemp(join(work, 'out-'));
    try {
      result = await monitorReportDefinition.run(
        { 'database-url': server.url(), thresholds, 'statement-timeout': '300ms', 'output-dir': outputDir },
        { log: new MemoryLogger(), secrets: new Secrets(), env: {}, signal: new AbortController().signal },
      );
    } finally {
      await lock.release();
    }
    const report = result.json as MonitorReport;
    const sizes = report.checks.find((c) => c.id === 'table-sizes')!;
    expect(sizes).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/lock|longer than 300 ms/) });
    expect(report.status).toBe('unknown');
    expect(report.counts.unknown).toBe(report.checks.filter((c) => c.status === 'unknown').length);
    expect(result.outputs).toMatchObject({ status: 'unknown', 'unknown-count': String(report.counts.unknown) });
    expect(result.failure).toMatchObject({ code: 'CHECK_FAILED' });

    expect(renderSummary(result.results)).toMatch(/UNKNOWN/);
    expect(renderSummary(result.results)).toMatch(/could not run/);
    expect(renderSummary(result.results)).not.toMatch(/No findings: every check/);
    expect(renderSummary(result.results)).toContain('Largest tables');
    const html = await readFile(join(outputDir, 'report.html'), 'utf8');
    expect(html).toMatch(/UNKNOWN/);
    expect(html).toMatch(/could not run/);
    expect(html).not.toMatch(/No findings: every check/);
    const metrics = await readFile(join(outputDir, 'metrics.prom'), 'utf8');
    expect(metrics).toMatch(/^dbops_monitor_status\{database="postgres"\} 3$/m);
    expect(metrics).toMatch(/^dbops_monitor_check_status\{database="postgres",check="table-sizes"\} 4$/m);
    expect(metrics).toMatch(
      new RegExp(`^dbops_monitor_checks_unknown\\{database="postgres"\\} ${report.counts.unknown}$`, 'm'),
    );
    expect(JSON.parse(await readFile(join(outputDir, 'report.json'), 'utf8'))).toMatchObject({ status: 'unknown' });
  });
});

it('a role that sees only its own sessions does not pass the session checks on what it cannot see', async () => {
  await server.query(`create role app_only login password 'app-pw'`);
  // Another role's transaction, idle for longer than the threshold: a role without pg_monitor sees it as nulls.
  const idle = new pg.Client({ connectionString: server.url() });
  idle.on('error', () => undefined);
  await idle.connect();
  try {
    await idle.query('begin; select txid_current()');
    const thresholdsFile = join(work, 'sessions.yml');
    await writeFile(thresholdsFile, `${THRESHOLDS}  idle-in-transaction: { warning: 0s }\n`);
    const run = (url: string) =>
      monitorReportDefinition
        .run(
          { 'database-url': url, thresholds: thresholdsFile, 'output-dir': work, 'fail-on': 'never' },
          { log: new MemoryLogger(), secrets: new Secrets(), env: {}, signal: new AbortController().signal },
        )
        .then((r) => r.json as MonitorReport);

    const limited = await run(server.url('postgres', 'app_only', 'app-pw'));
    for (const id of [
      'long-running-queries',
      'idle-in-transaction',
      'long-transactions',
      'blocking-locks',
      'replication-lag',
    ]) {
      expect(limited.checks.find((c) => c.id === id)).toMatchObject({
        status: 'unknown',
        reason: expect.stringMatching(/sees only its own sessions.*pg_monitor/),
      });
    }
    expect(limited.status).toBe('unknown');
    // connections counts what it cannot read the state of: its own session and the other role's idle one at least.
    const counted = limited.checks.find((c) => c.id === 'connections')!.top[0]!.detail ?? '';
    expect(Number(/^(\d+) of \d+ usable/.exec(counted)?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(/state hidden (\d+)/.exec(counted)?.[1])).toBeGreaterThanOrEqual(1);
    // The same report as a role that sees every session finds the idle transaction.
    const full = await run(server.url());
    expect(full.checks.find((c) => c.id === 'idle-in-transaction')).toMatchObject({ status: 'warning' });
  } finally {
    await idle.end();
  }
});

describe('every query of the report is handled', () => {
  const quick: CheckDefinition = {
    id: 'quick',
    title: 'quick',
    why: 'test',
    action: 'test',
    unit: 'count',
    direction: 'above',
    warning: 1,
    run: async () => ({ observations: [] }),
  };

  async function report(url: string, statementTimeoutMs: number) {
    return monitorReport({
      target: parsePgTarget({ url, connectTimeoutSeconds: 2 }),
      checks: [quick],
      settings: defaultSettings([quick]),
      statementTimeoutMs,
      budgetMs: 60_000,
      outputDir: await mkdtemp(join(work, 'lib-')),
      log: new MemoryLogger(),
    });
  }

  /**
   * Whether a session (the report's: no other starts here) waits for a lock on pg_proc. Asked of the session that
   * holds it, through pg_locks alone: pg_stat_activity would show this transaction's snapshot, taken before.
   */
  async function reportWaits(locker: pg.Client): Promise<boolean> {
    const { rows } = await locker.query(
      `select 1 from pg_locks where not granted and relation = 'pg_catalog.pg_proc'::regclass`,
    );
    return rows.length > 0;
  }

  it('a session setup slower than statement-timeout is not an INTERNAL error: the report runs', async () => {
    // A new session's first query looks functions up in pg_proc: holding pg_proc makes it slow, as a loaded server
    // does now and then, deterministically. The statement timeout bounds the checks, not opening the session.
    const lock = await holdLock('pg_catalog.pg_proc');
    let running: ReturnType<typeof report> | undefined;
    try {
      running = report(server.url(), 1);
      running.catch(() => undefined);
      expect(await eventually(() => reportWaits(lock.client))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50)); // well past the 1 ms statement timeout
    } finally {
      await lock.release();
    }
    const { report: r } = await running;
    expect(r.checks.map((c) => c.id)).toEqual(['quick']);
  });

  it('a session that cannot be set up within connect-timeout fails with a clear error, not INTERNAL', async () => {
    const lock = await holdLock('pg_catalog.pg_proc');
    try {
      await expect(report(server.url(), 1)).rejects.toMatchObject({
        code: 'CONNECTION_FAILED',
        message: expect.stringMatching(
          /^PostgreSQL at .* did not answer the report's first query within connect-timeout \(2 s\)/,
        ),
        hint: expect.stringMatching(/pg_locks|connect-timeout/),
      });
    } finally {
      await lock.release();
    }
  });
});
