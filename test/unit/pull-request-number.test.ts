// Which pull request a run is for: from GITHUB_REF on pull_request events, else from the event payload.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullRequestNumber } from '../../packages/core/src/notify/github-pr-comment.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbops-event-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('refs/pull/<n>/merge and /head name the pull request; a branch ref does not', () => {
  expect(pullRequestNumber({ GITHUB_REF: 'refs/pull/17/merge' })).toBe(17);
  expect(pullRequestNumber({ GITHUB_REF: 'refs/pull/3/head' })).toBe(3);
  expect(pullRequestNumber({ GITHUB_REF: 'refs/heads/main' })).toBeUndefined();
  expect(pullRequestNumber({ GITHUB_REF: 'refs/heads/pull/4/merge' })).toBeUndefined();
  expect(pullRequestNumber({})).toBeUndefined();
});

test('the event payload names it when the ref does not (pull_request_target, a comment on a pull request)', async () => {
  const target = join(dir, 'target.json');
  await writeFile(target, JSON.stringify({ pull_request: { number: 9 } }));
  expect(pullRequestNumber({ GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_PATH: target })).toBe(9);
  const comment = join(dir, 'comment.json');
  await writeFile(comment, JSON.stringify({ issue: { number: 5, pull_request: { url: 'x' } } }));
  expect(pullRequestNumber({ GITHUB_EVENT_PATH: comment })).toBe(5);
  const issue = join(dir, 'issue.json');
  await writeFile(issue, JSON.stringify({ issue: { number: 6 } }));
  expect(pullRequestNumber({ GITHUB_EVENT_PATH: issue })).toBeUndefined();
  const broken = join(dir, 'broken.json');
  await writeFile(broken, '{not json');
  expect(pullRequestNumber({ GITHUB_EVENT_PATH: broken })).toBeUndefined();
  expect(pullRequestNumber({ GITHUB_EVENT_PATH: join(dir, 'missing.json') })).toBeUndefined();
});
