// An action's failure as an incident in PagerDuty and Opsgenie: one per job, keyed by its alert-key, so the failed
// runs of one job page once and its recovery resolves that page. Pure: the failure lifecycle (failure-lifecycle.ts)
// decides when, this decides what.
import type { FailureNotice } from './failure-lifecycle.js';
import type { IncidentEvent } from './types.js';

/**
 * Failures that mean no recent backup exists, the one thing dbops is there to prevent, are critical: a backup that
 * failed, and a freshness check that found the newest backup too old. Every other action's failure is an error.
 */
const CRITICAL_FAILURES: ReadonlySet<string> = new Set(['backup', 'check-freshness']);

export function failureSeverity(action: string): IncidentEvent['severity'] {
  return CRITICAL_FAILURES.has(action) ? 'critical' : 'error';
}

/**
 * The incident key of a job's failure: the PagerDuty dedup_key, the Opsgenie alias. `scope` is the repository when
 * the alert-key is the default (the action's name): two repositories paging one service with their default keys
 * would share an incident, and one's recovery would resolve the other's failure.
 */
export function failureIncidentKey(alertKey: string, scope?: string): string {
  return `dbops:${scope ? `${scope}:` : ''}${alertKey}:failed`;
}

/** Where the run ran: its repository and run on GitHub, a host name elsewhere. */
export type RunPlace = { repository: string; runId: string; runUrl?: string } | { host: string };

export interface FailureIncidentRun {
  /** The action's name: "backup". */
  action: string;
  alertKey: string;
  /** Put before the alert-key in the incident key: the repository, when the alert-key is the default. */
  scope?: string;
  /** What the lifecycle decided; held and repeat runs page nobody and are never built. */
  notice: Extract<FailureNotice, 'failure' | 'update' | 'recovery'>;
  /** The error, its secrets already masked: this run's, or for a recovery the streak's last. */
  error: { code: string; message: string; hint?: string };
  place: RunPlace;
  /** The failing streak, when alert-state keeps one. */
  streak?: { runs: number; since: string };
}

/** The event to send: a trigger for a first failure, an update for another error, a resolve for the recovery. */
export function failureIncident(run: FailureIncidentRun): IncidentEvent {
  const { action, error, place, streak } = run;
  const where = 'host' in place ? `on ${place.host}` : `in ${place.repository} (run ${place.runId})`;
  const runs = streak ? `${streak.runs} failed run${streak.runs === 1 ? '' : 's'} since ${streak.since}` : undefined;
  const failed = `${error.code}: ${error.message}`;
  const summary =
    run.notice === 'recovery'
      ? `dbops ${action} recovered ${where}${runs ? ` after ${runs}` : ''}`
      : `dbops ${action} failed ${where}${run.notice === 'update' ? ' with another error' : ''}: ${failed}`;
  const link = 'runUrl' in place && place.runUrl ? place.runUrl : undefined;
  return {
    action: run.notice === 'failure' ? 'trigger' : run.notice === 'update' ? 'update' : 'resolve',
    key: failureIncidentKey(run.alertKey, run.scope),
    severity: failureSeverity(action),
    summary,
    source: 'host' in place ? place.host : place.repository,
    component: action,
    class: error.code,
    details: {
      action,
      'alert-key': run.alertKey,
      error: failed,
      ...(error.hint ? { fix: error.hint } : {}),
      ...(streak ? { 'failed runs': streak.runs, 'failing since': streak.since } : {}),
    },
    ...(link ? { link } : {}),
    ...(run.notice === 'update' ? { note: `The error changed${runs ? ` (${runs})` : ''}: ${failed}` } : {}),
  };
}
