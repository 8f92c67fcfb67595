import type { CheckDefinition } from './check.js';
import { productOf } from './engine-checks.js';
import { describeTrend, formatThreshold, formatValue, showValue } from './format-value.js';
import { noFindingsText, STATUS_ICON } from './render-markdown.js';
import { barChartSvg, escapeHtml, lineChartSvg } from './render-svg.js';
import type { MonitorReport } from './types.js';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#1f2328}
h1{font-size:1.5em}table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.critical{background:#ffebe9}.warning{background:#fff8c5}.unknown{background:#eaeef2}code{font-size:90%}
.chart{margin:.5em 1em .5em 0;font-size:10px}.chart .title{font-size:12px;font-weight:600}.axis{stroke:#8c959f}.line{fill:none;stroke:#0969da;stroke-width:2}
.dots circle{fill:#0969da}.bar{fill:#54aeff}details{margin:1em 0}.muted{color:#656d76}`;

/** A self-contained HTML report (inline CSS and SVG, no scripts): status, findings, trends, every check's details. */
export function renderHtml(report: MonitorReport, checks: CheckDefinition[]): string {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dbops health: ${e(report.name)}</title><style>${STYLE}</style></head><body>`,
  );
  parts.push(`<h1>${STATUS_ICON[report.status]} ${e(report.name)}: ${e(report.status.toUpperCase())}</h1>`);
  const unchecked = report.checks.filter((c) => c.status === 'unknown');
  const notRun =
    unchecked.length > 0
      ? ` · <strong>${unchecked.length} check${unchecked.length === 1 ? '' : 's'} could not run</strong>`
      : '';
  parts.push(
    `<p><strong>${report.counts.critical} critical, ${report.counts.warning} warning</strong>${notRun} · ${e(productOf(checks))} ${e(report.database.serverVersion)}${report.database.standby ? ' (standby)' : ''} · ${report.checks.length} checks in ${(report.durationMs / 1000).toFixed(1)} s · ${e(report.generatedAt)}</p>`,
  );

  const findings = report.checks.flatMap((c) => c.findings.map((f) => ({ f, c })));
  findings.sort((a, b) => (a.f.severity === b.f.severity ? 0 : a.f.severity === 'critical' ? -1 : 1));
  parts.push('<h2>Findings</h2>');
  if (findings.length === 0) parts.push(`<p>${e(noFindingsText(report))}</p>`);
  else {
    parts.push(
      '<table><tr><th>Severity</th><th>Check</th><th>Subject</th><th>Value</th><th>Threshold</th><th>Detail</th><th>Recommended action</th></tr>',
    );
    for (const { f, c } of findings) {
      parts.push(
        `<tr class="${f.severity}"><td>${STATUS_ICON[f.severity]} ${f.severity}</td><td>${e(c.title)}</td><td><code>${e(f.subject)}</code></td><td>${e(showValue(f, f.unit))}</td><td>${e(formatThreshold(f.threshold, f.unit, c.thresholds.direction))}</td><td>${e(f.detail ?? '')}</td><td>${e(byId.get(c.id)?.action ?? '')}</td></tr>`,
      );
    }
    parts.push('</table>');
  }
  if (unchecked.length > 0) {
    parts.push(
      `<h2>${STATUS_ICON.unknown} Not checked</h2><p>These checks could not run, so what they watch is unknown.</p><table><tr><th>Check</th><th>Why it could not run</th></tr>`,
    );
    for (const c of unchecked)
      parts.push(`<tr class="unknown"><td>${e(c.title)}</td><td>${e(c.reason ?? '')}</td></tr>`);
    parts.push('</table>');
  }

  if (report.trends && report.trends.series.length > 0) {
    parts.push(`<h2>Trends</h2><p class="muted">${report.trends.reportsRead} earlier reports.</p><ul>`);
    for (const s of report.trends.series) {
      const { growth, days, beyond } = describeTrend(s);
      const limit = days ? `; <strong>${e(days)}</strong> to the limit at this rate` : beyond ? `; ${e(beyond)}` : '';
      parts.push(`<li>${e(s.title)}: ${e(formatValue(s.points.at(-1)!.value, s.unit))}, ${e(growth)}${limit}</li>`);
    }
    parts.push('</ul><div>');
    for (const s of report.trends.series.filter((s) => s.points.length >= 2)) parts.push(lineChartSvg(s));
    parts.push('</div>');
  }

  parts.push(
    '<h2>Checks</h2><table><tr><th>Check</th><th>Status</th><th>Time</th><th>Why it matters</th><th>Thresholds</th><th>Notes</th></tr>',
  );
  for (const c of report.checks) {
    const d = byId.get(c.id);
    const thresholds = `warning ${formatThreshold(c.thresholds.warning, c.unit, c.thresholds.direction)}, critical ${formatThreshold(c.thresholds.critical, c.unit, c.thresholds.direction)}`;
    const notes = [c.reason, ...c.notes].filter(Boolean).join('; ');
    parts.push(
      `<tr class="${c.status}"><td>${e(c.title)}</td><td>${STATUS_ICON[c.status]} ${c.status}</td><td>${c.durationMs} ms</td><td>${e(d?.why ?? '')}</td><td>${e(thresholds)}</td><td>${e(notes)}</td></tr>`,
    );
  }
  parts.push('</table>');
  parts.push(
    barChartSvg(
      'Time per check',
      [...report.checks].sort((a, b) => b.durationMs - a.durationMs).map((c) => ({ label: c.id, value: c.durationMs })),
      'ms',
    ),
  );

  parts.push('<h2>Details</h2>');
  for (const c of report.checks.filter((c) => c.top.length > 0)) {
    parts.push(
      `<details${c.findings.length > 0 ? ' open' : ''}><summary>${e(c.title)} (${c.observed} looked at, largest ${c.top.length})</summary><table><tr><th>Subject</th><th>Value</th><th>Detail</th></tr>`,
    );
    for (const o of c.top)
      parts.push(
        `<tr><td><code>${e(o.subject)}</code></td><td>${e(showValue(o, c.unit))}</td><td>${e(o.detail ?? '')}</td></tr>`,
      );
    parts.push('</table></details>');
  }
  parts.push(
    `<p class="muted">dbops monitor-report${report.github?.runUrl ? ` · <a href="${e(report.github.runUrl)}">workflow run</a>` : ''}</p></body></html>\n`,
  );
  return parts.join('\n');
}
