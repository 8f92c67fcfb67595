/**
 * PostgreSQL's table lock modes, weakest first: the order of the lock-conflict table in the manual ("Explicit
 * Locking"). Each mode conflicts with every mode the one before it conflicts with, and more, so "stronger" is
 * well defined and ACCESS EXCLUSIVE, which conflicts with everything (plain SELECT too), is the strongest.
 */
export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

/** pg_locks.mode spells the modes as in the server's source: AccessExclusiveLock → ACCESS EXCLUSIVE. */
export function lockModeFromPg(mode: string): LockMode | undefined {
  const words = mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
  return (LOCK_MODES as readonly string[]).includes(words) ? (words as LockMode) : undefined;
}

/** Higher is stronger. */
export function lockStrength(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}

/**
 * Whether a lock stops the application's writes (INSERT/UPDATE/DELETE take ROW EXCLUSIVE): SHARE and stronger.
 * These are the locks a deploy's max-lock-time is about; weaker ones (CREATE INDEX CONCURRENTLY's SHARE UPDATE
 * EXCLUSIVE, a migration's own reads and writes) block only other DDL.
 */
export function blocksWrites(mode: LockMode): boolean {
  return lockStrength(mode) >= lockStrength('SHARE');
}

/** Whether a lock stops plain reads too: only ACCESS EXCLUSIVE. */
export function blocksReads(mode: LockMode): boolean {
  return mode === 'ACCESS EXCLUSIVE';
}
