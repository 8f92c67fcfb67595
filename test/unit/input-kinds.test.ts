// Every input declares its kind once, in its definition: the reader checks values against it (an enum's values, an
// integer's bounds) and action.yml, the reference docs and the CLI help state it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { definitions, InputReader, kindNote, type InputDefinition } from '@dbops/core';
import { buildProgram } from '../../packages/cli/src/program.js';

const inputs = definitions.flatMap((d) => d.inputs.map((i) => [d.name, i] as const));
const enums = inputs.filter(([, i]) => i.type === 'enum');
const integers = inputs.filter(([, i]) => i.type === 'integer');
const KINDS = ['string', 'boolean', 'integer', 'list', 'duration', 'size', 'enum', 'url'];

function help(action: string): string {
  const io = { stdout: () => undefined, stderr: () => undefined, env: {}, signal: new AbortController().signal };
  const command = buildProgram(definitions, io, () => undefined).commands.find((c) => c.name() === action)!;
  return command.helpInformation().replace(/\s+/g, ' ');
}

function errorOf(read: () => unknown): { message: string; hint?: string } {
  try {
    read();
  } catch (error) {
    return error as { message: string; hint?: string };
  }
  throw new Error('no error');
}

describe.each(definitions.map((d) => [d.name, d] as const))('%s', (_name, definition) => {
  const each = test.each(definition.inputs.map((i) => [i.name, i] as const));
  each('%s declares a kind that action.yml, the docs and the help show', async (_input, input) => {
    expect(KINDS).toContain(input.type);
    const note = kindNote(input).trim();
    // Free text says nothing more; an enum's description names its values; every other kind, and a secret, has a note.
    if (input.type === 'enum') for (const value of input.values!) expect(input.description).toContain(value);
    else if (input.type !== 'string' || input.secret) expect(note).not.toBe('');
    if (input.secret) expect(note).toContain('Secret');
    if (note === '') return;
    if (!definition.cliOnly) {
      const yml = await readFile(join('actions', definition.name, 'action.yml'), 'utf8');
      expect(yml).toContain(JSON.stringify(note).slice(1, -1));
    }
    expect(await readFile(join('docs/reference', `${definition.name}.md`), 'utf8')).toContain(note);
    expect(help(definition.name)).toContain(note);
  });
});

it("states an integer's bounds and a URL's schemes in its note", () => {
  const note = (name: string) => kindNote(inputs.find(([, i]) => i.name === name)![1]);
  expect(note('port')).toBe(' Integer: a whole number from 1 to 65535.');
  expect(note('keep-last')).toBe(' Integer: a whole number, 0 or more.');
  expect(note('database-url')).toBe(
    ' URL: postgres:// or postgresql:// or mongodb:// or mongodb+srv://. Secret: masked in logs and summaries.',
  );
  for (const [, input] of inputs.filter(([, i]) => i.type === 'url')) expect(input.schemes?.length).toBeGreaterThan(0);
});

it('declares the enums that have a fixed set of values', () => {
  const expected = [
    'notify-on',
    'fail-on',
    'alert-on',
    'compression',
    'sslmode',
    's3-sse',
    's3-checksum',
    'mode',
    'tool',
    'lint-fail-on',
    'resolve-failed',
    'escalate-to',
    'consistency',
  ];
  expect(new Set(enums.map(([, i]) => i.name))).toEqual(new Set(expected));
});

it.each(enums)('%s: %p reads only its values, case-insensitively, as the definition spells them', (_action, input) => {
  const read = (value: string) => new InputReader([input], { [input.name]: value }).oneOf(input.name);
  for (const value of input.values!) {
    expect(read(value.toUpperCase())).toBe(value);
    expect(read(value.toLowerCase())).toBe(value);
  }
  expect(() => read('sometimes')).toThrow(`Input '${input.name}' has an unknown value 'sometimes'`);
});

it.each(integers)('%s: %p reads whole numbers within the bounds its definition declares', (_action, input) => {
  const read = (value: string) => new InputReader([input], { [input.name]: value }).integer(input.name);
  const min = input.min ?? 0;
  const range = kindNote(input).replace(/^ Integer: (.*)\.$/, '$1');
  expect(read(String(min))).toBe(min);
  if (input.max !== undefined) expect(read(String(input.max))).toBe(input.max);
  if (input.default !== undefined) {
    expect(new InputReader([input], {}).integer(input.name)).toBe(Number(input.default));
  }
  const below = String(min - 1);
  const refused = (value: string, problem: string) => ({
    message: `Input '${input.name}' '${value}' ${problem}`,
    hint: range,
  });
  expect(errorOf(() => read(below))).toMatchObject(refused(below, 'is out of range'));
  if (input.max !== undefined) {
    const above = String(input.max + 1);
    expect(errorOf(() => read(above))).toMatchObject(refused(above, 'is out of range'));
  }
  expect(errorOf(() => read('1e3'))).toMatchObject(refused('1e3', 'is not a whole number'));
});

it('refuses to read an input as a kind it is not declared as', () => {
  const name: InputDefinition = { name: 'name', description: 'A name.', type: 'string' };
  const reader = new InputReader([name], { name: '3' });
  expect(() => reader.integer('name')).toThrow("Input 'name' is not defined as integer");
  expect(() => reader.oneOf('name')).toThrow("Input 'name' is not defined as enum");
});
