/**
 * One purge at a time per MongoDB collection. Two runs of a rule at once (a schedule overlapping a manual run) would
 * pick the same documents: both archive them, and the run whose delete finds them gone already counts them in its
 * receipt as its own. PostgreSQL needs no such guard (its delete locks the rows and returns the ones it removed);
 * a MongoDB delete returns only a count. So each run takes a lease on the collection before its batches: a
 * document in `dbops_retention_leases` of the rule's database (`_id` the collection's name, the holder's run id,
 * host and process, and when the lease ends), renewed before every batch and removed when the rule is done. A run
 * that finds a live lease leaves the rule to its holder. A lease whose run died ends by itself: after LEASE_MS,
 * measured by the clocks of the runs' machines (they must agree to within minutes, as NTP keeps them); one held by
 * a process of this machine that no longer exists ends at once (a killed cron run, re-run by hand).
 */
import { hostname } from 'node:os';
import { type MongoClient, MongoServerError } from 'mongodb';
import { DbopsError } from '../../errors.js';
import type { CollectionTarget } from './data-retention-target.js';

export const LEASE_COLLECTION = 'dbops_retention_leases';
/** Longer than any one batch (each command has its maxTimeMS; an archive upload its own retries). */
export const LEASE_MS = 15 * 60_000;

interface LeaseDocument {
  _id: string;
  holder: string;
  host: string;
  pid: number;
  acquired_at: Date;
  expires_at: Date;
}

export interface PurgeLease {
  /** Extends the lease before a batch; throws CONFLICT when another run has taken it over (it had run out). */
  renew(): Promise<void>;
  /** Ends the lease (only this run's). */
  release(): Promise<void>;
}

/** Who holds a collection's lease, for the message of the run that leaves the rule to it. */
export interface LeaseHolder {
  holder: string;
  host: string;
  pid: number;
  since: Date;
  until: Date;
}

export async function takePurgeLease(
  client: MongoClient,
  target: CollectionTarget,
  holder: string,
  maxTimeMS: number,
  leaseMs = LEASE_MS,
): Promise<{ lease: PurgeLease } | { heldBy: LeaseHolder }> {
  const { database, name } = target.collection;
  const leases = client.db(database).collection<LeaseDocument>(LEASE_COLLECTION);
  const now = new Date();
  try {
    // Matches a lease that has ended (or is this run's: a second rule on the collection); else the upsert inserts
    // the collection's _id again, which the unique _id refuses while another run's lease lives.
    await leases.updateOne(
      {
        _id: name,
        $or: [{ expires_at: { $lte: now } }, { holder }, ...deadHolders(await leases.findOne({ _id: name }))],
      },
      {
        $set: { holder, host: hostname(), pid: process.pid, acquired_at: now, expires_at: new Date(+now + leaseMs) },
      },
      { upsert: true, maxTimeMS },
    );
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
    const held = await leases.findOne({ _id: name }, { maxTimeMS });
    // Released between the two reads: the next run takes it; this one leaves the rule rather than loop.
    const at = held ?? { holder: 'a run that has just ended', host: '?', pid: 0, acquired_at: now, expires_at: now };
    return { heldBy: { holder: at.holder, host: at.host, pid: at.pid, since: at.acquired_at, until: at.expires_at } };
  }
  return {
    lease: {
      async renew() {
        const { matchedCount } = await leases.updateOne(
          { _id: name, holder },
          { $set: { expires_at: new Date(Date.now() + leaseMs) } },
          { maxTimeMS },
        );
        if (matchedCount === 0)
          throw new DbopsError(
            'CONFLICT',
            `The lease of run ${holder} on ${database}.${name} ran out and another run has taken it over`,
            {
              hint: `A batch took longer than the lease (${leaseMs / 60_000} min), or this machine's clock is behind: this run stops the rule; the other run goes on with it.`,
            },
          );
      },
      async release() {
        await leases.deleteOne({ _id: name, holder }, { maxTimeMS });
      },
    },
  };
}

/** The lease as its filter, when a process of this machine held it and is gone: it can be taken over now. */
function deadHolders(lease: LeaseDocument | null): Partial<LeaseDocument>[] {
  if (!lease || lease.host !== hostname() || lease.pid === process.pid || processExists(lease.pid)) return [];
  // The filter names the dead holder: if another run takes the lease over first, this one does not match.
  return [{ holder: lease.holder, host: lease.host, pid: lease.pid }];
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

export function describeHolder(held: LeaseHolder): string {
  return `run ${held.holder} on ${held.host} (pid ${held.pid}) has purged it since ${held.since.toISOString()}; its lease ends at ${held.until.toISOString()} unless renewed`;
}
