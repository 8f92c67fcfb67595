import type { Logger } from '../log.js';
import { githubApi } from './github-api.js';
import type { SendOptions } from './http.js';

export const ALERT_LABEL = 'dbops-alert';

export interface IssueAlertOptions extends SendOptions {
  /** GITHUB_API_URL, e.g. https://api.github.com (or a GitHub Enterprise Server's /api/v3). */
  apiUrl: string;
  token: string;
  /** "owner/repo" */
  repository: string;
  /** What the issue is about, unique per repository: e.g. "monitor-report:prod". It is kept in a hidden marker. */
  key: string;
  title: string;
  /** Markdown body while the problem lasts. */
  body: string;
  /** True while the problem lasts: the issue is opened or updated; false: an open issue is closed. */
  active: boolean;
  /** One line for the closing comment, e.g. "All checks are back within thresholds (run link)." */
  resolution: string;
  log: Logger;
}

export type IssueAction = 'created' | 'updated' | 'closed' | 'none';

interface Issue {
  number: number;
  body?: string | null;
  pull_request?: unknown;
}

/**
 * Keeps one GitHub issue per key: opened when a problem appears, its body updated on later runs while the
 * problem lasts (no new issues, no comment per run), commented and closed once it clears. Issues are found by
 * a hidden marker in their body, among the open issues with the alert label; stray duplicates are closed.
 */
export async function syncAlertIssue(options: IssueAlertOptions): Promise<{ action: IssueAction; number?: number }> {
  const { repo, send } = githubApi(options);
  const marker = `<!-- dbops:${options.key} -->`;

  const open = (await send(
    'GET',
    `${repo}/issues?state=open&labels=${encodeURIComponent(ALERT_LABEL)}&per_page=100`,
  )) as Issue[];
  const mine = open
    .filter((i) => !i.pull_request && (i.body ?? '').includes(marker))
    .sort((a, b) => a.number - b.number);
  const [existing, ...duplicates] = mine;
  for (const duplicate of duplicates) {
    await send('POST', `${repo}/issues/${duplicate.number}/comments`, { body: `Duplicate of #${existing!.number}.` });
    await send('PATCH', `${repo}/issues/${duplicate.number}`, { state: 'closed', state_reason: 'not_planned' });
  }

  const body = `${marker}\n${options.body}`;
  if (options.active) {
    if (existing) {
      await send('PATCH', `${repo}/issues/${existing.number}`, { title: options.title, body });
      options.log.info(`Updated GitHub issue #${existing.number}`);
      return { action: 'updated', number: existing.number };
    }
    const created = (await send('POST', `${repo}/issues`, {
      title: options.title,
      body,
      labels: [ALERT_LABEL],
    })) as Issue;
    options.log.info(`Opened GitHub issue #${created.number}`);
    return { action: 'created', number: created.number };
  }
  if (!existing) return { action: 'none' };
  await send('POST', `${repo}/issues/${existing.number}/comments`, { body: options.resolution });
  await send('PATCH', `${repo}/issues/${existing.number}`, { state: 'closed', state_reason: 'completed' });
  options.log.info(`Closed GitHub issue #${existing.number}: the problem cleared`);
  return { action: 'closed', number: existing.number };
}
