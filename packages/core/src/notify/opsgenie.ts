import { HttpError, requestJson, type SendOptions } from './http.js';
import type { IncidentEvent, IncidentNotifier } from './types.js';

export const OPSGENIE_API_URL = 'https://api.opsgenie.com';
/** Opsgenie's limits: message 130 characters, alias 512, description 15,000. */
const MAX_MESSAGE = 130;
const MAX_ALIAS = 512;
const MAX_DESCRIPTION = 15_000;
const MAX_NOTE = 25_000;
const PRIORITY = { critical: 'P1', error: 'P2', warning: 'P3' } as const;

/** Where an event goes and with which body: create, change the priority, or close, by alias. */
export function opsgenieRequest(event: IncidentEvent): { method: string; path: string; body: unknown } {
  const alias = event.key.slice(0, MAX_ALIAS);
  const byAlias = `/v2/alerts/${encodeURIComponent(alias)}`;
  if (event.action === 'resolve')
    return {
      method: 'POST',
      path: `${byAlias}/close?identifierType=alias`,
      body: { source: 'dbops', note: `Resolved: ${event.summary}`.slice(0, MAX_NOTE) },
    };
  // Creating an alert whose alias is open only counts a repeat: a new severity needs the priority call.
  if (event.action === 'update')
    return {
      method: 'PUT',
      path: `${byAlias}/priority?identifierType=alias`,
      body: { priority: PRIORITY[event.severity] },
    };
  const details = Object.fromEntries(Object.entries(event.details).map(([k, v]) => [k, String(v)]));
  return {
    method: 'POST',
    path: '/v2/alerts',
    body: {
      message: event.summary.slice(0, MAX_MESSAGE),
      alias,
      description: [event.summary, ...(event.link ? [`Run: ${event.link}`] : [])].join('\n').slice(0, MAX_DESCRIPTION),
      priority: event.escalation ? 'P1' : PRIORITY[event.severity],
      source: event.source,
      entity: event.component,
      tags: ['dbops', event.class, event.severity, ...(event.escalation ? ['escalation'] : [])],
      details: { ...details, ...(event.escalation ? { escalation: 'yes' } : {}) },
    },
  };
}

/** An update's note, added to the open alert after its priority is set: Opsgenie keeps the first message. */
export function opsgenieNoteRequest(key: string, note: string): { method: string; path: string; body: unknown } {
  return {
    method: 'POST',
    path: `/v2/alerts/${encodeURIComponent(key.slice(0, MAX_ALIAS))}/notes?identifierType=alias`,
    body: { source: 'dbops', note: note.slice(0, MAX_NOTE) },
  };
}

/** Opsgenie Alert API v2, authenticated by `Authorization: GenieKey <key>`; the key never appears in a log line. */
export function opsgenieNotifier(apiKey: string, options: SendOptions & { url?: string } = {}): IncidentNotifier {
  const { url = OPSGENIE_API_URL, ...send } = options;
  const base = url.replace(/\/+$/, '');
  return {
    id: 'opsgenie',
    name: 'Opsgenie',
    async send(event, signal) {
      const request = async (r: { method: string; path: string; body: unknown }) => {
        const { method, path, body } = r;
        await requestJson(method, `${base}${path}`, body, 'Opsgenie', {
          ...send,
          headers: { ...send.headers, authorization: `GenieKey ${apiKey}` },
          ...(signal ? { signal } : {}),
        });
      };
      try {
        await request(opsgenieRequest(event));
      } catch (error) {
        // An alert someone closed or deleted in Opsgenie: closing it is done, and a new severity opens it afresh.
        if (!(error instanceof HttpError && error.status === 404) || event.action === 'trigger') throw error;
        if (event.action === 'update') await request(opsgenieRequest({ ...event, action: 'trigger' }));
        return;
      }
      if (event.action === 'update' && event.note) await request(opsgenieNoteRequest(event.key, event.note));
    },
  };
}
