/**
 * The replication lag a MongoDB purge waits on (as PostgreSQL's, data-retention-lag.ts): how far the furthest
 * secondary's last applied operation is behind the primary's, from replSetGetStatus. Deletes fill the oplog that
 * secondaries replay; a purge that outruns them delays reads there and, past the oplog window, forces a resync.
 * A standalone server (FerretDB, a mongod without --replSet) has no secondaries: 0; hello says so without any
 * privilege. On a replica set member, a role without the clusterMonitor privilege cannot read the status: that is an
 * error naming the role (as the oplog window's, data-retention-oplog.ts), never a lag of 0 that would let the purge
 * outrun its secondaries unseen.
 */
import { type Document, type MongoClient, MongoServerError } from 'mongodb';
import { DbopsError } from '../../errors.js';

const NO_REPLICA_SET = new Set([
  59, // CommandNotFound: FerretDB (with --repl-set-name too)
  76, // NoReplicationEnabled: a standalone mongod
]);
const UNAUTHORIZED = 13;

export async function secondaryLagMs(client: MongoClient): Promise<number> {
  const admin = client.db('admin');
  if (typeof (await admin.command({ hello: 1 })).setName !== 'string') return 0;
  try {
    return largestSecondaryLagMs(await admin.command({ replSetGetStatus: 1 }));
  } catch (error) {
    if (!(error instanceof MongoServerError) || typeof error.code !== 'number') throw error;
    if (NO_REPLICA_SET.has(error.code)) return 0;
    if (error.code === UNAUTHORIZED)
      throw new DbopsError('PERMISSION_DENIED', 'the purge waits on replication lag, but this user may not read it', {
        cause: error,
        hint: 'grant the user the clusterMonitor role (replSetGetStatus)',
      });
    throw error;
  }
}

/** The largest lag among SECONDARY members behind the PRIMARY, in ms; 0 without a primary or secondaries. */
export function largestSecondaryLagMs(status: Document): number {
  const members = (status.members ?? []) as Document[];
  const primary = members.find((m) => m.stateStr === 'PRIMARY')?.optimeDate;
  if (!(primary instanceof Date)) return 0;
  let lag = 0;
  for (const member of members)
    if (member.stateStr === 'SECONDARY' && member.optimeDate instanceof Date)
      lag = Math.max(lag, primary.getTime() - member.optimeDate.getTime());
  return lag;
}
