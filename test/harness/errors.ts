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
