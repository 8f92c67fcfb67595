import type { CheckResult, MonitorReport, OverallStatus } from './types.js';

/**
 * The report's status and counts, from its checks. A critical finding makes it critical whatever else; otherwise a
 * check that could not run makes it unknown, since what that check watches may be at any level; then warning, ok.
 */
export function reportStatus(results: CheckResult[]): Pick<MonitorReport, 'status' | 'counts'> {
  const findings = (severity: string) =>
    results.reduce((n, r) => n + r.findings.filter((f) => f.severity === severity).length, 0);
  const checks = (status: string) => results.filter((r) => r.status === status).length;
  const counts = {
    critical: findings('critical'),
    warning: findings('warning'),
    skipped: checks('skipped'),
    unknown: checks('unknown'),
  };
  const status =
    counts.critical > 0 ? 'critical' : counts.unknown > 0 ? 'unknown' : counts.warning > 0 ? 'warning' : 'ok';
  return { status, counts };
}

/** Whether a report reaches `level` (fail-on, notify-on). An unknown report reaches every level: it may hide either. */
export function reaches(status: OverallStatus, level: 'warning' | 'critical'): boolean {
  return status === 'critical' || status === 'unknown' || (level === 'warning' && status === 'warning');
}

/** "3 checks could not run (table-sizes, table-bloat, …)": for headlines, errors and alerts. */
export function notCheckedText(report: Pick<MonitorReport, 'checks'>): string {
  const ids = report.checks.filter((c) => c.status === 'unknown').map((c) => c.id);
  const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, …` : ids.join(', ');
  return `${ids.length} check${ids.length === 1 ? '' : 's'} could not run (${shown})`;
}
