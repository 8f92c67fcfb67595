/**
 * Which documents of each node of a subject's tree (subject-tree.ts) are the subject's, found level by level: the
 * subject's own document by its `_id`; a dependant's, those whose declared field holds the `_id` of one of its
 * parent node's documents, in any form a hold's subject_id matches (42 and '42', an ObjectId and its hex). The
 * parent's `_id`s go ID_BATCH to a query, so a level costs one query per batch of its parent's documents, never one
 * per document, and no query comes near MongoDB's 16 MB limit on a command. The `_id`s found are held in memory.
 */
import type { ClientSession, Document, Filter, MongoClient } from 'mongodb';
import { idForms, keyText } from './data-retention-filter.js';
import type { MongoSubjectScope } from './subject-scope.js';
import type { MongoSubjectCollection } from './subject-tree.js';

/** Parent `_id`s per query (up to three forms each in its `$in`), and `_id`s per delete. */
export const ID_BATCH = 1000;

/** The filters of a node's documents, one per batch of its parent's `_id`s (the subject's own: its `_id`). */
export function* levelFilters(
  scope: Pick<MongoSubjectScope, '_id'>,
  node: MongoSubjectCollection,
  parentIds: unknown[],
): Generator<Filter<Document>> {
  if (node.field === undefined) {
    yield { _id: scope._id } as Filter<Document>;
    return;
  }
  for (const batch of batches(parentIds))
    yield { [node.field]: { $in: batch.flatMap((id) => idForms(keyText(id))) } } as Filter<Document>;
}

/** The `_id`s of a node's documents that match a filter, in `_id` order. */
export async function pickIds(
  client: MongoClient,
  node: MongoSubjectCollection,
  filter: Filter<Document>,
  maxTimeMS: number,
  session?: ClientSession,
): Promise<unknown[]> {
  const found = await client
    .db(node.collection.database)
    .collection(node.collection.name)
    .find(filter, { projection: { _id: 1 }, sort: { _id: 1 }, maxTimeMS, ...(session ? { session } : {}) })
    .toArray();
  return found.map((d) => d._id as unknown);
}

/** The `_id`s of a node's documents, each once (an array field may reference parents of two batches). */
async function nodeIds(
  client: MongoClient,
  scope: MongoSubjectScope,
  node: MongoSubjectCollection,
  parentIds: unknown[],
  maxTimeMS: number,
): Promise<unknown[]> {
  const seen = new Set<string>();
  const ids: unknown[] = [];
  for (const filter of levelFilters(scope, node, parentIds))
    for (const id of await pickIds(client, node, filter, maxTimeMS)) {
      const key = keyText(id);
      if (seen.has(key)) continue;
      seen.add(key);
      ids.push(id);
    }
  return ids;
}

/** Every node's `_id`s (same positions as `scope.nodes`), breadth first from the subject's document. */
export async function treeIds(client: MongoClient, scope: MongoSubjectScope, maxTimeMS: number): Promise<unknown[][]> {
  const ids: unknown[][] = [];
  for (const node of scope.nodes)
    ids.push(await nodeIds(client, scope, node, node.parent === undefined ? [] : ids[node.parent]!, maxTimeMS));
  return ids;
}

/**
 * The `_id`s of node i's documents as they are now, read again from the subject down: an erase asks before each
 * round of a node, so a parent document written since the count (a new order) has its dependants taken too.
 */
export async function idsNow(
  client: MongoClient,
  scope: MongoSubjectScope,
  i: number,
  maxTimeMS: number,
): Promise<unknown[]> {
  const node = scope.nodes[i]!;
  const parentIds = node.parent === undefined ? [] : await idsNow(client, scope, node.parent, maxTimeMS);
  return nodeIds(client, scope, node, parentIds, maxTimeMS);
}

/** A list cut into ID_BATCH-long pieces. */
export function batches<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < list.length; at += ID_BATCH) out.push(list.slice(at, at + ID_BATCH));
  return out;
}
