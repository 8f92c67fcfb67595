import type { Transporter } from 'nodemailer';
import { invalidInput } from '../errors.js';
import { checkUrlAuthority } from '../url-authority.js';
import type { AlertMessage, Notifier } from './types.js';

export interface SmtpSettings {
  /** smtp://user:pass@host:587 (STARTTLS required) or smtps://user:pass@host:465 (TLS from the start). */
  url: string;
  from: string;
  to: string[];
  /** Trust this CA (PEM) for a server with a private certificate; certificates are always verified. */
  ca?: string;
  timeoutMs?: number;
}

const SMTP_FORM =
  'smtp://USER:PASSWORD@HOST:587 (STARTTLS) or smtps://USER:PASSWORD@HOST:465 (TLS), user and password percent-encoded';

export function parseSmtpUrl(text: string, input = 'notify-smtp-url'): URL {
  // A user name may be an e-mail address: its '@' may stay unencoded (the last '@' ends the password).
  checkUrlAuthority(text, input, { form: SMTP_FORM, atInUserinfo: true });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(input, 'is not a URL', SMTP_FORM);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw invalidInput(input, `uses '${url.protocol}//'`, SMTP_FORM);
  if (!url.hostname) throw invalidInput(input, 'names no host', SMTP_FORM);
  return url;
}

/** The plain-text e-mail: subject is the title; the body has the text, the figures, the items and the link. */
export function emailContent(message: AlertMessage): { subject: string; text: string } {
  const lines = [message.text, ''];
  for (const [key, value] of Object.entries(message.data ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') lines.push(`${key}: ${value}`);
  }
  if (message.items.length > 0)
    lines.push(
      '',
      ...message.items.map((i) => `- [${i.severity}] ${i.title}: ${i.subject}${i.detail ? ` (${i.detail})` : ''}`),
    );
  if (message.link) lines.push('', `Workflow run: ${message.link}`);
  return { subject: message.title, text: `${lines.join('\n').trim()}\n` };
}

/** E-mail over SMTP. smtp:// requires STARTTLS (never plain text); smtps:// is TLS from the start. */
export function emailNotifier(settings: SmtpSettings): Notifier {
  const url = parseSmtpUrl(settings.url);
  const options = {
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    requireTLS: url.protocol === 'smtp:',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    tls: { rejectUnauthorized: true, ...(settings.ca ? { ca: settings.ca } : {}) },
    connectionTimeout: settings.timeoutMs ?? 10_000,
    greetingTimeout: settings.timeoutMs ?? 10_000,
    socketTimeout: settings.timeoutMs ?? 10_000,
  };
  return {
    id: 'email',
    name: 'e-mail',
    async send(message) {
      const { subject, text } = emailContent(message);
      // Loaded when an e-mail is sent, not by every run that starts.
      const { default: nodemailer } = await import('nodemailer');
      const transport: Transporter = nodemailer.createTransport(options);
      try {
        await transport.sendMail({ from: settings.from, to: settings.to, subject, text });
      } finally {
        transport.close();
      }
    },
  };
}
