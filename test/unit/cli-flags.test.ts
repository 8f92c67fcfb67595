// Every input of every action reaches the action as typed on the command line: `--<input> value`, and a boolean
// flag alone as 'true'. Commander gives flags starting with --no- a meaning of its own (negation), which once made
// `dbops restore --no-owner` do nothing; each definition's run is replaced by one that records what it received.
import { definitions, type ActionDefinition, type RawInputs } from '@dbops/core';
import { buildProgram } from '../../packages/cli/src/program.js';

async function received(definition: ActionDefinition, argv: string[]): Promise<RawInputs> {
  let inputs: RawInputs | undefined;
  const recording: ActionDefinition = {
    ...definition,
    run: async (raw) => {
      inputs = raw;
      return { outputs: {}, results: [], json: null };
    },
  };
  const errors: string[] = [];
  const program = buildProgram(
    [recording],
    { stdout: () => undefined, stderr: (text) => errors.push(text), env: {}, signal: new AbortController().signal },
    () => undefined,
  );
  await program.parseAsync(['node', 'dbops', definition.name, ...argv]);
  if (!inputs) throw new Error(`${definition.name} did not run: ${errors.join('')}`);
  return inputs;
}

describe.each(definitions.map((d) => [d.name, d] as const))('dbops %s', (_name, definition) => {
  test.each(definition.inputs.map((i) => [i.name, i] as const))(
    '--%s value reaches the action',
    async (name, input) => {
      const value = input.type === 'boolean' ? (input.default === 'true' ? 'false' : 'true') : `value-for-${name}`;
      expect((await received(definition, [`--${name}`, value]))[name]).toBe(value);
    },
  );

  // (A flag alone on a boolean whose default is already true would prove nothing: the value test covers those.)
  const booleans = definition.inputs.filter((i) => i.type === 'boolean' && i.default !== 'true');
  if (booleans.length > 0) {
    test.each(booleans.map((i) => [i.name] as const))('--%s alone means true', async (name) => {
      expect((await received(definition, [`--${name}`]))[name]).toBe('true');
    });
  }
});
