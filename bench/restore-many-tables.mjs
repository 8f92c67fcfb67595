#!/usr/bin/env node
// restore-test at many tables (issue 17, target 5, restore side): `dbops restore-test` from a local zstd + age
// backup against `pg_restore -j2` of a local uncompressed archive, on a database of N small tables, interleaved.
//
//   npx tsc -b && scripts/node24.sh node bench/restore-many-tables.mjs [--tables 1000,10000] [--runs 3] [--jobs 2]
//
// Setup per size (not timed): the many-tables database (bench/lib/many-tables-catalog.mjs, built once), a
// `pg_dump -Fc -Z0` archive of it and a `dbops backup` (zstd + age) of it, both on local disk.
// Timed, alternately:
//   baseline  pg_restore -j2 --no-owner --no-privileges --exit-on-error into an empty database (created before the
//             clock starts, dropped after it stops: the strictest baseline)
//   drill     createdb, the same pg_restore -j2, dropdb: what a restore-drill script without dbops runs
//   dbops     restore-test --from <local directory> --jobs 2 end to end: manifest, fetch + SHA-256 + age + zstd to a
//             temp file, scratch database, pg_restore -j2, table / row-count / schema checks, drop, exit.
// dbops runs with DBOPS_DEBUG=1: its step lines ("debug: <step> in N ms") give the steps' medians. Each figure is
// printed with the 1-minute load average when the run started (other work on the machine).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, DATA, describeBuild, startEnvironment } from './lib/environment.mjs';
import { manyTablesDatabase } from './lib/many-tables-catalog.mjs';
import { measure, waitForQuiet } from './lib/measure.mjs';
import { restorePhases } from './lib/profile.mjs';
import { median, ratio, seconds } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    tables: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '3' },
    jobs: { type: 'string', default: '2' },
    cli: { type: 'string', multiple: true },
  },
});
const sizes = opts.tables.split(',').map(Number);
const runs = Number(opts.runs);
const jobs = opts.jobs;
const clis = opts.cli?.length ? opts.cli : [CLI];
const log = (line) => process.stderr.write(`${line}\n`);

const env = await startEnvironment({ log });
const work = join(DATA, 'restore-many-tables');
const bin = (tool) => join(env.pgBin, tool);
const psql = (sql) => execFileSync(bin('psql'), ['-X', '-q', '-d', env.cluster.url('postgres'), '-c', sql]);
const out = [];
try {
  for (const tables of sizes) out.push(await bench(tables));
  console.log(`\n${cpus().length} × ${cpus()[0]?.model}; build ${describeBuild()}; node ${process.version}`);
  for (const text of out) console.log(text);
} finally {
  rmSync(work, { recursive: true, force: true });
  await env.cluster.stop();
}

async function bench(tables) {
  const db = await manyTablesDatabase(env.cluster, tables, log);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const archive = join(work, 'plain.dump');
  const store = join(work, 'backups');
  log(`${db}: setup: pg_dump -Fc -Z0 → ${archive}; dbops backup (zstd + age) → ${store}`);
  execFileSync(bin('pg_dump'), ['-Fc', '-Z0', '--no-sync', '-d', env.cluster.url(db), '-f', archive]);
  execFileSync(process.execPath, [
    CLI,
    'backup',
    '--database-url',
    env.cluster.url(db),
    '--to',
    store,
    '--compression',
    'zstd',
    '--encrypt-to',
    env.age.recipient,
    '--pg-bin-dir',
    env.pgBin,
  ]);
  const contenders = [
    {
      label: `pg_restore -j${jobs} (local -Z0 archive)`,
      before: (run) => psql(`create database baseline_${run}`),
      cmd: (run) => [
        bin('pg_restore'),
        [
          `--jobs=${jobs}`,
          '--no-owner',
          '--no-privileges',
          '--exit-on-error',
          '-d',
          env.cluster.url(`baseline_${run}`),
          archive,
        ],
      ],
      after: (run) => psql(`drop database baseline_${run}`),
    },
    {
      // What a drill script runs: the database it restores into must go again, and dropping 10,000 tables' files is
      // not free (on a file system mounted with `discard`, each unlink waits for the disk).
      label: `createdb + pg_restore -j${jobs} + dropdb`,
      cmd: (run) => [
        'bash',
        [
          '-eo',
          'pipefail',
          '-c',
          `"${bin('createdb')}" --maintenance-db='${env.cluster.url('postgres')}' drill_${run} && "${bin('pg_restore')}" --jobs=${jobs} --no-owner --no-privileges --exit-on-error -d '${env.cluster.url(`drill_${run}`)}' '${archive}' && "${bin('dropdb')}" --maintenance-db='${env.cluster.url('postgres')}' drill_${run}`,
        ],
      ],
    },
    ...clis.map((cli) => ({
      label: `dbops restore-test (zstd + age, local)${clis.length > 1 ? ` ${cli}` : ''}`,
      dbops: true,
      // The identity goes through the environment, as in a workflow (never argv).
      env: { ...process.env, DBOPS_DEBUG: '1', DBOPS_DECRYPT_WITH: env.age.identity },
      cmd: () => [
        process.execPath,
        [
          cli,
          'restore-test',
          '--from',
          store,
          '--target-url',
          env.cluster.url('postgres'),
          '--jobs',
          jobs,
          '--pg-bin-dir',
          env.pgBin,
          '--json',
        ],
      ],
    })),
  ];
  const results = contenders.map(() => []);
  for (let run = 1; run <= runs; run++)
    for (const [i, c] of contenders.entries()) {
      c.before?.(run);
      await waitForQuiet({ maxSeconds: 5 });
      const load = loadavg()[0];
      const [command, args] = c.cmd(run);
      const m = await measure(command, args, {
        node: !!c.dbops,
        env: c.env ?? process.env,
        serverPid: env.cluster.pid,
      });
      c.after?.(run);
      if (c.dbops) {
        const result = JSON.parse(m.stdout);
        const failed = (result.checks ?? []).filter((x) => !x.passed);
        if (result.passed === false || failed.length > 0)
          throw new Error(`restore-test failed: ${JSON.stringify(failed)}`);
      }
      results[i].push({ ...m, load });
      log(
        `${tables} tables run ${run}/${runs}: ${c.label.padEnd(48)} ${seconds(m.seconds).padStart(7)}  load ${load.toFixed(1)}`,
      );
    }

  const base = median(results[0].map((m) => m.seconds));
  const lines = [
    '',
    `${tables} tables, ${runs} runs each, interleaved, ${new Date().toISOString().slice(0, 16)} UTC:`,
    '',
    '| contender | wall (median) | min–max | vs pg_restore | load (1 min) |',
    '|---|---|---|---|---|',
  ];
  for (const [i, c] of contenders.entries()) {
    const walls = results[i].map((m) => m.seconds);
    const loads = results[i].map((m) => m.load);
    lines.push(
      `| ${c.label} | ${seconds(median(walls))} | ${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))} | ${ratio(median(walls) / base)} | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`,
    );
  }
  // Steps: every "debug: <step> in N ms" line, medians over the runs; and the phases between the info lines.
  for (const [i, c] of contenders.entries()) {
    if (!c.dbops) continue;
    const steps = new Map();
    for (const m of results[i])
      for (const { text } of m.lines) {
        const step = /^debug: (.*?)(?: of \d+ \w+)? in (\d+) ms$/.exec(text);
        if (step) steps.set(step[1], [...(steps.get(step[1]) ?? []), Number(step[2])]);
      }
    const phases = results[i].map(restorePhases).filter(Boolean);
    const phase = (name) => seconds(median(phases.map((p) => p[name])));
    lines.push(
      '',
      `${c.label}: phases (median) start ${phase('start')}, fetch ${phase('fetch')}, restore ${phase('restore')}, checks + drop + exit ${phase('checks')}`,
    );
    lines.push('', '| step | median | min–max |', '|---|---|---|');
    for (const [step, ms] of steps)
      lines.push(
        `| ${step} | ${(median(ms) / 1000).toFixed(2)} s | ${(Math.min(...ms) / 1000).toFixed(2)}–${(Math.max(...ms) / 1000).toFixed(2)} s |`,
      );
  }
  return lines.join('\n');
}
