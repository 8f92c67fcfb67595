import { requestJson, type SendOptions } from './http.js';
import type { AlertMessage, Notifier } from './types.js';

const STYLE = { ok: 'good', warning: 'warning', critical: 'attention', failure: 'attention' } as const;
const MAX_ITEMS = 15;

/**
 * The Microsoft Teams payload for a workflow webhook ("When a Teams webhook request is received"): a message with
 * one Adaptive Card, coloured by status, with the figures as facts and a button to the run.
 */
export function teamsPayload(message: AlertMessage): unknown {
  const facts = Object.entries(message.data ?? {})
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .map(([title, value]) => ({ title, value: String(value) }));
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: message.title,
      weight: 'Bolder',
      size: 'Medium',
      color: STYLE[message.status],
      wrap: true,
    },
    { type: 'TextBlock', text: message.text, wrap: true },
  ];
  if (facts.length > 0) body.push({ type: 'FactSet', facts });
  for (const item of message.items.slice(0, MAX_ITEMS)) {
    body.push({
      type: 'TextBlock',
      text: `**${item.title}**: ${item.subject}${item.detail ? ` — ${item.detail}` : ''}`,
      wrap: true,
      color: item.severity === 'critical' ? 'attention' : 'warning',
    });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
          ...(message.link
            ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the workflow run', url: message.link }] }
            : {}),
        },
      },
    ],
  };
}

export function teamsNotifier(webhookUrl: string, options: SendOptions = {}): Notifier {
  return {
    id: 'teams',
    name: 'Teams',
    async send(message, signal) {
      await requestJson('POST', webhookUrl, teamsPayload(message), 'Teams webhook', {
        ...options,
        ...(signal ? { signal } : {}),
      });
    },
  };
}
