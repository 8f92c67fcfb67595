import { requestJson, type SendOptions } from './http.js';
import type { AlertMessage, Notifier } from './types.js';

const STYLE = { ok: 'good', warning: 'warning', critical: 'attention', failure: 'attention' } as const;
const MAX_ITEMS = 15;
/**
 * Teams refuses a webhook message over 28 KB: the text (a failure can carry kilobytes of stderr) and each item are
 * cut, visibly, so fifteen items, the facts and the text stay well under it. The run keeps the full text.
 */
const MAX_TEXT = 4000;
const MAX_ITEM = 600;
const CUT_MARKER = ' … (cut: the full text is in the workflow run)';

/**
 * The Microsoft Teams payload for a workflow webhook ("When a Teams webhook request is received"): a message with
 * one Adaptive Card, coloured by status, with the figures as facts and a button to the run.
 */
export function teamsPayload(message: AlertMessage): unknown {
  const facts = Object.entries(message.data ?? {})
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .map(([title, value]) => ({ title: escapeTeams(title), value: cut(escapeTeams(String(value)), MAX_ITEM) }));
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: escapeTeams(message.title),
      weight: 'Bolder',
      size: 'Medium',
      color: STYLE[message.status],
      wrap: true,
    },
    { type: 'TextBlock', text: cut(escapeTeams(message.text), MAX_TEXT), wrap: true },
  ];
  if (facts.length > 0) body.push({ type: 'FactSet', facts });
  for (const item of message.items.slice(0, MAX_ITEMS)) {
    body.push({
      type: 'TextBlock',
      text: `**${cut(escapeTeams(item.title), MAX_ITEM)}**: ${cut(escapeTeams(`${item.subject}${item.detail ? ` — ${item.detail}` : ''}`), MAX_ITEM)}`,
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

/** Escaped text cut to `max` with a marker, never between a backslash and the character it escapes. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = text.slice(0, max - CUT_MARKER.length);
  const backslashes = /\\*$/.exec(kept)![0].length;
  return `${backslashes % 2 === 1 ? kept.slice(0, -1) : kept}${CUT_MARKER}`;
}

/**
 * A TextBlock is Markdown (bold, italic, lists, links): a table or database name such as `[x](https://evil)` or
 * `**a**` must show as written. Adaptive Cards render no HTML, so the backslash escapes of those markers are enough
 * (report/markdown-text.ts's entities for `<`, `&` would show literally here). An underscore inside a word
 * (orders_id_seq) starts no emphasis and is left as it is.
 */
function escapeTeams(text: string): string {
  return text
    .replace(/[\\`*[\]~]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\$&')
    .replace(/^(\s*)([-+]|\d+\.)(?=\s)/gm, '$1\\$2');
}
