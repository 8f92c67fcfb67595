/**
 * The oplog window: the time between the oldest and the newest entry of local.oplog.rs. A secondary that falls
 * further behind than it, or a point-in-time backup whose last oplog position is older than the oldest entry, can
 * no longer catch up. monitor-report's oplog-window check reports it, and a purge with `min-oplog-window` waits while
 * it is shorter (deletes write the oplog: on a full, capped oplog each one pushes the oldest entries out).
 * One reading for both, over whatever reads an end of the oplog in natural (insertion) order.
 */
import { type Document, type MongoClient, MongoServerError } from 'mongodb';
import { DbopsError } from '../../errors.js';

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

/** What a purge reads: no oplog at all (not a replica set member), an empty one, or its window. */
export type PurgeOplogReading = { kind: 'standalone' } | { kind: 'empty' } | ({ kind: 'window' } & OplogWindow);

const UNAUTHORIZED = 13;

/**
 * The oplog window as a purge sees it, through its own client. A server that is not a replica set member (no
 * `setName` in hello: a standalone mongod, FerretDB without --repl-set-name) has no oplog. A role that may not read
 * local.oplog.rs gets an error naming the privilege: a bound the policy set is never silently skipped.
 */
export async function purgeOplogReading(client: MongoClient, maxTimeMS: number): Promise<PurgeOplogReading> {
  const hello = await client.db('admin').command({ hello: 1, maxTimeMS });
  if (typeof hello.setName !== 'string') return { kind: 'standalone' };
  const oplog = client.db('local').collection('oplog.rs');
  try {
    const window = await readOplogWindow(async (order) => {
      const found: Document[] = await oplog
        .find({}, { sort: { $natural: order }, limit: 1, projection: { ts: 1 }, maxTimeMS })
        .toArray();
      return found[0];
    });
    return window ? { kind: 'window', ...window } : { kind: 'empty' };
  } catch (error) {
    if (error instanceof MongoServerError && error.code === UNAUTHORIZED)
      throw new DbopsError('PERMISSION_DENIED', `min-oplog-window is set, but this user may not read local.oplog.rs`, {
        cause: error,
        hint: "grant the user the clusterMonitor role, or remove min-oplog-window from the policy's defaults",
      });
    throw error;
  }
}
