// The actions run on GitHub's node24 runtime, so the suite must too: a test that passes on an older Node proves
// nothing about what users run. scripts/node24.sh puts Node 24 first on PATH for both tiers.
import { readFileSync } from 'node:fs';

const major = (range: string) => Number(/(\d+)/.exec(range)?.[1]);

describe('the runtime the tests run on', () => {
  it("is Node.js 24 or newer, the actions' runtime", () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it("is what the CLI's and the project's engines promise", () => {
    for (const file of ['package.json', 'packages/cli/package.json']) {
      const engines = JSON.parse(readFileSync(file, 'utf8')).engines?.node as string;
      expect({ file, major: major(engines) }).toEqual({ file, major: 24 });
    }
  });
});
