import { healthChecksFor } from '../monitor/engine-checks.js';
import { monitorSummary } from '../monitor/render-markdown.js';
import { healthFailure, monitorReport } from '../operations/monitor-report.js';
import { connectionInputs, readConnection } from './connection-inputs.js';
import { type FailOn, MONITOR_HISTORY_INPUTS, MONITOR_REPORT_INPUTS, readReportOptions } from './monitor-inputs.js';
import { INCIDENT_INPUTS, readMaintenanceWindow } from './incident-inputs.js';
import { NOTIFY_CHANNEL_INPUTS } from './notifications.js';
import { ALERT_INPUTS, readAlertTargets } from './read-alert-targets.js';
import { InputReader } from './read-inputs.js';
import { S3_INPUTS } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  // The report connects through the engine's driver only: no client tools, so no pg-bin-dir.
  ...connectionInputs(),
  ...MONITOR_REPORT_INPUTS,
  ...MONITOR_HISTORY_INPUTS,
  ...S3_INPUTS,
  // One alert per run with the findings, through the channels every action notifies on.
  ...NOTIFY_CHANNEL_INPUTS,
  ...ALERT_INPUTS,
  // Incidents with a lifecycle (PagerDuty, Opsgenie), escalation, rate limit, and the maintenance window.
  ...INCIDENT_INPUTS,
];

export const monitorReportDefinition: ActionDefinition = {
  name: 'monitor-report',
  aliases: ['monitor'],
  description:
    'PostgreSQL and MongoDB health report: read-only checks with thresholds, trends from history, JSON/HTML/Prometheus reports, alerts to Slack, Teams, e-mail, a signed webhook, a GitHub issue, PagerDuty or Opsgenie.',
  inputs,
  outputs: [
    {
      name: 'status',
      description: 'ok, warning, critical, or unknown (no critical finding, but some checks could not run).',
    },
    { name: 'critical-count', description: 'Number of critical findings.' },
    { name: 'warning-count', description: 'Number of warning findings.' },
    { name: 'unknown-count', description: 'Number of checks that could not run (each says why in the report).' },
    {
      name: 'report-path',
      description: 'Path of the JSON report (report.html, metrics.prom and summary.md are next to it).',
    },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const target = await readConnection(reader);
    context.secrets.add(target.password); // it may come from a service or password file, which no adapter saw
    // The engine's checks: its thresholds file names them, and the summary and alerts explain them.
    const checks = healthChecksFor(target.engine);
    const failOn = reader.oneOf<FailOn>('fail-on');
    const alerts = await readAlertTargets(reader, context);
    const maintenanceWindow = readMaintenanceWindow(reader);

    const { report, files } = await monitorReport({
      target,
      checks,
      ...(await readReportOptions(reader, checks)),
      ...(context.github ? { github: context.github } : {}),
      alerts,
      ...(maintenanceWindow ? { maintenanceWindow } : {}),
      redact: (text) => context.secrets.redact(text),
      log: context.log,
      signal: context.signal,
    });

    const failure = healthFailure(report, failOn);
    return {
      outputs: {
        status: report.status,
        'critical-count': String(report.counts.critical),
        'warning-count': String(report.counts.warning),
        'unknown-count': String(report.counts.unknown),
        'report-path': files.json,
      },
      results: [monitorSummary(report, checks)],
      json: report,
      ...(failure ? { failure } : {}),
    };
  },
};
