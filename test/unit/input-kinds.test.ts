// Enum inputs declare their values once: the reader checks against them and the description names each one.
import { definitions, InputReader } from '@dbops/core';

const enums = definitions.flatMap((d) => d.inputs.filter((i) => i.type === 'enum').map((i) => [d.name, i] as const));

it('declares notify-on, fail-on and alert-on as enums', () => {
  expect(new Set(enums.map(([, i]) => i.name))).toEqual(new Set(['notify-on', 'fail-on', 'alert-on']));
});

it.each(enums)('%s: %p names every value in its description and reads only those', (_action, input) => {
  for (const value of input.values!) {
    expect(input.description).toContain(value);
    expect(new InputReader([input], { [input.name]: value.toUpperCase() }).oneOf(input.name)).toBe(value);
  }
  expect(() => new InputReader([input], { [input.name]: 'sometimes' }).oneOf(input.name)).toThrow(`Input '${input.name}' has an unknown value 'sometimes'`);
});
