import { readFileSync } from 'node:fs';
import type { Logger } from '../log.js';
import { githubApi } from './github-api.js';
import type { SendOptions } from './http.js';

export interface PullRequestCommentOptions extends SendOptions {
  /** GITHUB_API_URL, e.g. https://api.github.com (or a GitHub Enterprise Server's /api/v3). */
  apiUrl: string;
  token: string;
  /** "owner/repo" */
  repository: string;
  pullRequest: number;
  /** Which comment is ours, e.g. "migrate-deploy": kept in a hidden marker so later runs update it in place. */
  key: string;
  /** Markdown; already redacted. */
  body: string;
  /** The workflow run, named where a body too long for a comment is cut. */
  runUrl?: string;
  log: Logger;
}

interface IssueComment {
  id: number;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
}

/** GitHub refuses a comment over 65,536 characters (422): the body is cut below it, with room for the marker. */
export const MAX_COMMENT_BODY = 60_000;

/**
 * A body that fits in a comment: a longer one is cut at a line, the code block or folded section it was cut in
 * closed, and a line sends the reader to the job summary, which has it all.
 */
export function commentBody(markdown: string, runUrl?: string): string {
  if (markdown.length <= MAX_COMMENT_BODY) return markdown;
  const kept = markdown.slice(0, markdown.lastIndexOf('\n', MAX_COMMENT_BODY - 500) + 1 || MAX_COMMENT_BODY - 500);
  const fences = (kept.match(/^```/gm) ?? []).length;
  const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  const run = runUrl ? `the job summary of [the workflow run](${runUrl})` : "the workflow run's job summary";
  return [
    kept.trimEnd(),
    ...(fences % 2 === 1 ? ['```'] : []),
    ...Array.from({ length: Math.max(0, open) }, () => '</details>'),
    '',
    `**The summary is cut here: it is longer than a pull-request comment can be. See ${run} for all of it.**`,
  ].join('\n');
}

/** The hidden marker that identifies the sticky comment for `key`. */
export function commentMarker(key: string): string {
  return `<!-- dbops:${key} -->`;
}

/**
 * Keeps one sticky comment per key on a pull request: created on the first run, its body replaced on later runs (no
 * comment per run). Our comment is found by its hidden marker among the pull request's comments.
 */
export async function syncPullRequestComment(
  options: PullRequestCommentOptions,
): Promise<{ action: 'created' | 'updated'; id: number }> {
  const { repo, send } = githubApi(options);
  const marker = commentMarker(options.key);
  const body = `${marker}\n${commentBody(options.body, options.runUrl)}`;

  const mine = await authoredByUs(send, `${options.apiUrl.replace(/\/+$/, '')}/user`);
  const existing = await findComment(send, `${repo}/issues/${options.pullRequest}/comments`, marker, mine);
  if (existing) {
    await send('PATCH', `${repo}/issues/comments/${existing.id}`, { body });
    options.log.info(`Updated the comment on pull request #${options.pullRequest}`);
    return { action: 'updated', id: existing.id };
  }
  const created = (await send('POST', `${repo}/issues/${options.pullRequest}/comments`, { body })) as IssueComment;
  options.log.info(`Commented on pull request #${options.pullRequest}`);
  return { action: 'created', id: created.id };
}

/**
 * Whether a comment is ours: written by a bot (the GITHUB_TOKEN's github-actions[bot], a GitHub App) or by the
 * token's own user (a personal access token). Anyone can write the marker into a comment of their own; replacing
 * its body would put our summary under their name, or leave ours unposted. The token's user is asked once, when a
 * comment by a person carries the marker; an installation token cannot ask (403) and owns bot comments only.
 */
function authoredByUs(send: (method: string, url: string) => Promise<unknown>, userUrl: string) {
  let login: Promise<string | undefined> | undefined;
  return async (comment: IssueComment): Promise<boolean> => {
    if (comment.user?.type === 'Bot') return true;
    login ??= send('GET', userUrl).then(
      (user) => (user as { login?: string } | undefined)?.login,
      () => undefined,
    );
    const own = await login;
    return own !== undefined && comment.user?.login === own;
  };
}

/** Pages through the comments (100 a page, oldest first) for the first one of ours carrying the marker. */
async function findComment(
  send: (method: string, url: string) => Promise<unknown>,
  url: string,
  marker: string,
  ours: (comment: IssueComment) => Promise<boolean>,
): Promise<IssueComment | undefined> {
  for (let page = 1; page <= 30; page++) {
    const comments = (await send('GET', `${url}?per_page=100&page=${page}`)) as IssueComment[];
    for (const comment of comments) if ((comment.body ?? '').includes(marker) && (await ours(comment))) return comment;
    if (comments.length < 100) return undefined;
  }
  return undefined;
}

/**
 * The pull request this run is for: GITHUB_REF is refs/pull/<n>/merge (or /head) on pull_request events; otherwise
 * the event payload (GITHUB_EVENT_PATH) may name it (pull_request_target, issue_comment on a pull request).
 */
export function pullRequestNumber(env: NodeJS.ProcessEnv, ref = env.GITHUB_REF): number | undefined {
  const fromRef = /^refs\/pull\/(\d+)\/(?:merge|head)$/.exec(ref ?? '');
  if (fromRef) return Number(fromRef[1]);
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { number?: unknown };
      issue?: { number?: unknown; pull_request?: unknown };
    };
    const n = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
