import { DbopsError } from '../../packages/core/src/errors.js';

/** Runs fn, which must throw a DbopsError, and returns that error for further assertions. */
export function catchError(fn: () => unknown): DbopsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DbopsError);
    return error as DbopsError;
  }
  throw new Error('expected an error');
}

/** Awaits promise, which must reject with a DbopsError, and returns that error for further assertions. */
export async function rejection(promise: Promise<unknown>): Promise<DbopsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DbopsError)) throw new Error(`expected a DbopsError, got ${String(error)}`);
  return error;
}
