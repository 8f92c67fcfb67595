// The lifecycle of monitor-report's incidents, as pure functions of the previous state, this run's findings and the
// clock: a finding triggers once, is updated when its severity changes, resolved when it clears, escalated when a
// critical one outlasts escalate-after; a maintenance window holds pages back and a rate limit caps each channel.
import type { Severity } from './types.js';

export const ALERT_STATE_VERSION = 1;
const HOUR_MS = 3_600_000;

/** What one open alert has been told: per channel, the severity it last heard (absent: not told yet). */
export interface AlertRecord {
  check: string;
  severity: Severity;
  /** When the finding was first seen, and since when it has been critical without a break. */
  since: string;
  criticalSince?: string;
  channels: Record<string, Severity>;
}

/** Kept with the report history: one small versioned record per run. */
export interface AlertState {
  version: typeof ALERT_STATE_VERSION;
  open: Record<string, AlertRecord>;
  /** Per channel, when each trigger, update or escalation of the last hour was sent (the rate limit's window). */
  sent: Record<string, string[]>;
}

/** A finding as the lifecycle sees it: one per check, at its worst severity. */
export interface CurrentAlert {
  key: string;
  check: string;
  severity: Severity;
}

export interface AlertRun {
  now: Date;
  findings: CurrentAlert[];
  /** Checks that could not run: their open alerts are kept as they are, neither resolved nor updated. */
  unknownChecks: string[];
  /** Inside a maintenance window: nothing pages (resolves still go out), and nothing is marked told. */
  maintenance: boolean;
  /** The channels that take every trigger (the escalation channel is not among them). */
  channels: string[];
  escalation?: { channel: string; afterMs: number };
  /** Triggers, updates and escalations per channel per hour; resolves are never held back. */
  maxPerHour?: number;
}

export interface AlertAction {
  kind: 'trigger' | 'update' | 'resolve' | 'escalate';
  key: string;
  check: string;
  channel: string;
  severity: Severity;
}

export interface AlertPlan {
  /** To send now, worst first. */
  actions: AlertAction[];
  /** Held back by the rate limit: tried again next run, since their channel is not marked told. */
  deferred: AlertAction[];
  /** Findings a maintenance window keeps quiet: they page on the first run after it, if they persist. */
  quiet: string[];
}

export function emptyAlertState(): AlertState {
  return { version: ALERT_STATE_VERSION, open: {}, sent: {} };
}

/** Reads a stored state; anything else (an older or newer version, a damaged record) starts afresh. */
export function parseAlertState(value: unknown): AlertState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const state = value as Partial<AlertState>;
  if (state.version !== ALERT_STATE_VERSION || typeof state.open !== 'object' || state.open === null) return undefined;
  const sent = typeof state.sent === 'object' && state.sent !== null ? state.sent : {};
  return { version: ALERT_STATE_VERSION, open: state.open, sent };
}

/** What to send this run. Pure: the same state, findings and clock give the same plan. */
export function planAlerts(previous: AlertState | undefined, run: AlertRun): AlertPlan {
  const state = previous ?? emptyAlertState();
  const wanted: AlertAction[] = [];
  const quiet: string[] = [];
  const current = new Set(run.findings.map((f) => f.key));
  const unknown = new Set(run.unknownChecks);
  for (const finding of run.findings) {
    const record = state.open[finding.key];
    if (run.maintenance) {
      quiet.push(finding.key);
      continue;
    }
    const told = record?.channels ?? {};
    const base = { key: finding.key, check: finding.check, severity: finding.severity };
    for (const channel of run.channels)
      if (told[channel] === undefined) wanted.push({ kind: 'trigger', channel, ...base });
    for (const [channel, severity] of Object.entries(told))
      if (severity !== finding.severity) wanted.push({ kind: 'update', channel, ...base });
    const esc = run.escalation;
    if (esc && finding.severity === 'critical' && told[esc.channel] === undefined) {
      const since = Date.parse(criticalSince(record, finding, run.now) ?? run.now.toISOString());
      if (run.now.getTime() - since >= esc.afterMs) wanted.push({ kind: 'escalate', channel: esc.channel, ...base });
    }
  }
  for (const [key, record] of Object.entries(state.open)) {
    if (current.has(key) || unknown.has(record.check)) continue;
    for (const [channel, severity] of Object.entries(record.channels))
      wanted.push({ kind: 'resolve', key, check: record.check, channel, severity });
  }
  wanted.sort((a, b) => rank(a) - rank(b));
  const used = new Map(Object.entries(state.sent).map(([c, times]) => [c, recent(times, run.now).length]));
  const actions: AlertAction[] = [];
  const deferred: AlertAction[] = [];
  for (const action of wanted) {
    const count = used.get(action.channel) ?? 0;
    if (action.kind !== 'resolve' && run.maxPerHour !== undefined && count >= run.maxPerHour) {
      deferred.push(action);
      continue;
    }
    if (action.kind !== 'resolve') used.set(action.channel, count + 1);
    actions.push(action);
  }
  return { actions, deferred, quiet };
}

/**
 * The state after this run, from what was delivered: a channel is marked told only when its event went through, so
 * a failed or deferred trigger is tried again next run, and an alert is forgotten once every channel heard its resolve.
 */
export function settleAlerts(previous: AlertState | undefined, run: AlertRun, delivered: AlertAction[]): AlertState {
  const state = previous ?? emptyAlertState();
  const now = run.now.toISOString();
  const open: Record<string, AlertRecord> = {};
  const unknown = new Set(run.unknownChecks);
  for (const finding of run.findings) {
    const record = state.open[finding.key];
    const critical = criticalSince(record, finding, run.now);
    open[finding.key] = {
      check: finding.check,
      severity: finding.severity,
      since: record?.since ?? now,
      ...(critical ? { criticalSince: critical } : {}),
      channels: { ...record?.channels },
    };
  }
  for (const [key, record] of Object.entries(state.open)) {
    if (open[key]) continue;
    if (unknown.has(record.check)) open[key] = record;
    else if (Object.keys(record.channels).length > 0) open[key] = { ...record, channels: { ...record.channels } };
  }
  for (const action of delivered) {
    const record = open[action.key];
    if (!record) continue;
    if (action.kind === 'resolve') delete record.channels[action.channel];
    else record.channels[action.channel] = action.severity;
  }
  // A cleared finding is kept only while a channel still waits for its resolve.
  for (const key of Object.keys(open))
    if (!run.findings.some((f) => f.key === key) && !unknown.has(open[key]!.check)) {
      if (Object.keys(open[key]!.channels).length === 0) delete open[key];
    }
  const sent: Record<string, string[]> = {};
  for (const [channel, times] of Object.entries(state.sent)) sent[channel] = recent(times, run.now);
  for (const action of delivered) {
    if (action.kind === 'resolve') continue;
    sent[action.channel] = [...(sent[action.channel] ?? []), now];
  }
  for (const channel of Object.keys(sent)) if (sent[channel]!.length === 0) delete sent[channel];
  return { version: ALERT_STATE_VERSION, open, sent };
}

function criticalSince(record: AlertRecord | undefined, finding: CurrentAlert, now: Date): string | undefined {
  if (finding.severity !== 'critical') return undefined;
  return record?.severity === 'critical' ? (record.criticalSince ?? record.since) : now.toISOString();
}

function recent(times: string[], now: Date): string[] {
  return times.filter((t) => {
    const at = Date.parse(t);
    return at > now.getTime() - HOUR_MS && at <= now.getTime();
  });
}

/** Resolves first (they close pages), then critical before warning, so a rate limit holds back the least urgent. */
function rank(action: AlertAction): number {
  if (action.kind === 'resolve') return 0;
  return action.severity === 'critical' ? 1 : 2;
}
