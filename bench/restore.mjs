#!/usr/bin/env node
// Restore benchmark: `dbops restore-test` end to end from the S3-compatible server versus plain `pg_restore -j2`
// of an unencrypted, uncompressed local archive, on the same generated database and server, in one invocation.
//
//   npx tsc -b && node bench/restore.mjs [--size-mb 1000] [--runs 2] [--seed 42] [--node24 /path/to/node] [--markdown f.md]
//
// Setup (not timed): a `dbops backup` (zstd + age) of the database to s3rver, and `pg_dump -Fc -Z0` to a local file.
// Timed, --runs times each (median reported):
//   baseline   pg_restore -j2 --no-owner --no-privileges --exit-on-error -d <fresh empty database> archive.dump
//              (the database is created before the clock starts and dropped after it stops)
//   dbops      restore-test --from s3://... : find the newest manifest, fetch, SHA-256, age decrypt, zstd
//              decompress to a temp file, create a scratch database, pg_restore -j2, table/row/schema checks,
//              drop the scratch database.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, DATA, describeBuild, nodeBinaries, startEnvironment } from './lib/environment.mjs';
import { ensureDataset } from './lib/dataset.mjs';
import { measure, waitForQuiet } from './lib/measure.mjs';
import { startS3Server } from './lib/s3server.mjs';
import { profileTable, restorePhases } from './lib/profile.mjs';
import { markdownTable, median, mib, ratio, rssMb, seconds } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '1000' },
    runs: { type: 'string', default: '2' },
    seed: { type: 'string', default: '42' },
    jobs: { type: 'string', default: '2' },
    node24: { type: 'string' },
    markdown: { type: 'string' },
  },
});
const sizeMb = Number(opts['size-mb']);
const runs = Number(opts.runs);
const jobs = opts.jobs;
const log = (line) => process.stderr.write(`${line}\n`);
const out = [];
const print = (text = '') => {
  out.push(text);
  process.stdout.write(`${text}\n`);
};

const env = await startEnvironment({ log });
const s3 = await startS3Server({ dir: join(DATA, 's3-restore') });
const work = join(DATA, 'restore-work');
try {
  const db = `bench_${sizeMb}`;
  const dbBytes = await ensureDataset({ cluster: env.cluster, dir: DATA, db, sizeMb, seed: Number(opts.seed), log });
  const rows = await bench(db);
  report(db, dbBytes, rows);
  if (opts.markdown) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(opts.markdown, `${out.join('\n')}\n`);
  }
} finally {
  await s3.stop();
  await env.cluster.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(join(DATA, 's3-restore'), { recursive: true, force: true });
}

async function bench(db) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const bin = (tool) => join(env.pgBin, tool);
  const archive = join(work, 'plain.dump');
  const from = `s3://${s3.bucket}/${db}`;

  log(`${db}: setup: pg_dump -Fc -Z0 → ${archive}`);
  execFileSync(bin('pg_dump'), ['-Fc', '-Z0', '--no-sync', '-d', env.cluster.url(db), '-f', archive]);
  log(`${db}: setup: dbops backup (zstd + age) → ${from}`);
  const made = await measure(process.execPath, [
    CLI,
    'backup',
    '--database-url',
    env.cluster.url(db),
    '--to',
    from,
    '--encrypt-to',
    env.age.recipient,
    '--json',
    ...s3.cliArgs,
  ]);
  const manifest = JSON.parse(made.stdout);
  log(
    `${db}: backup ${manifest.backupId}: ${mib(manifest.object.storedBytes)} stored, ${mib(manifest.object.rawBytes)} raw`,
  );

  const psql = (sql) => execFileSync(bin('psql'), ['-X', '-q', '-d', env.cluster.url('postgres'), '-c', sql]);
  const contenders = [
    {
      name: `pg_restore -j${jobs} (local, -Z0 archive)`,
      before: (run) => psql(`create database restore_baseline_${run}`),
      cmd: (run) => [
        bin('pg_restore'),
        [
          `--jobs=${jobs}`,
          '--no-owner',
          '--no-privileges',
          '--exit-on-error',
          '-d',
          env.cluster.url(`restore_baseline_${run}`),
          archive,
        ],
      ],
      after: (run) => psql(`drop database restore_baseline_${run}`),
    },
  ];
  for (const node of nodeBinaries(opts.node24)) {
    const tag = opts.node24 || process.env.BENCH_NODE24 ? ` (${node.label})` : '';
    contenders.push({
      name: `dbops restore-test from S3${tag}`,
      dbops: true,
      // The identity goes through the environment, as in a workflow (never argv).
      env: { ...process.env, DBOPS_DECRYPT_WITH: env.age.identity },
      cmd: () => [
        node.bin,
        [
          CLI,
          'restore-test',
          '--from',
          from,
          '--target-url',
          env.cluster.url('postgres'),
          '--jobs',
          jobs,
          '--json',
          ...s3.cliArgs,
        ],
      ],
    });
  }

  const rows = contenders.map((c) => ({ ...c, runs: [] }));
  for (let run = 1; run <= runs; run++) {
    for (const c of rows) {
      c.before?.(run);
      const [command, args] = c.cmd(run);
      await waitForQuiet();
      const m = await measure(command, args, {
        node: !!c.dbops,
        serverPid: env.cluster.pid,
        env: c.env ?? process.env,
        watch: c.dbops && s3.pid ? [{ pid: s3.pid, label: 's3rver' }] : [],
      });
      c.after?.(run);
      if (c.dbops) {
        const result = JSON.parse(m.stdout);
        const failed = (result.checks ?? []).filter((x) => !x.passed);
        if (result.passed === false || failed.length > 0)
          throw new Error(`restore-test failed its checks: ${JSON.stringify(failed)}`);
      }
      c.runs.push(m);
      log(
        `${db} run ${run}/${runs}: ${c.name.padEnd(44)} ${seconds(m.seconds).padStart(8)}  node ${m.self ? rssMb(m.self.maxRssKb) : '—'}  ` +
          `tree max ${rssMb(m.treeMaxRssKb)}  other load ${m.otherLoad.toFixed(2)}`,
      );
    }
  }
  return rows.map((c) => {
    const byTime = [...c.runs].sort((a, b) => a.seconds - b.seconds);
    return {
      name: c.name,
      dbops: !!c.dbops,
      seconds: median(c.runs.map((r) => r.seconds)),
      nodeRssKb: c.dbops ? Math.max(...c.runs.map((r) => r.self.maxRssKb)) : NaN,
      treeMaxRssKb: Math.max(...c.runs.map((r) => r.treeMaxRssKb)),
      otherLoad: median(c.runs.map((r) => r.otherLoad)),
      typical: byTime[Math.floor((byTime.length - 1) / 2)],
      manifest,
    };
  });
}

function report(db, dbBytes, rows) {
  const base = rows[0];
  const { manifest } = rows[0];
  print(
    `## Restore benchmark — ${new Date().toISOString().slice(0, 10)}, dbops ${describeBuild()}, node ${process.version}, ${runs} run(s) each, median`,
  );
  print();
  print(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}. S3: ${s3.label}.`);
  print();
  print(
    `Database ${db} (pg_database_size ${mib(dbBytes)}); archive ${mib(manifest.object.rawBytes)} raw, ` +
      `${mib(manifest.object.storedBytes)} stored (zstd + age); pg_restore --jobs=${jobs} on both sides.`,
  );
  print();
  print(
    markdownTable(
      ['contender', 'wall', 'vs pg_restore', 'peak RSS dbops (node)', 'largest process RSS', 'other load'],
      rows.map((r) => [
        r.name,
        seconds(r.seconds),
        ratio(r.seconds / base.seconds),
        r.dbops ? rssMb(r.nodeRssKb) : '—',
        rssMb(r.treeMaxRssKb),
        r.otherLoad.toFixed(2),
      ]),
    ),
  );
  print();
  print('CPU seconds and peak RSS by process (the median run; "postgres (server)" is the backends doing the restore):');
  print();
  print(profileTable(rows.map((r) => ({ name: r.name, profile: r.typical.profile, seconds: r.typical.seconds }))));
  print();
  print("Where restore-test's wall time goes (from its own log lines, the median run):");
  print();
  print(
    markdownTable(
      [
        'contender',
        'start, catalog, scratch db',
        'fetch + sha256 + decrypt + decompress',
        'pg_restore',
        'checks + drop + exit',
        'total',
      ],
      rows
        .filter((r) => r.dbops)
        .map((r) => {
          const p = restorePhases(r.typical) ?? {};
          return [
            r.name,
            seconds(p.start ?? NaN),
            seconds(p.fetch ?? NaN),
            seconds(p.restore ?? NaN),
            seconds(p.checks ?? NaN),
            seconds(r.typical.seconds),
          ];
        }),
    ),
  );
  print();
  print('### Target');
  print();
  print(
    markdownTable(
      ['dbops', 'target', 'measured', ''],
      rows
        .filter((r) => r.dbops)
        .map((r) => {
          const x = r.seconds / base.seconds;
          return [
            r.name,
            `within 1.1x of pg_restore -j${jobs} (issue 17, target 4)`,
            ratio(x),
            x <= 1.1 ? 'met' : 'MISSED',
          ];
        }),
    ),
  );
}
