/// <reference path="./raw-insert-driver.d.ts" />
import type { Db, Document } from 'mongodb';
// The driver's OP_MSG document sequence (kind 1 section): documents that go on the wire as the bytes given. The
// public API serializes JavaScript objects, which would reorder integer-like keys and lose duplicate ones; the
// archive's bytes must reach the server unchanged. Internal to the driver (declared in raw-insert-driver.d.ts), so
// a driver upgrade that moves it fails the build or mongo-restore.test.ts, never a restore silently.
import { DocumentSequence } from 'mongodb/lib/cmap/commands.js';
import { DbopsError } from '../../errors.js';

/** The server's duplicate key error. */
const DUPLICATE_KEY = 11000;

/** What one insert did: the documents inserted, and those skipped as a second copy of an _id already there. */
export interface RawInsertResult {
  inserted: number;
  duplicateIds: number;
}

interface WriteError {
  index?: number;
  code?: number;
  errmsg?: string;
  keyPattern?: Document;
}

/**
 * Inserts documents given as raw BSON into `collection` as one insert command. Validation is bypassed: the documents
 * are what the collection held, which a validator added later may not accept. A document whose _id is already there
 * is skipped and counted, as mongorestore does: a dump reads a collection in natural order without a snapshot, so a
 * document deleted and inserted again with the same _id while it is read can be in the archive twice (the first
 * copy stays). Unordered, so the rest of the batch still goes in; any other write error fails the restore.
 */
export async function insertRawDocuments(
  db: Db,
  collection: string,
  documents: Uint8Array[],
): Promise<RawInsertResult> {
  if (documents.length === 0) return { inserted: 0, duplicateIds: 0 };
  const sequence = new DocumentSequence('documents');
  for (const bson of documents) sequence.push({}, bson);
  const reply: Document = await db.command({
    insert: collection,
    documents: sequence,
    ordered: false,
    bypassDocumentValidation: true,
  });
  const errors = (reply.writeErrors as WriteError[] | undefined) ?? [];
  const inserted = Number(reply.n ?? 0);
  const failed = errors.filter((e) => !isDuplicateId(e));
  const duplicateIds = errors.length - failed.length;
  if (failed.length > 0 || inserted + duplicateIds !== documents.length) {
    const first = failed[0];
    throw new DbopsError(
      'RESTORE_FAILED',
      `Inserting into ${db.databaseName}.${collection} failed: ${inserted} of ${documents.length} documents of a batch inserted${first ? ` (document ${first.index}: ${first.errmsg})` : ''}`,
      { hint: 'Restore into an empty database (the server refused a document the backup holds).' },
    );
  }
  return { inserted, duplicateIds };
}

/**
 * A duplicate key error on the _id index. The restore builds every other index once the data is in, so _id's is
 * the only unique one while documents are inserted; where the server names the key (MongoDB: keyPattern, and the
 * index in its message) it is checked all the same. FerretDB names neither ("E11000 duplicate key error collection: db.c").
 */
function isDuplicateId(error: WriteError): boolean {
  if (error.code !== DUPLICATE_KEY) return false;
  if (error.keyPattern) return Object.keys(error.keyPattern).join() === '_id';
  const index = / index: (\S+)/.exec(error.errmsg ?? '')?.[1];
  return index === undefined || index === '_id_';
}
