/**
 * The filters that pick a MongoDB rule's documents, shared by the plan's counts and the purge's batches so both
 * select the same documents, and the legal holds they leave out. Only a BSON date older than the cutoff expires:
 * a missing field, a null or a date stored as a string never does (MongoDB compares across types, so `$lt` alone
 * would not say that; `$type` does).
 */
import { BSON, type Document, type Filter, type MongoClient, ObjectId } from 'mongodb';
import { DbopsError } from '../../errors.js';
import { collectionExists, type CollectionTarget, holdError } from './data-retention-target.js';

export function expiredFilter(target: CollectionTarget, before: Date): Filter<Document> {
  const expired: Filter<Document> = { [target.by]: { $type: 'date', $lt: before } };
  // An anonymized document stays, soft-deleted: it is done once every listed field holds its replacement.
  return target.anonymize ? { $and: [expired, { $nor: [anonymizedFilter(target.anonymize)] }] } : expired;
}

/** Documents whose listed fields all hold their replacements (`null`: the field is null or missing). */
export function anonymizedFilter(fields: Record<string, unknown>): Filter<Document> {
  return { $and: Object.entries(fields).map(([field, value]) => ({ [field]: value })) };
}

/** Documents whose `by` is missing or not a date: never expired, counted so the plan shows them. */
export function withoutTimeFilter(target: CollectionTarget): Filter<Document> {
  return { [target.by]: { $not: { $type: 'date' } } };
}

/** Expired, past a compliance minimum's floor too: what a purge may delete, before holds. */
export function purgeableFilter(target: CollectionTarget, held: unknown[]): Filter<Document> {
  const parts: Filter<Document>[] = [expiredFilter(target, target.effectiveCutoff)];
  if (held.length > 0) parts.push({ _id: { $nin: held } } as Filter<Document>);
  return { $and: parts };
}

/** Documents with one of these `_id`s (of any BSON type, which the driver's ObjectId-only typing does not say). */
export function idIn(ids: unknown[]): Filter<Document> {
  return { _id: { $in: ids } } as Filter<Document>;
}

/**
 * The `_id`s legal holds name for the target's collection, each in every form it may have been written in (a
 * hold's subject_id is often text: '42' matches the number 42 and the string, a 24-digit hex an ObjectId too).
 * Read again for every batch, so a hold added during the run protects; a hold collection gone or unreadable fails
 * the run (fail closed).
 */
export async function readHeldIds(
  client: MongoClient,
  target: Pick<CollectionTarget, 'holdSources' | 'holdNames'>,
  maxTimeMS: number,
): Promise<unknown[]> {
  const ids: unknown[] = [];
  for (const source of target.holdSources) {
    const { database, name } = source.collection;
    try {
      if (!(await collectionExists(client, source.collection))) throw holdError(source, 'does not exist');
      const holds = client
        .db(database)
        .collection(name)
        .find({ subject_table: { $in: target.holdNames } }, { projection: { _id: 0, subject_id: 1 }, maxTimeMS });
      for await (const hold of holds) ids.push(...idForms(hold.subject_id));
    } catch (error) {
      if (error instanceof DbopsError) throw error;
      throw holdError(source, `cannot be read (${(error as Error).message})`, error);
    }
  }
  return ids;
}

/** Every form an id given as text or a value may have been stored in: '42' is also 42, a 24-digit hex an ObjectId. */
export function idForms(id: unknown): unknown[] {
  if (typeof id === 'string') {
    const forms: unknown[] = [id];
    if (/^[0-9a-f]{24}$/i.test(id)) forms.push(new ObjectId(id));
    if (/^-?\d{1,15}$/.test(id)) forms.push(Number(id));
    return forms;
  }
  if (typeof id === 'number') return [id, String(id)];
  if (id instanceof ObjectId) return [id, id.toHexString()];
  return id === undefined || id === null ? [] : [id];
}

/**
 * An `_id` as one text, as a hold's subject_id gives it and as receipts hash it: hex, the string, the number. Loose on
 * purpose (42 and '42' give one text, as a hold names both): never use it to tell documents apart (idKey does).
 */
export function keyText(id: unknown): string {
  if (id instanceof ObjectId) return id.toHexString();
  if (typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint') return String(id);
  return BSON.EJSON.stringify(id as Document, { relaxed: false });
}

/**
 * An `_id` as one text that tells every two distinct `_id`s apart: its canonical Extended JSON, as the driver gives
 * it (42 is `{"$numberInt":"42"}`, '42' is `"42"`, an ObjectId `{"$oid":…}`). Numbers are as the driver promotes
 * them, so an int32, an int64 and a double of one value (one `_id` to MongoDB) give one text; -0 is 0, as there.
 */
export function idKey(id: unknown): string {
  return BSON.EJSON.stringify((Object.is(id, -0) ? 0 : id) as Document, { relaxed: false });
}
