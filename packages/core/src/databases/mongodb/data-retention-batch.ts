/**
 * One purge batch on a MongoDB collection: the `_id`s of up to `size` expired, unheld documents, oldest `by`
 * first, then one deleteMany of those `_id`s that checks the cutoff and the holds (read again) once more, so a
 * document updated or put under a hold between the two survives. MongoDB has no transaction to roll back a batch in; the delete
 * is one statement, and the result says exactly which documents went. A rule that archives picks the whole
 * documents in the driver's raw mode (each one's BSON as the server sent it) and archives them before the delete:
 * an archive that fails throws before anything is deleted. A soft-delete rule with `then: anonymize` sends one
 * updateMany ($set of its fields) with the same filter instead of the delete; one with `then: erase` writes the
 * picked keys' tombstones before the delete and takes back those of documents it left. Which documents went is told
 * by idKey, never by the looser key text: `_id`s 42 and '42' in one batch are two documents.
 */
import { BSON, type MongoClient } from 'mongodb';
import { anonymizedFilter, idIn, idKey, keyText, purgeableFilter } from './data-retention-filter.js';
import type { CollectionTarget } from './data-retention-target.js';
import type { CollectionTombstones } from './data-retention-tombstones.js';

export interface CollectionBatchOutcome {
  /** Documents the batch picked. */
  found: number;
  /** Documents deleted, or anonymized (the server's count). */
  rows: number;
  /** Each deleted document's `_id` as text, in `by` order (for the receipt's hash; never written out). */
  keys: string[];
}

export async function runCollectionBatch(
  client: MongoClient,
  target: CollectionTarget,
  /** The held `_id`s, read for the pick and again just before the delete (a hold added meanwhile protects too). */
  readHeld: () => Promise<unknown[]>,
  size: number,
  maxTimeMS: number,
  /** Runs between picking and deleting: for tests of a document changed in between; nothing else should use it. */
  beforeDelete?: (ids: unknown[]) => Promise<void>,
  /** Stores the picked documents (raw BSON, `by` order) and their keys; the delete waits for it. */
  archive?: (documents: Buffer[], keys: string[]) => Promise<void>,
  /** A soft-delete rule that erases: the picked keys' tombstones, written before the delete. */
  tombstones?: CollectionTombstones,
): Promise<CollectionBatchOutcome> {
  const collection = client.db(target.collection.database).collection(target.collection.name);
  const picked = await collection
    .find(purgeableFilter(target, await readHeld()), {
      ...(archive ? { raw: true } : { projection: { _id: 1 } }),
      sort: { [target.by]: 1, _id: 1 },
      limit: size,
      maxTimeMS,
    })
    .toArray();
  if (picked.length === 0) return { found: 0, rows: 0, keys: [] };
  // Raw documents are decoded for their _id only; the archive gets the bytes as they came.
  const raw = archive ? (picked as unknown as Buffer[]) : undefined;
  const ids = raw ? raw.map((document) => BSON.deserialize(document)._id as unknown) : picked.map((d) => d._id);
  if (archive && raw) await archive(raw, ids.map(keyText));
  await beforeDelete?.(ids);
  const filter = { $and: [idIn(ids), purgeableFilter(target, await readHeld())] };
  if (target.anonymize) {
    const { modifiedCount } = await collection.updateMany(filter, { $set: target.anonymize }, { maxTimeMS });
    if (modifiedCount === ids.length) return { found: ids.length, rows: modifiedCount, keys: ids.map(keyText) };
    // Which of them were anonymized: the others were changed meanwhile (or held) and stay as they are.
    const done = await collection
      .find({ $and: [idIn(ids), anonymizedFilter(target.anonymize)] }, { projection: { _id: 1 }, maxTimeMS })
      .toArray();
    const changed = new Set(done.map((d) => idKey(d._id)));
    return {
      found: ids.length,
      rows: modifiedCount,
      keys: ids.filter((id) => changed.has(idKey(id))).map(keyText),
    };
  }
  await tombstones?.record(ids);
  const { deletedCount } = await collection.deleteMany(filter, { maxTimeMS });
  if (deletedCount === ids.length) {
    // Only now is the erasure done: a backup that read the collection before this may rightly hold them.
    await tombstones?.complete(ids);
    return { found: ids.length, rows: deletedCount, keys: ids.map(keyText) };
  }
  // Which of them went: those still there were changed meanwhile (or held) and stay, without a tombstone.
  const left = await collection.find(idIn(ids), { projection: { _id: 1 }, maxTimeMS }).toArray();
  const stayed = new Set(left.map((d) => idKey(d._id)));
  await tombstones?.takeBack(left.map((d) => d._id));
  const deleted = ids.filter((id) => !stayed.has(idKey(id)));
  await tombstones?.complete(deleted);
  return { found: ids.length, rows: deletedCount, keys: deleted.map(keyText) };
}
