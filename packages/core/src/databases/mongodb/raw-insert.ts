/// <reference path="./raw-insert-driver.d.ts" />
import type { Db, Document } from 'mongodb';
// The driver's OP_MSG document sequence (kind 1 section): documents that go on the wire as the bytes given. The
// public API serializes JavaScript objects, which would reorder integer-like keys and lose duplicate ones; the
// archive's bytes must reach the server unchanged. Internal to the driver (declared in raw-insert-driver.d.ts), so
// a driver upgrade that moves it fails the build or mongo-restore.test.ts, never a restore silently.
import { DocumentSequence } from 'mongodb/lib/cmap/commands.js';
import { DbopsError } from '../../errors.js';

/**
 * Inserts documents given as raw BSON into `collection`, in order, as one insert command. Validation is bypassed:
 * the documents are what the collection held, which a validator added later may not accept.
 */
export async function insertRawDocuments(db: Db, collection: string, documents: Uint8Array[]): Promise<void> {
  if (documents.length === 0) return;
  const sequence = new DocumentSequence('documents');
  for (const bson of documents) sequence.push({}, bson);
  const reply: Document = await db.command({
    insert: collection,
    documents: sequence,
    ordered: true,
    bypassDocumentValidation: true,
  });
  const errors = (reply.writeErrors as Array<{ index?: number; errmsg?: string }> | undefined) ?? [];
  const inserted = Number(reply.n ?? 0);
  if (errors.length > 0 || inserted !== documents.length) {
    const first = errors[0];
    throw new DbopsError(
      'RESTORE_FAILED',
      `Inserting into ${db.databaseName}.${collection} failed: ${inserted} of ${documents.length} documents of a batch inserted${first ? ` (document ${first.index}: ${first.errmsg})` : ''}`,
      { hint: 'Restore into an empty database (the server refused a document the backup holds).' },
    );
  }
}
