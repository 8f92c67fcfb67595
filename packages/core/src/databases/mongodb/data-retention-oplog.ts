/** The oplog window as a MongoDB purge with `min-oplog-window` reads it, through its own client (oplog-window.ts). */
import { type Document, type MongoClient, MongoServerError } from 'mongodb';
import { DbopsError } from '../../errors.js';
import { readOplogWindow, type OplogWindow } from './oplog-window.js';

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
