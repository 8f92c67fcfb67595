/**
 * One alert message per run, shared by every action: the monitor report sends its findings, a backup could send
 * its failure. Senders (Slack, generic webhook; later Teams, SMTP, ...) turn it into their own format.
 */
export type AlertStatus = 'ok' | 'warning' | 'critical' | 'failure';

export interface AlertItem {
  severity: 'critical' | 'warning';
  /** What kind of problem, e.g. the check's title. */
  title: string;
  /** What it is about, e.g. "public.orders". */
  subject: string;
  detail?: string;
  action?: string;
}

export interface AlertMessage {
  /** The action that sends it, e.g. "monitor-report". */
  source: string;
  status: AlertStatus;
  /** One line: "Database health: CRITICAL — prod". */
  title: string;
  /** One or two sentences under the title. */
  text: string;
  items: AlertItem[];
  /** Where to read more (the workflow run). */
  link?: string;
  /** Machine-readable extras for webhook consumers (counts, names). */
  data?: Record<string, unknown>;
}

export interface Notifier {
  /** The key the failure lifecycle keeps what this channel was delivered under (alert-state). */
  readonly id: 'slack' | 'teams' | 'webhook' | 'email';
  /** For logs: "Slack", "webhook". Never the URL: it carries a token. */
  readonly name: string;
  send(message: AlertMessage, signal?: AbortSignal): Promise<void>;
}

/** The fetch the senders use; tests and adapters may supply their own. */
export type FetchFn = typeof fetch;

/**
 * One event of an alert's lifecycle for an incident service (PagerDuty, Opsgenie): the finding's key deduplicates,
 * so a persisting finding stays one incident, updated, then resolved.
 */
export interface IncidentEvent {
  action: 'trigger' | 'update' | 'resolve';
  /**
   * Stable per finding: "dbops:<name>:<check-id>", or per job for an action's failure: "dbops:<alert-key>:failed"
   * (the PagerDuty dedup_key, the Opsgenie alias).
   */
  key: string;
  /** monitor-report's findings are critical or warning; an action's failure is critical or error. */
  severity: 'critical' | 'error' | 'warning';
  /** One line: what is wrong, where. */
  summary: string;
  /** Where it is: host:port/database (no credentials). */
  source: string;
  /** The report's name. */
  component: string;
  /** The check's id. */
  class: string;
  /** The findings behind it, for the incident's details. */
  details: Record<string, string | number>;
  /** The workflow run. */
  link?: string;
  /** Sent because a critical finding outlasted escalate-after. */
  escalation?: boolean;
  /** For an update: what changed, added to the open alert's log where the service keeps one (an Opsgenie note). */
  note?: string;
}

/** A notifier that keeps incidents (trigger, update, resolve) rather than posting one message per run. */
export interface IncidentNotifier {
  /** The channel's id as escalate-to names it, and the key its state and rate limit are kept under. */
  readonly id: 'pagerduty' | 'opsgenie';
  /** For logs: "PagerDuty". Never the key. */
  readonly name: string;
  send(event: IncidentEvent, signal?: AbortSignal): Promise<void>;
}
