/**
 * What both subject operations start from on MongoDB (docs/retention.md, "Data subjects"): the subject's collection
 * and document, checked; the collections the policy declares as holding its documents (subject-tree.ts: the
 * soft-delete rules' `dependants`, followed to any depth); the legal holds, read fail-closed; and the subject
 * refused when a hold names it.
 */
import type { MongoClient } from 'mongodb';
import {
  type CollectionName,
  type CollectionSoftDeleteRule,
  collectionText,
  type DataRetentionPolicy,
} from '../../data-retention/policy.js';
import { heldError } from '../../data-retention/subject-held.js';
import { invalidInput } from '../../errors.js';
import { idForms, keyText, readHeldIds } from './data-retention-filter.js';
import { checkHolds, collectionExists, collectionNames, holdNames } from './data-retention-target.js';
import { type MongoSubjectCollection, type MongoSubjectTree, softDeleteRuleOf, subjectTree } from './subject-tree.js';

export interface MongoSubjectScope extends MongoSubjectTree {
  /** The subject's own collection: `nodes[0]`. */
  subject: MongoSubjectCollection;
  /** The subject's `_id` as stored. */
  _id: unknown;
  /** The soft-delete rule of the subject's collection, if the policy has one. */
  rule?: CollectionSoftDeleteRule;
  /** The `_id`s legal holds name in a collection, in every form, read now; a hold source unreadable throws. */
  held(collection: CollectionName): Promise<unknown[]>;
}

const TABLE_FORM = "a collection of the database-url's database, or database.collection, e.g. users or app.users";

/** Throws INVALID_INPUT naming `table`, `id` or `policy`, CHECK_FAILED for a held subject or unreadable holds. */
export async function mongoSubjectScope(
  client: MongoClient,
  database: string,
  policy: DataRetentionPolicy,
  table: string,
  id: string,
  maxTimeMS: number,
): Promise<MongoSubjectScope> {
  const collection = subjectCollection(table, database);
  const namespace = collectionText(collection);
  if (!(await collectionExists(client, collection))) {
    const names = await collectionNames(client, collection.database);
    throw invalidInput(
      'table',
      `names '${table}', which is not a collection of database ${collection.database} (${names.length > 0 ? `collections: ${names.join(', ')}` : 'it has no collections'})`,
      TABLE_FORM,
    );
  }
  // Fail closed before any document is read: hold collections that are not there stop the run.
  const holdSources = await checkHolds(client, policy);
  const held = (of: CollectionName) => readHeldIds(client, { holdSources, holdNames: holdNames(of) }, maxTimeMS);
  const found = await client
    .db(collection.database)
    .collection(collection.name)
    .find({ _id: { $in: idForms(id) } } as object, { projection: { _id: 1 }, limit: 2, maxTimeMS })
    .toArray();
  const idForm = `the _id of one document of ${namespace}: an ObjectId's 24 hex digits, a string or a number`;
  if (found.length === 0) throw invalidInput('id', `'${id}' matches no document of ${namespace}`, idForm);
  if (found.length > 1)
    throw invalidInput(
      'id',
      `'${id}' matches ${found.length} documents of ${namespace} (an _id stored both as text and as a number or ObjectId)`,
      `${idForm}; the two documents have to be told apart by hand`,
    );
  const _id: unknown = found[0]!._id;
  if (heldKeys(await held(collection)).has(keyText(_id))) throw heldError(namespace, id);
  const rule = softDeleteRuleOf(policy, collection);
  const tree = await subjectTree(client, policy, collection);
  return {
    subject: tree.nodes[0]!,
    _id,
    ...(rule ? { rule } : {}),
    ...tree,
    held,
  };
}

/** `--table`: database.collection, or a collection of the URL's database (the first dot splits, as in policies). */
function subjectCollection(table: string, database: string): CollectionName {
  const qualified = /^([^./\s"$]+)\.([^\s$]+)$/.exec(table);
  if (qualified) return { database: qualified[1]!, name: qualified[2]! };
  if (/^[^\s$.][^\s$]*$/.test(table)) return { database, name: table };
  throw invalidInput('table', `is '${table}', which is not a collection name`, TABLE_FORM);
}

/** Held `_id`s as key text (42 and '42' alike), to test documents against. */
export function heldKeys(held: unknown[]): Set<string> {
  return new Set(held.map(keyText));
}
