import { withRetry, type RetryPolicy } from '../retry.js';
import type { FetchFn } from './types.js';

export interface SendOptions {
  fetch?: FetchFn;
  retry?: RetryPolicy;
  /** Per attempt. */
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Bounded: an alert that cannot be delivered within a few seconds is reported, never allowed to hold up the run. */
export const NOTIFY_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 500, maxDelayMs: 2000 };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Server errors, rate limits and network failures are worth another try; other 4xx answers are not. */
export function isTransientHttpError(error: unknown): boolean {
  if (error instanceof HttpError) return error.status === 429 || error.status >= 500;
  return !(error instanceof Error && error.name === 'AbortError');
}

/**
 * Sends a JSON request with bounded retries and a timeout per attempt. `what` names the destination in errors;
 * the URL itself never appears in them (webhook URLs carry tokens).
 */
export async function requestJson(
  method: string,
  url: string,
  body: unknown,
  what: string,
  options: SendOptions = {},
): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  return withRetry(
    async () => {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers: { 'content-type': 'application/json', 'user-agent': 'dbops', ...options.headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal,
        });
      } catch (error) {
        const reason =
          (error as Error).name === 'TimeoutError'
            ? 'timed out'
            : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
        throw new Error(`${what}: request failed (${reason})`);
      }
      const text = await response.text();
      if (!response.ok)
        throw new HttpError(response.status, `${what}: HTTP ${response.status} ${text.slice(0, 200)}`.trim());
      if (text === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    },
    isTransientHttpError,
    { policy: options.retry ?? NOTIFY_RETRY, ...(options.signal ? { signal: options.signal } : {}) },
  );
}
