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

/** "ACCESS EXCLUSIVE on public.orders (12 M rows, 1.2 GiB) for 48.0 s" */
export function describeLock(lock: RehearsedLock): string {
  const size = [
    ...(lock.rowsEstimate !== undefined ? [formatRows(lock.rowsEstimate)] : []),
    ...(lock.sizeBytes !== undefined ? [formatBytes(lock.sizeBytes)] : []),
  ];
  const held = lock.samples > 0 ? ` for ${formatMs(lock.heldMs)}` : ', never granted while sampled';
  const waited = lock.waitedMs !== undefined ? ` after waiting ${formatMs(lock.waitedMs)}` : '';
  return `${lock.mode} on ${lock.relation}${size.length > 0 ? ` (${size.join(', ')})` : ''}${held}${waited}`;
}
