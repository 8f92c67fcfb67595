// The startup time of `dbops --version`: the installed npm package (scripts/pack-cli.mjs) against the workspace's
// packages/cli/lib, each run 10 times, interleaved so a noisy machine slows both alike; prints medians in ms, with
// `node -e 0` as the floor. Node's own start counts, as a user sees it: run it with the Node that users run.
// Usage: node scripts/measure-cli-startup.mjs <installed dbops executable>
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const installed = process.argv[2];
if (!installed) throw new Error('usage: node scripts/measure-cli-startup.mjs <installed dbops executable>');

const contenders = {
  'npm package (bundle)': [installed, '--version'],
  'packages/cli/lib': [process.execPath, join(root, 'packages', 'cli', 'lib', 'main.js'), '--version'],
  'node -e 0': [process.execPath, '-e', '0'],
};
const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
for (let round = 0; round < 10; round++) {
  for (const [name, [command, ...args]] of Object.entries(contenders)) {
    const started = process.hrtime.bigint();
    const { status } = spawnSync(command, args, { stdio: 'ignore', cwd: '/' });
    if (status !== 0) throw new Error(`${name} exited with ${status}`);
    times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[4] + sorted[5]) / 2;
};
for (const [name, values] of Object.entries(times))
  console.log(`${name.padEnd(22)} median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)})`);
