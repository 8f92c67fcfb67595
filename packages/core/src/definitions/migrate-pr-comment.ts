import { syncPullRequestComment, pullRequestNumber } from '../notify/github-pr-comment.js';
import { renderSummary } from '../report/render-summary.js';
import type { Result } from '../report/result.js';
import type { InputReader } from './read-inputs.js';
import type { ActionReport, InputDefinition, RunContext } from './types.js';

/** The sticky pull-request comment with the run's summary. */
export const PR_COMMENT_INPUTS: InputDefinition[] = [
  {
    name: 'comment-on-pr',
    description:
      "Keep one comment on the pull request with this run's summary (status, lint findings, rehearsal timings, schema diff), updated in place on later runs. Outside a pull request: a warning.",
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'github-token',
    description: 'Token for comment-on-pr (needs pull-requests: write).',
    type: 'string',
    secret: true,
    actionDefault: '${{ github.token }}',
    env: ['GITHUB_TOKEN'],
  },
];

export const PR_COMMENT_KEY = 'migrate-deploy';

/**
 * Posts or updates the comment; the caller has read comment-on-pr (true) before the run. Never fails the run: a
 * comment that cannot be posted (no pull request, no token, an API error) is a warning; the deploy's own outcome stands.
 */
export async function commentOnPullRequest(
  reader: InputReader,
  report: ActionReport,
  context: RunContext,
): Promise<void> {
  await postSummaryComment(reader, context, PR_COMMENT_KEY, async () => report.results ?? []);
}

/**
 * The sticky comment under `key` (one per action, so actions on the same pull request leave each other's alone),
 * with the summary of `results`, read only once the pull request and token are known. Problems are warnings.
 */
export async function postSummaryComment(
  reader: InputReader,
  context: RunContext,
  key: string,
  results: () => Promise<Result[]>,
): Promise<void> {
  const warn = (why: string) => context.log.warn(`comment-on-pr: ${why}; no comment was posted.`);
  const repository = context.github?.repository ?? context.env.GITHUB_REPOSITORY;
  const pullRequest = pullRequestNumber(context.env, context.github?.ref ?? context.env.GITHUB_REF);
  if (!repository || !pullRequest)
    return warn('this run is not for a pull request (GITHUB_REF is not refs/pull/<n>/merge)');
  const token = reader.optional('github-token');
  if (!token)
    return warn('github-token is empty (github-token: ${{ github.token }}, permissions: pull-requests: write)');
  try {
    const body = context.secrets.redact(renderSummary(await results()));
    await syncPullRequestComment({
      apiUrl: context.env.GITHUB_API_URL ?? 'https://api.github.com',
      token,
      repository,
      pullRequest,
      key,
      body,
      log: context.log,
      signal: context.signal,
    });
  } catch (error) {
    warn(context.secrets.redact((error as Error).message));
  }
}
