import type { Logger } from '../log.js';
import type { AlertMessage, IncidentEvent, IncidentNotifier, Notifier } from './types.js';

export interface DeliveryResult {
  sent: string[];
  failed: string[];
}

/**
 * Sends one message through every notifier. A notification that fails is a warning: it never changes the
 * result of the run that sent it.
 */
export function sendAlerts(
  notifiers: Notifier[],
  message: AlertMessage,
  log: Logger,
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  return deliverToEach(notifiers, (notifier) => notifier.send(message, signal), log, {
    sent: (name) => `Sent the alert via ${name}`,
    failed: (name) => `Could not send the alert via ${name}`,
  });
}

/** Sends one incident event to every paging service, as sendAlerts does: a failure to deliver is a warning. */
export function sendIncident(
  notifiers: IncidentNotifier[],
  event: IncidentEvent,
  log: Logger,
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  return deliverToEach(notifiers, (notifier) => notifier.send(event, signal), log, {
    sent: (name) => `${name}: ${event.action} ${event.key} (${event.severity})`,
    failed: (name) => `Could not send ${event.action} ${event.key} to ${name}`,
  });
}

/** All at once; each delivery that fails is logged as a warning and counted, never thrown. */
async function deliverToEach<N extends { name: string }>(
  notifiers: N[],
  send: (notifier: N) => Promise<void>,
  log: Logger,
  say: { sent: (name: string) => string; failed: (name: string) => string },
): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: [], failed: [] };
  await Promise.all(
    notifiers.map(async (notifier) => {
      try {
        await send(notifier);
        result.sent.push(notifier.name);
        log.info(say.sent(notifier.name));
      } catch (error) {
        result.failed.push(notifier.name);
        log.warn(`${say.failed(notifier.name)}: ${(error as Error).message}`);
      }
    }),
  );
  return result;
}
