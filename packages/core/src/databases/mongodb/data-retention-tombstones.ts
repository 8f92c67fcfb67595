/**
 * Tombstones of documents a MongoDB soft-delete rule erased (`then: erase`), as PostgreSQL's
 * (data-retention/tombstones.ts): each erased `_id` kept as SHA-256 of `salt \n database.collection \n key` (the key
 * as receipts and holds write it: ObjectId hex, the string, the number), never the `_id` itself, with the time of the
 * erasure. They live in the rule's own database, so a backup of it carries them: the collection
 * `dbops_retention_tombstones` (`_id` the hash, which already names the collection; `database`, `collection`,
 * `erased_at`, `erased_by`), the salt in `dbops_retention_salt` (one document, random per database).
 *
 * MongoDB has no transaction to write them in with the delete. They are written before it, and taken back for the
 * documents the delete left (changed or put under a hold meanwhile): a crash in between leaves a tombstone of a
 * document that is still there and still expired, which the next run erases. Never the other way round, an erased
 * document without its tombstone.
 */
import { randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation, MongoClient } from 'mongodb';
import { tombstoneHash } from '../../data-retention/tombstones.js';
import type { CollectionTarget } from './data-retention-target.js';

export const TOMBSTONE_COLLECTION = 'dbops_retention_tombstones';
export const SALT_COLLECTION = 'dbops_retention_salt';

/** The database's salt, created (random, once) when it has none. */
export async function ensureSalt(client: MongoClient, database: string, maxTimeMS: number): Promise<string> {
  const salts = client.db(database).collection<{ _id: string; salt: string }>(SALT_COLLECTION);
  await salts.updateOne(
    { _id: 'salt' },
    { $setOnInsert: { salt: randomBytes(32).toString('hex') } },
    { upsert: true, maxTimeMS },
  );
  const found = await salts.findOne({ _id: 'salt' }, { maxTimeMS });
  return found!.salt;
}

/** One tombstone document: `_id` is the key's salted hash. */
export interface Tombstone {
  _id: string;
  database: string;
  collection: string;
  erased_at: Date;
  erased_by: string;
}

export interface CollectionTombstones {
  /** Records `keys` as erased now; returns their hashes, for take back. */
  record(keys: string[]): Promise<string[]>;
  /** Removes the tombstones of keys the delete left in the collection. */
  takeBack(keys: string[]): Promise<void>;
}

export async function collectionTombstones(
  client: MongoClient,
  target: CollectionTarget,
  maxTimeMS: number,
): Promise<CollectionTombstones> {
  const { database, name } = target.collection;
  const salt = await ensureSalt(client, database, maxTimeMS);
  const tombstones = client.db(database).collection<Tombstone>(TOMBSTONE_COLLECTION);
  const hash = (key: string) => tombstoneHash(salt, database, name, key);
  const by = `retention-purge:${target.rule}`;
  return {
    async record(keys) {
      if (keys.length === 0) return [];
      const erasedAt = new Date();
      // A key erased again keeps its latest time, as PostgreSQL's.
      const writes: AnyBulkWriteOperation<Tombstone>[] = [...new Set(keys.map(hash))].map((h) => ({
        updateOne: {
          filter: { _id: h },
          update: { $set: { database, collection: name, erased_at: erasedAt, erased_by: by } },
          upsert: true,
        },
      }));
      await tombstones.bulkWrite(writes, { ordered: false, maxTimeMS });
      return keys.map(hash);
    },
    async takeBack(keys) {
      if (keys.length === 0) return;
      await tombstones.deleteMany({ _id: { $in: keys.map(hash) } }, { maxTimeMS });
    },
  };
}
