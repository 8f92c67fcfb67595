/**
 * The receipts' second home on MongoDB, as PostgreSQL's dbops_retention_receipts table is there: a collection dbops
 * owns in the database-url's database, one document per receipt keyed by its SHA-256, so the proof of a deletion
 * sits next to the data it concerns. The storage copy (receipts-to) is the chain retention-verify checks.
 */
import type { MongoClient } from 'mongodb';
import type { ChainedReceipt, ChainHead } from '../../data-retention/receipt.js';

export const RECEIPT_COLLECTION = 'dbops_retention_receipts';

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
  await client.db(database).collection<ReceiptDocument>(RECEIPT_COLLECTION).insertOne({
    _id: receipt.sha256,
    policy: receipt.policy,
    sequence: receipt.sequence,
    previousSha256: receipt.previousSha256,
    receipt,
    recordedAt: new Date(),
  });
  return `${database}.${RECEIPT_COLLECTION}`;
}

/** The chain's last link as the receipts collection holds it, for a run without receipts-to; undefined when none. */
export async function receiptCollectionHead(
  client: MongoClient,
  database: string,
  policy: string,
): Promise<ChainHead | undefined> {
  const [last] = await client
    .db(database)
    .collection<ReceiptDocument>(RECEIPT_COLLECTION)
    .find({ policy }, { sort: { sequence: -1 }, limit: 1, projection: { _id: 1, sequence: 1 } })
    .toArray();
  return last ? { sequence: last.sequence, sha256: last._id } : undefined;
}
