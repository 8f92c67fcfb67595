import { DbopsError } from '../errors.js';

/**
 * The one rule for keys, shared by every backend so a key that works on one works on all: '/'-separated relative
 * paths without empty, '.' or '..' segments (which would escape a local directory). A prefix may also be '' or
 * end with '/'. Keys come from dbops itself, so a bad one is a bug.
 */
export function checkKey(key: string, options: { prefix?: boolean } = {}): void {
  if (options.prefix && key === '') return;
  const segments = (options.prefix && key.endsWith('/') ? key.slice(0, -1) : key).split('/');
  if (
    key.includes('\\') ||
    key.includes('\0') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new DbopsError(
      'INTERNAL',
      `Storage key '${key}' is not valid: keys are '/'-separated relative paths without empty, '.' or '..' segments`,
      {
        hint: 'This is a bug in dbops; please report it.',
      },
    );
  }
}
