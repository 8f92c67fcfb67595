// An action bundle run as GitHub runs it, on a runner that offers no job summary (no GITHUB_STEP_SUMMARY: an older or
// self-hosted runner, act): the summary cannot be written, which is a warning; the run keeps its own result, outputs
// and exit code instead of failing as an internal error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runActionAsGitHub } from '../harness/github-action.js';

let from: string;
beforeAll(async () => {
  from = await mkdtemp(join(tmpdir(), 'dbops-action-summary-'));
});
afterAll(async () => {
  if (from) await rm(from, { recursive: true, force: true });
});

test('without GITHUB_STEP_SUMMARY a successful run succeeds, with a warning that no summary was written', async () => {
  const run = await runActionAsGitHub(
    'retention-purge',
    { from, 'keep-last': '3' },
    { env: { GITHUB_STEP_SUMMARY: undefined } },
  );
  expect({ code: run.code, commands: run.commands }).toEqual({
    code: 0,
    commands: [expect.stringMatching(/^::warning::The job summary was not written: .*GITHUB_STEP_SUMMARY/)],
  });
  expect(run.outputs).toMatchObject({ 'deleted-count': '0', 'dry-run': 'true' });
});

test('with GITHUB_STEP_SUMMARY the same run warns of nothing', async () => {
  const run = await runActionAsGitHub('retention-purge', { from, 'keep-last': '3' });
  expect({ code: run.code, commands: run.commands }).toEqual({ code: 0, commands: [] });
});
