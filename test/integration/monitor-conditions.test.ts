// The monitor-report checks against real conditions built on a real server: each condition must be found,
// a healthy database must report nothing, and a role with only pg_monitor must be able to run the report.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  MemoryLogger,
  monitorReportDefinition,
  POSTGRES_CHECKS,
  Secrets,
  type MonitorReport,
  renderSummary,
} from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
let work: string;

/** Runs the action the way an adapter does, returning the report and everything it logged. */
async function runReport(inputs: Record<string, string>, extraSecrets: string[] = []) {
  const log = new MemoryLogger();
  const secrets = new Secrets();
  secrets.add(inputs['database-url']);
  for (const s of extraSecrets) secrets.add(s);
  const outputDir = await mkdtemp(join(work, 'out-'));
  const result = await monitorReportDefinition.run(
    { 'output-dir': outputDir, 'fail-on': 'never', ...inputs },
    { log, secrets, env: {}, signal: new AbortController().signal },
  );
  return { ...result, report: result.json as MonitorReport, log, outputDir };
}

async function thresholdsFile(yaml: string): Promise<string> {
  const path = join(await mkdtemp(join(work, 'thr-')), 'thresholds.yml');
  await writeFile(path, yaml);
  return path;
}

function findings(report: MonitorReport, check: string) {
  return report.checks.find((c) => c.id === check)!.findings;
}

async function openClient(database: string, url = server.url(database)): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Waits for a condition the server reports asynchronously (a session starting to wait, stats being flushed). */
async function until(sql: string, database: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await server.query<{ ok: boolean }>(sql, [], database);
    if (row?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition never held: ${sql}`);
}

// Levels the harness sets on purpose for speed; the settings check rightly flags them on this cluster.
const HARNESS_SETTINGS = 'settings:\n    exclude: [fsync, full_page_writes]\n';

beforeAll(async () => {
  server = await startPostgres();
  work = await mkdtemp(join(tmpdir(), 'dbops-monitor-'));
});
afterAll(async () => {
  await server?.stop();
});

describe('a healthy database', () => {
  beforeAll(async () => {
    await server.createDatabase('healthy');
    await server.query(
      `create table customers (id bigint generated always as identity primary key, email text not null unique);
       insert into customers (email) select 'c' || g || '@example.com' from generate_series(1, 1000) g;
       analyze customers;`,
      [],
      'healthy',
    );
  });

  it('reports no findings', async () => {
    const { report, outputs } = await runReport({
      'database-url': server.url('healthy'),
      thresholds: await thresholdsFile(`checks:\n  ${HARNESS_SETTINGS}`),
    });
    const all = report.checks.flatMap((c) => c.findings);
    expect(all).toEqual([]);
    expect(report.status).toBe('ok');
    expect(outputs).toMatchObject({ status: 'ok', 'critical-count': '0', 'warning-count': '0' });
    // Nothing dropped: every check is listed, and the ones that did not run say why.
    expect(report.checks.map((c) => c.id)).toEqual(POSTGRES_CHECKS.map((c) => c.id));
    for (const c of report.checks) {
      expect(['ok', 'skipped']).toContain(c.status);
      if (c.status === 'skipped') expect(c.reason).toBeTruthy();
      expect(c.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(report.checks.find((c) => c.id === 'slow-statements')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/pg_stat_statements is not installed/),
    });
  });

  it('flags the settings the harness turned off when they are not excluded', async () => {
    const { report } = await runReport({ 'database-url': server.url('healthy') });
    expect(findings(report, 'settings').map((f) => [f.subject, f.severity])).toEqual(
      expect.arrayContaining([
        ['fsync', 'critical'],
        ['full_page_writes', 'critical'],
      ]),
    );
    expect(report.status).toBe('critical');
  });
});

describe('a database with problems', () => {
  const db = 'shop';
  let holder: pg.Client; // holds a row lock and stays idle in transaction
  const waiters: pg.Client[] = [];
  let sleeper: pg.Client;
  const pending: Array<Promise<unknown>> = [];
  const pids: Record<string, number> = {};
  let report: MonitorReport;

  beforeAll(async () => {
    await server.createDatabase(db);
    const q = (sql: string) => server.query(sql, [], db);
    // Bloat: every row updated three times with autovacuum off, then a plain VACUUM that frees but keeps the space.
    await q(`create table bloated (id int primary key, payload text) with (autovacuum_enabled = false);
             insert into bloated select g, repeat('x', 80) from generate_series(1, 100000) g;
             update bloated set payload = payload || '';
             update bloated set payload = payload || '';
             update bloated set payload = payload || '';`);
    await q('vacuum bloated');
    await q('analyze bloated');
    // Unused and duplicate indexes: orders_customer is the leading column of orders_customer_created.
    // No query ever touches note (no range predicates either: the planner probes indexes for those).
    await q(`create table orders (id int primary key, customer int, created timestamp, note text);
             insert into orders select g, g % 1000, timestamp '2020-01-01' + g * interval '1 minute', md5(g::text) from generate_series(1, 100000) g;
             create index orders_customer on orders (customer);
             create index orders_customer_created on orders (customer, created);
             create index orders_note on orders (note);`);
    await q('vacuum analyze orders');
    await q(`set enable_seqscan = off; set enable_bitmapscan = off;
             select id from orders where customer = 5 and created = timestamp '2020-01-01 00:05';
             select pg_stat_force_next_flush();`);
    await until(
      `select idx_scan > 0 as ok from pg_stat_user_indexes where indexrelname = 'orders_customer_created'`,
      db,
    );
    // A sequence at 95% of its int4 column.
    await q(`create table counters (id serial primary key, v int);
             select setval('counters_id_seq', (2147483647 * 0.95)::int);`);
    // A table without a primary key.
    await q(`create table nopk (a int, b text)`);
    // Dead rows nobody vacuums: 40,000 of 50,000 rows deleted, autovacuum off for the table.
    await q(`create table churn (id int primary key) with (autovacuum_enabled = false);
             insert into churn select generate_series(1, 50000);
             delete from churn where id > 10000;`);
    // A missing index: 100 sequential scans of a 20,000-row table looking for one kind.
    await q(`create table events (id int primary key, kind int);
             insert into events select g, g % 50 from generate_series(1, 20000) g;`);
    await q(`analyze events`);
    await q(`do $$ begin for i in 1..100 loop perform count(*) from events where kind = 3; end loop; end $$;
             select pg_stat_force_next_flush();`);
    await until(
      `select (select n_dead_tup >= 40000 from pg_stat_user_tables where relname = 'churn')
                    and (select seq_scan >= 100 and n_live_tup >= 20000 from pg_stat_user_tables where relname = 'events') as ok`,
      db,
    );
    // An abandoned replication slot (slots are cluster-wide; this cluster is the test's own).
    await q(`select pg_create_physical_replication_slot('abandoned', true)`);
    // A lock chain: the holder updates a row and stays idle in transaction; two more sessions queue behind it.
    await q(`create table locked (id int primary key, v int); insert into locked values (1, 0);`);
    holder = await openClient(db);
    pids.holder = (await holder.query('select pg_backend_pid() as pid')).rows[0].pid;
    await holder.query('begin');
    await holder.query('update locked set v = v + 1 where id = 1');
    for (const name of ['first', 'second']) {
      const client = await openClient(db);
      pids[name] = (await client.query('select pg_backend_pid() as pid')).rows[0].pid;
      waiters.push(client);
      pending.push(client.query('update locked set v = v + 1 where id = 1').catch(() => undefined));
      await until(`select wait_event_type = 'Lock' as ok from pg_stat_activity where pid = ${pids[name]}`, db);
    }
    // A long query whose text holds the superuser password in a literal: the report must not show it.
    sleeper = await openClient(db);
    pids.sleeper = (await sleeper.query('select pg_backend_pid() as pid')).rows[0].pid;
    pending.push(
      sleeper
        .query(`select pg_sleep(600), $1::text as note`.replace('$1::text', `'${server.password.replace(/'/g, "''")}'`))
        .catch(() => undefined),
    );
    await until(
      `select state = 'active' and query like '%pg_sleep%' as ok from pg_stat_activity where pid = ${pids.sleeper}`,
      db,
    );

    ({ report } = await runReport({
      'database-url': server.url(db),
      thresholds: await thresholdsFile(
        // Session checks fire at once here: the conditions are real, only their age is short.
        `checks:\n  ${HARNESS_SETTINGS}  long-running-queries: { warning: 0s }\n  idle-in-transaction: { warning: 0s }\n  blocking-locks: { warning: 0s }\n  connections: { warning: 5% }\n`,
      ),
    }));
  });

  afterAll(async () => {
    await server.query(`select pg_drop_replication_slot('abandoned')`).catch(() => undefined);
    await server
      .query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${db}' and pid <> pg_backend_pid()`,
      )
      .catch(() => undefined);
    await Promise.all(pending);
    for (const c of [holder, sleeper, ...waiters]) await c?.end().catch(() => undefined);
  });

  it('finds the bloat left by mass updates', () => {
    const [bloat] = findings(report, 'table-bloat');
    expect(bloat).toMatchObject({ subject: 'public.bloated', severity: 'warning' });
    expect(bloat!.value).toBeGreaterThan(0.6);
    expect(report.sample.bloatBytes).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('finds the unused index and the prefix-redundant one', () => {
    const unused = findings(report, 'unused-indexes').map((f) => f.subject);
    expect(unused).toContain('public.orders_note');
    expect(unused).not.toContain('public.orders_customer_created');
    const duplicates = findings(report, 'duplicate-indexes');
    expect(duplicates.map((f) => f.subject)).toEqual(['public.orders_customer']);
    expect(duplicates[0]!.detail).toMatch(/covered by public\.orders_customer_created/);
  });

  it('finds the sequence at 95% of its int4 column', () => {
    const [seq] = findings(report, 'sequence-exhaustion');
    expect(seq).toMatchObject({ subject: 'public.counters_id_seq', severity: 'critical' });
    expect(seq!.value).toBeCloseTo(0.95, 2);
    expect(seq!.detail).toMatch(/public\.counters\.id integer/);
  });

  it('finds the blocked lock chain and names its root blocker', () => {
    const blocked = findings(report, 'blocking-locks');
    expect(blocked.map((f) => f.subject)).toEqual(
      expect.arrayContaining([`pid ${pids.first} blocked by pid ${pids.holder}`]),
    );
    const second = blocked.find((f) => f.subject.startsWith(`pid ${pids.second} `));
    expect(second?.detail).toContain(`root blocker pid ${pids.holder} (idle in transaction)`);
  });

  it('finds the idle-in-transaction session', () => {
    expect(findings(report, 'idle-in-transaction').map((f) => f.subject)).toContain(`pid ${pids.holder} (postgres)`);
  });

  it('finds the long pg_sleep query, with its literals masked', () => {
    const long = findings(report, 'long-running-queries').find((f) => f.subject.startsWith(`pid ${pids.sleeper} `));
    expect(long?.detail).toContain('pg_sleep');
    expect(long?.detail).not.toContain(server.password);
  });

  it('finds the table without a primary key', () => {
    expect(findings(report, 'tables-without-primary-key').map((f) => f.subject)).toEqual(['public.nopk']);
  });

  it('finds the dead rows, the sequentially scanned table, and the abandoned slot', () => {
    expect(findings(report, 'dead-tuples')[0]).toMatchObject({
      subject: 'public.churn',
      severity: 'critical',
      value: 0.8,
    });
    expect(findings(report, 'missing-indexes')[0]).toMatchObject({
      subject: 'public.events',
      severity: 'warning',
      value: 1,
    });
    expect(findings(report, 'missing-indexes')[0]!.detail).toMatch(
      /^10\d sequential scans \(\d+ rows each\), 0 index scans; 20000 rows$/,
    );
    expect(findings(report, 'replication-slots')[0]).toMatchObject({ subject: 'slot abandoned', severity: 'warning' });
    expect(findings(report, 'replication-slots')[0]!.detail).toMatch(
      /physical slot, inactive; retains \d+ bytes of WAL/,
    );
  });

  it('measures wraparound age per database and per table', () => {
    for (const id of ['xid-wraparound', 'multixact-wraparound']) {
      const top = report.checks.find((c) => c.id === id)!.top.map((o) => o.subject);
      expect(top).toEqual(expect.arrayContaining(['database shop', 'database postgres']));
      expect(top.some((s) => /^public\./.test(s) || /^pg_/.test(s))).toBe(true);
    }
    expect(report.sample.maxXidAge).toBeGreaterThan(0);
  });

  it('counts connections against max_connections, by state', () => {
    const [connections] = findings(report, 'connections');
    expect(connections?.detail).toMatch(
      /^\d+ of 47 usable \(max_connections 50\); .*active \d+.*idle in transaction 1/,
    );
  });

  it('lists every check with its time, and the overall status', () => {
    expect(report.status).toBe('critical');
    expect(report.counts.critical).toBeGreaterThanOrEqual(1);
    for (const c of report.checks) expect(typeof c.durationMs).toBe('number');
  });

  it('honours per-table exclusions, globally and per check', async () => {
    const { report: excluded } = await runReport({
      'database-url': server.url(db),
      thresholds: await thresholdsFile(
        `exclude: [public.nopk]\nchecks:\n  ${HARNESS_SETTINGS}  table-bloat:\n    exclude: [bloat*]\n  sequence-exhaustion: { critical: 99% }\n`,
      ),
    });
    expect(findings(excluded, 'tables-without-primary-key')).toEqual([]);
    expect(findings(excluded, 'table-bloat')).toEqual([]);
    // The per-check override turns the 95% sequence into a warning only.
    expect(findings(excluded, 'sequence-exhaustion')[0]).toMatchObject({
      subject: 'public.counters_id_seq',
      severity: 'warning',
      threshold: 0.75,
    });
  });

  it('runs with a role that has only pg_monitor', async () => {
    await server.query(`create role watcher login password 'watcher-pw'; grant pg_monitor to watcher;`);
    const { report: limited } = await runReport({
      'database-url': server.url(db, 'watcher', 'watcher-pw'),
      thresholds: await thresholdsFile(
        `checks:\n  ${HARNESS_SETTINGS}  idle-in-transaction: { warning: 0s }\n  blocking-locks: { warning: 0s }\n`,
      ),
    });
    // What the role may not read is unknown, with the reason, never dropped; everything else ran.
    expect(
      limited.checks
        .filter((c) => c.status === 'unknown')
        .map((c) => c.id)
        .sort(),
    ).toEqual(['sequence-exhaustion', 'table-bloat']);
    expect(limited.checks.find((c) => c.id === 'sequence-exhaustion')).toMatchObject({
      status: 'unknown',
      reason: expect.stringMatching(/not readable by this role/),
    });
    expect(limited.checks.find((c) => c.id === 'table-bloat')).toMatchObject({
      status: 'unknown',
      reason: expect.stringMatching(/no statistics visible/),
    });
    // pg_monitor sees every session: the lock chain and the idle transaction are still found.
    expect(findings(limited, 'idle-in-transaction').map((f) => f.subject)).toContain(`pid ${pids.holder} (postgres)`);
    expect(findings(limited, 'blocking-locks').length).toBeGreaterThanOrEqual(2);
    expect(findings(limited, 'duplicate-indexes').map((f) => f.subject)).toEqual(['public.orders_customer']);
  });

  it('never shows the password: not in the JSON, HTML, Prometheus or Markdown outputs, the summary or the log', async () => {
    const {
      results,
      log,
      outputDir,
      report: r,
    } = await runReport({
      'database-url': server.url(db),
      thresholds: await thresholdsFile('checks:\n  long-running-queries: { warning: 0s }\n'),
    });
    const texts = [renderSummary(results), log.lines.join('\n'), JSON.stringify(r)];
    for (const file of ['report.json', 'report.html', 'summary.md'])
      texts.push(await readFile(join(outputDir, file), 'utf8'));
    const prometheus = await readFile(join(outputDir, 'metrics.prom'), 'utf8');
    const forms = [server.password, encodeURIComponent(server.password)];
    for (const text of [...texts, prometheus]) for (const form of forms) expect(text).not.toContain(form);
    // The long query (whose literal is the password) is in every output, so the test can fail.
    for (const text of texts) expect(text).toContain('pg_sleep');
    expect(prometheus).toContain(`subject="pid ${pids.sleeper} (postgres)"`);
  });

  it('writes a Prometheus file that promtool accepts', async () => {
    const { outputDir } = await runReport({ 'database-url': server.url(db) });
    let promtool = '';
    try {
      promtool = execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim();
    } catch {
      throw new Error(
        'promtool is not installed: apt-get install -y prometheus (Debian/Ubuntu) so the Prometheus output can be checked',
      );
    }
    const metrics = await readFile(join(outputDir, 'metrics.prom'), 'utf8');
    expect(metrics).toMatch(/dbops_monitor_check_status\{database="shop",check="sequence-exhaustion"\} 2/);
    const result = execFileSync(promtool, ['check', 'metrics'], {
      input: metrics,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    expect(result).toBe('');
  });
});
