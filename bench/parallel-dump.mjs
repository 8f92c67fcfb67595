#!/usr/bin/env node
// Parallel-dump benchmark (issue 17, target 3): `dbops backup` with jobs 2 and 4 (pg_dump -Fd -j, each table
// stored as a part) against the single stream (jobs 1), on a database of many mid-size tables, zstd + age to a local
// directory. Contenders are interleaved, --runs each, and the spread is reported.
//
//   npx tsc -b && scripts/node24.sh node bench/parallel-dump.mjs [--tables 40] [--rows 50000] [--runs 3]
//
// Each table holds --rows rows of md5 text (about 6 MB a table at 50,000 rows: 40 tables are about 250 MB), analyzed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabaseOnce } from './lib/cluster.mjs';
import { databaseBytes, mb } from './lib/dataset.mjs';
import { CLI, describeBuild, startEnvironment } from './lib/environment.mjs';
import { measure, waitForQuiet } from './lib/measure.mjs';
import { median, ratio, rssMb, seconds } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    tables: { type: 'string', default: '40' },
    rows: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '3' },
    jobs: { type: 'string', default: '1,2,4' },
  },
});
const tables = Number(opts.tables);
const rows = Number(opts.rows);
const runs = Number(opts.runs);

const { cluster, pgBin, age } = await startEnvironment();
const db = `parallel_${tables}_${rows}`;
const url = cluster.url(db);
const scratch = mkdtempSync(join(tmpdir(), 'dbops-parallel-dump-'));
try {
  await createDatabaseOnce(cluster, db, async (client) => {
    console.log(`Creating ${tables} tables of ${rows} rows…`);
    for (let i = 0; i < tables; i++) {
      await client.query(`create table t_${i} (id int primary key, a text, b text, c int)`);
      await client.query(
        `insert into t_${i} select g, md5((g * ${i + 1})::text) || md5(g::text), md5((g + ${i})::text), g % 97 from generate_series(1, ${rows}) g`,
      );
    }
    await client.query('analyze');
  });
  const bytes = await databaseBytes(url);
  const contenders = opts.jobs.split(',').map((jobs) => ({
    label: jobs === '1' ? 'dbops backup, single stream (jobs 1)' : `dbops backup, jobs ${jobs}`,
    run: (r) =>
      measure(
        process.execPath,
        [
          CLI,
          'backup',
          '--database-url',
          url,
          '--to',
          join(scratch, `jobs-${jobs}-${r}`),
          '--encrypt-to',
          age.recipient,
          '--jobs',
          jobs,
          '--pg-bin-dir',
          pgBin,
        ],
        { node: true },
      ),
  }));
  const results = contenders.map(() => []);
  for (let r = 0; r < runs; r++)
    for (const [i, c] of contenders.entries()) {
      await waitForQuiet({ maxSeconds: 5 });
      const m = await c.run(r);
      results[i].push(m);
      console.log(`run ${r + 1}: ${c.label}: ${seconds(m.seconds)}`);
      rmSync(join(scratch, `jobs-${opts.jobs.split(',')[i]}-${r}`), { recursive: true, force: true });
    }
  const base = median(results[0].map((m) => m.seconds));
  console.log(
    `\n${tables} tables × ${rows} rows (${mb(bytes)} database), zstd+age → local, ${runs} runs each, interleaved; build ${describeBuild()}, node ${process.version}`,
  );
  console.log('| contender | wall (median) | min–max | vs single stream | speed-up | node peak RSS | CPU-s (tree) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [i, c] of contenders.entries()) {
    const walls = results[i].map((m) => m.seconds);
    const rss = Math.max(...results[i].map((m) => m.self?.maxRssKb ?? m.treeMaxRssKb));
    const cpu = median(results[i].map((m) => m.cpuSeconds));
    console.log(
      `| ${c.label} | ${seconds(median(walls))} | ${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))} | ${ratio(median(walls) / base)} | ${ratio(base / median(walls))} | ${rssMb(rss)} | ${cpu.toFixed(1)} |`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await cluster.stop();
}
