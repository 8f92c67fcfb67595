import { requestJson, type SendOptions } from './http.js';
import { SIGNATURE_HEADER, signBody } from './signature.js';
import type { AlertMessage, Notifier } from './types.js';

/** The generic webhook body: the alert message as it is, versioned so receivers can rely on it. */
export function webhookPayload(message: AlertMessage): unknown {
  return { schema: 'dbops.alert/v1', ...message };
}

/**
 * POSTs the alert as JSON to any URL (PagerDuty/Opsgenie bridges, chat relays, your own service). With a secret,
 * the exact body is signed (HMAC-SHA256) in the X-Dbops-Signature-256 header, as GitHub signs its webhooks.
 */
export function webhookNotifier(url: string, options: SendOptions & { secret?: string } = {}): Notifier {
  const { secret, ...send } = options;
  return {
    id: 'webhook',
    name: 'webhook',
    async send(message, signal) {
      const payload = webhookPayload(message);
      // requestJson serialises with JSON.stringify too, so the signed text is byte for byte the body sent.
      const headers = secret
        ? { ...send.headers, [SIGNATURE_HEADER]: signBody(secret, JSON.stringify(payload)) }
        : send.headers;
      await requestJson('POST', url, payload, 'webhook', {
        ...send,
        ...(headers ? { headers } : {}),
        ...(signal ? { signal } : {}),
      });
    },
  };
}
