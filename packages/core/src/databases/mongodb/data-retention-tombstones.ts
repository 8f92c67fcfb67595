/**
 * Tombstones of documents a MongoDB soft-delete rule erased (`then: erase`) or `subject erase` deleted, as
 * PostgreSQL's (data-retention/tombstones.ts): each erased `_id` kept as SHA-256 of
 * `ejson \n salt \n database.collection \n key`, the key the `_id`'s canonical Extended JSON (idKey: the number 42
 * and the string '42' are two keys), never the `_id` itself, with the time of the erasure. They live in the rule's
 * own database, so a backup of it carries them: the collection `dbops_retention_tombstones` (`_id` the hash, which
 * already names the collection; `database`, `collection`, `key_form: 'ejson'`, `erased_at`, `completed_at`,
 * `erased_by`), the salt in `dbops_retention_salt` (one document, random per database).
 *
 * Tombstones written before `key_form` (dbops until this form) hash `salt \n database.collection \n text`, the text
 * as holds write an `_id` (keyText: 42 and '42' alike). They stay where they are and are still matched, by that form
 * (legacyHash): a document matching one may be either of two `_id`s that share a text, as it always was. The two
 * forms cannot give one hash: only the new one starts with `ejson`, never a salt's hex.
 *
 * MongoDB has no transaction to write them in with the delete. They are written before it (`erased_at`,
 * `completed_at: null`), taken back for the documents the delete left (changed or put under a hold meanwhile), and
 * completed once the delete has returned (`completed_at`): never an erased document without its tombstone. A backup
 * that read the collection before `completed_at` may hold the document rightly (restore-test's check compares the
 * two: tombstone-check.ts), so the time that counts is the completion, not `erased_at`. A crash in between leaves
 * tombstones with `completed_at: null`; the next run of the rule finishes them (`finishUnfinished`) before its
 * batches. Tombstones written before dbops recorded completions have no `completed_at` at all: they count as
 * completed at `erased_at`, as they always did.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation, MongoClient, UpdateFilter } from 'mongodb';
import { tombstoneHash } from '../../data-retention/tombstones.js';
import { DbopsError } from '../../errors.js';
import { idIn, idKey, keyText, purgeableFilter } from './data-retention-filter.js';
import type { CollectionName } from '../../data-retention/policy.js';
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
  // A document without its salt would hash every tombstone and receipt with no key: refuse before anything changes.
  if (typeof found?.salt !== 'string' || found.salt === '')
    throw new DbopsError('INTEGRITY_FAILED', `${database}.${SALT_COLLECTION} holds a 'salt' document without a salt`, {
      hint: 'Put back the salt from a backup of the database; without it tombstones no longer match what they record.',
    });
  return found.salt;
}

/** The hash input form of tombstones written now; absent from older ones (legacyHash). */
export const KEY_FORM = 'ejson';

/** A tombstone's `_id`: the salted hash of the `_id`'s canonical Extended JSON. */
export function tombstoneId(salt: string, { database, name }: CollectionName, id: unknown): string {
  return createHash('sha256')
    .update(`${KEY_FORM}\n${salt}\n${database}.${name}\n${idKey(id)}`, 'utf8')
    .digest('hex');
}

/** The `_id` of a tombstone written before `key_form`, for the same document (shared by 42 and '42'). */
export function legacyHash(salt: string, { database, name }: CollectionName, id: unknown): string {
  return tombstoneHash(salt, database, name, keyText(id));
}

/** One tombstone document: `_id` is the key's salted hash. */
export interface Tombstone {
  _id: string;
  database: string;
  collection: string;
  /** How `_id` was hashed: KEY_FORM; absent from tombstones written before it (legacyHash). */
  key_form?: string;
  /** When the delete started: the tombstone is written just before it. */
  erased_at: Date;
  /** When the delete had returned; null while it runs or when the run crashed; absent from older tombstones. */
  completed_at?: Date | null;
  erased_by: string;
  /**
   * While a document whose `_id` an earlier erasure completed is being erased again (an `_id` used again): that
   * erasure's fields, put back if this delete leaves the document (takeBack), dropped once it completes.
   */
  previous?: Pick<Tombstone, 'erased_at' | 'completed_at' | 'erased_by' | 'key_form'>;
}

/** The tombstones of one collection's erased documents, whoever erases them (`erased_by`). */
export interface TombstoneWriter {
  /** Records the documents of these `_id`s as being erased now (not yet completed); returns their hashes. */
  record(ids: unknown[]): Promise<string[]>;
  /**
   * Removes the unfinished tombstones (`completed_at: null`) of `_id`s the delete left in the collection: those just
   * recorded, and an older-form one a crash left (a completed older one records an earlier erasure and stays). One
   * that recorded over an earlier completed erasure of the same `_id` gets that erasure's fields back (`previous`).
   */
  takeBack(ids: unknown[]): Promise<void>;
  /** Marks the tombstones of `_id`s the delete removed as completed now, after it returned. */
  complete(ids: unknown[]): Promise<void>;
  /**
   * The tombstones an earlier run left unfinished (`completed_at: null`: it stopped between tombstone and delete, or
   * between delete and completion): those whose document is gone are completed now (a later time than the delete's
   * own, so a backup that holds the document is never judged wrongly); returns how many, and the `_id`s of the
   * documents still there, whose tombstones stay unfinished. Reads every `_id` of the collection, but only when there
   * are unfinished tombstones.
   */
  completeGone(): Promise<{ completed: number; present: unknown[] }>;
}

export interface CollectionTombstones extends Omit<TombstoneWriter, 'completeGone'> {
  /**
   * completeGone, then of the documents still there: those still expired keep their tombstones, for this run's
   * batches to erase; those no longer expired (changed, held) are taken back.
   */
  finishUnfinished(readHeld: () => Promise<unknown[]>): Promise<{ completed: number; takenBack: number }>;
}

/** A soft-delete rule's tombstones (`erased_by: retention-purge:<rule>`). */
export async function collectionTombstones(
  client: MongoClient,
  target: CollectionTarget,
  maxTimeMS: number,
): Promise<CollectionTombstones> {
  const { completeGone, ...writer } = await tombstoneWriter(
    client,
    target.collection,
    `retention-purge:${target.rule}`,
    maxTimeMS,
  );
  return {
    ...writer,
    async finishUnfinished(readHeld) {
      const { completed, present } = await completeGone();
      if (present.length === 0) return { completed, takenBack: 0 };
      const collection = client.db(target.collection.database).collection(target.collection.name);
      const expired = new Set(
        (
          await collection
            .find(
              { $and: [idIn(present), purgeableFilter(target, await readHeld())] },
              { projection: { _id: 1 }, maxTimeMS },
            )
            .toArray()
        ).map((d) => idKey(d._id)),
      );
      const kept = present.filter((id) => !expired.has(idKey(id)));
      await writer.takeBack(kept);
      return { completed, takenBack: kept.length };
    },
  };
}

/** Tombstones of `collection`'s documents, written as `erasedBy` (`subject-erase`, `retention-purge:<rule>`). */
export async function tombstoneWriter(
  client: MongoClient,
  { database, name }: CollectionName,
  erasedBy: string,
  maxTimeMS: number,
): Promise<TombstoneWriter> {
  const salt = await ensureSalt(client, database, maxTimeMS);
  const tombstones = client.db(database).collection<Tombstone>(TOMBSTONE_COLLECTION);
  const hash = (id: unknown) => tombstoneId(salt, { database, name }, id);
  return {
    async record(ids) {
      if (ids.length === 0) return [];
      const erasedAt = new Date();
      const hashes = [...new Set(ids.map(hash))];
      // An earlier erasure of the same `_id` that completed is kept aside: should this delete leave the document,
      // takeBack puts it back rather than lose it.
      const earlier = new Map(
        (await tombstones.find({ _id: { $in: hashes } }, { maxTimeMS }).toArray())
          .filter((t) => t.completed_at !== null)
          .map((t) => [t._id, previousOf(t)]),
      );
      // A key erased again keeps its latest time, as PostgreSQL's.
      const writes: AnyBulkWriteOperation<Tombstone>[] = hashes.map((h) => ({
        updateOne: {
          filter: { _id: h },
          update: {
            $set: {
              database,
              collection: name,
              key_form: KEY_FORM,
              erased_at: erasedAt,
              completed_at: null,
              erased_by: erasedBy,
              ...(earlier.has(h) ? { previous: earlier.get(h)! } : {}),
            },
          },
          upsert: true,
        },
      }));
      await tombstones.bulkWrite(writes, { ordered: false, maxTimeMS });
      return ids.map(hash);
    },
    async takeBack(ids) {
      if (ids.length === 0) return;
      const hashes = [...ids.map(hash), ...ids.map((id) => legacyHash(salt, { database, name }, id))];
      const unfinished = { _id: { $in: hashes }, completed_at: { $type: 'null' as const } };
      const restore = (await tombstones.find(unfinished, { maxTimeMS }).toArray()).filter((t) => t.previous);
      if (restore.length > 0)
        await tombstones.bulkWrite(
          restore.map((t) => ({
            updateOne: { filter: { _id: t._id, completed_at: { $type: 'null' } }, update: restored(t.previous!) },
          })),
          { ordered: false, maxTimeMS },
        );
      await tombstones.deleteMany({ ...unfinished, previous: { $exists: false } }, { maxTimeMS });
    },
    async complete(ids) {
      if (ids.length === 0) return;
      await tombstones.updateMany(
        { _id: { $in: ids.map(hash) } },
        { $set: { completed_at: new Date() }, $unset: { previous: '' } },
        { maxTimeMS },
      );
    },
    async completeGone() {
      // Only an explicit null: older tombstones have no completed_at at all, and their deletes are long done.
      const unfinished = await tombstones
        .find(
          { database, collection: name, completed_at: { $type: 'null' } },
          { projection: { _id: 1, key_form: 1 }, maxTimeMS },
        )
        .toArray();
      if (unfinished.length === 0) return { completed: 0, present: [] };
      const hashes = new Set(unfinished.map((t) => t._id));
      // An older-form one (a crash before this form) is matched by its own hash, which two documents may share.
      const legacy = unfinished.some((t) => t.key_form === undefined);
      const stillThere = new Set<string>();
      const present: unknown[] = [];
      for await (const { _id } of client
        .db(database)
        .collection(name)
        .find({}, { projection: { _id: 1 }, maxTimeMS })) {
        const own = [hash(_id), ...(legacy ? [legacyHash(salt, { database, name }, _id)] : [])].filter((h) =>
          hashes.has(h),
        );
        if (own.length === 0) continue;
        for (const h of own) stillThere.add(h);
        present.push(_id);
      }
      // The others have no document any more: their delete ran.
      const gone = [...hashes].filter((h) => !stillThere.has(h));
      if (gone.length > 0)
        await tombstones.updateMany(
          { _id: { $in: gone } },
          { $set: { completed_at: new Date() }, $unset: { previous: '' } },
          { maxTimeMS },
        );
      return { completed: gone.length, present };
    },
  };
}

/** The fields of a completed erasure, kept while the same `_id` is erased again. */
function previousOf(t: Tombstone): NonNullable<Tombstone['previous']> {
  return {
    erased_at: t.erased_at,
    erased_by: t.erased_by,
    ...(t.completed_at === undefined ? {} : { completed_at: t.completed_at }),
    ...(t.key_form === undefined ? {} : { key_form: t.key_form }),
  };
}

/** The update that puts a kept erasure back as it was: what it lacked (an older tombstone's) is removed again. */
function restored(previous: NonNullable<Tombstone['previous']>): UpdateFilter<Tombstone> {
  const absent = (['completed_at', 'key_form'] as const).filter((field) => previous[field] === undefined);
  return {
    $set: previous,
    $unset: Object.fromEntries([['previous', ''], ...absent.map((field) => [field, ''])]),
  };
}
