import { asDbopsError, invalidInput } from '../errors.js';
import { emailNotifier, parseSmtpUrl } from '../notify/email.js';
import type { SendOptions } from '../notify/http.js';
import { sendAlerts } from '../notify/send.js';
import { slackNotifier } from '../notify/slack.js';
import { teamsNotifier } from '../notify/teams.js';
import { webhookNotifier } from '../notify/webhook.js';
import type { AlertMessage, Notifier } from '../notify/types.js';
import { renderNotification, runResult } from '../report/render-notification.js';
import { httpUrl } from './http-url.js';
import { InputReader } from './read-inputs.js';
import type { ActionDefinition, ActionReport, InputDefinition, RawInputs, RunContext } from './types.js';

const NOTIFY_ON = ['failure', 'success', 'always'] as const;
type NotifyOn = (typeof NOTIFY_ON)[number];

/**
 * Where notifications go, the same for every action, monitor-report's alerts included. Webhook URLs carry tokens,
 * so they are secrets.
 */
export const NOTIFY_CHANNEL_INPUTS: InputDefinition[] = [
  {
    name: 'notify-slack',
    description: 'Slack incoming webhook URL.',
    type: 'url',
    schemes: ['https', 'http'],
    secret: true,
    env: ['DBOPS_NOTIFY_SLACK'],
  },
  {
    name: 'notify-teams',
    description: 'Microsoft Teams workflow webhook URL.',
    type: 'url',
    schemes: ['https', 'http'],
    secret: true,
    env: ['DBOPS_NOTIFY_TEAMS'],
  },
  {
    name: 'notify-webhook',
    description: 'Generic webhook URL: receives the JSON payload documented in docs/notifications.md.',
    type: 'url',
    schemes: ['https', 'http'],
    secret: true,
    env: ['DBOPS_NOTIFY_WEBHOOK'],
  },
  {
    name: 'notify-webhook-secret',
    description: 'Signs the generic webhook body: header X-Dbops-Signature-256: sha256=HMAC.',
    type: 'string',
    secret: true,
    env: ['DBOPS_NOTIFY_WEBHOOK_SECRET'],
  },
  {
    name: 'notify-smtp-url',
    description: 'SMTP server for e-mail: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465.',
    type: 'url',
    schemes: ['smtp', 'smtps'],
    secret: true,
    env: ['DBOPS_NOTIFY_SMTP_URL'],
  },
  { name: 'notify-email-from', description: 'Sender address of notification e-mails.', type: 'string' },
  { name: 'notify-email-to', description: 'Recipients of notification e-mails (comma-separated).', type: 'list' },
  {
    name: 'notify-smtp-ca',
    description: 'CA certificate (PEM) of an SMTP server with a private certificate.',
    type: 'string',
  },
];

/** The notification inputs of an action that succeeds or fails: the channels and when to use them. */
export const NOTIFY_INPUTS: InputDefinition[] = [
  {
    name: 'notify-on',
    description: 'When to notify: failure, success or always.',
    default: 'failure',
    type: 'enum',
    values: NOTIFY_ON,
  },
  ...NOTIFY_CHANNEL_INPUTS,
];

interface NotificationPlan {
  on: NotifyOn;
  notifiers: Notifier[];
}

/** Reads and checks the notification inputs before the action runs: a typo must not surface after a long backup. */
export function readNotifications(reader: InputReader): NotificationPlan {
  return { on: reader.oneOf<NotifyOn>('notify-on'), notifiers: readNotifiers(reader) };
}

/** The channels NOTIFY_CHANNEL_INPUTS name, checked; `http` tunes the transport (tests pass short retries). */
export function readNotifiers(reader: InputReader, http: SendOptions = {}): Notifier[] {
  const notifiers: Notifier[] = [];
  const slack = reader.optional('notify-slack');
  if (slack) notifiers.push(slackNotifier(httpUrl(slack, 'notify-slack'), http));
  const teams = reader.optional('notify-teams');
  if (teams) notifiers.push(teamsNotifier(httpUrl(teams, 'notify-teams'), http));
  const webhook = reader.optional('notify-webhook');
  const secret = reader.optional('notify-webhook-secret');
  if (secret && !webhook)
    throw invalidInput(
      'notify-webhook-secret',
      'is set without notify-webhook',
      'set notify-webhook to the URL that receives the signed payload',
    );
  if (webhook)
    notifiers.push(webhookNotifier(httpUrl(webhook, 'notify-webhook'), { ...http, ...(secret ? { secret } : {}) }));
  const smtp = reader.optional('notify-smtp-url');
  if (smtp) {
    parseSmtpUrl(smtp);
    const to = reader.list('notify-email-to');
    const from = reader.optional('notify-email-from');
    if (to.length === 0)
      throw invalidInput(
        'notify-email-to',
        'is required with notify-smtp-url',
        'one or more addresses, comma-separated',
      );
    if (!from)
      throw invalidInput(
        'notify-email-from',
        'is required with notify-smtp-url',
        'the sender address, e.g. dbops@acme.example',
      );
    const ca = reader.optional('notify-smtp-ca');
    notifiers.push(emailNotifier({ url: smtp, from, to, ...(ca ? { ca } : {}) }));
  }
  return notifiers;
}

export { httpUrl } from './http-url.js';

/**
 * The action with notifications: inputs added, checked before the run, one message sent after it according to
 * notify-on. A notification that fails is a warning; it never changes the run's result, and an error of the run
 * is rethrown after notifying.
 */
export function withNotifications(definition: ActionDefinition): ActionDefinition {
  const inputs = [...definition.inputs, ...NOTIFY_INPUTS];
  return {
    ...definition,
    inputs,
    async run(raw: RawInputs, context: RunContext): Promise<ActionReport> {
      const plan = readNotifications(new InputReader(inputs, raw, context.env));
      let report: ActionReport | undefined;
      let error: unknown;
      try {
        report = await definition.run(raw, context);
      } catch (e) {
        error = e;
      }
      const failed = error !== undefined || report?.failure !== undefined;
      if (plan.notifiers.length > 0 && (plan.on === 'always' || (plan.on === 'failure') === failed)) {
        await sendAlerts(plan.notifiers, alertFor(definition.name, report, error, context), context.log);
      }
      if (error !== undefined) throw error;
      return report!;
    },
  };
}

/** One message for the run, with every value passed through the secret register. */
export function alertFor(
  action: string,
  report: ActionReport | undefined,
  error: unknown,
  context: RunContext,
): AlertMessage {
  const redact = (text: string) => context.secrets.redact(text);
  const failure = error ?? report?.failure;
  const where = context.github ? ` in ${context.github.repository}` : '';
  const run = runResult(
    action,
    report?.results ?? [],
    failure === undefined ? undefined : asDbopsError(failure),
    where,
  );
  const { status, title, text } = renderNotification(run);
  const data = Object.fromEntries(Object.entries(report?.outputs ?? {}).map(([k, v]) => [k, redact(v)]));
  return {
    source: action,
    status,
    title: redact(title),
    text: redact(text),
    items: [],
    ...(context.github?.runUrl ? { link: context.github.runUrl } : {}),
    data,
  };
}
