// The fixed overhead of a backup (issue 17 target 6): `dbops --version`, and `dbops backup` of an empty database to a
// local folder, by the CLI and by the backup action's bundle as GitHub runs it (actions/backup/main.mjs with INPUT_*
// variables), against the shell pipeline it replaces, `pg_dump -Fc -Z0 | zstd | age > file`. Runs are interleaved
// so a noisy machine slows all alike; prints median, min and max in ms. An optional second build (e.g. main's
// packages/cli/lib/main.js, in a checkout whose actions/dist is built too) is measured alongside, for before/after.
// Run it with the node the actions run on: scripts/node24.sh node bench/empty-backup-overhead.mjs ...
// Usage: node bench/empty-backup-overhead.mjs <postgres url of an empty database> [rounds=9] [other main.js]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [url, roundsArg = '9', other] = process.argv.slice(2);
if (!url) throw new Error('usage: node bench/empty-backup-overhead.mjs <postgres url> [rounds] [other main.js]');
const rounds = Number(roundsArg);
const work = mkdtempSync(join(tmpdir(), 'dbops-overhead-'));
const keyFile = join(work, 'key.txt');
execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
const recipient = execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim();

const clis = { dbops: join(root, 'packages', 'cli', 'lib', 'main.js'), ...(other ? { 'other dbops': other } : {}) };
const contenders = { 'node -e 0': [process.execPath, '-e', '0'] };
/** Per contender: environment over this process's (the action's inputs). */
const envs = {};
for (const [name, main] of Object.entries(clis)) {
  contenders[`${name} --version`] = [process.execPath, main, '--version'];
  contenders[`${name} backup`] = [
    process.execPath,
    main,
    'backup',
    '--database-url',
    url,
    '--to',
    join(work, name.replace(/\W/g, '-')),
    '--encrypt-to',
    recipient,
  ];
  // The same backup by the action's bundle, in the checkout main.js belongs to (packages/cli/lib/main.js → root).
  const action = join(dirname(main), '..', '..', '..', 'actions', 'backup', 'main.mjs');
  if (!existsSync(action)) continue;
  const files = join(work, `${name.replace(/\W/g, '-')}-github`);
  const label = `${name === 'dbops' ? 'dbops' : name} action backup`;
  contenders[label] = [process.execPath, action];
  envs[label] = {
    'INPUT_DATABASE-URL': url,
    INPUT_TO: join(work, `${name.replace(/\W/g, '-')}-action`),
    'INPUT_ENCRYPT-TO': recipient,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: `${files}-output`,
    GITHUB_STEP_SUMMARY: `${files}-summary`,
    RUNNER_TEMP: work,
  };
  writeFileSync(envs[label].GITHUB_OUTPUT, '');
  writeFileSync(envs[label].GITHUB_STEP_SUMMARY, '');
}
const pipeline = `pg_dump -Fc -Z0 "$1" | zstd -q -3 | age -r "$2" > "$3"`;
contenders['pg_dump | zstd | age'] = [
  'bash',
  '-o',
  'pipefail',
  '-c',
  pipeline,
  'sh',
  url,
  recipient,
  join(work, 'dump'),
];

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`node ${process.version}, ${rounds} rounds; load average before: ${load()}`);
const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
const cpu = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
/**
 * CPU seconds of this process's finished children and their descendants (cutime + cstime in /proc/self/stat, Linux):
 * on a shared machine the wall times swing with other load, the CPU a run costs much less.
 */
const childCpu = () => {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of proc(5), in USER_HZ (100)
  } catch {
    return Number.NaN;
  }
};
try {
  for (let round = 0; round < rounds; round++) {
    for (const [name, [command, ...args]] of Object.entries(contenders)) {
      const cpuBefore = childCpu();
      const started = process.hrtime.bigint();
      const env = { ...process.env, ...envs[name] };
      const { status, stdout, stderr } = spawnSync(command, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: work,
        env,
      });
      if (status !== 0) throw new Error(`${name} exited with ${status}: ${stdout}${stderr}`);
      times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
      cpu[name].push((childCpu() - cpuBefore) * 1000);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`load average after: ${load()}`);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
for (const [name, values] of Object.entries(times))
  console.log(
    `${name.padEnd(30)} median ${median(values).toFixed(0).padStart(5)} ms  (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})  CPU median ${median(cpu[name]).toFixed(0)} ms (min ${Math.min(...cpu[name]).toFixed(0)}, max ${Math.max(...cpu[name]).toFixed(0)})`,
  );
