import { hostname } from 'node:os';
import { asDbopsError, invalidInput } from '../errors.js';
import type { Window } from '../maintenance-window/window.js';
import { emailNotifier, parseSmtpUrl } from '../notify/email.js';
import {
  type FailingStreak,
  type FailureNotice,
  type FailureRun,
  planFailureNotice,
  settleFailureState,
} from '../notify/failure-lifecycle.js';
import { failureIncident } from '../notify/failure-incident.js';
import { readFailureState, writeFailureState } from '../notify/failure-state-store.js';
import type { SendOptions } from '../notify/http.js';
import { type DeliveryResult, sendAlerts, sendIncident } from '../notify/send.js';
import { slackNotifier } from '../notify/slack.js';
import { teamsNotifier } from '../notify/teams.js';
import { webhookNotifier } from '../notify/webhook.js';
import type { AlertMessage, IncidentNotifier, Notifier } from '../notify/types.js';
import { renderNotification, runResult } from '../report/render-notification.js';
import { openStorage } from '../storage/index.js';
import { httpUrl } from './http-url.js';
import { PAGING_INPUTS, readMaintenanceWindow, readPagers } from './incident-inputs.js';
import { InputReader } from './read-inputs.js';
import { readS3Options } from './storage-inputs.js';
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
  // The same paging inputs as monitor-report's: here they page the run's failure, whatever notify-on says.
  ...PAGING_INPUTS,
  {
    name: 'maintenance-window',
    description:
      "Maintenance windows, as maintenance's window input: 'Sun 01:00-03:00 UTC', several separated by commas. A failure inside one is not notified; if it persists, the first failed run after the window notifies.",
    type: 'string',
    env: ['DBOPS_MAINTENANCE_WINDOW'],
  },
  {
    name: 'alert-state',
    description:
      'Where failure notifications keep their state between runs: a directory or s3://bucket/prefix (not artifact://). With it a failure that persists is notified once (and again only when its error changes), and the first success after it sends a recovery and resolves the PagerDuty/Opsgenie incident; a message or page a channel did not take (down, 5xx) is sent by the next run; without it every failed run notifies and pages, and nothing resolves the incident.',
    type: 'string',
    env: ['DBOPS_ALERT_STATE'],
  },
  {
    name: 'alert-key',
    description:
      "Name the state is kept under in alert-state, and the job's PagerDuty/Opsgenie incident key dbops:<alert-key>:failed (default: the action name, and on GitHub the incident key dbops:<owner/repo>:<action>:failed); give each job its own when several jobs of one action share that location or paging service, e.g. backup-prod.",
    type: 'string',
    env: ['DBOPS_ALERT_KEY'],
  },
];

const ALERT_KEY_FORM = 'letters, digits, ".", "_" and "-", e.g. backup-prod';

interface NotificationPlan {
  on: NotifyOn;
  notifiers: Notifier[];
  /** PagerDuty, Opsgenie: paged on a failure, resolved on its recovery. */
  pagers: IncidentNotifier[];
  /** The job's name for its state and its incident. */
  key: string;
  /** No alert-key was given: the key is the action's name, and the incident's key adds the repository. */
  defaultKey: boolean;
  window?: { text: string; window: Window };
  /** Where the failure lifecycle keeps its state, and under which key; undefined: every failed run notifies. */
  state?: { location: string; key: string };
}

/** Reads and checks the notification inputs before the action runs: a typo must not surface after a long backup. */
export function readNotifications(reader: InputReader, action: string): NotificationPlan {
  const window = readMaintenanceWindow(reader);
  const location = reader.optional('alert-state');
  // An artifact is written once, at the end of the run that uploads it: state kept there could never be read back.
  if (location?.startsWith('artifact://'))
    throw invalidInput(
      'alert-state',
      `is '${location}': an artifact cannot keep state between runs`,
      'a directory or s3://bucket/prefix',
    );
  const given = reader.optional('alert-key');
  const key = given ?? action;
  if (!/^[A-Za-z0-9._-]+$/.test(key) || key.startsWith('.'))
    throw invalidInput('alert-key', `is '${key}'`, ALERT_KEY_FORM);
  return {
    on: reader.oneOf<NotifyOn>('notify-on'),
    notifiers: readNotifiers(reader),
    pagers: readPagers(reader),
    key,
    defaultKey: given === undefined,
    ...(window ? { window } : {}),
    ...(location ? { state: { location, key } } : {}),
  };
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
 * notify-on, a maintenance window and the failure lifecycle (failure-lifecycle.ts), and the failure paged to
 * PagerDuty and Opsgenie as one incident per job, resolved by the recovery (failure-incident.ts). A notification
 * that fails, or state that cannot be kept, is a warning; it never changes the run's result, and an error of the run
 * is rethrown after notifying. With alert-state, a notification that failed is sent again by the next run, as that
 * run's outcome decides (the lifecycle keeps what each channel was delivered).
 */
export function withNotifications(definition: ActionDefinition): ActionDefinition {
  const inputs = [...definition.inputs, ...NOTIFY_INPUTS];
  const hasS3Inputs = inputs.some((i) => i.name === 's3-endpoint');
  return {
    ...definition,
    inputs,
    async run(raw: RawInputs, context: RunContext): Promise<ActionReport> {
      const reader = new InputReader(inputs, raw, context.env);
      const plan = readNotifications(reader, definition.name);
      const stateStorage = plan.state
        ? await openStorage(plan.state.location, {
            inputName: 'alert-state',
            ...(hasS3Inputs ? { s3: readS3Options(reader) } : {}),
            ...(context.artifacts ? { artifacts: context.artifacts } : {}),
          })
        : undefined;
      let report: ActionReport | undefined;
      let error: unknown;
      try {
        report = await definition.run(raw, context);
      } catch (e) {
        error = e;
      }
      const failure = error ?? report?.failure;
      const now = new Date();
      // The channels whose state the lifecycle keeps: the paging services always, the others when they take failures.
      const notified = plan.on === 'success' ? [] : plan.notifiers;
      const run: FailureRun = {
        now,
        error: failure === undefined ? undefined : failureSignature(failure, context),
        maintenance: plan.window?.window.contains(now) ?? false,
        channels: [...notified.map((n) => n.id), ...plan.pagers.map((p) => p.id)],
        repeating: plan.pagers.map((p) => p.id),
      };
      const previous =
        stateStorage && plan.state
          ? await readFailureState(stateStorage, plan.state.key, run.channels, context.log).catch((e: unknown) => {
              context.log.warn(`Cannot read the alert state in ${stateStorage.display}: ${(e as Error).message}`);
              return undefined;
            })
          : undefined;
      // Without alert-state there is no previous state: every failed run outside a window is sent to every channel.
      const planned = planFailureNotice(previous, run);
      const { sends } = planned;
      // Without state there is no streak to tell of.
      const streak = plan.state ? planned.streak : undefined;
      if (planned.quiet === 'held')
        context.log.info(
          `The run failed inside the maintenance window '${plan.window!.text}': no notification; a failure that persists after it is notified`,
        );
      if (planned.quiet === 'repeat' && streak)
        context.log.info(
          `The run failed with the error already notified (${streak.runs} failed runs since ${streak.since}): not notified again${plan.pagers.length > 0 ? ' (the paging services are sent the trigger again: it keeps their incident open, or opens it again if it was resolved)' : ''}`,
        );
      if (planned.quiet === 'unsent')
        context.log.info(
          'The run succeeded after a failure that no channel was notified of (a maintenance window or a channel that was down held it back): nothing to resolve',
        );

      // One message per notice, each to the channels that notice is for; a plain success to the others when asked.
      const alert = alertFor(definition.name, report, error, context);
      const incidentError = failure === undefined ? streakError(streak) : maskedError(failure, context);
      const deliveries: Promise<string[]>[] = [];
      for (const notice of ['failure', 'update', 'recovery'] as const) {
        const notifiers = plan.notifiers.filter((n) => sends[n.id] === notice);
        if (notifiers.length > 0)
          deliveries.push(delivered(notifiers, sendAlerts(notifiers, withStreak(alert, notice, streak), context.log)));
        const pagers = plan.pagers.filter((p) => sends[p.id] === notice);
        if (pagers.length > 0)
          deliveries.push(
            delivered(
              pagers,
              sendIncident(
                pagers,
                failureIncident({
                  action: definition.name,
                  alertKey: plan.key,
                  ...(plan.defaultKey && context.github ? { scope: context.github.repository } : {}),
                  notice,
                  error: incidentError,
                  place: context.github ?? { host: hostname() },
                  ...(streak ? { streak: { runs: streak.runs, since: streak.since } } : {}),
                }),
                context.log,
              ),
            ),
          );
      }
      const succeeded = plan.notifiers.filter((n) => sends[n.id] === undefined);
      if (run.error === undefined && plan.on !== 'failure' && succeeded.length > 0)
        await sendAlerts(succeeded, alert, context.log);
      const told = (await Promise.all(deliveries)).flat();
      // Kept after sending, so that it records what was delivered; a run killed in between sends its messages again.
      if (stateStorage && plan.state)
        await writeFailureState(stateStorage, plan.state.key, settleFailureState(planned, told), now).catch(
          (e: unknown) =>
            context.log.warn(`Cannot keep the alert state in ${stateStorage.display}: ${(e as Error).message}`),
        );
      if (error !== undefined) throw error;
      return report!;
    },
  };
}

/** The ids of the channels a delivery reached: the lifecycle marks only those as told. */
async function delivered(channels: { id: string; name: string }[], delivery: Promise<DeliveryResult>) {
  const { sent } = await delivery;
  return channels.filter((c) => sent.includes(c.name)).map((c) => c.id);
}

/** What identifies a failure for the lifecycle: its code and message, with secrets masked. */
function failureSignature(failure: unknown, context: RunContext): string {
  const error = asDbopsError(failure);
  return context.secrets.redact(`${error.code}: ${error.message}`);
}

/** The run's error for its incident, every part through the secret register. */
function maskedError(failure: unknown, context: RunContext): { code: string; message: string; hint?: string } {
  const error = asDbopsError(failure);
  const redact = (text: string) => context.secrets.redact(text);
  return { code: error.code, message: redact(error.message), ...(error.hint ? { hint: redact(error.hint) } : {}) };
}

/** A recovery's incident names the error the streak ended with, as the state keeps it ("<code>: <message>"). */
function streakError(streak: FailingStreak | undefined): { code: string; message: string } {
  const [code = 'FAILED', ...message] = (streak?.error ?? '').split(': ');
  return { code, message: message.join(': ') };
}

/** The run's message, told where it stands in a failing streak: since when, how many runs, or that it recovered. */
function withStreak(message: AlertMessage, notice: FailureNotice | undefined, streak: FailingStreak | undefined) {
  if (!streak || (notice !== 'recovery' && streak.runs < 2)) return message;
  const runs = `${streak.runs} failed run${streak.runs === 1 ? '' : 's'} since ${streak.since}`;
  if (notice === 'recovery')
    return {
      ...message,
      title: message.title.replace(/ succeeded( with warnings)?/, ' recovered$1'),
      text: `${message.text} Recovered after ${runs}.`,
      data: { ...message.data, recovered: 'true', 'failed-runs': String(streak.runs), 'failing-since': streak.since },
    };
  return {
    ...message,
    text: `${message.text} (${notice === 'update' ? 'The error changed; ' : ''}${runs}.)`,
    data: { ...message.data, 'failed-runs': String(streak.runs), 'failing-since': streak.since },
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
