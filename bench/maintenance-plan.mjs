#!/usr/bin/env node
// Benchmark of the maintenance action (issue 18): planning on a large catalog (10,000 tables, 20,000 indexes; limits
// 5 s and 200 MB peak RSS) and the guard overhead of applying 100 small steps (limit: 10% of the steps' own time).
// Not a test: run on demand after `npx tsc -b`, never next to another benchmark:
//
//   node bench/maintenance-plan.mjs [--tables 10000] [--runs 3] [--steps 100] [--part all|plan|apply]
//                                   [--baseline <another build's packages/core/lib>]
//
// Planning runs in a child process (the whole `maintenance` operation, plan only, as `dbops maintenance` runs it),
// so its peak RSS is the plan's alone; each catalog query's time is listed so a slow one is visible. The apply part
// runs the same 100 `VACUUM (ANALYZE)` statements bare on one session and through dbops's applySteps (lock and
// statement timeouts, before/after figures, window and budget checks), interleaved, with the dead tuples put back
// before every run, with the action's default max-replication-lag (30 s). --baseline adds another build's applySteps
// (a copy of its packages/core/lib, e.g. under bench/.data/ so that it finds node_modules) to the same interleaving,
// so old and new are measured on the same machine at the same moment. The cluster is the bench cluster under
// bench/.data; the databases are built once and reused.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { createDatabaseOnce, startCluster } from './lib/cluster.mjs';
import { DATA, describeBuild, ROOT } from './lib/environment.mjs';
import { markdownTable, median } from './lib/table.mjs';

const exec = promisify(execFile);
const CORE = join(ROOT, 'packages', 'core', 'lib');

const { values: opts } = parseArgs({
  options: {
    tables: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    steps: { type: 'string', default: '100' },
    part: { type: 'string', default: 'all' },
    baseline: { type: 'string' },
    'measure-plan': { type: 'string' },
  },
});

if (opts['measure-plan']) await measurePlan(opts['measure-plan']);
else await main();

/** Child process: one plan-only maintenance run, with each catalog query timed; JSON on stdout. */
async function measurePlan(url) {
  const pg = (await import('pg')).default;
  const queries = [];
  const original = pg.Client.prototype.query;
  // Times every query the plan sends, by its first words: where the time goes.
  pg.Client.prototype.query = async function (...args) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0]?.text ?? '');
    const started = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      queries.push({ sql: text.replace(/\s+/g, ' ').trim().slice(0, 70), ms: performance.now() - started });
    }
  };
  const { maintenance, parsePgTarget, silentLogger, Secrets } = await import(join(CORE, 'index.js'));
  const { DEFAULT_THRESHOLDS } = await import(join(CORE, 'maintenance', 'plan.js'));
  const started = performance.now();
  const result = await maintenance({
    target: parsePgTarget({ url }),
    apply: false,
    thresholds: DEFAULT_THRESHOLDS,
    lockTimeoutMs: 5000,
    statementTimeoutMs: 60_000,
    maxRuntimeMs: 3_600_000,
    secrets: new Secrets(),
    log: silentLogger,
  });
  const seconds = (performance.now() - started) / 1000;
  const kinds = {};
  for (const s of result.plan) kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
  process.stdout.write(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, kinds, queries }));
}

async function main() {
  const tables = Number(opts.tables);
  const runs = Number(opts.runs);
  const steps = Number(opts.steps);
  if (!['all', 'plan', 'apply'].includes(opts.part)) throw new Error(`--part: ${opts.part}; use all, plan or apply`);
  const cluster = await startCluster({ dir: DATA });
  try {
    const { stdout: load } = await exec('uptime');
    console.log(
      `\nmaintenance benchmark, build ${describeBuild()}, node ${process.version}; load:${load.split('load average:')[1]?.trimEnd()}`,
    );
    if (opts.part !== 'apply') await benchPlan(cluster, tables, runs);
    if (opts.part !== 'plan') {
      const applyDb = `maintenance_apply_${steps}`;
      await createDatabaseOnce(cluster, applyDb, (client) => createSmallTables(client, steps));
      const contenders = [{ label: 'dbops applySteps (guards)', core: CORE }];
      if (opts.baseline) contenders.push({ label: `baseline ${opts.baseline} (guards)`, core: resolve(opts.baseline) });
      printApply(await measureApply(cluster.url(applyDb), steps, runs, contenders), steps);
    }
    const { stdout: after } = await exec('uptime');
    console.log(`\nload after:${after.split('load average:')[1]?.trimEnd()}`);
  } finally {
    await cluster.stop();
  }
}

async function benchPlan(cluster, tables, runs) {
  const db = `maintenance_${tables}`;
  const started = performance.now();
  if (await createDatabaseOnce(cluster, db, (client) => createCatalog(client, tables)))
    console.log(`created ${db} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const plans = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await exec(
      process.execPath,
      [fileURLToPath(import.meta.url), '--measure-plan', cluster.url(db)],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    plans.push(JSON.parse(stdout));
  }
  printPlan(plans, tables);
}

/**
 * `tables` tables, each with a primary key and one more index (2 × tables indexes), 20 rows, analyzed; one in a
 * hundred has half its rows deleted (autovacuum off on it), so the plan has steps to write, not only queries to run.
 */
async function createCatalog(client, tables) {
  const batch = 500;
  for (let start = 0; start < tables; start += batch) {
    const end = Math.min(tables, start + batch) - 1;
    await client.query(`do $$ begin for i in ${start}..${end} loop
      execute format('create table plan_%s (id int primary key, account int, note text) with (autovacuum_enabled = %s)', i, i % 100 <> 0);
      execute format('create index plan_%s_account on plan_%s (account)', i, i);
      execute format('insert into plan_%s select g, g %% 7, md5(g::text) from generate_series(1, %s) g', i, i, case when i % 100 = 0 then 4000 else 20 end);
    end loop; end $$`);
  }
  await client.query('analyze');
  await client.query(`do $$ begin for i in 0..${tables - 1} by 100 loop
    execute format('delete from plan_%s where id %% 2 = 0', i);
  end loop; end $$`);
}

/** `n` tables of 2,000 rows for the apply part (autovacuum off: the benchmark puts dead tuples back itself). */
async function createSmallTables(client, n) {
  await client.query(`do $$ begin for i in 0..${n - 1} loop
    execute format('create table step_%s (id int primary key, v int) with (autovacuum_enabled = false)', i);
    execute format('insert into step_%s select g, g from generate_series(1, 2000) g', i);
  end loop; end $$`);
  await client.query('analyze');
}

/**
 * Bare statements and each contender's applySteps, interleaved (the contenders' order turns each run), each after
 * the dead tuples were put back. Returns seconds per run: { bare, guarded: { label: [...] } }.
 */
async function measureApply(url, n, runs, contenders) {
  const pg = (await import('pg')).default;
  for (const c of contenders) c.applySteps = (await import(join(c.core, 'maintenance', 'apply.js'))).applySteps;
  const { silentLogger } = await import(join(CORE, 'index.js'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const statements = Array.from({ length: n }, (_, i) => `VACUUM (ANALYZE) "public"."step_${i}"`);
  // Inside a guarded run, every query that is not a step's statement is the guards' (their round trips): its time
  // over the statements' time, within the same run, is an overhead figure that the load's swings between runs
  // (bare and guarded run seconds apart) do not reach.
  const isStatement = new Set(statements);
  const timed = { guardMs: 0, guardQueries: 0, statementMs: 0 };
  const query = client.query.bind(client);
  client.query = async (...args) => {
    const t = performance.now();
    try {
      return await query(...args);
    } finally {
      const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
      if (isStatement.has(text)) timed.statementMs += performance.now() - t;
      else {
        timed.guardMs += performance.now() - t;
        timed.guardQueries++;
      }
    }
  };
  const steps = statements.map((statement, i) => ({
    kind: 'vacuum-analyze',
    object: `"public"."step_${i}"`,
    statement,
    mode: 'apply',
    why: 'benchmark',
    figures: {},
    lock: '',
    estimatedSeconds: 1,
    expectedGain: '',
  }));
  const churn = () =>
    client.query(`do $$ begin for i in 0..${n - 1} loop
      execute format('update step_%s set v = v + 1 where id %% 2 = 0', i);
    end loop; end $$`);
  // The action's defaults: max-replication-lag is 30 s unless set (the bench cluster has no standby).
  const settings = {
    lockTimeoutMs: 5000,
    statementTimeoutMs: 60_000,
    maxRuntimeMs: 3_600_000,
    maxReplicationLagMs: 30_000,
    now: () => new Date(),
    log: silentLogger,
  };
  const bare = [];
  const guarded = Object.fromEntries(contenders.map((c) => [c.label, []]));
  const within = Object.fromEntries(contenders.map((c) => [c.label, []]));
  try {
    for (let r = 0; r < runs; r++) {
      await churn();
      const t0 = performance.now();
      for (const s of statements) await client.query(s);
      bare.push((performance.now() - t0) / 1000);
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(r + k) % contenders.length];
        await churn();
        Object.assign(timed, { guardMs: 0, guardQueries: 0, statementMs: 0 });
        const t1 = performance.now();
        const outcomes = await c.applySteps(client, steps, settings);
        guarded[c.label].push((performance.now() - t1) / 1000);
        within[c.label].push({ ...timed });
        const applied = outcomes.filter((o) => o.status === 'applied').length;
        if (applied !== n) throw new Error(`${c.label} applied ${applied} of ${n} steps`);
        await client.query(
          `select set_config('lock_timeout', '0', false), set_config('statement_timeout', '0', false)`,
        );
      }
    }
  } finally {
    await client.end();
  }
  return { bare, guarded, within };
}

function printPlan(results, tables) {
  const seconds = results.map((r) => r.seconds);
  const rss = results.map((r) => r.maxRssMiB);
  console.log(
    `\nPlanning (plan only) on ${tables} tables / ${tables * 2} indexes, ${results.length} runs (limits: 5 s, 200 MB)\n`,
  );
  console.log(
    markdownTable(
      ['Measure', 'Median', 'Worst', 'Limit', 'Within'],
      [
        [
          'Plan (s)',
          median(seconds).toFixed(2),
          Math.max(...seconds).toFixed(2),
          '5',
          Math.max(...seconds) < 5 ? 'yes' : 'NO',
        ],
        [
          'Peak RSS (MiB)',
          median(rss).toFixed(0),
          Math.max(...rss).toFixed(0),
          '200',
          Math.max(...rss) < 200 ? 'yes' : 'NO',
        ],
      ],
    ),
  );
  console.log(
    `\nSteps planned: ${Object.entries(results.at(-1).kinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}\n`,
  );
  const byQuery = new Map();
  for (const r of results) for (const q of r.queries) byQuery.set(q.sql, [...(byQuery.get(q.sql) ?? []), q.ms]);
  const rows = [...byQuery]
    .map(([sql, ms]) => ({ sql, median: median(ms.slice(-results.length)) }))
    .filter((q) => q.median >= 5)
    .sort((a, b) => b.median - a.median);
  console.log(
    markdownTable(
      ['Query (first words)', 'Median ms'],
      rows.map((q) => [`\`${q.sql}\``, q.median.toFixed(0)]),
    ),
  );
}

function printApply({ bare, guarded, within }, n) {
  const range = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  const perStep = (xs) => ((median(xs) / n) * 1000).toFixed(1);
  console.log(
    `\nApplying ${n} VACUUM (ANALYZE) steps of 2,000-row tables, ${bare.length} runs (limit: overhead < 10%)\n`,
  );
  console.log(
    markdownTable(
      ['Contender', 'Median (s)', 'Min–max (s)', 'Per step (ms)'],
      [
        ['bare statements, one session', median(bare).toFixed(2), range(bare), perStep(bare)],
        ...Object.entries(guarded).map(([label, xs]) => [label, median(xs).toFixed(2), range(xs), perStep(xs)]),
      ],
    ),
  );
  for (const [label, xs] of Object.entries(guarded)) {
    // Each run against the bare statements of the same run: the load moves between runs.
    const overhead = bare.map((b, i) => (xs[i] - b) / b);
    const m = median(overhead);
    console.log(
      `\n${label}: ratio of the medians ${((median(xs) / median(bare) - 1) * 100).toFixed(1)}% over the bare statements; ` +
        `guard overhead ${(m * 100).toFixed(1)}% median (runs: ${overhead.map((o) => `${(o * 100).toFixed(1)}%`).join(', ')}); ` +
        `${m < 0.1 ? 'within' : 'OVER'} the 10% limit`,
    );
    const share = within[label].map((w) => w.guardMs / w.statementMs);
    const perStepQueries = median(within[label].map((w) => w.guardQueries)) / n;
    console.log(
      `  within its own runs: guard queries ${perStepQueries.toFixed(2)} a step, their time ` +
        `${(median(share) * 100).toFixed(1)}% of the statements' median (runs: ${share.map((x) => `${(x * 100).toFixed(1)}%`).join(', ')})`,
    );
  }
}
