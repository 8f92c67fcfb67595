import type { AlertStatus } from '../notify/types.js';
import { plainText, worstStatus, type Result, type ResultStatus } from './result.js';

/** A notification's title and short text: one line each, no markup. */
export function renderNotification(result: Result): { status: AlertStatus; title: string; text: string } {
  return { status: alertStatus(result.status), title: plainText(result.title), text: result.text ?? '' };
}

const ALERT_STATUS: Record<ResultStatus, AlertStatus> = {
  ok: 'ok',
  info: 'ok',
  warning: 'warning',
  unknown: 'warning',
  critical: 'critical',
  failure: 'failure',
};

function alertStatus(status: ResultStatus): AlertStatus {
  return ALERT_STATUS[status];
}

/**
 * The result of a whole run, for its notification: the run failed (with the error and its fix), or it succeeded,
 * with warnings when a result says so; the text is the run's headline, the title of its first result.
 */
export function runResult(
  action: string,
  results: readonly Result[],
  failure: { message: string; hint?: string } | undefined,
  where = '',
): Result {
  if (failure) {
    const text = `${failure.message}${failure.hint ? ` Fix: ${failure.hint}` : ''}`;
    return { status: 'failure', title: `dbops ${action} failed${where}`, text, blocks: [] };
  }
  const worst = worstStatus(results.map((r) => r.status));
  const warned = worst !== 'ok' && worst !== 'info';
  const headline = results[0] ? plainText(results[0].title) : 'Completed.';
  const title = `dbops ${action} succeeded${warned ? ' with warnings' : ''}${where}`;
  return { status: warned ? 'warning' : 'ok', title, text: headline, blocks: [] };
}
