// The mark a MongoDB index rebuild (or the cleanup of its stand-in) holds while it works: a lease (lease.ts) in the
// maintained database, one per index ("index:[collection,index]"), with an expiry. MongoDB has no advisory lock, and
// currentOp shows a command only while it runs: between the rebuild's four commands (the stand-in built, the
// original not dropped yet) nothing is in progress, yet the stand-in is in use; currentOp also lists other users'
// operations only with the inprog privilege, and FerretDB answers it with an empty list. The lease covers the whole
// rebuild. Its expiry is the step's deadline (every command of the step runs under maxTimeMS no later than it, so
// the server has stopped them by then) plus a margin for clocks: a run killed mid-rebuild leaves a lease that
// lapses by itself, and the next run after it cleans the stand-in up.
import { randomUUID } from 'node:crypto';
import { type Db, MongoServerError } from 'mongodb';
import { type LeaseHolder, readLeases, takeLease } from './lease.js';

/** Clocks of two runners (the lease's times are the holder's) may differ by this much. */
const CLOCK_MARGIN_MS = 5 * 60_000;
const PREFIX = 'index:';

/** A lease's key, and its key in indexLeases' answer. */
export const leaseKey = (collection: string, index: string) => `${PREFIX}${JSON.stringify([collection, index])}`;

/** Another run holds the index's lease: it is working on the index (or was killed less than the expiry ago). */
export class IndexBusy extends Error {
  constructor(
    readonly object: string,
    readonly index: string,
    readonly lease: LeaseHolder,
  ) {
    super(`${object} index ${JSON.stringify(index)}: ${leaseHeld(lease)}; left alone`);
  }
}

/** The sentence a busy index is reported with. */
export const leaseHeld = (lease: LeaseHolder) =>
  `a maintenance run in progress (${lease.host} pid ${lease.pid}, since ${lease.since.toISOString()}) holds dbops's lease on it until ${lease.until.toISOString()}`;

/** The index leases not expired at `now`, by collection and index (leaseKey). */
export function indexLeases(db: Db, now: Date, maxTimeMS: number): Promise<Map<string, LeaseHolder>> {
  return readLeases(db, PREFIX, now, maxTimeMS);
}

/**
 * Runs `work` holding the lease on `index` of `collection` until `timeoutMs` from now (plus the clocks' margin);
 * refuses (IndexBusy) when another run holds it. A lapsed lease (its run killed) is taken over. The lease is
 * given back when `work` ends, or fails with the server's answer.
 */
export async function withIndexLease<T>(
  db: Db,
  collection: string,
  index: string,
  object: string,
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const until = new Date(Date.now() + timeoutMs + CLOCK_MARGIN_MS);
  const maxTimeMS = Math.max(1, Math.round(timeoutMs));
  const taken = await takeLease(db, leaseKey(collection, index), randomUUID(), until, maxTimeMS);
  if ('heldBy' in taken) throw new IndexBusy(object, index, taken.heldBy);
  const release = () => taken.lease.release().catch(() => undefined); // else it lapses at `until`
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // The server answered: none of the work's commands runs any more. Otherwise (connection lost, run cancelled) an
    // index build may still be running there: the lease stays until it lapses.
    if (error instanceof MongoServerError) await release();
    throw error;
  }
  await release();
  return result;
}
