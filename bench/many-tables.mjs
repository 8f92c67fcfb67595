#!/usr/bin/env node
// Many-tables benchmark (issue 17, target 5): `dbops backup` of a database of many small tables against the shell
// pipeline a user would run, interleaved in one invocation, median of --runs.
//
//   npx tsc -b && scripts/node24.sh node bench/many-tables.mjs [--tables 10000] [--runs 3] [--cli path/to/main.js]...
//
// Contenders: `pg_dump -Fc -Z0 | zstd -3 > file` (then `sync FILE`: dbops fsyncs a local backup, and so does
// `pg_dump -f`), `pg_dump -Fc -f file` (pg_dump's own compression) and dbops backup (zstd → local directory) for each
// --cli given (default this tree's packages/cli/lib/main.js; pass another build's to compare two builds).
// Each table has a primary key, one more index and 20 rows, analyzed: the per-table work (inventory, exact row
// counts, fingerprint) is what this measures, not bytes. A second table gives dbops's own steps (its DBOPS_DEBUG
// lines: listing the tables, counting their rows, reading the schema catalog, which overlaps the dump) and the
// phases of its run, medians over the runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, describeBuild, startEnvironment } from './lib/environment.mjs';
import { measure, waitForQuiet } from './lib/measure.mjs';
import { manyTablesDatabase } from './lib/many-tables-catalog.mjs';
import { backupPhases } from './lib/profile.mjs';
import { median, ratio, rssMb, seconds } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    tables: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    cli: { type: 'string', multiple: true },
  },
});
const tables = Number(opts.tables);
const runs = Number(opts.runs);
const clis = opts.cli?.length ? opts.cli : [CLI];

const { cluster, pgBin } = await startEnvironment();
const db = await manyTablesDatabase(cluster, tables);
const url = cluster.url(db);
const scratch = mkdtempSync(join(tmpdir(), 'dbops-many-tables-'));
try {
  const contenders = [
    {
      label: 'pg_dump -Fc -Z0 \\| zstd -3 > file',
      run: () => pipe(`| zstd -q -3 -o ${scratch}/pipe.zst -f && sync ${scratch}/pipe.zst`),
    },
    {
      label: 'pg_dump -Fc -f file',
      run: () => measure(`${pgBin}/pg_dump`, ['-Fc', '-d', url, '-f', `${scratch}/dump.fc`]),
    },
    ...clis.map((cli, i) => ({
      label: `dbops backup, zstd → local${clis.length > 1 ? ` (${cli})` : ''}`,
      run: () =>
        measure(
          process.execPath,
          [
            cli,
            'backup',
            '--database-url',
            url,
            '--to',
            join(scratch, `dbops-${i}`),
            '--compression',
            'zstd',
            '--pg-bin-dir',
            pgBin,
          ],
          { node: true, env: { ...process.env, DBOPS_DEBUG: '1' } },
        ),
      dbops: true,
    })),
  ];
  const results = contenders.map(() => []);
  for (let r = 0; r < runs; r++)
    for (const [i, c] of contenders.entries()) {
      await waitForQuiet();
      results[i].push(await c.run());
    }
  const base = median(results[0].map((m) => m.seconds));
  console.log(`\n${tables} tables, ${runs} runs each, interleaved; build ${describeBuild()}, node ${process.version}`);
  console.log('| contender | wall (median) | min–max | vs pipe | peak RSS |');
  console.log('|---|---|---|---|---|');
  for (const [i, c] of contenders.entries()) {
    const walls = results[i].map((m) => m.seconds);
    const rss = Math.max(...results[i].map((m) => m.self?.maxRssKb ?? m.treeMaxRssKb));
    console.log(
      `| ${c.label} | ${seconds(median(walls))} | ${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))} | ${ratio(median(walls) / base)} | ${rssMb(rss)} |`,
    );
  }
  console.log(`\ndbops's own steps and the phases of its run (medians; the catalog is read while pg_dump runs):`);
  console.log(
    '| contender | list tables | count rows | schema catalog | start + connect | before dump | stream | verify | exit |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [i, c] of contenders.entries()) {
    if (!c.dbops) continue;
    const step = (re) => {
      const ms = results[i].map((m) => Number(m.lines.find((l) => re.test(l.text))?.text.match(/ in (\d+) ms$/)?.[1]));
      return ms.some(Number.isNaN) ? '—' : `${(median(ms) / 1000).toFixed(2)} s`;
    };
    const phases = results[i].map(backupPhases);
    const phase = (name) => seconds(median(phases.map((p) => p[name])));
    console.log(
      `| ${c.label} | ${step(/^debug: Listed the tables/)} | ${step(/^debug: Counted the rows/)} | ${step(/^debug: Read the schema catalog/)} | ${phase('start')} | ${phase('inventory')} | ${phase('stream')} | ${phase('verify')} | ${phase('exit')} |`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await cluster.stop();
}

/** `pg_dump -Fc -Z0` into the shell command `tail`. */
function pipe(tail) {
  return measure('bash', ['-o', 'pipefail', '-c', `"${pgBin}/pg_dump" -Fc -Z0 -d '${url}' ${tail}`]);
}
