import { requestJson, type SendOptions } from './http.js';
import type { AlertMessage, Notifier } from './types.js';

const ICON = {
  ok: ':large_green_circle:',
  warning: ':large_orange_circle:',
  critical: ':red_circle:',
  failure: ':x:',
} as const;
const COLOUR = { ok: '#2eb886', warning: '#daa038', critical: '#a30200', failure: '#a30200' } as const;
/** Slack caps a message at 50 blocks; a few items and a pointer to the rest reads better anyway. */
const MAX_ITEMS = 15;
/**
 * Slack refuses a section whose text is over 3,000 characters (400 invalid_blocks, so the alert is lost): a failure's
 * text can carry kilobytes of a command's stderr. Cut below it, visibly; the run's log and summary keep the rest.
 */
const MAX_SECTION = 2900;
const CUT_MARKER = '\n… (cut: the full text is in the workflow run)';

/** The Slack payload: a plain-text fallback and Block Kit sections, items worst first. */
export function slackPayload(message: AlertMessage): unknown {
  const items = [...message.items].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
  const lines = items
    .slice(0, MAX_ITEMS)
    .map(
      (i) =>
        `${i.severity === 'critical' ? ':red_circle:' : ':large_orange_circle:'} *${escapeSlack(i.title)}*: \`${escapeSlack(i.subject)}\`${i.detail ? ` — ${escapeSlack(i.detail)}` : ''}`,
    );
  if (items.length > MAX_ITEMS) lines.push(`…and ${items.length - MAX_ITEMS} more`);
  const blocks: unknown[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(`${ICON[message.status]} *${escapeSlack(message.title)}*\n${escapeSlack(message.text)}`),
      },
    },
  ];
  if (lines.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n')) } });
  if (message.link)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${message.link}|Open the workflow run>` }] });
  // Block Kit has no colour of its own: a legacy attachment carries the status colour bar and the key figures.
  const figures = Object.entries(message.data ?? {})
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .slice(0, 8)
    .map(([k, v]) => `*${escapeSlack(k)}*: ${escapeSlack(String(v))}`);
  const status = `Status: *${message.status.toUpperCase()}*${figures.length > 0 ? ` · ${figures.join(' · ')}` : ''}`;
  return {
    // The fallback (notifications, screen readers) is mrkdwn too: escaped as the blocks are, and as short.
    text: cut(`${escapeSlack(message.title)}: ${escapeSlack(message.text)}`),
    blocks,
    attachments: [
      {
        color: COLOUR[message.status],
        blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: status.slice(0, 2900) }] }],
      },
    ],
  };
}

/** Slack incoming webhook (https://hooks.slack.com/services/...). */
export function slackNotifier(webhookUrl: string, options: SendOptions = {}): Notifier {
  return {
    id: 'slack',
    name: 'Slack',
    async send(message, signal) {
      await requestJson('POST', webhookUrl, slackPayload(message), 'Slack webhook', {
        ...options,
        ...(signal ? { signal } : {}),
      });
    },
  };
}

/** Escaped text cut to MAX_SECTION with a marker, never inside an entity (`&amp;` cut to `&am` shows as text). */
function cut(text: string): string {
  if (text.length <= MAX_SECTION) return text;
  return `${text.slice(0, MAX_SECTION - CUT_MARKER.length).replace(/&[a-z]{0,3}$/, '')}${CUT_MARKER}`;
}

/** Slack mrkdwn treats &, < and > as control characters. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
