// The actions' bundle loads one definition by name (definitions/load-definition.ts); the CLI and the generated files
// use the list of all (definitions/all.ts). The two must describe the same actions, input for input.
import { definitions, loadDefinition } from '@dbops/core';
import { LOADABLE_ACTIONS } from '../../packages/core/src/definitions/load-definition.js';

const shape = (d: (typeof definitions)[number]) => ({
  name: d.name,
  description: d.description,
  cliOnly: d.cliOnly,
  inputs: d.inputs.map((i) => ({ ...i })),
  outputs: d.outputs,
});

test('every action is loadable by name, and no other', () => {
  expect([...LOADABLE_ACTIONS].sort()).toEqual(definitions.map((d) => d.name).sort());
});

test.each(definitions.map((d) => [d.name, d] as const))(
  '%s loads with the same inputs and outputs',
  async (name, d) => {
    expect(shape(await loadDefinition(name))).toEqual(shape(d));
  },
);

test('an unknown action is refused, naming it', async () => {
  await expect(loadDefinition('bakcup')).rejects.toThrow('No action named bakcup');
});
