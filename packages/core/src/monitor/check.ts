import type { HealthCommands } from '../databases/engine.js';
import type { Observation, TrendSample, Unit } from './types.js';

/** What a check may use while it runs: queries go through the runner's read-only, time-limited transaction. */
export interface CheckContext {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** An engine without SQL (MongoDB): its read-only commands, each bounded by the check's time; SQL engines: undefined. */
  commands?: HealthCommands;
  /** Server major version (12, 13, ... 18). */
  major: number;
  /** The server is a standby (pg_is_in_recovery()). */
  standby: boolean;
  /**
   * The role sees every session's state, query and replication progress (pg_read_all_stats, which pg_monitor
   * grants, or superuser). Without it other roles' sessions show only as nulls.
   */
  seesAllSessions: boolean;
  /** A check-specific parameter (e.g. min-size), from the thresholds file or the check's default. */
  param(name: string): number;
  /** Values kept for trends; checks fill in the ones they measure. */
  sample: TrendSample;
}

export interface CheckOutcome {
  observations: Observation[];
  /** The check does not apply to this database (an optional extension is not installed): the reason is reported. */
  skipped?: string;
  /** The check could not look at what it watches (none of it is readable by this role): the reason is reported. */
  unknown?: string;
  /** Partial coverage and caveats, e.g. "3 sequences are not readable by this role". */
  notes?: string[];
}

export interface CheckParam {
  default: number;
  unit: Unit;
  description: string;
}

/** One health check: its SQL, why it matters, default thresholds and what to do about a finding. */
export interface CheckDefinition {
  id: string;
  title: string;
  /** One sentence: why a person should care. */
  why: string;
  /** What to do when it fires. */
  action: string;
  unit: Unit;
  /** 'above': a value at or above a threshold fires; 'below': a value under it fires (e.g. cache hit ratio). */
  direction: 'above' | 'below';
  /** Undefined: the check only informs (sizes) until a threshold is set in the thresholds file. */
  warning?: number;
  critical?: number;
  params?: Record<string, CheckParam>;
  run(context: CheckContext): Promise<CheckOutcome>;
}
