#!/usr/bin/env node
// retention-purge benchmark (issue 16): purge the oldest 20 % of an audit log while a writer inserts into it.
//
//   npx tsc -b && node bench/retention-purge.mjs [--rows 10000000] [--writer-rate 200] [--baseline-seconds 20]
//     [--sleep-coefficient 0.5] [--only batched]   (the batched purge alone, to compare pacings quickly)
//
// An audit-log table (bigint key, timestamps over 500 days, actor, action, target, inet, a jsonb payload of a few
// hundred bytes) with `keep: 400d`, so 20 % of its rows have expired. Three ways to remove them, each while a
// separate writer process inserts single rows at a fixed rate and records each insert's latency:
//   1. dbops' batched purge (purgeRetention: keyset batches of --batch-size, lock_timeout, pauses) + VACUUM (ANALYZE);
//   2. one unbatched `DELETE ... WHERE created_at < cutoff` (the expired rows are put back first, untimed);
//   3. the same rows in a monthly range-partitioned copy: dbops detaches and drops the old months whole and
//      deletes only the straddling month's expired rows.
// Reported: rows/s, the writer's p50/p99 (and its baseline alone), WAL bytes (pg_current_wal_lsn difference,
// the writer's share included), seconds. The cluster (bench/.data/, fsync off, wal_level minimal) is kept between
// runs; the tables are rebuilt when --rows changes. Run nothing else heavy meanwhile; the report prints `uptime`.
import { execFileSync, fork } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startCluster } from './lib/cluster.mjs';
import { DATA, ROOT } from './lib/environment.mjs';

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    'batch-size': { type: 'string', default: '5000' },
    'writer-rate': { type: 'string', default: '200' },
    'baseline-seconds': { type: 'string', default: '20' },
    'sleep-coefficient': { type: 'string' },
    only: { type: 'string' },
    writer: { type: 'string' }, // internal: run as the writer process against this URL
    table: { type: 'string' },
  },
});

if (opts.writer) await writer(opts.writer, opts.table, Number(opts['writer-rate']));
else await main();

async function main() {
  const rows = Number(opts.rows);
  const batchSize = Number(opts['batch-size']);
  const core = (path) => import(join(ROOT, 'packages', 'core', 'lib', path));
  const { purgeRetention } = await core('data-retention/purge.js');
  const { planRetention } = await core('data-retention/plan.js');
  const { parsePolicy } = await core('data-retention/read-policy.js');
  const cluster = await startCluster({ dir: DATA });
  const db = `retention_${rows}`;
  const url = cluster.url(db);
  const now = new Date();
  const cutoff = new Date(now.getTime() - 400 * 86_400_000);
  const load = () => execFileSync('uptime').toString().trim();
  const sleepCoefficient = opts['sleep-coefficient'] === undefined ? undefined : Number(opts['sleep-coefficient']);
  const report = { rows, batchSize, sleepCoefficient, writerRate: Number(opts['writer-rate']), loadBefore: load() };
  if (!(await generated(url))) {
    const admin = await connect(cluster.url());
    await admin.query(`DROP DATABASE IF EXISTS ${db}`); // an interrupted generation
    await admin.query(`CREATE DATABASE ${db}`);
    await admin.end();
    await generate(url, rows, now);
  }
  const c = await connect(url);
  try {
    const expired = Number(
      (await c.query('SELECT count(*) AS n FROM audit_log WHERE created_at < $1', [cutoff.toISOString()])).rows[0].n,
    );
    console.log(`${rows} rows, ${expired} expired (cutoff ${cutoff.toISOString()})`);
    report.expired = expired;

    console.log(`baseline: the writer alone for ${opts['baseline-seconds']} s`);
    const baseWriter = startWriter(url, 'audit_log');
    await new Promise((r) => setTimeout(r, Number(opts['baseline-seconds']) * 1000));
    report.baseline = await baseWriter.stop();

    const policy = await parsePolicy(
      `version: 1\ndefaults: { batch-size: ${batchSize}, lock-timeout: 2s, max-runtime: 2h }\ndata:\n  - name: audit\n    table: audit_log\n    by: created_at\n    keep: 400d\n`,
      'retention.yml',
    );
    console.log('dbops batched purge');
    const start = performance.now();
    const plan = await planRetention(c, policy, now);
    report.planMs = Math.round(performance.now() - start);
    report.batched = await withWriter(c, url, 'audit_log', async () => {
      // VACUUM (ANALYZE) is measured on its own below, for this and the unbatched DELETE alike.
      const result = await purgeRetention(c, plan, {
        vacuum: false,
        ...(sleepCoefficient === undefined ? {} : { sleepCoefficient }),
      });
      const rule = result.rules[0];
      return { rows: rule.rows, batches: rule.batches, purgeMs: rule.durationMs };
    });
    report.batched.vacuum = await vacuumAfter(c);

    console.log('putting the expired rows back (untimed)');
    await c.query('INSERT INTO audit_log SELECT * FROM audit_log_expired');
    await c.query('VACUUM (ANALYZE) audit_log');
    await c.query('CHECKPOINT');
    if (opts.only !== 'batched')
      await unbatchedAndPartitions(c, url, report, {
        cutoff,
        now,
        batchSize,
        planRetention,
        purgeRetention,
        parsePolicy,
      });
  } finally {
    await c.end();
    report.loadAfter = load();
    await cluster.stop();
  }
  console.log(JSON.stringify(report, null, 2));
  console.log(markdown(report));
}

/** The other two ways, each while the writer runs: one unbatched DELETE, and dbops on a partitioned copy. */
async function unbatchedAndPartitions(
  c,
  url,
  report,
  { cutoff, now, batchSize, planRetention, purgeRetention, parsePolicy },
) {
  console.log('one unbatched DELETE');
  report.unbatched = await withWriter(c, url, 'audit_log', async () => {
    const start = performance.now();
    const { rowCount } = await c.query('DELETE FROM audit_log WHERE created_at < $1', [cutoff.toISOString()]);
    return { rows: rowCount, purgeMs: Math.round(performance.now() - start) };
  });
  report.unbatched.vacuum = await vacuumAfter(c);
  await c.query('INSERT INTO audit_log SELECT * FROM audit_log_expired'); // the next run starts from the same rows
  await c.query('VACUUM (ANALYZE) audit_log');

  console.log('partition drops (monthly partitions)');
  await partitionedCopy(c);
  await c.query('CHECKPOINT');
  const partitionPolicy = await parsePolicy(
    `version: 1\ndefaults: { batch-size: ${batchSize}, lock-timeout: 2s, max-runtime: 2h }\ndata:\n  - name: audit-p\n    table: audit_log_p\n    by: created_at\n    keep: 400d\n`,
    'retention.yml',
  );
  const start = performance.now();
  const partitionPlan = await planRetention(c, partitionPolicy, now);
  report.partitionPlanMs = Math.round(performance.now() - start);
  report.partitions = await withWriter(c, url, 'audit_log_p', async () => {
    const result = await purgeRetention(c, partitionPlan);
    const rule = result.rules[0];
    const dropped = rule.partitions?.dropped ?? [];
    return {
      rows: rule.rows,
      purgeMs: rule.durationMs,
      partitionsDropped: dropped.length,
      rowsInDropped: dropped.reduce((s, p) => s + p.rows, 0),
      batches: rule.batches,
      vacuum: result.vacuum,
    };
  });
  await c.query('DROP TABLE audit_log_p');
}

/** True when the database exists and its generation finished (the last table it creates is there). */
async function generated(url) {
  const c = await connect(url).catch(() => undefined);
  if (!c) return false;
  const { rows } = await c.query("SELECT to_regclass('audit_log_expired') IS NOT NULL AS done");
  await c.end();
  return rows[0].done;
}

/** VACUUM (ANALYZE) audit_log, as the purge runs it after its batches: seconds and WAL. */
async function vacuumAfter(c) {
  const before = (await c.query('SELECT pg_current_wal_lsn() AS lsn')).rows[0].lsn;
  const start = performance.now();
  await c.query('VACUUM (ANALYZE) audit_log');
  const ms = Math.round(performance.now() - start);
  const wal = (await c.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::float8 AS b', [before])).rows[0].b;
  return { ms, walBytes: wal };
}

async function connect(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/** Runs `body` while the writer inserts; adds the writer's latencies and the WAL the phase wrote. */
async function withWriter(c, url, table, body) {
  const before = (await c.query('SELECT pg_current_wal_lsn() AS lsn')).rows[0].lsn;
  const w = startWriter(url, table);
  await new Promise((r) => setTimeout(r, 2000)); // the writer reaches its pace first
  w.window();
  const outcome = await body();
  const writerStats = await w.stop();
  const wal = (await c.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::float8 AS b', [before])).rows[0].b;
  return {
    ...outcome,
    walBytes: wal,
    rowsPerSecond: Math.round(outcome.rows / (outcome.purgeMs / 1000)),
    writer: writerStats,
  };
}

function startWriter(url, table) {
  const child = fork(new URL(import.meta.url).pathname, [
    '--writer',
    url,
    '--table',
    table,
    '--writer-rate',
    opts['writer-rate'],
  ]);
  const done = new Promise((resolve) => child.on('message', resolve));
  return {
    window() {
      child.send('window');
    },
    async stop() {
      child.send('stop');
      return done;
    },
  };
}

/** The writer process: single-row inserts at a fixed rate; on 'stop', its latency percentiles (ms). */
async function writer(url, table, rate) {
  const c = await connect(url);
  let stop = false;
  // Only the inserts from 'window' on count: the warm-up before the timed phase would dilute a short phase's p99.
  let from = 0;
  const latencies = [];
  process.on('message', (message) => {
    if (message === 'window') from = latencies.length;
    else stop = true;
  });
  const interval = 1000 / rate;
  let next = performance.now();
  while (!stop) {
    const start = performance.now();
    await c.query(
      `INSERT INTO ${table} (id, created_at, actor_id, action, target, ip, payload)
       VALUES (nextval('writer_ids'), now(), $1, 'login', 'resource/1', '10.0.0.1', $2)`,
      [Math.floor(Math.random() * 100000), JSON.stringify({ request_id: String(Math.random()), status: 200 })],
    );
    latencies.push(performance.now() - start);
    next += interval;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else next = performance.now();
  }
  await c.end();
  latencies.splice(0, from);
  latencies.sort((a, b) => a - b);
  const at = (q) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2));
  process.send({ inserts: latencies.length, p50: at(0.5), p99: at(0.99), max: at(1) }, () => process.exit(0));
}

/** The audit log: ids in time order (an append-only log), ages spread evenly over 500 days. */
async function generate(url, rows, now) {
  const c = await connect(url);
  await c.query(`CREATE TABLE audit_log (id bigint PRIMARY KEY, created_at timestamptz NOT NULL,
    actor_id bigint NOT NULL, action text NOT NULL, target text NOT NULL, ip inet, payload jsonb NOT NULL)`);
  await c.query(`CREATE SEQUENCE writer_ids START ${rows + 1}`);
  await c.end();
  const chunk = 500_000;
  const ranges = [];
  for (let from = 1; from <= rows; from += chunk) ranges.push([from, Math.min(rows, from + chunk - 1)]);
  const started = performance.now();
  // Two sessions in parallel, one chunk each at a time.
  await Promise.all(
    [0, 1].map(async () => {
      const s = await connect(url);
      for (let r = ranges.shift(); r; r = ranges.shift()) {
        await s.query(
          `INSERT INTO audit_log
           SELECT i, $3::timestamptz - (($4::bigint - i)::float8 / $4) * interval '500 days',
                  (hashint4(i) & 65535) + 1,
                  (ARRAY['login','logout','update_profile','create_order','delete_item','export','view_report','change_password'])[1 + i % 8],
                  'resource/' || (i % 9973) || '/' || md5(i::text),
                  ('10.' || (i % 250) || '.' || (i / 250 % 250) || '.' || (i % 7))::inet,
                  jsonb_build_object('request_id', md5(i::text || 'r'),
                    'user_agent', (ARRAY['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0',
                                        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Safari/604.1',
                                        'curl/8.4.0'])[1 + i % 3],
                    'status', (ARRAY[200, 201, 204, 400, 403, 404, 500])[1 + i % 7],
                    'duration_ms', hashint4(i * 7) & 1023,
                    'changes', jsonb_build_object('field', 'f' || (i % 40), 'old', left(md5(i::text), i % 24),
                                                  'new', left(md5((i + 1)::text), i % 28)))
             FROM generate_series($1::int, $2::int) AS i`,
          [r[0], r[1], now.toISOString(), rows],
        );
        process.stdout.write(`  rows up to ${r[1]} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
      }
      await s.end();
    }),
  );
  const s = await connect(url);
  await s.query('CREATE INDEX audit_log_created_at ON audit_log (created_at)');
  const cutoff = new Date(now.getTime() - 400 * 86_400_000).toISOString();
  // The expired rows kept aside, to put them back between the ways of deleting them (an ISO instant: no quoting).
  await s.query(`CREATE TABLE audit_log_expired AS SELECT * FROM audit_log WHERE created_at < '${cutoff}'`);
  await s.query('VACUUM (ANALYZE) audit_log');
  console.log(`generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await s.end();
}

/** The same rows in a monthly range-partitioned table (the key includes the partition column). */
async function partitionedCopy(c) {
  await c.query('DROP TABLE IF EXISTS audit_log_p');
  await c.query(`CREATE TABLE audit_log_p (LIKE audit_log INCLUDING DEFAULTS, PRIMARY KEY (id, created_at))
    PARTITION BY RANGE (created_at)`);
  const { rows } = await c.query(
    `SELECT date_trunc('month', min(created_at)) AS first, date_trunc('month', now()) + interval '2 months' AS last
       FROM audit_log`,
  );
  await c.query(`DO $$ DECLARE m timestamptz := '${rows[0].first.toISOString()}'; BEGIN
    WHILE m < '${rows[0].last.toISOString()}' LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF audit_log_p FOR VALUES FROM (%L) TO (%L)',
                     'audit_log_p_' || to_char(m, 'YYYY_MM'), m, m + interval '1 month');
      m := m + interval '1 month';
    END LOOP; END $$`);
  await c.query('INSERT INTO audit_log_p SELECT * FROM audit_log');
  await c.query('CREATE INDEX ON audit_log_p (created_at)');
  await c.query('VACUUM (ANALYZE) audit_log_p');
}

function markdown(r) {
  const ms = (x) => `${x.toFixed(2)} ms`;
  const s = (x) => `${(x / 1000).toFixed(1)} s`;
  const mib = (b) => `${(b / 1048576).toFixed(0)} MiB`;
  const vac = (v) => `${s(v.ms)}, ${mib(v.walBytes)} WAL`;
  const line = (label, p, extra = '') =>
    `| ${label} | ${p.rows} | ${s(p.purgeMs)} | ${p.rowsPerSecond} | ${ms(p.writer.p50)} | ${ms(p.writer.p99)} (${(p.writer.p99 / r.baseline.p99).toFixed(2)}x) | ${mib(p.walBytes)} | ${extra} |`;
  return [
    `${r.rows} rows, ${r.expired} expired; batch size ${r.batchSize}; sleep coefficient ${r.sleepCoefficient ?? 'default'}; writer ${r.writerRate} inserts/s`,
    `load before: ${r.loadBefore}`,
    `load after: ${r.loadAfter}`,
    '',
    `Writer alone: p50 ${ms(r.baseline.p50)}, p99 ${ms(r.baseline.p99)} (${r.baseline.inserts} inserts)`,
    '',
    '| way | rows | time | rows/s | writer p50 | writer p99 (vs alone) | WAL | notes |',
    '|---|---|---|---|---|---|---|---|',
    line(
      'dbops batched purge',
      r.batched,
      `${r.batched.batches} batches; then VACUUM (ANALYZE): ${vac(r.batched.vacuum)}`,
    ),
    ...(r.unbatched
      ? [line('one unbatched DELETE', r.unbatched, `then VACUUM (ANALYZE): ${vac(r.unbatched.vacuum)}`)]
      : []),
    ...(!r.partitions
      ? []
      : [
          line(
            'dbops, monthly partitions',
            r.partitions,
            `${r.partitions.partitionsDropped} partitions (${r.partitions.rowsInDropped} rows) dropped; ${r.partitions.batches} batches for the straddling month; VACUUM (ANALYZE) of it after: ${r.partitions.vacuum?.map((v) => s(v.durationMs)).join(', ')}`,
          ),
        ]),
    '',
    `Plan (dry run) before each: ${s(r.planMs)} (table)${r.partitions ? `, ${s(r.partitionPlanMs)} (partitioned copy)` : ''}.`,
  ].join('\n');
}
