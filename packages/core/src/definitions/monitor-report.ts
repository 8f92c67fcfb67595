import { parseTimeoutMs } from '../duration.js';
import { invalidInput } from '../errors.js';
import { POSTGRES_CHECKS } from '../monitor/checks/index.js';
import { deliverAlerts } from '../monitor/alerts.js';
import { healthFailure, monitorReport } from '../operations/monitor-report.js';
import { monitorSummary } from '../monitor/render-markdown.js';
import { readThresholdsFile } from '../monitor/thresholds.js';
import { parseBackupName } from '../manifest/layout.js';
import { connectionInputs, readConnection } from './connection-inputs.js';
import { NOTIFY_CHANNEL_INPUTS } from './notifications.js';
import { readAlertTargets } from './read-alert-targets.js';
import { InputReader } from './read-inputs.js';
import { readS3Options, S3_INPUTS } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const FAIL_ON = ['critical', 'warning', 'never'] as const;
const ALERT_ON = ['warning', 'critical', 'always'] as const;

const inputs: InputDefinition[] = [
  // The report connects with node-postgres only: no client tools, so no pg-bin-dir.
  ...connectionInputs(),
  {
    name: 'name',
    description: 'Name the report, its history and its alerts are filed under. Defaults to the database name.',
    type: 'string',
  },
  {
    name: 'thresholds',
    description:
      'YAML thresholds file: per-check warning/critical overrides, disabled checks, per-table exclusions (see docs/monitor-report.md).',
    type: 'string',
    env: ['DBOPS_THRESHOLDS'],
  },
  {
    name: 'fail-on',
    description:
      'Fail the run when the report reaches this status: critical, warning or never. A report whose checks could not all run (status unknown: a timeout, the time budget spent, a privilege missing) fails at critical and warning alike, since what went unchecked may be either.',
    default: 'critical',
    type: 'enum',
    values: FAIL_ON,
  },
  {
    name: 'output-dir',
    description: 'Directory for report.json, report.html, metrics.prom and summary.md.',
    type: 'string',
    default: 'dbops-monitor',
  },
  {
    name: 'statement-timeout',
    description:
      'Longest any single query of a check may run, e.g. 10s; a check whose query takes longer is reported as unknown.',
    default: '10s',
    type: 'duration',
  },
  {
    name: 'time-budget',
    description: 'Longest the whole report may take; checks left when it is spent are reported as unknown.',
    default: '60s',
    type: 'duration',
  },
  {
    name: 'history',
    description: 'Where earlier reports are kept for trends: s3://bucket/prefix or a directory. Each run adds its own.',
    type: 'string',
    env: ['DBOPS_MONITOR_HISTORY'],
  },
  {
    name: 'history-days',
    description: 'How many days of history the trends look back.',
    default: '90',
    type: 'integer',
    min: 1,
    max: 3650,
  },
  ...S3_INPUTS,
  // One alert per run with the findings, through the channels every action notifies on.
  ...NOTIFY_CHANNEL_INPUTS,
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

export const monitorReportDefinition: ActionDefinition = {
  name: 'monitor-report',
  aliases: ['monitor'],
  description:
    'PostgreSQL health report: read-only checks with thresholds, trends from history, JSON/HTML/Prometheus reports, alerts to Slack, Teams, e-mail, a signed webhook or a GitHub issue.',
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
    const target = readConnection(reader);
    context.secrets.add(target.password); // it may come from a service or password file, which no adapter saw
    const failOn = reader.oneOf<(typeof FAIL_ON)[number]>('fail-on');
    const alerts = readAlertTargets(reader, context);
    const thresholdsPath = reader.optional('thresholds');
    const settings = thresholdsPath ? await readThresholdsFile(thresholdsPath, POSTGRES_CHECKS) : undefined;
    const history = reader.optional('history');
    const historyDays = reader.integer('history-days') ?? 90; // checked even without history: a typo is a typo
    // The name is a key in the history store: the backup names' rules keep it one safe path.
    const nameText = reader.optional('name');
    const name = nameText ? parseBackupName(nameText, 'name') : undefined;

    const { report, files } = await monitorReport({
      target,
      ...(name ? { name } : {}),
      ...(settings ? { settings } : {}),
      statementTimeoutMs: timeoutMs(reader, 'statement-timeout'),
      budgetMs: timeoutMs(reader, 'time-budget'),
      outputDir: reader.optional('output-dir')!,
      ...(history ? { history: { location: history, s3: readS3Options(reader), days: historyDays } } : {}),
      ...(context.github ? { github: context.github } : {}),
      redact: (text) => context.secrets.redact(text),
      log: context.log,
      signal: context.signal,
    });

    await deliverAlerts(report, POSTGRES_CHECKS, alerts, context.log, context.signal);

    const failure = healthFailure(report, failOn);
    return {
      outputs: {
        status: report.status,
        'critical-count': String(report.counts.critical),
        'warning-count': String(report.counts.warning),
        'unknown-count': String(report.counts.unknown),
        'report-path': files.json,
      },
      results: [monitorSummary(report, POSTGRES_CHECKS)],
      json: report,
      ...(failure ? { failure } : {}),
    };
  },
};

/** A limit that becomes timers and statement_timeout, in the duration grammar every input uses; 0 is no limit here. */
function timeoutMs(reader: InputReader, name: string): number {
  const ms = parseTimeoutMs(reader.optional(name)!, name, '10s or 2m');
  if (ms <= 0) throw invalidInput(name, 'must be longer than zero', 'a duration such as 10s or 2m');
  return ms;
}
