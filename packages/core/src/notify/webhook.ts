import { requestJson, type SendOptions } from './http.js';
import type { AlertMessage, Notifier } from './types.js';

/** The generic webhook body: the alert message as it is, versioned so receivers can rely on it. */
export function webhookPayload(message: AlertMessage): unknown {
  return { schema: 'dbops.alert/v1', ...message };
}

/** POSTs the alert as JSON to any URL (PagerDuty/Opsgenie bridges, chat relays, your own service). */
export function webhookNotifier(url: string, options: SendOptions = {}): Notifier {
  return {
    name: 'webhook',
    async send(message, signal) {
      await requestJson('POST', url, webhookPayload(message), 'webhook', { ...options, ...(signal ? { signal } : {}) });
    },
  };
}
