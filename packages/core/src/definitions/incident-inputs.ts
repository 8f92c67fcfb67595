import { parseDuration } from '../duration.js';
import { invalidInput } from '../errors.js';
import { parseWindow, type Window } from '../maintenance-window/window.js';
import type { IncidentTargets } from '../monitor/deliver-incidents.js';
import { readIncidentTemplate } from '../monitor/incident-template.js';
import type { SendOptions } from '../notify/http.js';
import { OPSGENIE_API_URL, opsgenieNotifier } from '../notify/opsgenie.js';
import { PAGERDUTY_EVENTS_URL, pagerDutyNotifier } from '../notify/pagerduty.js';
import type { IncidentNotifier } from '../notify/types.js';
import { httpUrl } from './http-url.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition } from './types.js';

export const ESCALATE_TO = ['pagerduty', 'opsgenie'] as const;

/**
 * The paging services, the same four inputs on every action: monitor-report pages per finding, every other action
 * pages its failure (definitions/notifications.ts). The keys are secrets.
 */
export const PAGING_INPUTS: InputDefinition[] = [
  {
    name: 'pagerduty-routing-key',
    description:
      'PagerDuty Events API v2 integration (routing) key. An action pages its failure: one incident per job (dedup key dbops:<alert-key>:failed; without alert-key on GitHub dbops:<owner/repo>:<action>:failed), triggered again by every failed run, resolved by the first success when alert-state is set; monitor-report pages each check with findings: triggered once, updated when its severity changes, resolved when it clears.',
    type: 'string',
    secret: true,
    env: ['DBOPS_PAGERDUTY_ROUTING_KEY'],
  },
  {
    name: 'pagerduty-url',
    description: 'PagerDuty Events API base URL (events are POSTed to <url>/v2/enqueue).',
    type: 'url',
    schemes: ['https', 'http'],
    default: PAGERDUTY_EVENTS_URL,
    env: ['DBOPS_PAGERDUTY_URL'],
  },
  {
    name: 'opsgenie-api-key',
    description:
      'Opsgenie API key (an API integration key). An action opens one alert per job for its failure (alias dbops:<alert-key>:failed; without alert-key on GitHub dbops:<owner/repo>:<action>:failed), created again by every failed run, closed by the first success when alert-state is set; monitor-report opens one per check with findings, its priority changed with its severity, closed when it clears.',
    type: 'string',
    secret: true,
    env: ['DBOPS_OPSGENIE_API_KEY'],
  },
  {
    name: 'opsgenie-url',
    description: 'Opsgenie API base URL: https://api.opsgenie.com, or https://api.eu.opsgenie.com for the EU instance.',
    type: 'url',
    schemes: ['https', 'http'],
    default: OPSGENIE_API_URL,
    env: ['DBOPS_OPSGENIE_URL'],
  },
];

/** PagerDuty and Opsgenie incidents for monitor-report, their escalation and rate limit, and the quiet window. */
export const INCIDENT_INPUTS: InputDefinition[] = [
  ...PAGING_INPUTS,
  {
    name: 'escalate-to',
    description:
      'Escalation channel, pagerduty or opsgenie (its key must be set): it is sent only critical findings that persist longer than escalate-after, and not the ordinary alerts.',
    type: 'enum',
    values: ESCALATE_TO,
  },
  {
    name: 'escalate-after',
    description: 'How long a critical finding persists before it is escalated to escalate-to, e.g. 30m or 2h.',
    type: 'duration',
    default: '1h',
  },
  {
    name: 'max-alerts-per-hour',
    description:
      'Most triggers, updates and escalations each incident channel is sent per hour; the rest wait for a later run (resolves are never held back).',
    type: 'integer',
    default: '20',
    min: 1,
    max: 10000,
  },
  {
    name: 'alert-template',
    description:
      'YAML file overriding the texts of PagerDuty and Opsgenie incidents: summary: and resolved:, with {{placeholders}} such as {{title}}, {{name}}, {{findings}}, {{subjects}} (docs/notifications.md lists them).',
    type: 'string',
    env: ['DBOPS_ALERT_TEMPLATE'],
  },
  {
    name: 'maintenance-window',
    description:
      "Maintenance windows, as maintenance's window input: 'Sun 01:00-03:00 UTC', several separated by commas. Findings inside one are marked maintenance and page nobody; those that persist page on the first run after it.",
    type: 'string',
    env: ['DBOPS_MAINTENANCE_WINDOW'],
  },
];

/** The incident channels and their rules, checked before the database is touched. */
export async function readIncidentTargets(reader: InputReader, http: SendOptions = {}): Promise<IncidentTargets> {
  const notifiers = readPagers(reader, http);
  const escalateTo = reader.optional('escalate-to')
    ? reader.oneOf<(typeof ESCALATE_TO)[number]>('escalate-to')
    : undefined;
  if (escalateTo && !notifiers.some((n) => n.id === escalateTo))
    throw invalidInput(
      'escalate-to',
      `is ${escalateTo}, which has no key set`,
      escalateTo === 'pagerduty' ? 'set pagerduty-routing-key too' : 'set opsgenie-api-key too',
    );
  const escalateAfterMs = parseDuration(reader.optional('escalate-after')!, 'escalate-after') * 1000;
  const templatePath = reader.optional('alert-template');
  const template = templatePath ? await readIncidentTemplate(templatePath) : undefined;
  return {
    notifiers,
    ...(escalateTo ? { escalateTo } : {}),
    ...(template ? { template } : {}),
    escalateAfterMs,
    maxPerHour: reader.integer('max-alerts-per-hour')!,
  };
}

/** The paging services PAGING_INPUTS name, their URLs checked; none when no key is set. */
export function readPagers(reader: InputReader, http: SendOptions = {}): IncidentNotifier[] {
  const notifiers: IncidentNotifier[] = [];
  const routingKey = reader.optional('pagerduty-routing-key');
  if (routingKey) {
    const url = httpUrl(reader.optional('pagerduty-url')!, 'pagerduty-url', PAGERDUTY_EVENTS_URL);
    notifiers.push(pagerDutyNotifier(routingKey, { ...http, url }));
  }
  const apiKey = reader.optional('opsgenie-api-key');
  if (apiKey) {
    const url = httpUrl(reader.optional('opsgenie-url')!, 'opsgenie-url', OPSGENIE_API_URL);
    notifiers.push(opsgenieNotifier(apiKey, { ...http, url }));
  }
  return notifiers;
}

export function readMaintenanceWindow(reader: InputReader): { text: string; window: Window } | undefined {
  const text = reader.optional('maintenance-window');
  return text ? { text, window: parseWindow(text, 'maintenance-window') } : undefined;
}
