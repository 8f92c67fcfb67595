/**
 * dbops's leases in a MongoDB database. MongoDB has no advisory lock, so a run that must be the only one at work on
 * something (a retention rule's collection, an index being rebuilt) holds a lease: a document in the database's
 * `dbops_leases` collection, `_id` what it covers (e.g. "retention:events"), with who holds it (a run id, host and
 * process), since when and until when. A live lease of another run is respected; one that has lapsed (its run was
 * killed: the lease ends by itself) or whose holder was a process of this machine that is gone is taken over. The
 * times are the holders' clocks, which must agree to within the margin each user allows.
 */
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Db, MongoServerError } from 'mongodb';
import { DbopsError } from '../../errors.js';

export const LEASE_COLLECTION = 'dbops_leases';
const DUPLICATE_KEY = 11000;
const UNAUTHORIZED = 13;

/** Who holds a lease, for the message of the run that leaves the work to it. */
export interface LeaseHolder {
  /** The holding run's id. */
  holder: string;
  host: string;
  pid: number;
  /**
   * The holder's process ID namespace (Linux: /proc/self/ns/pid). Containers started with the host's network share
   * its name but not its processes: a pid this run cannot see is a dead holder only in the same namespace.
   */
  pidNamespace?: string;
  since: Date;
  until: Date;
}

interface LeaseDocument extends LeaseHolder {
  _id: string;
}

export interface Lease {
  /** Moves its end to `until`; throws CONFLICT when it had lapsed and another run has taken it over. */
  extend(until: Date): Promise<void>;
  /** Gives it back (only this run's; never another's that took it over). */
  release(): Promise<void>;
}

/** Takes the lease `key` for run `holder` until `until`, or says who holds it. */
export async function takeLease(
  db: Db,
  key: string,
  holder: string,
  until: Date,
  maxTimeMS: number,
): Promise<{ lease: Lease } | { heldBy: LeaseHolder }> {
  const leases = db.collection<LeaseDocument>(LEASE_COLLECTION);
  const since = new Date();
  const mine = { holder, host: hostname(), pid: process.pid, ...namespaced(), since, until };
  try {
    // Matches a lease that has lapsed, this run's own, or a dead process's of this machine; else the upsert inserts
    // `key` again, which the unique _id refuses while another run's lease lives.
    const current = await leases.findOne({ _id: key }, { maxTimeMS });
    await leases.updateOne(
      { _id: key, $or: [{ until: { $lte: since } }, { holder }, ...deadHolder(current)] },
      { $set: mine },
      { upsert: true, maxTimeMS },
    );
  } catch (error) {
    if (error instanceof MongoServerError && error.code === UNAUTHORIZED)
      throw new DbopsError(
        'PERMISSION_DENIED',
        `This user may not write dbops's leases (${db.databaseName}.${LEASE_COLLECTION}: ${error.message}), which mark what a run is working on`,
        {
          cause: error,
          hint: `Grant it find, insert, update and remove on ${db.databaseName}.${LEASE_COLLECTION} (readWrite).`,
        },
      );
    if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
    const held = await leases.findOne({ _id: key }, { maxTimeMS });
    // Given back between the two reads: the next run takes it; this one leaves the work rather than loop.
    return { heldBy: held ?? { holder: 'a run that has just ended', host: '?', pid: 0, since, until: since } };
  }
  return {
    lease: {
      async extend(to) {
        const { matchedCount } = await leases.updateOne({ _id: key, holder }, { $set: { until: to } }, { maxTimeMS });
        if (matchedCount === 0)
          throw new DbopsError(
            'CONFLICT',
            `The lease of run ${holder} on ${db.databaseName} (${key}) lapsed and another run has taken it over`,
            {
              hint: "The work took longer than the lease, or this machine's clock is behind: this run stops; the other run goes on with it.",
            },
          );
      },
      async release() {
        await leases.deleteOne({ _id: key, holder }, { maxTimeMS });
      },
    },
  };
}

/** The live leases whose key starts with `prefix`, by key. */
export async function readLeases(
  db: Db,
  prefix: string,
  now: Date,
  maxTimeMS: number,
): Promise<Map<string, LeaseHolder>> {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const docs = await db
    .collection<LeaseDocument>(LEASE_COLLECTION)
    .find({ _id: { $regex: `^${escaped}` }, until: { $gt: now } }, { maxTimeMS })
    .toArray();
  return new Map(docs.map(({ _id, ...held }) => [_id, held]));
}

/** "run R on host (pid N) since T, until U", for the messages of runs that leave the work to it. */
export function describeHolder(held: LeaseHolder): string {
  return `run ${held.holder} on ${held.host} (pid ${held.pid}) since ${held.since.toISOString()}, until ${held.until.toISOString()} unless it renews it`;
}

/**
 * The lease as a filter, when a process of this machine (same name and process namespace) held it and is gone: it
 * can be taken over now. A lease that names no namespace (another system, or dbops before it recorded one) lapses.
 */
function deadHolder(lease: LeaseDocument | null): Partial<LeaseDocument>[] {
  const ours = namespaced().pidNamespace;
  if (!lease || lease.host !== hostname() || lease.pidNamespace === undefined || lease.pidNamespace !== ours) return [];
  if (lease.pid === process.pid || processExists(lease.pid)) return [];
  // The filter names the dead holder: if another run takes the lease over first, this one no longer matches.
  return [{ holder: lease.holder, host: lease.host, pid: lease.pid, pidNamespace: lease.pidNamespace }];
}

/** This process's ID namespace, where the system has them (Linux); read once. */
let pidNamespace: { pidNamespace?: string } | undefined;
function namespaced(): { pidNamespace?: string } {
  if (pidNamespace) return pidNamespace;
  try {
    pidNamespace = { pidNamespace: readlinkSync('/proc/self/ns/pid') };
  } catch {
    pidNamespace = {};
  }
  return pidNamespace;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
