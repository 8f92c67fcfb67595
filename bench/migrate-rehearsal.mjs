#!/usr/bin/env node
// Rehearsal overhead benchmark (issue 14, target: lock sampling under 5% of the migrations' own duration). The same
// migrations run on the same data twice per round, bare (runMigrationCommand, as a deploy runs them) and rehearsed
// (rehearseMigrations: status before and after, the lock sampler polling pg_locks), each on a fresh copy of one
// template database; bare and rehearsed alternate which goes first. Compared: the command's duration, which
// runMigrationCommand measures the same way in both, and the rehearsal's fixed extra (connections, status, sizes).
//
//   npx tsc -b && node bench/migrate-rehearsal.mjs [--rows 1000000] [--runs 3] [--interval 100]
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { silentLogger } from '../packages/core/lib/log.js';
import { rehearseMigrations } from '../packages/core/lib/migrations/rehearsal/rehearse.js';
import { runMigrationCommand } from '../packages/core/lib/migrations/run-command.js';
import { SqlFolderSource } from '../packages/core/lib/migrations/sql-folder-source.js';
import { Secrets } from '../packages/core/lib/secrets.js';
import { startCluster } from './lib/cluster.mjs';
import { DATA, describeBuild } from './lib/environment.mjs';
import { markdownTable, median, ratio, seconds } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    interval: { type: 'string', default: '100' },
  },
});
const rows = Number(opts.rows);
const runs = Number(opts.runs);
const intervalMs = Number(opts.interval);

// What a real deploy does to a big table: a rewrite, index builds, an instant column, a backfill.
const MIGRATIONS = {
  '001_total_bigint.sql': 'ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n',
  '002_note_index.sql': 'CREATE INDEX orders_note_idx ON orders (note);\n',
  '003_status.sql': "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';\n",
  '004_backfill.sql': "UPDATE orders SET status = 'old' WHERE id % 10 = 0;\n",
  '005_customer_index.sql': 'CREATE INDEX orders_customer_idx ON orders (customer);\n',
};
const COMMAND = 'for f in migrations/*.sql; do psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f "$f" || exit 1; done';

mkdirSync(DATA, { recursive: true });
const cluster = await startCluster({ dir: DATA });
const project = mkdtempSync(join(tmpdir(), 'dbops-bench-rehearsal-'));
const admin = new pg.Client({ connectionString: cluster.url() });
await admin.connect();
try {
  const folder = join(project, 'migrations');
  mkdirSync(folder);
  for (const [name, sql] of Object.entries(MIGRATIONS)) writeFileSync(join(folder, name), sql);
  const template = `rehearsal_base_${rows}`;
  await buildTemplate(template);

  const results = [];
  for (let run = 1; run <= runs; run++) {
    const order = run % 2 === 1 ? ['bare', 'rehearsed'] : ['rehearsed', 'bare'];
    const round = { run };
    for (const mode of order) {
      const db = `rehearsal_${mode}`;
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin.query(`CREATE DATABASE ${db} TEMPLATE ${template} STRATEGY FILE_COPY`);
      await admin.query('CHECKPOINT');
      const common = { command: COMMAND, cwd: project, secrets: new Secrets(), lockTimeoutMs: 0 };
      if (mode === 'bare') {
        round.bareMs = (await runMigrationCommand({ ...common, databaseUrl: cluster.url(db) })).durationMs;
      } else {
        const started = performance.now();
        const watcher = watchSamplerCpu(db);
        const result = await rehearseMigrations({
          ...common,
          scratchUrl: cluster.url(db),
          source: new SqlFolderSource(folder),
          sampleIntervalMs: intervalMs,
          log: silentLogger,
        });
        round.rehearsedMs = result.command.durationMs;
        round.extraMs = performance.now() - started - result.command.durationMs;
        round.samples = result.sampling.samples;
        round.samplingMs = result.sampling.samplingMs;
        round.samplerCpuMs = await watcher.stop();
        round.sentences = result.migrations.map((m) => m.summary);
      }
      await admin.query(`DROP DATABASE ${db}`);
    }
    results.push(round);
    console.error(`run ${run}: bare ${round.bareMs} ms, rehearsed ${round.rehearsedMs} ms`);
  }

  console.log(
    `\n#### Rehearsal overhead — ${new Date().toISOString().slice(0, 10)}, dbops ${describeBuild()}, node ${process.version}, ${rows} rows, sample every ${intervalMs} ms, ${runs} run(s)\n`,
  );
  console.log(
    markdownTable(
      [
        'run',
        'bare command',
        'rehearsed command',
        'ratio',
        'samples',
        'time in samples',
        'of the command',
        'rehearsal extra',
        'sampler backend CPU',
        'CPU of the command',
      ],
      results.map((r) => [
        String(r.run),
        seconds(r.bareMs / 1000),
        seconds(r.rehearsedMs / 1000),
        ratio(r.rehearsedMs / r.bareMs),
        String(r.samples),
        `${r.samplingMs} ms`,
        `${((r.samplingMs / r.rehearsedMs) * 100).toFixed(2)}%`,
        `${Math.round(r.extraMs)} ms`,
        `${r.samplerCpuMs} ms`,
        `${((r.samplerCpuMs / r.rehearsedMs) * 100).toFixed(2)}%`,
      ]),
    ),
  );
  const medianRatio = median(results.map((r) => r.rehearsedMs / r.bareMs));
  console.log(`\nMedian ratio rehearsed / bare: ${ratio(medianRatio)} (target: under 1.05x)`);
  console.log(
    `\nWhat the last rehearsal reported:\n\n${results
      .at(-1)
      .sentences.map((s) => `- ${s}`)
      .join('\n')}`,
  );
} finally {
  await admin.end();
  rmSync(project, { recursive: true, force: true });
  await cluster.stop();
}

/**
 * The CPU time of the sampler's backend (what sampling costs the server, without the queueing for a core that
 * "time in samples" includes under load): its pid is found in pg_stat_activity by the sample's text, its CPU read
 * from /proc every 100 ms until the rehearsal ends.
 */
function watchSamplerCpu(db) {
  const watcher = new pg.Client({ connectionString: cluster.url() });
  let pid;
  let ticks = 0;
  let stopped = false;
  const read = () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks = Math.max(ticks, Number(rest[11]) + Number(rest[12]));
    } catch {
      // the backend has exited
    }
  };
  const loop = (async () => {
    await watcher.connect();
    while (!stopped) {
      if (pid === undefined) {
        const { rows } = await watcher.query(
          "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%FROM pg_locks l%JOIN pg_stat_activity%'",
          [db],
        );
        pid = rows[0]?.pid;
      } else read();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await watcher.end();
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return ticks * 10; // USER_HZ 100
    },
  };
}

async function buildTemplate(name) {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount > 0) return;
  console.error(`building ${name} (${rows} rows)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const client = new pg.Client({ connectionString: cluster.url(name) });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE orders (id bigint PRIMARY KEY, customer int NOT NULL, total int NOT NULL, note text NOT NULL)',
    );
    await client.query(
      `INSERT INTO orders SELECT g, g % 50000, g % 1000, md5(g::text) FROM generate_series(1, ${rows}) g`,
    );
    await client.query('VACUUM ANALYZE orders');
  } finally {
    await client.end();
  }
}
