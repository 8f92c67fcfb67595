import type { Logger } from '../log.js';
import { syncAlertIssue, type IssueAction } from '../notify/github-issue.js';
import type { SendOptions } from '../notify/http.js';
import { sendAlerts } from '../notify/send.js';
import type { AlertMessage, Notifier } from '../notify/types.js';
import type { CheckDefinition } from './check.js';
import { showValue } from './format-value.js';
import { notCheckedText, reaches } from './report-status.js';
import { monitorSummary } from './render-markdown.js';
import { escapeMarkdownText, markdownCode } from '../report/markdown-text.js';
import { renderNotification } from '../report/render-notification.js';
import type { AlertState } from './alert-lifecycle.js';
import { deliverIncidents, type IncidentTargets } from './deliver-incidents.js';
import type { MonitorReport } from './types.js';

/** alert-on: the report status that sends the alert. (notify-on means failure/success/always, for every action.) */
export type AlertOn = 'warning' | 'critical' | 'always';

export interface AlertTargets {
  /** The shared notifiers (Slack, Teams, signed webhook, e-mail) read from the notify-* inputs. */
  notifiers: Notifier[];
  alertOn: AlertOn;
  githubIssue?: { apiUrl: string; token: string; repository: string };
  /** PagerDuty and Opsgenie: one incident per check, triggered once, updated, resolved (alert-lifecycle.ts). */
  incidents?: IncidentTargets;
  /** Transport settings (tests pass a fetch and short retries). */
  http?: SendOptions;
}

export interface AlertOutcome {
  sent: string[];
  failed: string[];
  /** unchanged: the report is unknown, so the issue is neither opened nor closed. */
  issue?: { action: IssueAction; number?: number } | { action: 'failed' | 'unchanged' };
  /** The incident state to keep with the history, when there are incident channels. */
  state?: AlertState;
}

/** What the incident lifecycle needs from the history: the state the last run kept, and whether this one is kept. */
export interface AlertHistory {
  previous?: AlertState;
  stateKept: boolean;
  redact?: (text: string) => string;
}

/**
 * The run's one alert message: overall status, counts, every finding with its recommended action, and every check
 * that could not run with its reason. The alert vocabulary has no "unknown": such a report is sent as a warning
 * whose title says UNKNOWN, never as an all-clear. Every text passes `redact` (the run's secret register): a finding's
 * subject or detail, or the reason a check could not run, may quote a query or an error that holds a secret.
 */
export function alertMessage(
  report: MonitorReport,
  checks: CheckDefinition[],
  redact: (text: string) => string = (text) => text,
): AlertMessage {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const { status, title, text } = renderNotification(monitorSummary(report, checks));
  const items: AlertMessage['items'] = report.checks.flatMap((c) => [
    ...c.findings.map((f) => {
      const action = byId.get(c.id)?.action;
      return {
        severity: f.severity,
        title: c.title,
        subject: f.subject,
        detail: `${showValue(f, f.unit)}${f.detail ? `; ${f.detail}` : ''}`,
        ...(action ? { action } : {}),
      };
    }),
    ...(c.status === 'unknown'
      ? [
          {
            severity: 'warning' as const,
            title: c.title,
            subject: 'not checked',
            detail: c.reason ?? 'the check could not run',
          },
        ]
      : []),
  ]);
  return {
    source: 'monitor-report',
    status,
    title: redact(title),
    text: redact(text),
    items: items.map(({ title, subject, detail, action, ...rest }) => ({
      ...rest,
      title: redact(title),
      subject: redact(subject),
      ...(detail === undefined ? {} : { detail: redact(detail) }),
      ...(action === undefined ? {} : { action: redact(action) }),
    })),
    ...(report.github?.runUrl ? { link: report.github.runUrl } : {}),
    data: { name: report.name, database: report.database.name, reportStatus: report.status, counts: report.counts },
  };
}

function shouldNotify(report: MonitorReport, on: AlertOn): boolean {
  return on === 'always' || reaches(report.status, on);
}

/**
 * Sends the alert, the incident events, and keeps the GitHub issue in step. Failures are warnings: they never change
 * the run's result. Inside a maintenance window nothing pages: no message, no new incident, the issue left as it is.
 */
export async function deliverAlerts(
  report: MonitorReport,
  checks: CheckDefinition[],
  targets: AlertTargets,
  log: Logger,
  signal?: AbortSignal,
  history: AlertHistory = { stateKept: false },
): Promise<AlertOutcome> {
  const outcome: AlertOutcome = { sent: [], failed: [] };
  const redact = history.redact ?? ((text: string) => text);
  const message = alertMessage(report, checks, redact);
  const quiet = report.maintenance !== undefined;
  if (quiet && (targets.notifiers.length > 0 || targets.githubIssue))
    log.info(
      `Inside the maintenance window (${report.maintenance!.window}) until ${report.maintenance!.until}: no alert is sent`,
    );
  if (targets.notifiers.length > 0 && !quiet && shouldNotify(report, targets.alertOn)) {
    Object.assign(outcome, await sendAlerts(targets.notifiers, message, log, signal));
  }
  if (targets.incidents && targets.incidents.notifiers.length > 0) {
    const { state, summary } = await deliverIncidents(report, targets.incidents, history.previous, log, {
      stateKept: history.stateKept,
      redact,
      ...(signal ? { signal } : {}),
    });
    outcome.state = state;
    report.alerts = summary;
  }
  if (targets.githubIssue && quiet) {
    outcome.issue = { action: 'unchanged' };
  } else if (targets.githubIssue && report.status === 'unknown') {
    // Closing the issue would claim the critical findings cleared, which checks that did not run cannot show.
    outcome.issue = { action: 'unchanged' };
    log.info(
      `The GitHub issue is left as it is: ${notCheckedText(report)}, so this report cannot tell whether critical findings cleared`,
    );
  } else if (targets.githubIssue) {
    try {
      outcome.issue = await syncAlertIssue({
        ...targets.http,
        ...targets.githubIssue,
        key: `monitor-report:${report.name}`,
        title: `dbops: critical database health findings on ${report.name}`,
        body: issueBody(report, message, redact),
        active: report.status === 'critical',
        resolution: `The critical findings on ${markdownCode(report.name)} cleared at ${report.generatedAt}${report.github?.runUrl ? ` ([run](${report.github.runUrl}))` : ''}.`,
        log,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      outcome.issue = { action: 'failed' };
      log.warn(`Could not update the GitHub issue: ${(error as Error).message}`);
    }
  }
  return outcome;
}

/**
 * The issue keeps only the critical findings: warnings come and go and would make the issue noisy. The whole body
 * passes `redact`, as the message's items already did.
 */
function issueBody(report: MonitorReport, message: AlertMessage, redact: (text: string) => string): string {
  const critical = message.items.filter((i) => i.severity === 'critical');
  return redact(
    [
      `**${critical.length} critical findings** on ${markdownCode(report.name)} (PostgreSQL ${report.database.serverVersion}), last checked ${report.generatedAt}${report.github?.runUrl ? ` in [this run](${report.github.runUrl})` : ''}.`,
      '',
      '| Check | Subject | Value | Recommended action |',
      '|---|---|---|---|',
      ...critical
        .slice(0, 50)
        .map(
          (i) =>
            `| ${cell(i.title)} | ${markdownCode(i.subject, true)} | ${cell(i.detail ?? '')} | ${cell(i.action ?? '')} |`,
        ),
      '',
      'This issue is updated by each run while a critical finding lasts and closed when they clear.',
    ].join('\n'),
  );
}

/** A table cell of plain text: a table or database name is the database's text, never Markdown or HTML. */
function cell(text: string): string {
  return escapeMarkdownText(text, true).replace(/\r?\n|\r/g, ' ');
}
