/**
 * Which documents of each node of a subject's tree (subject-tree.ts) are the subject's, found level by level: the
 * subject's own document by its `_id`; a dependant's, those whose declared field holds the `_id` of one of its
 * parent node's documents, in any form a hold's subject_id matches (42 and '42', an ObjectId and its hex). The
 * parent's `_id`s go ID_BATCH to a query, so a level costs one query per batch of its parent's documents, never one
 * per document, and no query comes near MongoDB's 16 MB limit on a command. The `_id`s found are held in memory,
 * each counted against the rule's limit as it is read (subject-budget.ts).
 */
import type { Document, Filter, MongoClient } from 'mongodb';
import { idForms, idKey } from './data-retention-filter.js';
import type { SubjectBudget } from './subject-budget.js';
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
  // The stored value itself (a UUID, a 16-digit number, a date are not brought back from their text) and the
  // forms a reference may hold it in.
  for (const batch of batches(parentIds))
    yield { [node.field]: { $in: batch.flatMap((id) => idForms(id)) } } as Filter<Document>;
}

/**
 * The `_id`s of a node's documents that match a filter, in `_id` order; `seen` (idKey: 42 and '42' are two) skips
 * those already taken and gets the new ones. Each is counted against `budget` as it arrives, so a subject with too many stops the read.
 */
export async function pickIds(
  client: MongoClient,
  node: MongoSubjectCollection,
  filter: Filter<Document>,
  maxTimeMS: number,
  budget: SubjectBudget,
  seen = new Set<string>(),
): Promise<unknown[]> {
  const ids: unknown[] = [];
  const cursor = client
    .db(node.collection.database)
    .collection(node.collection.name)
    .find(filter, { projection: { _id: 1 }, sort: { _id: 1 }, maxTimeMS });
  for await (const { _id } of cursor) {
    const key = idKey(_id);
    if (seen.has(key)) continue;
    budget.take(node);
    seen.add(key);
    ids.push(_id);
  }
  return ids;
}

/** The `_id`s of a node's documents, each once (an array field may reference parents of two batches). */
async function nodeIds(
  client: MongoClient,
  scope: MongoSubjectScope,
  node: MongoSubjectCollection,
  parentIds: unknown[],
  maxTimeMS: number,
  budget: SubjectBudget,
): Promise<unknown[]> {
  const seen = new Set<string>();
  const ids: unknown[] = [];
  // One push each: a spread of a million arguments would overflow the stack.
  for (const filter of levelFilters(scope, node, parentIds))
    for (const id of await pickIds(client, node, filter, maxTimeMS, budget, seen)) ids.push(id);
  return ids;
}

/** Every node's `_id`s (same positions as `scope.nodes`), breadth first from the subject's document. */
export async function treeIds(
  client: MongoClient,
  scope: MongoSubjectScope,
  maxTimeMS: number,
  budget: SubjectBudget,
): Promise<unknown[][]> {
  const ids: unknown[][] = [];
  for (const node of scope.nodes)
    ids.push(await nodeIds(client, scope, node, node.parent === undefined ? [] : ids[node.parent]!, maxTimeMS, budget));
  return ids;
}

/**
 * The `_id`s of the documents of node i's ancestors as they are now (node index → `_id`s), read again from the subject
 * down: an erase asks before each pass over a node, so a parent document written since the count (a new order) has
 * its dependants taken too, and a hold placed since on any of them stops it. The subject's own is its `_id`, whether
 * its document is still there or not: documents written for it after it was deleted are found too.
 */
export async function lineageNow(
  client: MongoClient,
  scope: MongoSubjectScope,
  i: number,
  maxTimeMS: number,
  budget: SubjectBudget,
): Promise<Map<number, unknown[]>> {
  const path: number[] = [];
  for (let at = scope.nodes[i]!.parent; at !== undefined; at = scope.nodes[at]!.parent) path.unshift(at);
  const lineage = new Map<number, unknown[]>();
  for (const at of path) {
    const node = scope.nodes[at]!;
    lineage.set(
      at,
      node.parent === undefined
        ? [scope._id]
        : await nodeIds(client, scope, node, lineage.get(node.parent)!, maxTimeMS, budget),
    );
  }
  return lineage;
}

/** A list cut into ID_BATCH-long pieces. */
export function batches<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < list.length; at += ID_BATCH) out.push(list.slice(at, at + ID_BATCH));
  return out;
}
