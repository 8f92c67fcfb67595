/** The sentences a rehearsal reports, e.g. "20261201_add_status holds ACCESS EXCLUSIVE on public.orders (12 M rows, 1.2 GiB) for 48.0 s". */
import { formatBytes, formatSeconds } from '../../format.js';
import type { RehearsedLock } from './locks-by-migration.js';

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatSeconds(ms / 1000);
}

/** 950 rows, 200 k rows, 12 M rows, 3.4 G rows. */
export function formatRows(rows: number): string {
  const scaled = (value: number, unit: string) => `${value.toFixed(value >= 10 ? 0 : 1)} ${unit} rows`;
  if (rows >= 1e9) return scaled(rows / 1e9, 'G');
  if (rows >= 1e6) return scaled(rows / 1e6, 'M');
  if (rows >= 1e3) return scaled(rows / 1e3, 'k');
  return `${rows} ${rows === 1 ? 'row' : 'rows'}`;
}

/**
 * "holds ACCESS EXCLUSIVE on public.orders (12 M rows, 1.2 GiB) for 48.0 s", or for a lock only waited for, "waited
 * 1.0 s for ACCESS EXCLUSIVE on public.accounts (…) without getting it". `past` for a migration that failed.
 */
export function describeLock(lock: RehearsedLock, past = false): string {
  const size = [
    ...(lock.rowsEstimate !== undefined ? [formatRows(lock.rowsEstimate)] : []),
    ...(lock.sizeBytes !== undefined ? [formatBytes(lock.sizeBytes)] : []),
  ];
  const what = `${lock.mode} on ${lock.relation}${size.length > 0 ? ` (${size.join(', ')})` : ''}`;
  const waited = lock.waitedMs !== undefined ? formatMs(lock.waitedMs) : undefined;
  if (lock.samples === 0) return `waited ${waited ?? 'briefly'} for ${what} without getting it`;
  // One sample gives no span: the lock lasted less than two sample intervals.
  const held = lock.samples === 1 ? 'briefly (one sample)' : `for ${formatMs(lock.heldMs)}`;
  return `${past ? 'held' : 'holds'} ${what} ${held}${waited ? ` after waiting ${waited}` : ''}`;
}
