import type { CheckDefinition } from './check.js';
import { matchesAny, type CheckSettings } from './thresholds.js';
import type { CheckResult, Finding, Observation, Severity } from './types.js';

/** How many observations a check keeps in the report besides its findings: enough to read, bounded on big databases. */
export const TOP_OBSERVATIONS = 10;

/** The severity a value reaches: 'above' checks fire at or above a threshold, 'below' checks under it. */
export function severityOf(
  value: number,
  direction: 'above' | 'below',
  t: { warning?: number; critical?: number },
): Severity | undefined {
  const crosses = (threshold: number | undefined) =>
    threshold !== undefined && (direction === 'above' ? value >= threshold : value < threshold);
  if (crosses(t.critical)) return 'critical';
  if (crosses(t.warning)) return 'warning';
  return undefined;
}

/** Turns a check's observations into its result: exclusions applied, findings by severity, the top values kept. */
export function evaluate(
  check: CheckDefinition,
  settings: CheckSettings,
  globalExclude: string[],
  observations: Observation[],
): Pick<CheckResult, 'status' | 'findings' | 'top' | 'observed'> {
  const kept = observations.filter((o) => {
    if (o.table && matchesAny(o.table, globalExclude)) return false;
    return !matchesAny(o.table ?? o.subject, settings.exclude) && !matchesAny(o.subject, settings.exclude);
  });
  const findings: Finding[] = [];
  for (const o of kept) {
    const severity = o.condition ? highestLevel(settings) : severityOf(o.value, check.direction, settings);
    if (!severity) continue;
    findings.push({
      check: check.id,
      severity,
      subject: o.subject,
      value: o.value,
      threshold: settings[severity]!,
      unit: check.unit,
      ...(o.display ? { display: o.display } : {}),
      ...(o.detail ? { detail: o.detail } : {}),
      ...(o.condition ? { condition: o.condition } : {}),
    });
  }
  // A condition (its value means nothing) ranks before any measured value.
  const worstFirst = (a: Observation, b: Observation) =>
    Number(Boolean(b.condition)) - Number(Boolean(a.condition)) ||
    (check.direction === 'above' ? b.value - a.value : a.value - b.value);
  findings.sort((a, b) => rank(b.severity) - rank(a.severity) || worstFirst(a, b));
  const top = [...kept].sort(worstFirst).slice(0, TOP_OBSERVATIONS);
  const status = findings.some((f) => f.severity === 'critical') ? 'critical' : findings.length > 0 ? 'warning' : 'ok';
  return { status, findings, top, observed: kept.length };
}

/** The level a condition reaches: the check's highest (none when the thresholds file turned both off). */
function highestLevel(t: { warning?: number; critical?: number }): Severity | undefined {
  return t.critical !== undefined ? 'critical' : t.warning !== undefined ? 'warning' : undefined;
}

export function rank(severity: Severity): number {
  return { critical: 2, warning: 1 }[severity];
}
