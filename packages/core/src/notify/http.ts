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

/**
 * A request that got no answer. `retryable` when sending it again cannot post twice: the connection was never made
 * (refused, no such host), or the method is idempotent. A POST that timed out or whose connection dropped may have
 * been taken by the server (a Slack message posted, then slow to answer): another attempt would post it again.
 */
export class RequestFailedError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Errors of the connection itself: the request never reached the server. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Server errors, rate limits and failures that cannot have posted anything are worth another try; nothing else. */
export function isTransientHttpError(error: unknown): boolean {
  if (error instanceof HttpError) return error.status === 429 || error.status >= 500;
  if (error instanceof RequestFailedError) return error.retryable;
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
        const cause = (error as { cause?: Error & { code?: string } }).cause;
        const reason =
          (error as Error).name === 'TimeoutError' ? 'timed out' : (cause?.message ?? (error as Error).message);
        const retryable = IDEMPOTENT.has(method.toUpperCase()) || NOT_CONNECTED.has(cause?.code ?? '');
        throw new RequestFailedError(`${what}: request failed (${reason})`, retryable);
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
