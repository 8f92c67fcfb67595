// The fixed overhead of a backup (issue 17 target 6): `dbops --version`, and `dbops backup` of an empty database to a
// local folder against the shell pipeline it replaces, `pg_dump -Fc -Z0 | zstd | age > file`. Runs are interleaved
// so a noisy machine slows all alike; prints median, min and max in ms. An optional second CLI (e.g. main's
// packages/cli/lib/main.js) is measured alongside, for before/after figures.
// Usage: node bench/empty-backup-overhead.mjs <postgres url of an empty database> [rounds=9] [other main.js]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
try {
  for (let round = 0; round < rounds; round++) {
    for (const [name, [command, ...args]] of Object.entries(contenders)) {
      const started = process.hrtime.bigint();
      const { status, stderr } = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: work });
      if (status !== 0) throw new Error(`${name} exited with ${status}: ${stderr}`);
      times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
for (const [name, values] of Object.entries(times))
  console.log(
    `${name.padEnd(24)} median ${median(values).toFixed(0).padStart(5)} ms  (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`,
  );
