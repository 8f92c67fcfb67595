import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, initialDelayMs: 500, maxDelayMs: 8000 };

/**
 * Runs fn until it succeeds, the error is not transient, or the attempts run out. Exponential backoff with
 * full jitter, bounded, and abortable: a cancelled run stops waiting at once.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  options: {
    policy?: RetryPolicy;
    signal?: AbortSignal;
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= policy.attempts || !isTransient(error) || options.signal?.aborted) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }
}
