import type { CheckResult, MonitorReport, Observation, Unit } from './types.js';

/** Overall status as a number: unknown (checks that could not run) is told apart from ok. */
const REPORT_STATUS_VALUE: Record<string, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };
/** Check status as a number, so alert rules can compare it: skipped and unknown checks are told apart from ok. */
const CHECK_STATUS_VALUE: Record<string, number> = { ok: 0, warning: 1, critical: 2, skipped: 3, unknown: 4 };

/** Metric name per unit: base units in the name (Prometheus convention), unitless values without a suffix. */
const OBSERVATION_METRIC: Record<Unit, string> = {
  seconds: 'dbops_monitor_observation_seconds',
  bytes: 'dbops_monitor_observation_bytes',
  ratio: 'dbops_monitor_observation_ratio',
  xids: 'dbops_monitor_observation',
  count: 'dbops_monitor_observation',
  flag: 'dbops_monitor_observation',
};

class Exposition {
  private readonly families = new Map<string, { help: string; samples: Map<string, number> }>();

  gauge(name: string, help: string, labels: Record<string, string>, value: number): void {
    let family = this.families.get(name);
    if (!family) {
      family = { help, samples: new Map() };
      this.families.set(name, family);
    }
    const labelText = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    // One sample per label set: the first (worst) wins, since promtool rejects duplicate series.
    if (!family.samples.has(labelText)) family.samples.set(labelText, value);
  }

  toString(): string {
    const out: string[] = [];
    for (const [name, family] of this.families) {
      out.push(`# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} gauge`);
      for (const [labels, value] of family.samples)
        out.push(`${name}${labels ? `{${labels}}` : ''} ${formatNumber(value)}`);
    }
    return `${out.join('\n')}\n`;
  }
}

/**
 * The report in the Prometheus text exposition format (for node_exporter's textfile collector or a push gateway):
 * overall and per-check status, check durations, finding counts, and the observations the report lists.
 */
export function renderPrometheus(report: MonitorReport): string {
  const e = new Exposition();
  const db = { database: report.name };
  e.gauge(
    'dbops_monitor_status',
    'Overall health: 0 ok, 1 warning, 2 critical, 3 unknown (no critical finding, but checks could not run).',
    db,
    REPORT_STATUS_VALUE[report.status]!,
  );
  for (const severity of ['critical', 'warning'] as const) {
    e.gauge('dbops_monitor_findings', 'Findings of the run by severity.', { ...db, severity }, report.counts[severity]);
  }
  e.gauge(
    'dbops_monitor_checks_unknown',
    'Checks that could not run: what they watch is unknown.',
    db,
    report.counts.unknown,
  );
  e.gauge('dbops_monitor_report_duration_seconds', 'How long the whole report took.', db, report.durationMs / 1000);
  e.gauge(
    'dbops_monitor_report_timestamp_seconds',
    'When the report was made (Unix time).',
    db,
    Date.parse(report.generatedAt) / 1000,
  );
  if (report.sample.databaseBytes !== undefined)
    e.gauge('dbops_monitor_database_size_bytes', 'Size of the database.', db, report.sample.databaseBytes);
  if (report.sample.maxXidAge !== undefined)
    e.gauge(
      'dbops_monitor_max_xid_age',
      'Oldest transaction ID age (wraparound at about 2.1 billion).',
      db,
      report.sample.maxXidAge,
    );
  for (const c of report.checks) {
    const labels = { ...db, check: c.id };
    e.gauge(
      'dbops_monitor_check_status',
      'Check status: 0 ok, 1 warning, 2 critical, 3 skipped (does not apply), 4 unknown (could not run).',
      labels,
      CHECK_STATUS_VALUE[c.status]!,
    );
    e.gauge('dbops_monitor_check_duration_seconds', 'How long the check took.', labels, c.durationMs / 1000);
    e.gauge('dbops_monitor_check_findings', 'Findings of the check.', labels, c.findings.length);
  }
  for (const c of report.checks) {
    for (const o of listed(c)) {
      // A condition's value means nothing (a lost slot's retained WAL is unknown): it gets a series of its own.
      if (o.condition)
        e.gauge(
          'dbops_monitor_observation_condition',
          'A state no number measures, by check, subject and condition (e.g. a replication slot whose WAL is lost): always 1.',
          { ...db, check: c.id, subject: o.subject, condition: o.condition },
          1,
        );
      else
        e.gauge(
          OBSERVATION_METRIC[c.unit],
          'A value a check measured, by check and subject (its findings and largest values).',
          { ...db, check: c.id, subject: o.subject },
          o.value,
        );
    }
  }
  return e.toString();
}

function listed(c: CheckResult): Observation[] {
  const findings = c.findings.map((f) => ({
    subject: f.subject,
    value: f.value,
    ...(f.condition ? { condition: f.condition } : {}),
  }));
  return [...findings, ...c.top];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}
