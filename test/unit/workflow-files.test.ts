import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

// GitHub refuses a workflow or action.yml that is not valid YAML, and only says so when the workflow is triggered.
// A plain scalar with ': ' inside (a step name such as `Test (unit tier: ...)`) is the usual way to break one.
const workflowFiles = async () =>
  (await readdir('.github/workflows')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join('.github/workflows', f));
const actionFiles = async () =>
  (await readdir('actions')).filter((d) => d !== 'dist').map((d) => join('actions', d, 'action.yml'));

test.each([['workflows'], ['actions']])('every %s file parses as YAML and has the shape GitHub runs', async (kind) => {
  const files = kind === 'workflows' ? await workflowFiles() : await actionFiles();
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const document = parse(await readFile(file, 'utf8'), { strict: true, uniqueKeys: true });
    expect(typeof document).toBe('object');
    if (kind === 'actions') {
      expect({ file, using: document.runs?.using, main: document.runs?.main }).toEqual({
        file,
        using: 'node24',
        main: 'main.mjs',
      });
      continue;
    }
    for (const [job, definition] of Object.entries<{ steps?: Record<string, unknown>[] }>(document.jobs ?? {})) {
      for (const step of definition.steps ?? [])
        expect({ file, job, ok: 'run' in step || 'uses' in step }).toEqual({ file, job, ok: true });
    }
  }
});
