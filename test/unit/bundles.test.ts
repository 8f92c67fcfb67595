import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { definitions } from '@dbops/core';

// GitHub runs the one committed bundle, actions/dist, through each action's one-line main.mjs. Whether the bundle
// is fresh is checked by scripts/check-fresh.mjs (npm run check:fresh, part of npm test), not here: bundling is slow.
test('actions/ holds the shared dist/ and, per action, only its generated action.yml and main.mjs', async () => {
  const actions = definitions.filter((d) => !d.cliOnly).map((d) => d.name);
  expect((await readdir('actions')).sort()).toEqual(['dist', ...actions].sort());
  for (const name of actions) expect((await readdir(join('actions', name))).sort()).toEqual(['action.yml', 'main.mjs']);
  expect(await readdir(join('actions', 'dist'))).toContain('index.js');
});

// Each action loads its own code as chunks (definitions/load-definition.ts), and chunks load chunks: every chunk a
// bundle file asks for must be there under the number scripts/ncc-bundle.mjs gave it.
test('every chunk that actions/dist loads is in actions/dist', async () => {
  const files = (await readdir(join('actions', 'dist'))).filter((f) => f.endsWith('.js'));
  const loads: string[] = [];
  for (const file of files) {
    const text = await readFile(join('actions', 'dist', file), 'utf8');
    for (const m of text.matchAll(/__(?:nccwpck|webpack)_require__\.e\((?:\/\* import\(\) \*\/ )?(\d+)\)/g))
      loads.push(`${m[1]}.index.js`);
  }
  expect(loads.length).toBeGreaterThan(10);
  expect(loads.filter((chunk) => !files.includes(chunk))).toEqual([]);
});
