#!/usr/bin/env node
// restore-test's row counts at many tables (issue 17, target 5): checkTables as built (COUNT_BATCH tables a
// statement) against one `select count(*)` per table (what it did before), interleaved, median of --runs.
//
//   npx tsc -b && scripts/node24.sh node bench/restore-counts.mjs [--tables 1000,10000] [--runs 5]
//
// Each table holds 20 rows; the manifest gives every table its exact count, as a backup would. Only the counting
// is timed, each run on a new connection (restore-test's session is new, its catalog caches cold), not the restore.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { COUNT_BATCH, checkTables } from '../packages/core/lib/databases/postgres/restore-checks.js';
import { createDatabaseOnce } from './lib/cluster.mjs';
import { describeBuild, startEnvironment } from './lib/environment.mjs';
import { waitForQuiet } from './lib/measure.mjs';
import { median, ratio } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    tables: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '5' },
  },
});
const sizes = opts.tables.split(',').map(Number);
const runs = Number(opts.runs);
const ROWS = 20;

const { cluster } = await startEnvironment();
const lines = [];
try {
  for (const tables of sizes) {
    const db = `counts_${tables}`;
    await createCatalog(db, tables);
    const manifest = await withClient(db, manifestOf);
    const contenders = [
      { label: 'one statement per table (before)', run: perTable },
      { label: `checkTables, ${COUNT_BATCH} tables a statement`, run: batched },
    ];
    const walls = contenders.map(() => []);
    for (let r = 0; r < runs; r++)
      for (const [i, c] of contenders.entries()) {
        await waitForQuiet({ maxSeconds: 10 });
        walls[i].push(
          await withClient(db, async (client) => {
            const start = performance.now();
            await c.run(client, manifest);
            return (performance.now() - start) / 1000;
          }),
        );
      }
    const base = median(walls[0]);
    for (const [i, c] of contenders.entries())
      lines.push(
        `| ${tables} | ${c.label} | ${ms(median(walls[i]))} | ${ms(Math.min(...walls[i]))}–${ms(Math.max(...walls[i]))} | ${ratio(median(walls[i]) / base)} |`,
      );
  }
  console.log(`\n${runs} runs each, interleaved; build ${describeBuild()}, node ${process.version}`);
  console.log('| tables | contender | wall (median) | min–max | vs before |');
  console.log('|---|---|---|---|---|');
  for (const line of lines) console.log(line);
} finally {
  await cluster.stop();
}

async function withClient(db, use) {
  const client = new pg.Client({ connectionString: cluster.url(db) });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function ms(seconds) {
  return `${Math.round(seconds * 1000)} ms`;
}

/** The manifest's table list as a backup of this database records it: every table with its exact count. */
async function manifestOf(client) {
  const { rows } = await client.query(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname = 'public' order by c.relname`,
  );
  return { tables: rows.map((t) => ({ ...t, rows: ROWS, rowEstimate: ROWS, bytes: 0 })) };
}

async function batched(client, manifest) {
  const { checks } = await checkTables(client, manifest);
  const failed = checks.filter((c) => !c.passed);
  if (failed.length > 0) throw new Error(`checkTables failed: ${JSON.stringify(failed)}`);
}

/** The loop checkTables ran before the batches: one round trip per table. */
async function perTable(client, manifest) {
  for (const t of manifest.tables) {
    const name = `"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`;
    const n = Number((await client.query(`select count(*) as n from ${name}`)).rows[0].n);
    if (n !== t.rows) throw new Error(`${name}: ${n} rows, expected ${t.rows}`);
  }
}

/** `count` tables of 20 rows; created once and reused. */
function createCatalog(database, count) {
  return createDatabaseOnce(cluster, database, async (client) => {
    console.log(`Creating ${count} tables…`);
    for (let start = 0; start < count; start += 500) {
      const end = Math.min(count, start + 500) - 1;
      await client.query(`do $$ begin for i in ${start}..${end} loop
        execute format('create table t_%s (id int, note text)', i);
        execute format('insert into t_%s select g, md5(g::text) from generate_series(1, ${ROWS}) g', i);
      end loop; end $$`);
    }
    await client.query('analyze');
  });
}
