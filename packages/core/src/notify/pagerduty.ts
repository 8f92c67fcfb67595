import { requestJson, type SendOptions } from './http.js';
import type { IncidentEvent, IncidentNotifier } from './types.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';
/** The Events API's limits: longer values are refused with 400, so they are cut here. */
const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;

/**
 * The Events API v2 body. PagerDuty has no update event: a trigger with the same dedup_key adds to the open alert
 * (its new severity included), so update is sent as a trigger.
 */
export function pagerDutyPayload(routingKey: string, event: IncidentEvent): unknown {
  const dedupKey = event.key.slice(0, MAX_DEDUP_KEY);
  if (event.action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: event.summary.slice(0, MAX_SUMMARY),
      severity: event.severity,
      source: event.source,
      component: event.component,
      group: 'dbops',
      class: event.class,
      custom_details: { ...event.details, ...(event.escalation ? { escalation: 'yes' } : {}) },
    },
    client: 'dbops',
    ...(event.link ? { client_url: event.link, links: [{ href: event.link, text: 'Workflow run' }] } : {}),
  };
}

/** PagerDuty Events API v2: POST {url}/v2/enqueue. The routing key goes in the body, never in a log line. */
export function pagerDutyNotifier(routingKey: string, options: SendOptions & { url?: string } = {}): IncidentNotifier {
  const { url = PAGERDUTY_EVENTS_URL, ...send } = options;
  const endpoint = `${url.replace(/\/+$/, '')}/v2/enqueue`;
  return {
    id: 'pagerduty',
    name: 'PagerDuty',
    async send(event, signal) {
      await requestJson('POST', endpoint, pagerDutyPayload(routingKey, event), 'PagerDuty', {
        ...send,
        ...(signal ? { signal } : {}),
      });
    },
  };
}
