import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleAction, bundledActions } from '../../scripts/bundle-actions.mjs';

// GitHub runs the committed dist/ bundles, not the sources: a stale bundle ships old code. `npm run build` fixes it.
test('every committed actions/*/dist bundle equals a fresh bundle of the sources', async () => {
  const names = await bundledActions();
  expect(names).toEqual(expect.arrayContaining(['backup', 'restore-test']));
  const stale: string[] = [];
  for (const name of names) {
    const fresh = await bundleAction(name);
    const committed = await readdir(join('actions', name, 'dist')).catch(() => [] as string[]);
    if (committed.sort().join() !== [...fresh.keys()].sort().join()) stale.push(`${name}: files differ`);
    for (const [file, content] of fresh) {
      const current = await readFile(join('actions', name, 'dist', file), 'utf8').catch(() => undefined);
      if (current !== content) stale.push(`${name}/dist/${file}`);
    }
  }
  expect(stale).toEqual([]);
  // Five webpack builds: ~100 s on two idle cores, over 300 s when the other suites and a noisy machine compete.
}, 1_200_000);
