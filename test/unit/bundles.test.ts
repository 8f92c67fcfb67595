import { readdir } from 'node:fs/promises';
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
