// monitor-report's findings as maintenance's input, end to end on a real server: `dbops monitor-report` writes its
// report.json, `dbops maintenance --monitor-report` plans the steps its findings map to even below the plan's own
// thresholds, names the finding in the step's why, runs those steps first, and says which findings no step answers.
// A missing, malformed or foreign report is an input error naming monitor-report.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

let server: PostgresServer;
let dir: string;
const DB = 'monitor_findings';
const q = (sql: string) => server.query(sql, [], DB);
/** The report's database as monitor-report records it: name, and the host and port it connected to. */
const here = () => {
  const url = new URL(server.url(DB));
  return { name: DB, host: url.hostname, port: Number(url.port) };
};

beforeAll(async () => {
  server = await startPostgres({ settings: { autovacuum: 'off' } });
  dir = await mkdtemp(join(tmpdir(), 'dbops-maintenance-findings-'));
  await server.createDatabase(DB);
  // 30% dead rows in churned (30,000 of 100,000): a dead-tuples warning for monitor-report (20%, 10,000 rows),
  // below the 50% this plan is given (and its rows changed since ANALYZE below the 100% given); quiet has none.
  for (const t of ['quiet', 'churned']) {
    await q(`create table ${t} (id int primary key, v int)`);
    await q(`insert into ${t} select g, g from generate_series(1, 100000) g`);
    await q(`analyze ${t}`);
  }
  await q(`delete from churned where id % 10 < 3`);
  await q(`select pg_stat_force_next_flush()`);
});
afterAll(async () => {
  await server?.stop();
});

const maintenance = async (...args: string[]) => {
  const run = await runCli([
    'maintenance',
    '--database-url',
    server.url(DB),
    '--dead-tuple-percent',
    '50',
    '--stale-stats-percent',
    '100',
    ...args,
  ]);
  expect(run.stderr).not.toContain(server.password);
  return run;
};

it('a dead-tuples finding plans and names its VACUUM below the plan’s thresholds, first; apply runs it', async () => {
  const out = join(dir, 'report');
  const monitor = await runCli([
    'monitor-report',
    '--database-url',
    server.url(DB),
    '--output-dir',
    out,
    '--fail-on',
    'never',
  ]);
  expect(monitor.code).toBe(0);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
  const dead = report.checks.find((c: { id: string }) => c.id === 'dead-tuples');
  expect(dead.findings).toEqual([expect.objectContaining({ subject: 'public.churned', severity: 'warning' })]);

  // Without the report, the plan has nothing for churned: 30% is under --dead-tuple-percent 50.
  const alone = JSON.parse((await maintenance('--json')).stdout);
  expect(alone.plan).toEqual([]);
  expect(alone.monitor).toBeUndefined();

  const file = join(out, 'report.json');
  const planned = JSON.parse((await maintenance('--monitor-report', file, '--json')).stdout);
  expect(planned.plan.map((s: { kind: string; statement: string }) => [s.kind, s.statement])).toEqual([
    ['vacuum-analyze', 'VACUUM (ANALYZE) "public"."churned"'],
  ]);
  expect(planned.plan[0].findings).toEqual(['dead-tuples warning']);
  expect(planned.plan[0].why).toBe(
    `30000 dead tuples, below the plan's thresholds; monitor-report of ${report.generatedAt}: dead-tuples warning (0.3 past 0.2)`,
  );
  // Every other finding of the harness's server (fsync off, …) is said to be answered by no step.
  const others = report.checks.flatMap((c: { findings: unknown[] }) => c.findings).length - 1;
  expect(planned.monitor).toMatchObject({ file, generatedAt: report.generatedAt, used: 1 });
  expect(planned.monitor.ignored).toHaveLength(others);
  expect(planned.monitor.ignored).toContainEqual(
    expect.stringMatching(/^settings fsync: not a table, index or sequence of this database$/),
  );
  const text = await maintenance('--monitor-report', file);
  expect(text.stdout).toMatch(/Monitor report\s+.*report\.json of .*: 1 finding\(s\) named a step/);

  const applied = await maintenance('--monitor-report', file, '--apply', '--json');
  expect(applied.code).toBe(0);
  const outcome = JSON.parse(applied.stdout).outcomes[0];
  expect(outcome).toMatchObject({ kind: 'vacuum-analyze', status: 'applied', before: { deadTuples: 30000 } });
  expect(outcome.after.deadTuples).toBe(0);
});

it('sequence and table-bloat findings add their report steps; a critical finding’s step moves first', async () => {
  await q(`create sequence nearly_full as smallint maxvalue 100`);
  await q(`select setval('nearly_full', 50)`);
  const report = {
    schemaVersion: 2,
    generatedAt: '2026-12-06T01:00:00.000Z',
    database: here(),
    checks: [
      {
        id: 'sequence-exhaustion',
        findings: [
          {
            check: 'sequence-exhaustion',
            severity: 'critical',
            subject: 'public.nearly_full',
            value: 0.5,
            threshold: 0.5,
            unit: 'ratio',
          },
        ],
      },
      {
        id: 'dead-tuples',
        findings: [
          {
            check: 'dead-tuples',
            severity: 'warning',
            subject: 'public.quiet',
            value: 0.6,
            threshold: 0.5,
            unit: 'ratio',
          },
          {
            check: 'dead-tuples',
            severity: 'warning',
            subject: 'public.gone',
            value: 0.6,
            threshold: 0.5,
            unit: 'ratio',
          },
        ],
      },
      {
        id: 'table-bloat',
        // churned lost 30% of its rows: a rebuild the plan at table-bloat-percent 95 does not suggest alone.
        findings: [
          {
            check: 'table-bloat',
            severity: 'warning',
            subject: 'public.churned',
            value: 0.3,
            threshold: 0.2,
            unit: 'ratio',
          },
        ],
      },
    ],
  };
  const file = join(dir, 'crafted.json');
  await writeFile(file, JSON.stringify(report));
  const bloat = ['--min-table-size', '1MB', '--table-bloat-percent', '95'];
  expect(JSON.parse((await maintenance(...bloat, '--json')).stdout).plan).toEqual([]);
  const planned = JSON.parse((await maintenance(...bloat, '--monitor-report', file, '--json')).stdout);
  expect(
    planned.plan.map((s: { kind: string; mode: string; findings: string[] }) => [s.kind, s.mode, s.findings]),
  ).toEqual([
    ['widen-sequence', 'report', ['sequence-exhaustion critical']],
    ['vacuum-full', 'report', ['table-bloat warning']],
    ['vacuum-analyze', 'apply', ['dead-tuples warning']],
  ]);
  expect(planned.plan[1].why).toMatch(
    /^estimated bloat \d+% \(from statistics: .*; not applied: allow-vacuum-full is off; monitor-report of /,
  );
  expect(planned.plan[0].why).toMatch(
    /^50% used: .*; monitor-report of 2026-12-06T01:00:00\.000Z: sequence-exhaustion critical \(0\.5 past 0\.5\)$/,
  );
  expect(planned.monitor.ignored).toEqual(['dead-tuples public.gone: not a table, index or sequence of this database']);
});

it.each([
  ['missing.json', undefined, /names '.*missing\.json', which cannot be read: no such file/],
  ['not-json.json', '{"schemaVersion": 2,', /names '.*not-json\.json', which is not JSON/],
  [
    'old.json',
    JSON.stringify({ schemaVersion: 1, checks: [] }),
    /which is not a monitor-report report: schemaVersion is 1, not 2/,
  ],
  [
    'bad-finding.json',
    JSON.stringify({
      schemaVersion: 2,
      generatedAt: 'x',
      database: { name: DB, host: 'h', port: 5432 },
      checks: [{ findings: [{ check: 'dead-tuples' }] }],
    }),
    /checks\[0\]\.findings\[0\] lacks check, severity, subject, value or threshold/,
  ],
  [
    'no-host.json',
    JSON.stringify({ schemaVersion: 2, generatedAt: 'x', database: { name: DB }, checks: [] }),
    /which is not a monitor-report report: no database.host and database.port/,
  ],
  [
    'other-db.json',
    { name: 'shop' },
    /a report of database 'shop' on .*, but this run maintains database 'monitor_findings' on /,
  ],
  // Same database name, another server (staging's for production's): refused by its port, then by its host.
  [
    'other-port.json',
    { port: 1 },
    /a report of database 'monitor_findings' on [^:]+:1, but this run maintains database 'monitor_findings' on [^:]+:\d+/,
  ],
  [
    'other-host.json',
    { host: 'staging.example' },
    /a report of database 'monitor_findings' on staging\.example:\d+, but this run maintains /,
  ],
])('%s is an input error naming monitor-report', async (name, content, message) => {
  const file = join(dir, name);
  // An object: a report of the database this run maintains but for these fields (the server is started by then).
  const text =
    typeof content === 'object'
      ? JSON.stringify({ schemaVersion: 2, generatedAt: 'x', database: { ...here(), ...content }, checks: [] })
      : content;
  if (text !== undefined) await writeFile(file, text);
  const run = await maintenance('--monitor-report', file);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/error \[INVALID_INPUT\]: Input 'monitor-report' /);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(/fix: .*report/);
});
