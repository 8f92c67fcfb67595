import { parseTimeoutMs } from '../duration.js';
import { invalidInput } from '../errors.js';
import { parseBackupName } from '../manifest/layout.js';
import type { CheckDefinition } from '../monitor/check.js';
import { readThresholdsFile } from '../monitor/thresholds.js';
import type { MonitorReportOptions } from '../operations/monitor-report.js';
import type { InputReader } from './read-inputs.js';
import { readS3Options } from './storage-inputs.js';
import type { InputDefinition } from './types.js';

export const FAIL_ON = ['critical', 'warning', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** What the report covers, where its files go, and its limits. */
export const MONITOR_REPORT_INPUTS: InputDefinition[] = [
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
];

/** Where earlier reports are kept, for trends. Composed with S3_INPUTS for an s3:// history. */
export const MONITOR_HISTORY_INPUTS: InputDefinition[] = [
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
];

type ReportOptions = Pick<
  MonitorReportOptions,
  'name' | 'settings' | 'statementTimeoutMs' | 'budgetMs' | 'outputDir' | 'history'
>;

/** The report's options from MONITOR_REPORT_INPUTS and MONITOR_HISTORY_INPUTS. */
export async function readReportOptions(reader: InputReader, checks: CheckDefinition[]): Promise<ReportOptions> {
  const thresholdsPath = reader.optional('thresholds');
  const settings = thresholdsPath ? await readThresholdsFile(thresholdsPath, checks) : undefined;
  const history = reader.optional('history');
  const historyDays = reader.integer('history-days') ?? 90; // checked even without history: a typo is a typo
  // The name is a key in the history store: the backup names' rules keep it one safe path.
  const nameText = reader.optional('name');
  const name = nameText ? parseBackupName(nameText, 'name') : undefined;
  return {
    ...(name ? { name } : {}),
    ...(settings ? { settings } : {}),
    statementTimeoutMs: timeoutMs(reader, 'statement-timeout'),
    budgetMs: timeoutMs(reader, 'time-budget'),
    outputDir: reader.optional('output-dir')!,
    ...(history ? { history: { location: history, s3: readS3Options(reader), days: historyDays } } : {}),
  };
}

/** A limit that becomes timers and statement_timeout, in the duration grammar every input uses; 0 is no limit here. */
function timeoutMs(reader: InputReader, name: string): number {
  const ms = parseTimeoutMs(reader.optional(name)!, name, '10s or 2m');
  if (ms <= 0) throw invalidInput(name, 'must be longer than zero', 'a duration such as 10s or 2m');
  return ms;
}
