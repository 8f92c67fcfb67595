/**
 * The replication lag a MongoDB purge waits on (as PostgreSQL's, data-retention-lag.ts): how far the furthest
 * secondary's last applied operation is behind the primary's, from replSetGetStatus. Deletes fill the oplog that
 * secondaries replay; a purge that outruns them delays reads there and, past the oplog window, forces a resync.
 * A standalone server (FerretDB, a mongod without --replSet) has no secondaries: 0. So is a role without the
 * clusterMonitor privilege, which cannot read the status: the purge then goes on, paced by its own pauses.
 */
import { type Document, type MongoClient, MongoServerError } from 'mongodb';

const NO_REPLICA_SET = new Set([
  59, // CommandNotFound: FerretDB
  76, // NoReplicationEnabled: a standalone mongod
  13, // Unauthorized: the role may not read the status
]);

export async function secondaryLagMs(client: MongoClient): Promise<number> {
  try {
    return largestSecondaryLagMs(await client.db('admin').command({ replSetGetStatus: 1 }));
  } catch (error) {
    if (error instanceof MongoServerError && typeof error.code === 'number' && NO_REPLICA_SET.has(error.code)) return 0;
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
