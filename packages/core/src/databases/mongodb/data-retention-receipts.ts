/**
 * The receipts' second home on MongoDB, as PostgreSQL's dbops_retention_receipts table is there: a collection dbops
 * owns in the database-url's database, one document per receipt keyed by its SHA-256, so the proof of a deletion
 * sits next to the data it concerns. The storage copy (receipts-to) is the chain retention-verify checks. Without
 * receipts-to this collection is the chain: a unique index on `{policy, sequence}` refuses a second receipt of one
 * sequence (two runs that read the same head), and the later run links after the other (recordAfterHead).
 */
import { type MongoClient, MongoServerError } from 'mongodb';
import type { ChainedReceipt, ChainHead } from '../../data-retention/receipt.js';
import { DbopsError } from '../../errors.js';

export const RECEIPT_COLLECTION = 'dbops_retention_receipts';
const DUPLICATE_KEY = 11000;
const CHAIN_INDEX = 'dbops_chain_sequence';

interface ReceiptDocument {
  /** The receipt's SHA-256: one document per receipt. */
  _id: string;
  policy: string;
  sequence: number;
  previousSha256: string | null;
  receipt: ChainedReceipt;
  recordedAt: Date;
}

/** Returns where the receipt went: database.collection. */
export async function recordReceiptDocument(
  client: MongoClient,
  database: string,
  receipt: ChainedReceipt,
): Promise<string> {
  const where = `${database}.${RECEIPT_COLLECTION}`;
  await ensureChainIndex(client, database);
  try {
    await client.db(database).collection<ReceiptDocument>(RECEIPT_COLLECTION).insertOne({
      _id: receipt.sha256,
      policy: receipt.policy,
      sequence: receipt.sequence,
      previousSha256: receipt.previousSha256,
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

/**
 * The unique index that keeps the chain from forking; created before an erasure starts (receiptCollectionHead), so a
 * collection that already holds a fork stops it before anything is deleted.
 */
async function ensureChainIndex(client: MongoClient, database: string): Promise<void> {
  const receipts = client.db(database).collection(RECEIPT_COLLECTION);
  try {
    await receipts.createIndex({ policy: 1, sequence: 1 }, { unique: true, name: CHAIN_INDEX });
  } catch (error) {
    // Told by looking, not by the code: FerretDB fails such an index with its own.
    const [fork] = await receipts
      .aggregate([
        { $group: { _id: { policy: '$policy', sequence: '$sequence' }, n: { $sum: 1 } } },
        { $match: { n: { $gt: 1 } } },
        { $limit: 1 },
      ])
      .toArray();
    if (!fork) throw error;
    throw new DbopsError(
      'INTEGRITY_FAILED',
      `${database}.${RECEIPT_COLLECTION} holds two receipts of one sequence of a chain (two runs linked after the same head before dbops prevented it): receipt ${fork._id.sequence} of '${fork._id.policy}'`,
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
