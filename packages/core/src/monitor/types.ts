/** The vocabulary of the health report: checks, what they observe, and what the thresholds make of it. */

export type Severity = 'critical' | 'warning';
/**
 * skipped: the check does not apply here or was turned off (an optional extension not installed, disabled in the
 * thresholds file). unknown: it should have looked and could not (it failed or timed out, the time budget was spent,
 * the role may not read what it needs), so nothing is known about what it watches.
 */
export type CheckStatus = 'ok' | Severity | 'skipped' | 'unknown';
/** unknown: no critical finding, but some checks could not run, so the report cannot say the database is healthy. */
export type OverallStatus = 'ok' | Severity | 'unknown';

/** How a check's values are written in the thresholds file and shown in reports. */
export type Unit = 'seconds' | 'bytes' | 'ratio' | 'count' | 'xids' | 'flag';

/** A value a check measured for one subject (a table, a session, a setting...). */
export interface Observation {
  /** What the value is about, e.g. "public.orders", "pid 4242", "shared_buffers". */
  subject: string;
  value: number;
  /** How the value is shown when a number says little (a setting's value: "off"). */
  display?: string;
  /** One line of context for people: the query text, the owning column, the index definition. */
  detail?: string;
  /** Schema-qualified table the subject belongs to, when it has one: per-table exclusions match on it. */
  table?: string;
  /**
   * A state no number measures, e.g. 'lost' for a replication slot whose WAL is gone (how much it retains is
   * unknown, and it can never be used again): a finding at the check's highest level whatever the thresholds.
   * `value` is then 0 and means nothing: reports show the condition, metrics export no value for it.
   */
  condition?: string;
}

export interface Finding {
  check: string;
  severity: Severity;
  subject: string;
  value: number;
  /** The threshold that was crossed. */
  threshold: number;
  unit: Unit;
  display?: string;
  detail?: string;
  /** See Observation.condition: `value` means nothing, `threshold` is the check's highest level. */
  condition?: string;
}

/** A series value kept in the report so later runs can draw trends (see trends.ts). */
export interface TrendSample {
  databaseBytes?: number;
  maxXidAge?: number;
  maxMultixactAge?: number;
  bloatBytes?: number;
  /** Per sequence: its last value and the largest value its column can hold. */
  sequences?: Record<string, { last: number; max: number }>;
}

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** Why a check did not run, or why it ran only in part (e.g. objects this role cannot read). */
  reason?: string;
  notes: string[];
  durationMs: number;
  unit: Unit;
  thresholds: { warning?: number; critical?: number; direction: 'above' | 'below' };
  findings: Finding[];
  /** The largest observations (findings or not), capped: the details a person reads after the findings. */
  top: Observation[];
  observed: number;
}

export interface MonitorReport {
  /** 2: check status 'error' became 'unknown' (with budget-spent and privilege-missing checks), counts.error counts.unknown. */
  schemaVersion: 2;
  generatedAt: string;
  /** Name the report and its history are filed under (defaults to the database name). */
  name: string;
  database: { name: string; host: string; port: number; serverVersion: string; major: number; standby: boolean };
  status: OverallStatus;
  /** Findings by severity, and checks by status: skipped (did not apply) and unknown (could not run). */
  counts: { critical: number; warning: number; skipped: number; unknown: number };
  durationMs: number;
  checks: CheckResult[];
  sample: TrendSample;
  trends?: TrendReport;
  github?: { repository: string; runUrl?: string };
  /** Set when the run fell inside maintenance-window: its findings are marked maintenance and page nobody. */
  maintenance?: { window: string; until: string };
  /** What the incident channels (PagerDuty, Opsgenie) were sent this run. */
  alerts?: AlertDeliverySummary;
}

/** One line per event: "trigger PagerDuty dbops:shop:sequence-exhaustion (critical)". */
export interface AlertDeliverySummary {
  sent: string[];
  failed: string[];
  /** Held back by max-alerts-per-hour; tried again next run. */
  deferred: string[];
  /** Findings a maintenance window kept quiet. */
  quiet: string[];
  /** False without history: nothing remembers what was sent, so no resolve can follow. */
  stateKept: boolean;
}

export interface TrendPoint {
  at: string;
  value: number;
}

export interface TrendSeries {
  id: string;
  title: string;
  unit: Unit;
  points: TrendPoint[];
  /** The history the series has: how many reports, spanning how many days (first to last point). */
  history: { points: number; days: number };
  /** Least-squares slope over the points, per day; only from enough history (see trends.ts). */
  growthPerDay?: number;
  /** How far ahead the growth may be projected (a multiple of history.days); present with growthPerDay. */
  horizonDays?: number;
  /** Days until `limit` at that growth, when the series grows toward it and gets there within horizonDays. */
  daysToLimit?: number;
  limit?: number;
}

export interface TrendReport {
  /** Earlier reports read from history (the current one is the last point of each series). */
  reportsRead: number;
  series: TrendSeries[];
}
