/**
 * The oplog window: the time between the oldest and the newest entry of local.oplog.rs. A secondary that falls
 * further behind than it, or a point-in-time backup whose last oplog position is older than the oldest entry, can
 * no longer catch up. monitor-report's oplog-window check reports it, and a purge with `min-oplog-window` waits while
 * it is shorter (deletes write the oplog: on a full, capped oplog each one pushes the oldest entries out).
 * One reading for both, over whatever reads an end of the oplog in natural (insertion) order; no driver import here,
 * so the monitor's check list does not load the driver (data-retention-oplog.ts reads it for a purge).
 */

/** The first (1) or last (-1) entry of local.oplog.rs in natural order; undefined when it has none. */
export type OplogEnd = (order: 1 | -1) => Promise<Record<string, unknown> | undefined>;

export interface OplogWindow {
  /** Newest entry's ts − oldest entry's ts (a BSON Timestamp's seconds: whole seconds). */
  seconds: number;
  first: Date;
  last: Date;
}

/** The window between the oplog's ends; undefined when the oplog has no entries. */
export async function readOplogWindow(end: OplogEnd): Promise<OplogWindow | undefined> {
  const first = await end(1);
  const last = await end(-1);
  if (!first || !last) return undefined;
  const from = timestampSeconds(first.ts);
  const to = timestampSeconds(last.ts);
  return { seconds: Math.max(0, to - from), first: new Date(from * 1000), last: new Date(to * 1000) };
}

/** A BSON Timestamp's seconds (its high 32 bits). */
export function timestampSeconds(ts: unknown): number {
  const t = ts as { getHighBits?: () => number; t?: number } | undefined;
  return t?.getHighBits?.() ?? t?.t ?? 0;
}
