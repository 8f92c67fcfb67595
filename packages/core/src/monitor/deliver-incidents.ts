import type { Logger } from '../log.js';
import type { IncidentEvent, IncidentNotifier } from '../notify/types.js';
import {
  type AlertAction,
  type AlertRun,
  type AlertState,
  type CurrentAlert,
  planAlerts,
  settleAlerts,
} from './alert-lifecycle.js';
import { showValue } from './format-value.js';
import { DEFAULT_TEMPLATE, type IncidentTemplate, renderTemplate } from './incident-template.js';
import type { AlertDeliverySummary, CheckResult, MonitorReport } from './types.js';

/** The incident channels and their rules (escalate-to, escalate-after, max-alerts-per-hour). */
export interface IncidentTargets {
  notifiers: IncidentNotifier[];
  /** This channel takes only escalations: critical findings that outlast escalateAfterMs. */
  escalateTo?: IncidentNotifier['id'];
  escalateAfterMs: number;
  maxPerHour: number;
  /** The texts of the incidents (alert-template); the defaults otherwise. */
  template?: IncidentTemplate;
}

/** Findings listed in an incident's details; the report has them all. */
const DETAIL_FINDINGS = 20;

/** The key an incident is deduplicated by: one per check and report name, so a check's findings page once. */
export function incidentKey(name: string, check: string): string {
  return `dbops:${name}:${check}`;
}

/** One alert per check with findings, at its worst severity. */
export function currentAlerts(report: MonitorReport): CurrentAlert[] {
  return report.checks
    .filter((c) => c.findings.length > 0)
    .map((c) => ({
      key: incidentKey(report.name, c.id),
      check: c.id,
      severity: c.findings.some((f) => f.severity === 'critical') ? 'critical' : 'warning',
    }));
}

/**
 * Plans this run's incident events from the previous state, sends them (each failure a warning, never the run's
 * result), and returns the state to keep and what happened.
 */
export async function deliverIncidents(
  report: MonitorReport,
  targets: IncidentTargets,
  previous: AlertState | undefined,
  log: Logger,
  options: { redact?: (text: string) => string; signal?: AbortSignal; stateKept: boolean },
): Promise<{ state: AlertState; summary: AlertDeliverySummary }> {
  const escalation = targets.escalateTo ? { channel: targets.escalateTo, afterMs: targets.escalateAfterMs } : undefined;
  const run: AlertRun = {
    now: new Date(report.generatedAt),
    findings: currentAlerts(report),
    unknownChecks: report.checks.filter((c) => c.status === 'unknown').map((c) => c.id),
    maintenance: report.maintenance !== undefined,
    channels: targets.notifiers.map((n) => n.id).filter((id) => id !== targets.escalateTo),
    ...(escalation ? { escalation } : {}),
    maxPerHour: targets.maxPerHour,
  };
  const plan = planAlerts(previous, run);
  const byId = new Map(targets.notifiers.map((n) => [n.id as string, n]));
  const checks = new Map(report.checks.map((c) => [c.id, c]));
  const redact = options.redact ?? ((text: string) => text);
  const delivered: AlertAction[] = [];
  const summary: AlertDeliverySummary = {
    sent: [],
    failed: [],
    deferred: plan.deferred.map(describe),
    quiet: plan.quiet,
    stateKept: options.stateKept,
  };
  // One channel's events in order (a resolve before a new trigger), channels side by side.
  await Promise.all(
    [...byId.values()].map(async (notifier) => {
      for (const action of plan.actions.filter((a) => a.channel === notifier.id)) {
        try {
          const event = incidentEvent(report, action, checks.get(action.check), targets.template ?? DEFAULT_TEMPLATE);
          await notifier.send(redactEvent(event, redact), options.signal);
          delivered.push(action);
          summary.sent.push(describe(action));
          log.info(`${notifier.name}: ${action.kind} ${action.key} (${action.severity})`);
        } catch (error) {
          summary.failed.push(describe(action));
          log.warn(`Could not send ${action.kind} ${action.key} to ${notifier.name}: ${(error as Error).message}`);
        }
      }
    }),
  );
  if (plan.quiet.length > 0)
    log.info(
      `Maintenance window: ${plan.quiet.length} findings page nobody until it ends (${report.maintenance?.until})`,
    );
  if (plan.deferred.length > 0)
    log.warn(`max-alerts-per-hour held back ${plan.deferred.length} alerts; they are sent on a later run`);
  return { state: settleAlerts(previous, run, delivered), summary };
}

function describe(action: AlertAction): string {
  return `${action.kind} ${action.channel} ${action.key} (${action.severity})`;
}

function incidentEvent(
  report: MonitorReport,
  action: AlertAction,
  check: CheckResult | undefined,
  template: IncidentTemplate,
): IncidentEvent {
  const title = check?.title ?? action.check;
  const findings = check?.findings ?? [];
  const worst = findings.filter((f) => f.severity === action.severity);
  const subjects = worst.map((f) => f.subject);
  const shown = subjects.slice(0, 3).join(', ') + (subjects.length > 3 ? `, and ${subjects.length - 3} more` : '');
  const { database } = report;
  const values = {
    name: report.name,
    database: database.name,
    host: database.host,
    check: action.check,
    title,
    severity: action.severity,
    count: String(worst.length),
    findings: `${worst.length} ${action.severity} finding${worst.length === 1 ? '' : 's'}`,
    subjects: shown,
    status: report.status,
    link: report.github?.runUrl ?? '',
  };
  const summary = renderTemplate(action.kind === 'resolve' ? template.resolved : template.summary, values);
  const lines = findings
    .slice(0, DETAIL_FINDINGS)
    .map((f) => `${f.severity} ${f.subject}: ${showValue(f, f.unit)}${f.detail ? `; ${f.detail}` : ''}`);
  if (findings.length > DETAIL_FINDINGS) lines.push(`…and ${findings.length - DETAIL_FINDINGS} more in the report`);
  return {
    action: action.kind === 'escalate' ? 'trigger' : action.kind,
    key: action.key,
    severity: action.severity,
    summary,
    source: `${database.host}:${database.port}/${database.name}`,
    component: report.name,
    class: action.check,
    details: {
      check: action.check,
      report: report.name,
      status: report.status,
      findings: lines.join('\n'),
      'checked at': report.generatedAt,
    },
    ...(report.github?.runUrl ? { link: report.github.runUrl } : {}),
    ...(action.kind === 'escalate' ? { escalation: true } : {}),
  };
}

/** A query text in a finding may hold a secret: the texts leave through the same register as every output. */
function redactEvent(event: IncidentEvent, redact: (text: string) => string): IncidentEvent {
  const details = Object.fromEntries(
    Object.entries(event.details).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]),
  );
  return { ...event, summary: redact(event.summary), details };
}
