#!/usr/bin/env node
// migrate-deploy overhead benchmark (issue 14): what `dbops migrate-deploy` adds to the bare migration command, on a
// repository of 500 migrations against a 5,000-table schema. Target: under 3 s of overhead (status + lint + deploy
// lock + the schema diff; no backup).
//
//   npx tsc -b && scripts/node24.sh node bench/migrate-deploy.mjs [--tables 5000] [--migrations 500] [--runs 5]
//
// The tool is node-pg-migrate (a real one, from the dev dependencies): the first migrations-1 are applied once and
// kept in the benchmark cluster; each run applies the last one, then `down 1` undoes it (untimed), alternating the
// bare command and dbops wrapping the same command.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { createDatabaseOnce, startCluster } from './lib/cluster.mjs';
import { CLI, DATA, describeBuild, ROOT } from './lib/environment.mjs';
import { measure, waitForQuiet } from './lib/measure.mjs';
import { median, seconds } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    tables: { type: 'string', default: '5000' },
    migrations: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    // Another build to compare with in the same invocation (interleaved): a folder holding packages/cli/lib/main.js.
    baseline: { type: 'string' },
    'no-status': { type: 'boolean', default: false },
    // How long each run waits for a quiet second first (a busy shared machine never has one).
    'quiet-wait': { type: 'string', default: '30' },
  },
});
const tables = Number(opts.tables);
const migrations = Number(opts.migrations);
const runs = Number(opts.runs);
const NODE_PG_MIGRATE = join(ROOT, 'node_modules', 'node-pg-migrate', 'bin', 'node-pg-migrate.js');

// The cluster only: no age key pair (this benchmark takes no backup).
mkdirSync(DATA, { recursive: true });
const cluster = await startCluster({ dir: DATA });
const db = `migrate_${tables}_${migrations}`;
const url = cluster.url(db);
const project = mkdtempSync(join(tmpdir(), 'dbops-migrate-bench-'));
try {
  const fresh = await createSchema(db, tables);
  writeProject(project, migrations, tables);
  const env = { ...process.env, DATABASE_URL: url };
  const tool = (...args) =>
    execFileSync(process.execPath, [NODE_PG_MIGRATE, ...args], { cwd: project, env, stdio: 'pipe' });
  if (fresh) {
    console.log(`Applying ${migrations - 1} migrations with node-pg-migrate…`);
    tool('up', String(migrations - 1));
  }
  const command = `"${process.execPath}" "${NODE_PG_MIGRATE}" up`;
  const serverPid = cluster.pid;
  const deploy = (cli, label) => ({
    label,
    deploy: true,
    run: () =>
      measure(
        process.execPath,
        [cli, 'migrate-deploy', '--working-directory', project, '--command', command, '--backup', 'false'],
        { env, node: true, serverPid },
      ),
  });
  const contenders = [
    {
      label: 'bare: node-pg-migrate up',
      run: () => measure('bash', ['-c', `cd "${project}" && ${command}`], { env, serverPid }),
    },
    deploy(CLI, `dbops migrate-deploy (backup: false)${opts.baseline ? ', this build' : ''}`),
    ...(opts.baseline
      ? [
          deploy(
            join(opts.baseline, 'packages', 'cli', 'lib', 'main.js'),
            'dbops migrate-deploy (backup: false), baseline',
          ),
        ]
      : []),
    ...(opts['no-status']
      ? []
      : [
          {
            label: 'dbops migrate-status (no command)',
            run: () =>
              measure(process.execPath, [CLI, 'migrate-status', '--working-directory', project], {
                env,
                node: true,
                serverPid,
              }),
            undo: false,
          },
        ]),
  ];
  const results = contenders.map(() => []);
  for (let r = 0; r < runs; r++)
    for (const [i, c] of contenders.entries()) {
      await waitForQuiet({ maxSeconds: Number(opts['quiet-wait']) });
      results[i].push(await c.run());
      if (c.undo !== false) tool('down', '1');
    }
  const bare = median(results[0].map((m) => m.seconds));
  console.log(
    `\n${migrations} migrations (1 pending), ${tables} tables; ${runs} runs each, interleaved; build ${describeBuild()}, node ${process.version}`,
  );
  // Under load from other work, wall times queue for a core: the CPU columns (dbops's own node process, and the
  // PostgreSQL backends that served the run, sampled every 200 ms) are what to compare builds by.
  // dbops's CPU and memory include its SQL parser process (sql-parser-process.js, started for the lint), shown apart.
  console.log(
    '| contender | wall (median) | min–max | overhead over bare | CPU node (dbops + parser) | of which parser | CPU server | peak RSS (dbops, parser) | other load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [i, c] of contenders.entries()) {
    const walls = results[i].map((m) => m.seconds);
    const parser = (m) => m.nodeChildren.filter((u) => u.script.endsWith('sql-parser-process.js'));
    const rss = Math.max(...results[i].map((m) => m.self?.maxRssKb ?? m.treeMaxRssKb));
    const parserRss = Math.max(0, ...results[i].flatMap((m) => parser(m).map((u) => u.maxRssKb)));
    const overhead = c.deploy ? `${(median(walls) - bare).toFixed(2)} s` : '—';
    const parserCpuOf = (m) => parser(m).reduce((sum, u) => sum + u.cpuSeconds, 0);
    const parserCpu = median(results[i].map(parserCpuOf));
    const nodeCpu = median(
      results[i].map((m) => (m.self?.cpuSeconds ?? m.profile.node?.cpuSeconds ?? 0) + parserCpuOf(m)),
    );
    const serverCpu = median(results[i].map((m) => m.profile['postgres (server)']?.cpuSeconds ?? 0));
    const other = median(results[i].map((m) => m.otherLoad));
    console.log(
      `| ${c.label} | ${seconds(median(walls))} | ${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))} | ${overhead} | ${seconds(nodeCpu)} | ${seconds(parserCpu)} | ${seconds(serverCpu)} | ${(rss / 1024).toFixed(0)} MB, ${(parserRss / 1024).toFixed(0)} MB | ${other.toFixed(2)} |`,
    );
  }
} finally {
  rmSync(project, { recursive: true, force: true });
  await cluster.stop();
}

/** `count` tables like an application's (a key, a foreign key column, an index, a few rows); made once, reused. */
function createSchema(database, count) {
  return createDatabaseOnce(cluster, database, async (client) => {
    console.log(`Creating ${count} tables…`);
    for (let start = 0; start < count; start += 500) {
      const end = Math.min(count, start + 500) - 1;
      await client.query(`do $$ begin for i in ${start}..${end} loop
        execute format('create table t_%s (id bigint primary key, account int, status text, created_at timestamptz default now())', i);
        execute format('create index on t_%s (account)', i);
        execute format('insert into t_%s select g, g %% 7, ''new'' from generate_series(1, 20) g', i);
      end loop; end $$`);
    }
    await client.query('analyze');
  });
}

/** A node-pg-migrate project: `count` SQL migrations of the kinds an application accumulates, each with its down. */
function writeProject(dir, count, tableCount) {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ devDependencies: { 'node-pg-migrate': '^9.0.0' } }));
  const folder = join(dir, 'migrations');
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    const t = `t_${i % tableCount}`;
    const kinds = [
      [`ALTER TABLE ${t} ADD COLUMN note_${i} text;`, `ALTER TABLE ${t} DROP COLUMN note_${i};`],
      [`CREATE INDEX ${t}_status_${i} ON ${t} (status);`, `DROP INDEX ${t}_status_${i};`],
      [
        `ALTER TABLE ${t} ADD CONSTRAINT ${t}_account_${i} CHECK (account >= 0) NOT VALID;`,
        `ALTER TABLE ${t} DROP CONSTRAINT ${t}_account_${i};`,
      ],
      [
        `CREATE TABLE audit_${i} (id bigserial PRIMARY KEY, subject bigint NOT NULL, body jsonb, at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX audit_${i}_subject ON audit_${i} (subject);`,
        `DROP TABLE audit_${i};`,
      ],
    ];
    const [up, down] = kinds[i % kinds.length];
    const name = `${String(1700000000000 + i)}_change-${i}.sql`;
    writeFileSync(
      join(folder, name),
      `-- Up Migration\nSET lock_timeout = '5s';\n${up}\n\n-- Down Migration\n${down}\n`,
    );
  }
}
