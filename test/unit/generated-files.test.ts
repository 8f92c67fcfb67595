import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { definitions } from '@dbops/core';
// scripts/generate.mjs renders from the compiled definitions (npm test builds first).
import { actionYml, generatedFiles } from '../../scripts/generate.mjs';

test('every committed action.yml, reference doc and README reference section matches the definitions', async () => {
  const stale: string[] = [];
  for (const [path, expected] of (await generatedFiles()) as Map<string, string>) {
    const actual = await readFile(path, 'utf8').catch(() => '(missing)');
    if (actual !== expected) stale.push(path);
  }
  expect(stale).toEqual([]);
});

test('each action runs on node24 from its one-line entry and declares every input and output of its definition', async () => {
  for (const definition of definitions.filter((d) => !d.cliOnly)) {
    const yml = await readFile(join('actions', definition.name, 'action.yml'), 'utf8');
    expect(yml).toBe(actionYml(definition));
    expect(yml).toContain("using: 'node24'");
    expect(yml).toContain("main: 'main.mjs'");
    for (const input of definition.inputs) expect(yml).toContain(`\n  ${input.name}:\n`);
    for (const output of definition.outputs) expect(yml).toContain(`\n  ${output.name}:\n`);
  }
});
