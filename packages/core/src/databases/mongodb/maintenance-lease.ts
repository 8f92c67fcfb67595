// The mark a MongoDB index rebuild (or the cleanup of its stand-in) holds while it works: a lease (lease.ts) in the
// maintained database, one per index ("index:[collection,index]"), with an expiry. MongoDB has no advisory lock, and
// currentOp shows a command only while it runs: between the rebuild's four commands (the stand-in built, the
// original not dropped yet) nothing is in progress, yet the stand-in is in use; currentOp also lists other users'
// operations only with the inprog privilege, and FerretDB answers it with an empty list. The lease covers the whole
// rebuild. Its expiry is the step's deadline (every command of the step runs under maxTimeMS no later than it, so
// the server has stopped them by then) plus a margin for clocks: a run killed mid-rebuild leaves a lease that
// lapses by itself, and the next run after it cleans the stand-in up.
//
// The lease also carries the original index's spec, recorded before the rebuild drops it: a stand-in cannot carry
// a TTL (expireAfterSeconds is for single-field indexes), so after a kill between the drop and the build the next
// run builds the index again from the recorded spec, not from the stand-in alone (maintenance-leftovers.ts). A
// lease with a recorded spec that ends in a failure is left lapsed, not removed, so that the spec stays for it.
//
// The spec is stored as an Extended JSON string (canonical; read back relaxed, numbers as the driver gave them to
// listIndexes' reader), not as a document: an index on a nested field has a key such as "profile.email", which FerretDB refuses
// in a stored document, and MongoDB before 5.0 refuses the $-prefixed operators of a partialFilterExpression.
import { randomUUID } from 'node:crypto';
import { BSON, type Db, type Document, MongoServerError } from 'mongodb';
import { LEASE_COLLECTION, type LeaseHolder, readLeases, takeLease } from './lease.js';

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

/** What the work under an index's lease records there for the run after it, should it be killed. */
export interface IndexLeaseRecord {
  /** The original index's spec (createIndexes form), before anything drops it. */
  recordSpec(spec: Document): Promise<void>;
}

/**
 * A failure after which none of the step's commands runs any more on the server: it answered (the error, or what
 * it wraps, is the server's), or the step found the index not as planned before it changed anything.
 */
export class IndexStepRefused extends Error {}

/**
 * Runs `work` holding the lease on `index` of `collection` until `timeoutMs` from now (plus the clocks' margin);
 * refuses (IndexBusy) when another run holds it. A lapsed lease (its run killed) is taken over. The lease is
 * given back when `work` ends, or fails with the server's answer (then left lapsed when it holds a recorded spec).
 */
export async function withIndexLease<T>(
  db: Db,
  collection: string,
  index: string,
  object: string,
  timeoutMs: number,
  work: (lease: IndexLeaseRecord) => Promise<T>,
): Promise<T> {
  const until = new Date(Date.now() + timeoutMs + CLOCK_MARGIN_MS);
  const maxTimeMS = Math.max(1, Math.round(timeoutMs));
  const key = leaseKey(collection, index);
  const holder = randomUUID();
  const taken = await takeLease(db, key, holder, until, maxTimeMS);
  if ('heldBy' in taken) throw new IndexBusy(object, index, taken.heldBy);
  const leases = db.collection<{ _id: string }>(LEASE_COLLECTION);
  let recorded = false;
  const record: IndexLeaseRecord = {
    async recordSpec(spec) {
      await leases.updateOne(
        { _id: key, holder },
        { $set: { spec: BSON.EJSON.stringify(spec, { relaxed: false }) } },
        { maxTimeMS },
      );
      recorded = true;
    },
  };
  // Either way it is no longer held; else it lapses at `until`.
  const release = () => taken.lease.release().catch(() => undefined);
  const lapse = () => taken.lease.extend(new Date(0)).catch(() => undefined);
  let result: T;
  try {
    result = await work(record);
  } catch (error) {
    // Otherwise (connection lost, run cancelled) an index build may still be running there: the lease stays until
    // it lapses.
    if (answered(error)) await (recorded ? lapse() : release());
    throw error;
  }
  await release();
  return result;
}

const answered = (error: unknown) =>
  error instanceof MongoServerError ||
  (error as { cause?: unknown }).cause instanceof MongoServerError ||
  error instanceof IndexStepRefused;

/** The index specs interrupted rebuilds recorded in their leases, lapsed or not, by lease key (leaseKey). */
export async function recordedIndexSpecs(db: Db, maxTimeMS: number): Promise<Map<string, Document>> {
  const docs = await db
    .collection<{ _id: string; spec?: Document | string }>(LEASE_COLLECTION)
    .find({ _id: { $regex: `^${PREFIX}` }, spec: { $exists: true } }, { projection: { spec: 1 }, maxTimeMS })
    .toArray();
  return new Map(docs.map((d) => [d._id, specOf(d.spec!)]));
}

/** A recorded spec: an EJSON string, or a document as runs before the string form recorded it. */
const specOf = (spec: Document | string): Document =>
  typeof spec === 'string' ? (BSON.EJSON.parse(spec) as Document) : spec;
