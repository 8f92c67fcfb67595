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
  log: Logger;
}

interface IssueComment {
  id: number;
  body?: string | null;
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
  const body = `${marker}\n${options.body}`;

  const existing = await findComment(send, `${repo}/issues/${options.pullRequest}/comments`, marker);
  if (existing) {
    await send('PATCH', `${repo}/issues/comments/${existing.id}`, { body });
    options.log.info(`Updated the comment on pull request #${options.pullRequest}`);
    return { action: 'updated', id: existing.id };
  }
  const created = (await send('POST', `${repo}/issues/${options.pullRequest}/comments`, { body })) as IssueComment;
  options.log.info(`Commented on pull request #${options.pullRequest}`);
  return { action: 'created', id: created.id };
}

/** Pages through the comments (100 a page, oldest first) for the first one carrying the marker. */
async function findComment(
  send: (method: string, url: string) => Promise<unknown>,
  url: string,
  marker: string,
): Promise<IssueComment | undefined> {
  for (let page = 1; page <= 30; page++) {
    const comments = (await send('GET', `${url}?per_page=100&page=${page}`)) as IssueComment[];
    const mine = comments.find((c) => (c.body ?? '').includes(marker));
    if (mine) return mine;
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
