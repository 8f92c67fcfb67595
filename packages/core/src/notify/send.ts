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
export async function sendAlerts(
  notifiers: Notifier[],
  message: AlertMessage,
  log: Logger,
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: [], failed: [] };
  await Promise.all(
    notifiers.map(async (notifier) => {
      try {
        await notifier.send(message, signal);
        result.sent.push(notifier.name);
        log.info(`Sent the alert via ${notifier.name}`);
      } catch (error) {
        result.failed.push(notifier.name);
        log.warn(`Could not send the alert via ${notifier.name}: ${(error as Error).message}`);
      }
    }),
  );
  return result;
}

/** Sends one incident event to every paging service, as sendAlerts does: a failure to deliver is a warning. */
export async function sendIncident(
  notifiers: IncidentNotifier[],
  event: IncidentEvent,
  log: Logger,
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: [], failed: [] };
  await Promise.all(
    notifiers.map(async (notifier) => {
      try {
        await notifier.send(event, signal);
        result.sent.push(notifier.name);
        log.info(`${notifier.name}: ${event.action} ${event.key} (${event.severity})`);
      } catch (error) {
        result.failed.push(notifier.name);
        log.warn(`Could not send ${event.action} ${event.key} to ${notifier.name}: ${(error as Error).message}`);
      }
    }),
  );
  return result;
}
