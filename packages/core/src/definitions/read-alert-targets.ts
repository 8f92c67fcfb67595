import { invalidInput } from '../errors.js';
import type { AlertOn, AlertTargets } from '../monitor/alerts.js';
import { readIncidentTargets } from './incident-inputs.js';
import { readNotifiers } from './notifications.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition, RunContext } from './types.js';

const ALERT_ON = ['warning', 'critical', 'always'] as const;

/** When monitor-report alerts, and its GitHub issue. Composed after NOTIFY_CHANNEL_INPUTS. */
export const ALERT_INPUTS: InputDefinition[] = [
  {
    name: 'alert-on',
    description:
      'When to send the alert: warning (any finding), critical, or always. An unknown report (checks that could not run) is sent at warning and critical.',
    default: 'warning',
    type: 'enum',
    values: ALERT_ON,
  },
  {
    name: 'github-issue',
    description: 'Keep one GitHub issue per database open while a critical finding lasts, and close it when it clears.',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'github-token',
    description: 'Token for github-issue (needs issues: write).',
    type: 'string',
    secret: true,
    env: ['GITHUB_TOKEN'],
  },
];

/**
 * Where monitor-report's alert goes and when: the shared channels, alert-on, the GitHub issue kept in step, and the
 * incident channels (PagerDuty, Opsgenie) when the action defines them.
 */
export async function readAlertTargets(reader: InputReader, context: RunContext): Promise<AlertTargets> {
  const alertOn = reader.oneOf<AlertOn>('alert-on');
  const notifiers = readNotifiers(reader);
  const githubIssue = reader.boolean('github-issue') ? githubIssueTarget(reader, context) : undefined;
  const incidents = reader.has('pagerduty-routing-key') ? await readIncidentTargets(reader) : undefined;
  return { notifiers, alertOn, ...(githubIssue ? { githubIssue } : {}), ...(incidents ? { incidents } : {}) };
}

function githubIssueTarget(reader: InputReader, context: RunContext) {
  const token = reader.optional('github-token');
  if (!token) {
    throw invalidInput(
      'github-token',
      'is required when github-issue is true',
      'github-token: ${{ github.token }} with permissions: issues: write',
    );
  }
  const repository = context.github?.repository ?? context.env.GITHUB_REPOSITORY;
  if (!repository) {
    throw invalidInput(
      'github-issue',
      'needs the repository (GITHUB_REPOSITORY), which is only set in a workflow',
      'github-issue: true in a GitHub Actions workflow, or set GITHUB_REPOSITORY=owner/repo',
    );
  }
  return { apiUrl: context.env.GITHUB_API_URL ?? 'https://api.github.com', token, repository };
}
