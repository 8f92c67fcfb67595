import { code, strong, type Block, type Inline, type Result, type ResultStatus } from '../report/result.js';
import type { CheckDefinition } from './check.js';
import { productOf } from './engine-checks.js';
import { chartScale, describeTrend, formatThreshold, formatValue, showValue } from './format-value.js';
import { renderSummary } from '../report/render-summary.js';
import { notCheckedText } from './report-status.js';
import type { AlertDeliverySummary, MonitorReport, OverallStatus, TrendSeries } from './types.js';

/** Findings listed in the summary itself; the rest are in the JSON and HTML reports. */
const SUMMARY_FINDINGS = 30;

/** Icons of check and finding statuses, in the summary's tables and the HTML report. */
export const STATUS_ICON: Record<string, string> = {
  critical: '🔴',
  warning: '🟠',
  ok: '🟢',
  skipped: '⚪',
  unknown: '❔',
};

/** What a report says when it has no findings: only a complete one may call the database healthy. */
export function noFindingsText(report: MonitorReport): string {
  return report.counts.unknown > 0
    ? `No findings among the checks that ran, but ${notCheckedText(report)}: this report cannot say the database is ` +
        'healthy.'
    : 'No findings: every check that ran is within its thresholds.';
}

/** The summary as Markdown: the job summary, and summary.md beside the other report files. */
export function renderMarkdown(report: MonitorReport, checks: CheckDefinition[]): string {
  return renderSummary([monitorSummary(report, checks)]);
}

const STATUS: Record<OverallStatus, ResultStatus> = {
  ok: 'ok',
  warning: 'warning',
  critical: 'critical',
  unknown: 'unknown',
};

/**
 * The health report as a result, for a person with ten seconds: the overall status first, then the findings worst
 * first with what to do, then trends and the details (folded).
 */
export function monitorSummary(report: MonitorReport, checks: CheckDefinition[]): Result {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const { critical, warning, skipped, unknown } = report.counts;
  const checksWord = (n: number) => `${n} check${n === 1 ? '' : 's'}`;
  const extra: Inline[] = [
    ...(unknown ? [strong(`${checksWord(unknown)} could not run`)] : []),
    ...(skipped ? [`${checksWord(skipped)} skipped`] : []),
  ];
  const blocks: Block[] = [
    {
      kind: 'note',
      text: [
        strong(`${critical} critical, ${warning} warning`),
        ` · ${productOf(checks)} ${report.database.serverVersion}${report.database.standby ? ' (standby)' : ''} · `,
        `${report.checks.length} checks in ${(report.durationMs / 1000).toFixed(1)} s`,
        ...extra.flatMap((part, i) => [i === 0 ? ' · ' : ', ', part]),
        ` · ${report.generatedAt}`,
      ],
    },
  ];

  if (report.maintenance)
    blocks.push({
      kind: 'note',
      text: [
        strong('Maintenance'),
        `: inside the window ${report.maintenance.window} until ${report.maintenance.until}; its findings are marked maintenance and page nobody.`,
      ],
    });
  const findings = report.checks.flatMap((c) => c.findings.map((f) => ({ f, c })));
  findings.sort((a, b) => (a.f.severity === b.f.severity ? 0 : a.f.severity === 'critical' ? -1 : 1));
  if (findings.length > 0) {
    blocks.push({
      kind: 'table',
      columns: ['', 'Check', 'Subject', 'Value', 'Threshold', 'Recommended action'],
      rows: findings
        .slice(0, SUMMARY_FINDINGS)
        .map(({ f, c }) => [
          `${STATUS_ICON[f.severity]!}${report.maintenance ? ' maintenance' : ''}`,
          c.title,
          code(f.subject),
          showValue(f, f.unit),
          formatThreshold(f.threshold, f.unit, c.thresholds.direction),
          byId.get(c.id)?.action ?? '',
        ]),
    });
    if (findings.length > SUMMARY_FINDINGS) {
      const more = findings.length - SUMMARY_FINDINGS;
      blocks.push({ kind: 'note', text: `…and ${more} more findings in the JSON and HTML reports.` });
    }
  } else {
    blocks.push({ kind: 'note', text: noFindingsText(report) });
  }
  const unchecked = report.checks.filter((c) => c.status === 'unknown');
  if (unchecked.length > 0) {
    blocks.push(
      { kind: 'heading', status: 'unknown', text: `Not checked: ${checksWord(unchecked.length)} could not run` },
      {
        kind: 'table',
        columns: ['Check', 'Why it could not run'],
        rows: unchecked.map((c) => [c.title, c.reason ?? '']),
      },
    );
  }
  if (report.alerts) blocks.push(...alertLines(report.alerts));
  if (report.trends && report.trends.series.length > 0) {
    blocks.push(...trends(report.trends.series, report.trends.reportsRead));
  }

  const details: Block[] = [
    {
      kind: 'table',
      columns: ['Check', 'Status', 'Time', 'Looked at', 'Notes'],
      rows: report.checks.map((c) => [
        c.title,
        `${STATUS_ICON[c.status]} ${c.status}`,
        `${c.durationMs} ms`,
        String(c.observed),
        [c.reason, ...c.notes].filter(Boolean).join('; '),
      ]),
    },
  ];
  for (const c of report.checks.filter((c) => c.findings.length > 0)) {
    details.push(
      { kind: 'note', text: [strong(c.title), ` — ${byId.get(c.id)?.why ?? ''}`] },
      {
        kind: 'table',
        columns: ['', 'Subject', 'Value', 'Detail'],
        rows: c.findings
          .slice(0, SUMMARY_FINDINGS)
          .map((f) => [STATUS_ICON[f.severity]!, code(f.subject), showValue(f, f.unit), f.detail ?? '']),
      },
    );
  }
  blocks.push({ kind: 'folded', title: 'Details: every check', blocks: details });

  const findingsText = `${critical} critical, ${warning} warning findings on ${productOf(checks)} ${report.database.serverVersion} (${report.generatedAt}).`;
  return {
    status: STATUS[report.status],
    title: [`Database health: ${report.status.toUpperCase()} — `, code(report.name)],
    // The alert vocabulary has no "unknown": the text says why such a report cannot call the database healthy.
    text:
      unknown > 0
        ? `${notCheckedText(report)}, so this report cannot say the database is healthy; ${findingsText}`
        : findingsText,
    blocks,
  };
}

/** What PagerDuty and Opsgenie were sent, and what waits: for the person wondering why they were (not) paged. */
function alertLines(alerts: AlertDeliverySummary): Block[] {
  const items = [
    ...alerts.sent.map((a) => `Sent: ${a}`),
    ...alerts.failed.map((a) => `Failed (a warning; tried again next run): ${a}`),
    ...alerts.deferred.map((a) => `Held back by max-alerts-per-hour: ${a}`),
    ...(alerts.quiet.length > 0 ? [`Quiet for the maintenance window: ${alerts.quiet.join(', ')}`] : []),
    ...(alerts.stateKept ? [] : ['No history: what was sent is not remembered, so no resolve can follow']),
  ];
  if (items.length === 0) return [];
  return [
    { kind: 'heading', text: 'Incidents' },
    { kind: 'list', items },
  ];
}

function trends(series: TrendSeries[], reportsRead: number): Block[] {
  const items = series.map((s) => {
    const { growth, days, beyond } = describeTrend(s);
    const limit: Inline[] = days ? ['; ', strong(days), ' to the limit at this rate'] : beyond ? [`; ${beyond}`] : [];
    return [`${s.title}: ${formatValue(s.points.at(-1)!.value, s.unit)}, ${growth}`, ...limit];
  });
  return [
    { kind: 'heading', text: `Trends (${reportsRead} earlier reports)` },
    { kind: 'list', items },
    ...series.filter((s) => s.points.length >= 2).map(chart),
  ];
}

/** The last 30 points, scaled to the axis' unit. */
function chart(s: TrendSeries): Block {
  const { factor, label } = chartScale(s.unit);
  const points = s.points.slice(-30).map((p) => ({
    label: p.at.slice(5, 16).replace('T', ' '),
    value: Number((p.value * factor).toPrecision(6)),
  }));
  return { kind: 'chart', title: s.title, yLabel: label, points };
}
