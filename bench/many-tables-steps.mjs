#!/usr/bin/env node
// dbops's own reading of a database before a backup (issue 17), step by step: listing the tables, counting their
// rows, reading the schema catalog, each in a fresh session (cold caches, as in a backup), for one or more builds,
// interleaved, median of --runs. Uses the database bench/many-tables.mjs creates (run that once first).
//
//   npx tsc -b && scripts/node24.sh node bench/many-tables-steps.mjs [--tables 10000] [--runs 3] [--lib other/packages/core/lib]...
//
// --lib: a build's packages/core/lib (default this tree's); twice compares two builds. Times the steps one after
// another, as builds before the catalog was read while pg_dump runs did.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startCluster } from './lib/cluster.mjs';
import { DATA, ROOT } from './lib/environment.mjs';
import { median } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    tables: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    lib: { type: 'string', multiple: true },
  },
});
const libs = opts.lib?.length ? opts.lib : [join(ROOT, 'packages', 'core', 'lib')];
const builds = [];
for (const lib of libs) {
  const postgres = join(resolve(lib), 'databases', 'postgres');
  builds.push({
    lib,
    ...(await import(pathToFileURL(join(postgres, 'inventory.js')).href)),
    ...(await import(pathToFileURL(join(postgres, 'fingerprint.js')).href)),
  });
}
const cluster = await startCluster({ dir: DATA, log: () => undefined });
const scope = { schemas: [], excludeSchemas: [], tables: [], excludeTables: [] };
const steps = ['list tables', 'count rows', 'schema catalog'];
const times = builds.map(() => steps.map(() => []));
try {
  for (let r = 0; r < Number(opts.runs); r++) {
    for (const [b, build] of builds.entries()) {
      const client = new pg.Client({ connectionString: cluster.url(`many_${opts.tables}`) });
      await client.connect();
      try {
        // As the backup's session: one repeatable-read snapshot, exported.
        await client.query('begin isolation level repeatable read read only');
        await client.query('set local row_security = off');
        await client.query('select pg_export_snapshot()');
        let tables;
        const run = [
          async () => (tables = await build.listDumpedTables(client, scope)),
          () => build.countRows(client, tables, 64 * 1024 * 1024),
          () => build.readSchemaCatalog(client),
        ];
        for (const [s, step] of run.entries()) {
          const started = performance.now();
          await step();
          times[b][s].push(performance.now() - started);
        }
        await client.query('commit');
      } finally {
        await client.end();
      }
    }
  }
  console.log(`\n${opts.tables} tables, ${opts.runs} runs each, interleaved, a fresh session each; median (min–max)`);
  console.log(`| build | ${steps.join(' | ')} | total |`);
  console.log(`|---|${steps.map(() => '---|').join('')}---|`);
  const cell = (ms) =>
    `${(median(ms) / 1000).toFixed(2)} s (${(Math.min(...ms) / 1000).toFixed(2)}–${(Math.max(...ms) / 1000).toFixed(2)})`;
  for (const [b, build] of builds.entries()) {
    const totals = times[b][0].map((_, r) => times[b].reduce((sum, step) => sum + step[r], 0));
    console.log(`| ${build.lib} | ${times[b].map(cell).join(' | ')} | ${cell(totals)} |`);
  }
} finally {
  await cluster.stop();
}
