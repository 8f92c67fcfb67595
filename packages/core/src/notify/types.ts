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
  /** For logs: "Slack", "webhook". Never the URL: it carries a token. */
  readonly name: string;
  send(message: AlertMessage, signal?: AbortSignal): Promise<void>;
}

/** The fetch the senders use; tests and adapters may supply their own. */
export type FetchFn = typeof fetch;
