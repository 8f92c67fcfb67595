// keepYoungGenerationSmall (packages/core/src/young-generation.ts): in a running process, V8's young generation no
// longer grows when objects keep surviving young collections, the pattern of a backup storing thousands of parts.
// Run in a child process of its own (the compiled lib, as tsc -b builds it before the unit tests), so the setting
// does not reach the test runner, and once without the call: the same work does grow it there.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/** The young generation's size (both semi-spaces) after objects survive young collections for a while. */
async function youngGenerationAfterSurvivors(keepSmall: boolean): Promise<number> {
  const lib = path.resolve('packages/core/lib/young-generation.js');
  const script = `import v8 from 'node:v8';
import { keepYoungGenerationSmall } from ${JSON.stringify(lib)};
if (${keepSmall}) keepYoungGenerationSmall();
const kept = [];
for (let i = 0; i < 1_500_000; i++) {
  const o = { n: i, s: 'part-' + i };
  if (i % 4 === 0) kept.push(o);
  if (kept.length > 100_000) kept.length = 0;
}
console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return Number(stdout.trim());
}

test('objects surviving young collections do not grow the young generation past its start', async () => {
  expect(await youngGenerationAfterSurvivors(true)).toBeLessThanOrEqual(4 * MiB);
});

test('without it, the same work grows the young generation (what the test above would catch)', async () => {
  expect(await youngGenerationAfterSurvivors(false)).toBeGreaterThan(16 * MiB);
});
