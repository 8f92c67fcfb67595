import { chartScale, describeTrend, formatThreshold, formatValue, showValue } from './format-value.js';
import type { CheckDefinition } from './check.js';
import { notCheckedText } from './report-status.js';
import type { MonitorReport, TrendSeries } from './types.js';

/** Findings listed in the summary itself; the rest are in the JSON and HTML reports. */
const SUMMARY_FINDINGS = 30;

export const STATUS_ICON: Record<string, string> = { critical: '🔴', warning: '🟠', ok: '🟢', skipped: '⚪', unknown: '❔' };

/** What a report says when it has no findings: only a complete one may call the database healthy. */
export function noFindingsText(report: MonitorReport): string {
  return report.counts.unknown > 0
    ? `No findings among the checks that ran, but ${notCheckedText(report)}: this report cannot say the database is healthy.`
    : 'No findings: every check that ran is within its thresholds.';
}

/**
 * The job summary, for a person with ten seconds: the overall status first, then the findings worst first with
 * what to do, then trends and the details (collapsed).
 */
export function renderMarkdown(report: MonitorReport, checks: CheckDefinition[]): string {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const out: string[] = [];
  const { critical, warning, skipped, unknown } = report.counts;
  out.push(`### ${STATUS_ICON[report.status]} Database health: ${report.status.toUpperCase()} — \`${report.name}\``, '');
  const checksWord = (n: number) => `${n} check${n === 1 ? '' : 's'}`;
  const extra = [unknown ? `**${checksWord(unknown)} could not run**` : '', skipped ? `${checksWord(skipped)} skipped` : ''].filter(Boolean).join(', ');
  out.push(
    `**${critical} critical, ${warning} warning** · PostgreSQL ${report.database.serverVersion}${report.database.standby ? ' (standby)' : ''} · ` +
      `${report.checks.length} checks in ${(report.durationMs / 1000).toFixed(1)} s${extra ? ` · ${extra}` : ''} · ${report.generatedAt}`,
    '',
  );

  const findings = report.checks.flatMap((c) => c.findings.map((f) => ({ f, c })));
  findings.sort((a, b) => (a.f.severity === b.f.severity ? 0 : a.f.severity === 'critical' ? -1 : 1));
  if (findings.length > 0) {
    out.push('| | Check | Subject | Value | Threshold | Recommended action |', '|---|---|---|---|---|---|');
    for (const { f, c } of findings.slice(0, SUMMARY_FINDINGS)) {
      out.push(row([STATUS_ICON[f.severity]!, c.title, `\`${f.subject}\``, showValue(f, f.unit), formatThreshold(f.threshold, f.unit, c.thresholds.direction), byId.get(c.id)?.action ?? '']));
    }
    if (findings.length > SUMMARY_FINDINGS) out.push('', `…and ${findings.length - SUMMARY_FINDINGS} more findings in the JSON and HTML reports.`);
    out.push('');
  } else {
    out.push(noFindingsText(report), '');
  }
  const unchecked = report.checks.filter((c) => c.status === 'unknown');
  if (unchecked.length > 0) {
    out.push(`#### ${STATUS_ICON.unknown} Not checked: ${unchecked.length} check${unchecked.length === 1 ? '' : 's'} could not run`, '', '| Check | Why it could not run |', '|---|---|');
    for (const c of unchecked) out.push(row([c.title, c.reason ?? '']));
    out.push('');
  }

  if (report.trends && report.trends.series.length > 0) out.push(...renderTrends(report.trends.series, report.trends.reportsRead));

  out.push('<details><summary>Details: every check</summary>', '');
  out.push('| Check | Status | Time | Looked at | Notes |', '|---|---|---|---|---|');
  for (const c of report.checks) {
    const notes = [c.reason, ...c.notes].filter(Boolean).join('; ');
    out.push(row([c.title, `${STATUS_ICON[c.status]} ${c.status}`, `${c.durationMs} ms`, String(c.observed), notes]));
  }
  out.push('');
  for (const c of report.checks.filter((c) => c.findings.length > 0)) {
    out.push(`**${c.title}** — ${byId.get(c.id)?.why ?? ''}`, '', '| | Subject | Value | Detail |', '|---|---|---|---|');
    for (const f of c.findings.slice(0, SUMMARY_FINDINGS)) out.push(row([STATUS_ICON[f.severity]!, `\`${f.subject}\``, showValue(f, f.unit), f.detail ?? '']));
    out.push('');
  }
  out.push('</details>', '');
  return out.join('\n');
}

function renderTrends(series: TrendSeries[], reportsRead: number): string[] {
  const out = [`#### Trends (${reportsRead} earlier reports)`, ''];
  const facts = series.map((s) => {
    const { growth, days, beyond } = describeTrend(s);
    const limit = days ? `; **${days}** to the limit at this rate` : beyond ? `; ${beyond}` : '';
    return `- ${s.title}: ${formatValue(s.points.at(-1)!.value, s.unit)}, ${growth}${limit}`;
  });
  out.push(...facts, '');
  for (const s of series.filter((s) => s.points.length >= 2)) out.push(...mermaidChart(s), '');
  return out;
}

/** A Mermaid xychart, which GitHub renders in job summaries. */
export function mermaidChart(s: TrendSeries): string[] {
  const { factor, label } = chartScale(s.unit);
  const points = s.points.slice(-30);
  const xs = points.map((p) => JSON.stringify(p.at.slice(5, 16).replace('T', ' ')));
  const ys = points.map((p) => Number((p.value * factor).toPrecision(6)));
  return ['```mermaid', 'xychart-beta', `  title ${JSON.stringify(s.title.replace(/"/g, "'"))}`, `  x-axis [${xs.join(', ')}]`, `  y-axis ${JSON.stringify(label)}`, `  line [${ys.join(', ')}]`, '```'];
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
}
