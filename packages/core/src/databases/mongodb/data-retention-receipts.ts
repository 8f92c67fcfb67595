/**
 * The receipts' second home on MongoDB, as PostgreSQL's dbops_retention_receipts table is there: a collection dbops
 * owns in the database-url's database, one document per receipt keyed by its SHA-256, so the proof of a deletion
 * sits next to the data it concerns. The storage copy (receipts-to) is the chain retention-verify checks. Without
 * receipts-to this collection is the chain: a unique index on `chainSlot` refuses a second receipt of one sequence
 * (two runs that read the same head), and the later run links after the other (recordAfterHead). Only those home
 * inserts claim a slot of their sequence: a copy (retention-purge's, or an erase's with receipts-to) carries the
 * storage chain's sequence, which an erase without receipts-to may have used here too, so a copy's slot is its own
 * SHA-256. FerretDB has no partial or sparse indexes, hence one field every document carries rather than a partial
 * index on `{policy, sequence}`.
 */
import { type MongoClient, MongoServerError } from 'mongodb';
import type { ChainedReceipt, ChainHead } from '../../data-retention/receipt.js';
import { DbopsError } from '../../errors.js';

export const RECEIPT_COLLECTION = 'dbops_retention_receipts';
const DUPLICATE_KEY = 11000;
const CHAIN_INDEX = 'dbops_chain_slot';

interface ReceiptDocument {
  /** The receipt's SHA-256: one document per receipt. */
  _id: string;
  policy: string;
  sequence: number;
  previousSha256: string | null;
  /** `home:<sequence>:<policy>` for a receipt this collection chains, `copy:<sha256>` for a copy (unique index). */
  chainSlot: string;
  receipt: ChainedReceipt;
  recordedAt: Date;
}

/**
 * Returns where the receipt went: database.collection. `home`: this collection is the chain (no receipts-to), and a
 * second receipt of the sequence is refused with ALREADY_EXISTS; otherwise it is a copy and never clashes by sequence.
 */
export async function recordReceiptDocument(
  client: MongoClient,
  database: string,
  receipt: ChainedReceipt,
  home = false,
): Promise<string> {
  const where = `${database}.${RECEIPT_COLLECTION}`;
  if (home) await ensureChainIndex(client, database);
  try {
    await client
      .db(database)
      .collection<ReceiptDocument>(RECEIPT_COLLECTION)
      .insertOne({
        _id: receipt.sha256,
        policy: receipt.policy,
        sequence: receipt.sequence,
        previousSha256: receipt.previousSha256,
        chainSlot: home ? homeSlot(receipt.policy, receipt.sequence) : `copy:${receipt.sha256}`,
        receipt,
        recordedAt: new Date(),
      });
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
    throw new DbopsError(
      'ALREADY_EXISTS',
      `${where} already holds receipt ${receipt.sequence} of '${receipt.policy}': another run recorded after the same head`,
      { cause: error, hint: 'Link the receipt after the chain head as it is now.' },
    );
  }
  return where;
}

function homeSlot(policy: string, sequence: number): string {
  return `home:${sequence}:${policy}`;
}

/**
 * The unique index that keeps the chain from forking; created before an erasure without receipts-to starts
 * (receiptCollectionHead), so a collection that already holds a fork of home receipts stops it before anything is
 * deleted. Documents written before slots existed become copies: they may share a sequence with a purge's copy.
 */
async function ensureChainIndex(client: MongoClient, database: string): Promise<void> {
  const receipts = client.db(database).collection<ReceiptDocument>(RECEIPT_COLLECTION);
  const unslotted = await receipts.find({ chainSlot: { $exists: false } }, { projection: { _id: 1 } }).toArray();
  for (const { _id } of unslotted) await receipts.updateOne({ _id }, { $set: { chainSlot: `copy:${_id}` } });
  try {
    await receipts.createIndex({ chainSlot: 1 }, { unique: true, name: CHAIN_INDEX });
  } catch (error) {
    // Told by looking, not by the code: FerretDB fails such an index with its own.
    const [fork] = await receipts
      .aggregate<{ _id: string }>([
        { $match: { chainSlot: { $regex: '^home:' } } },
        { $group: { _id: '$chainSlot', n: { $sum: 1 } } },
        { $match: { n: { $gt: 1 } } },
        { $limit: 1 },
      ])
      .toArray();
    if (!fork) throw error;
    const [, sequence, policy] = /^home:(\d+):(.*)$/s.exec(fork._id) ?? [];
    throw new DbopsError(
      'INTEGRITY_FAILED',
      `${database}.${RECEIPT_COLLECTION} holds two receipts of one sequence of a chain (two runs linked after the same head before dbops prevented it): receipt ${sequence} of '${policy}'`,
      {
        cause: error,
        hint: 'Nothing was changed. A forked chain needs a person, not a new link: find the two receipts of one policy and sequence, keep both as records elsewhere, and leave one chain in the collection.',
      },
    );
  }
}

/** The chain's last link as the receipts collection holds it, for a run without receipts-to; undefined when none. */
export async function receiptCollectionHead(
  client: MongoClient,
  database: string,
  policy: string,
): Promise<ChainHead | undefined> {
  await ensureChainIndex(client, database);
  const [last] = await client
    .db(database)
    .collection<ReceiptDocument>(RECEIPT_COLLECTION)
    .find({ policy }, { sort: { sequence: -1 }, limit: 1, projection: { _id: 1, sequence: 1 } })
    .toArray();
  return last ? { sequence: last.sequence, sha256: last._id } : undefined;
}
