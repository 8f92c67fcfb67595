#!/usr/bin/env node
// A/B of the data offsets restore writes into a streamed archive (databases/postgres/archive-offsets.ts): the same
// `pg_dump -Fc -Z0` archive of a database, written through a pipe as a backup streams it, restored with
// `pg_restore -j2` as it is (no offsets: each worker reads the archive from its start to find each table) and after
// writeDataOffsets, interleaved, into empty databases created before the clock starts.
//
//   npx tsc -b && scripts/node24.sh node bench/offsets-ab.mjs <database in the bench cluster> [--runs 2] [--jobs 2]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDataOffsets } from '../packages/core/lib/databases/postgres/archive-offsets.js';
import { DATA, startEnvironment } from './lib/environment.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '2' }, jobs: { type: 'string', default: '2' } },
});
const [db] = positionals;
if (!db) throw new Error('usage: node bench/offsets-ab.mjs <database> [--runs 2] [--jobs 2]');
const env = await startEnvironment({ log: () => undefined });
const bin = (tool) => join(env.pgBin, tool);
const work = join(DATA, 'offsets-ab');
mkdirSync(work, { recursive: true });
try {
  const piped = join(work, 'piped.dump');
  const patched = join(work, 'patched.dump');
  execFileSync('bash', [
    '-o',
    'pipefail',
    '-c',
    `"$0" -Fc -Z0 -d "$1" | cat > "$2"`,
    bin('pg_dump'),
    env.cluster.url(db),
    piped,
  ]);
  copyFileSync(piped, patched);
  const started = performance.now();
  const outcome = await writeDataOffsets(patched);
  console.log(`writeDataOffsets: ${JSON.stringify(outcome)} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  const times = { 'no offsets (as streamed)': [], 'offsets written': [] };
  const psql = (sql) => execFileSync(bin('psql'), ['-X', '-q', '-d', env.cluster.url('postgres'), '-c', sql]);
  for (let run = 1; run <= Number(opts.runs); run++) {
    for (const [name, archive] of [
      ['no offsets (as streamed)', piped],
      ['offsets written', patched],
    ]) {
      psql('create database offsets_ab');
      const t = performance.now();
      execFileSync(bin('pg_restore'), [
        `--jobs=${opts.jobs}`,
        '--no-owner',
        '--exit-on-error',
        '-d',
        env.cluster.url('offsets_ab'),
        archive,
      ]);
      const seconds = (performance.now() - t) / 1000;
      psql('drop database offsets_ab');
      times[name].push(seconds);
      console.log(`run ${run}: ${name.padEnd(26)} ${seconds.toFixed(1)} s`);
    }
  }
  for (const [name, list] of Object.entries(times))
    console.log(
      `${name}: median ${list.sort((a, b) => a - b)[Math.floor(list.length / 2)].toFixed(1)} s (${list.map((s) => s.toFixed(1)).join(', ')})`,
    );
} finally {
  rmSync(work, { recursive: true, force: true });
  await env.cluster.stop();
}
