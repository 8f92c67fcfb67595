import { createHash } from 'node:crypto';
import type { DatabaseTarget } from '../databases/engine.js';
import { asDbopsError } from '../errors.js';
import { syncPullRequestComment, pullRequestNumber } from '../notify/github-pr-comment.js';
import { renderSummary } from '../report/render-summary.js';
import { code, type Result } from '../report/result.js';
import type { InputReader } from './read-inputs.js';
import type { ActionReport, InputDefinition, RunContext } from './types.js';

/** The sticky pull-request comment with the run's summary. */
export const PR_COMMENT_INPUTS: InputDefinition[] = [
  {
    name: 'comment-on-pr',
    description:
      "Keep one comment on the pull request with this run's summary (status, lint findings, rehearsal timings, schema diff), updated in place on later runs. migrate-deploy keeps one per mode and job (alert-key, else the database), so matrix jobs keep theirs, and a run that fails shows its error there. Only a comment written by a bot or the token's user is updated; a summary too long for a comment is cut, pointing to the job summary. Outside a pull request: a warning.",
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
 * The comment's key: one per mode and job, so the jobs of a matrix (one database each, or deploy beside check) keep
 * a comment each rather than overwriting one another's. The job is its alert-key when it has one, else the database
 * (its host, port and name hashed: a hidden marker is still readable in a public repository's comments).
 */
export function migrateCommentKey(mode: string, alertKey: string | undefined, target: DatabaseTarget | undefined) {
  const job =
    alertKey && /^[A-Za-z0-9._-]+$/.test(alertKey)
      ? alertKey
      : target
        ? createHash('sha256')
            .update(`${target.engine}://${target.host}:${target.port}/${target.database}`)
            .digest('hex')
            .slice(0, 12)
        : undefined;
  return `${PR_COMMENT_KEY}:${mode}${job ? `:${job}` : ''}`;
}

/**
 * Posts or updates the comment; the caller has read comment-on-pr (true) before the run. Never fails the run: a
 * comment that cannot be posted (no pull request, no token, an API error) is a warning; the deploy's own outcome stands.
 */
export async function commentOnPullRequest(
  reader: InputReader,
  report: ActionReport,
  context: RunContext,
  key: string,
): Promise<void> {
  await postSummaryComment(reader, context, key, async () => report.results ?? []);
}

/**
 * A run that threw (the backup before the deploy failed, the deploy lock timed out, the server was gone) has no
 * summary: the comment says it failed and why, or it would go on showing an earlier run's "passed".
 */
export async function commentOnFailure(
  reader: InputReader,
  error: unknown,
  context: RunContext,
  key: string,
): Promise<void> {
  const failure = asDbopsError(error);
  await postSummaryComment(reader, context, key, async () => [
    {
      status: 'failure',
      title: 'migrate-deploy failed',
      blocks: [
        { kind: 'note', text: [code(failure.code), `: ${failure.message}`] },
        ...(failure.hint ? [{ kind: 'note' as const, text: `Fix: ${failure.hint}` }] : []),
      ],
    },
  ]);
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
    const runUrl = context.github?.runUrl;
    await syncPullRequestComment({
      apiUrl: context.env.GITHUB_API_URL ?? 'https://api.github.com',
      token,
      repository,
      pullRequest,
      key,
      body,
      ...(runUrl ? { runUrl } : {}),
      log: context.log,
      signal: context.signal,
    });
  } catch (error) {
    warn(context.secrets.redact((error as Error).message));
  }
}
