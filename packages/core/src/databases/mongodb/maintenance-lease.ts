// The mark a MongoDB index rebuild (or the cleanup of its stand-in) holds while it works: a lease document in the
// maintained database's collection __dbops_leases, one per index, with an expiry. MongoDB has no advisory lock, and
// currentOp shows a command only while it runs: between the rebuild's four commands (the stand-in built, the
// original not dropped yet) nothing is in progress, yet the stand-in is in use; currentOp also lists other users'
// operations only with the inprog privilege, and FerretDB answers it with an empty list. The lease covers the whole
// rebuild. Its expiry is the step's deadline (every command of the step runs under maxTimeMS no later than it, so
// the server has stopped them by then) plus a margin for clocks: a run killed mid-rebuild leaves a lease that
// lapses by itself, and the next run after it cleans the stand-in up.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { type Db, MongoServerError } from 'mongodb';

export const LEASE_COLLECTION = '__dbops_leases';
/** Clocks of two runners (the lease's times are the holder's) may differ by this much. */
const CLOCK_MARGIN_MS = 5 * 60_000;
const DUPLICATE_KEY = 11000;
const UNAUTHORIZED = 13;

export interface IndexLease {
  /** Who holds it: host and process id. */
  holder: string;
  since: Date;
  until: Date;
}

interface LeaseDocument extends IndexLease {
  _id: string;
  collection: string;
  index: string;
  token: string;
}

/** A lease's _id, and its key in readLeases' answer. */
export const leaseKey = (collection: string, index: string) => JSON.stringify([collection, index]);

/** Another run holds the index's lease: it is working on the index (or was killed less than the expiry ago). */
export class IndexBusy extends Error {
  constructor(
    readonly object: string,
    readonly index: string,
    readonly lease: IndexLease,
  ) {
    super(`${object} index ${JSON.stringify(index)}: ${leaseHeld(lease)}; left alone`);
  }
}

/** The sentence a busy index is reported with. */
export const leaseHeld = (lease: IndexLease) =>
  `a maintenance run in progress (${lease.holder}, since ${lease.since.toISOString()}) holds dbops's lease on it until ${lease.until.toISOString()}`;

/** The leases not expired at `now`, by collection and index (leaseKey). */
export async function readLeases(db: Db, now: Date, maxTimeMS: number): Promise<Map<string, IndexLease>> {
  const docs = await db
    .collection<LeaseDocument>(LEASE_COLLECTION)
    .find({ until: { $gt: now } }, { maxTimeMS })
    .toArray();
  return new Map(
    docs.map((d) => [leaseKey(d.collection, d.index), { holder: d.holder, since: d.since, until: d.until }]),
  );
}

/**
 * Runs `work` holding the lease on `index` of `collection` until `timeoutMs` from now (plus the clocks' margin);
 * refuses (IndexBusy) when another run holds it. An expired lease (its run killed) is taken over. The lease is
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
  const leases = db.collection<LeaseDocument>(LEASE_COLLECTION);
  const since = new Date();
  const until = new Date(since.getTime() + timeoutMs + CLOCK_MARGIN_MS);
  const _id = leaseKey(collection, index);
  const token = randomUUID();
  const lease = { holder: `${hostname()} pid ${process.pid}`, since, until, token, collection, index };
  const maxTimeMS = Math.max(1, Math.round(timeoutMs));
  try {
    await leases.insertOne({ _id, ...lease }, { maxTimeMS } as never);
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === UNAUTHORIZED)
      throw new Error(
        `this user may not write dbops's leases (${db.databaseName}.${LEASE_COLLECTION}: ${(error as Error).message}), which mark the index as being worked on: grant it find, insert, update and remove on that collection (readWrite)`,
        { cause: error },
      );
    if (code !== DUPLICATE_KEY) throw error;
    const taken = await leases.updateOne({ _id, until: { $lte: since } }, { $set: lease }, { maxTimeMS } as never);
    if (taken.matchedCount === 0) {
      const held = await leases.findOne({ _id }, { maxTimeMS });
      if (held) throw new IndexBusy(object, index, held);
      return withIndexLease(db, collection, index, object, timeoutMs, work); // given back meanwhile
    }
  }
  const release = () => leases.deleteOne({ _id, token }).catch(() => undefined); // else it lapses at `until`
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
