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

test('every duration and size input states the one grammar in action.yml, the reference docs and the CLI help', async () => {
  const { buildProgram } = await import('../../packages/cli/src/program.js');
  const help = (name: string) =>
    buildProgram(
      definitions,
      { stdout: () => undefined, stderr: () => undefined, env: {}, signal: new AbortController().signal },
      () => undefined,
    )
      .commands.find((c) => c.name() === name)!
      .helpInformation();
  const typed = definitions.flatMap((d) =>
    d.inputs.filter((i) => i.type === 'duration' || i.type === 'size').map((i) => [d, i] as const),
  );
  expect(typed.map(([, i]) => i.name)).toEqual(
    expect.arrayContaining(['statement-timeout', 'keep-within', 'exact-count-max-size', 'time-budget']),
  );
  for (const [definition, input] of typed) {
    const grammar = input.type === 'duration' ? '500ms, 90s, 1h30m, 7d, 2w' : '512kB, 64MB, 1.5GiB';
    if (!definition.cliOnly)
      expect(await readFile(join('actions', definition.name, 'action.yml'), 'utf8')).toMatch(
        new RegExp(`\\n  ${input.name}:\\n    description: "[^\\n]*${grammar.replace(/\./g, '\\.')}`),
      );
    expect(await readFile(join('docs/reference', `${definition.name}.md`), 'utf8')).toMatch(
      new RegExp(`\`${input.name}\`[^\\n]*${grammar.replace(/\./g, '\\.')}`),
    );
    expect(help(definition.name).replace(/\s+/g, ' ')).toContain(grammar);
  }
});
