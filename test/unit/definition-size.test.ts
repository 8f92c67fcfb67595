import { readFile } from 'node:fs/promises';
import { definitions } from '@dbops/core';

// An action's definition declares inputs and outputs and reads them into typed options, nothing else
// (docs/architecture.md, "How to add an action"): logic belongs in its operation, rendering in report/, shared
// inputs in a group module. A definition file that grows past this is doing one of those jobs itself.
const MAX_LINES = 90;

test.each(definitions.map((d) => [d.name]))('the %s definition stays a definition (under 90 lines)', async (name) => {
  const text = await readFile(`packages/core/src/definitions/${name}.ts`, 'utf8');
  expect(text.split('\n').length).toBeLessThan(MAX_LINES);
});
