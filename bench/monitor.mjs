#!/usr/bin/env node
// Benchmark of monitor-report on a large catalog: 10,000 tables and 20,000 indexes. The whole report must finish
// within 5 s and 200 MB of memory; each check's time is listed so a slow one is visible. Not a test: run on demand
// after `npx tsc -b`:
//
//   node bench/monitor.mjs                 # starts a throwaway cluster (as the postgres OS user when root)
//   node bench/monitor.mjs --url postgres://user:pw@host/db   # an existing, empty database you can spare
//   options: --tables 10000 --runs 3
//
// The report runs in a child process so its peak RSS is the report's alone, not the setup's.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, chown, appendFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};

if (args.includes('--measure')) {
  await measure(flag('url'));
} else {
  await main();
}

/** Child process: one report, then its timings and peak memory as JSON on stdout. */
async function measure(url) {
  const { monitorReport, parsePgTarget, silentLogger } = await import(
    join(here, '..', 'packages', 'core', 'lib', 'index.js')
  );
  const outputDir = await mkdtemp(join(tmpdir(), 'dbops-bench-monitor-out-'));
  const started = performance.now();
  const { report } = await monitorReport({
    target: parsePgTarget({ url }),
    statementTimeoutMs: 30_000,
    budgetMs: 120_000,
    outputDir,
    log: silentLogger,
  });
  const seconds = (performance.now() - started) / 1000;
  await rm(outputDir, { recursive: true, force: true });
  process.stdout.write(
    JSON.stringify({
      seconds,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      status: report.status,
      checks: report.checks.map((c) => ({ id: c.id, ms: c.durationMs, status: c.status, observed: c.observed })),
    }),
  );
}

async function main() {
  const tables = Number(flag('tables', '10000'));
  const runs = Number(flag('runs', '3'));
  const given = flag('url');
  const cluster = given ? undefined : await startCluster();
  const url = given ?? cluster.url;
  try {
    console.log(`Creating ${tables} tables with ${tables * 2} indexes…`);
    const setupStarted = performance.now();
    await createCatalog(url, tables);
    console.log(`  done in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);

    const results = [];
    for (let i = 0; i < runs; i++) {
      const { stdout } = await exec(process.execPath, [fileURLToPath(import.meta.url), '--measure', '--url', url], {
        maxBuffer: 16 * 1024 * 1024,
      });
      results.push(JSON.parse(stdout));
    }
    printTable(results, tables);
  } finally {
    await cluster?.stop();
  }
}

/** 10,000 tables, each with a primary key and one more index (20,000 indexes), a few rows, analyzed. */
async function createCatalog(url, tables) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const batch = 500;
    for (let start = 0; start < tables; start += batch) {
      const end = Math.min(tables, start + batch) - 1;
      await client.query(`do $$ begin for i in ${start}..${end} loop
        execute format('create table if not exists bench_%s (id int primary key, account int, note text)', i);
        execute format('create index if not exists bench_%s_account on bench_%s (account)', i, i);
        execute format('insert into bench_%s select g, g %% 7, md5(g::text) from generate_series(1, 20) g on conflict do nothing', i);
      end loop; end $$`);
    }
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

function printTable(results, tables) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const seconds = results.map((r) => r.seconds);
  const rss = results.map((r) => r.maxRssMiB);
  console.log(
    `\nmonitor-report on ${tables} tables / ${tables * 2} indexes, ${results.length} runs (limits: 5 s, 200 MB)\n`,
  );
  console.log('| Measure | Median | Worst | Limit | Within |');
  console.log('|---|---:|---:|---:|---|');
  console.log(
    `| Whole report (s) | ${median(seconds).toFixed(2)} | ${Math.max(...seconds).toFixed(2)} | 5 | ${Math.max(...seconds) < 5 ? 'yes' : 'NO'} |`,
  );
  console.log(
    `| Peak RSS (MiB) | ${median(rss).toFixed(0)} | ${Math.max(...rss).toFixed(0)} | 200 | ${Math.max(...rss) < 200 ? 'yes' : 'NO'} |`,
  );
  console.log('\n| Check | Median ms | Worst ms | Status | Looked at |');
  console.log('|---|---:|---:|---|---:|');
  const ids = results[0].checks.map((c) => c.id);
  const rows = ids.map((id) => {
    const times = results.map((r) => r.checks.find((c) => c.id === id).ms);
    const last = results.at(-1).checks.find((c) => c.id === id);
    return { id, median: median(times), worst: Math.max(...times), status: last.status, observed: last.observed };
  });
  for (const r of rows.sort((a, b) => b.median - a.median))
    console.log(`| ${r.id} | ${r.median} | ${r.worst} | ${r.status} | ${r.observed} |`);
}

// ------------------------------------------------------------------------------------------------------------
// A throwaway cluster, the way test/harness/postgres.ts starts one: initdb into a temp dir, as the postgres OS
// user when running as root, trust authentication on loopback only (it lives for the benchmark alone).

async function startCluster() {
  const binDir = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const base = await mkdtemp(join(tmpdir(), 'dbops-bench-pg-'));
  const dataDir = join(base, 'data');
  const run = (bin, binArgs) =>
    asRoot
      ? exec('runuser', ['-u', 'postgres', '--', join(binDir, bin), ...binArgs], { cwd: base })
      : exec(join(binDir, bin), binArgs, { cwd: base });
  if (asRoot) {
    const uid = Number((await exec('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await exec('id', ['-g', 'postgres'])).stdout.trim());
    await chown(base, uid, gid);
  }
  await run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const port = await freePort();
  await appendFile(
    join(dataDir, 'postgresql.conf'),
    [
      '',
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${base}'`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_locks_per_transaction = 1024',
      'autovacuum = off',
      '',
    ].join('\n'),
  );
  await run('pg_ctl', ['start', '-D', dataDir, '-l', join(base, 'server.log'), '-w', '-t', '30']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']).catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    },
  };
}

function findBinDir() {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => b - a)
    : [];
  if (!majors[0]) throw new Error('No PostgreSQL server binaries: set PG_BIN_DIR or pass --url');
  return join(root, majors[0], 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
