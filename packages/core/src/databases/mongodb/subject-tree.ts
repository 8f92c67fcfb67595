/**
 * The collections a MongoDB subject's documents are in (docs/retention.md, "MongoDB subjects"): the subject's own,
 * each `dependants` entry of its collection's soft-delete rule, and theirs in turn, to any depth. MongoDB has no
 * foreign keys, so the policy's declarations are the graph; it is walked breadth first, as PostgreSQL's foreign keys
 * are (postgres/subject-graph.ts), into one node per path.
 *
 * A declaration that leads back into a collection already on the path (a cycle: users → orders → users) is named
 * (`notFollowed`) and not followed, rather than refusing the policy or following it. Following it would take the
 * documents of other subjects: the collections on the path hold other people's documents too, which is why the
 * policy reader refuses a rule naming its own collection as a dependant. Refusing the policy would make every
 * subject whose graph reaches the cycle impossible to export or erase, though each rule's declaration makes sense
 * for that rule's own subjects. PostgreSQL treats a foreign key cycle the same way, so both engines agree. A
 * collection reached by two different paths (a diamond) is a node on each: its documents referencing either are the
 * subject's.
 */
import type { MongoClient } from 'mongodb';
import {
  type CollectionName,
  type CollectionSoftDeleteRule,
  collectionText,
  type DataRetentionPolicy,
} from '../../data-retention/policy.js';
import type { NotFollowed } from '../../data-retention/subject-export.js';
import { DbopsError } from '../../errors.js';
import { collectionExists } from './data-retention-target.js';

/** More nodes than a person's documents should be spread over: beyond it, the policy's graph is refused. */
export const MAX_SUBJECT_COLLECTIONS = 200;

export interface MongoSubjectCollection {
  collection: CollectionName;
  /** database.collection, as summaries and receipts name it. */
  namespace: string;
  /** The field holding the `_id` of a document of the parent node (a dependant); undefined for the subject's. */
  field?: string;
  /** The node whose documents this one's documents reference; undefined for the subject's own collection. */
  parent?: number;
  /** 0 for the subject's collection, 1 for its declared dependants, 2 for theirs... */
  depth: number;
}

export interface MongoSubjectTree {
  /** Breadth first, the subject's collection first; within a level in the policy's order. */
  nodes: MongoSubjectCollection[];
  notFollowed: NotFollowed[];
}

/** The soft-delete rule of a collection, if the policy has one: its `dependants` and its `then`. */
export function softDeleteRuleOf(
  policy: DataRetentionPolicy,
  collection: CollectionName,
): CollectionSoftDeleteRule | undefined {
  return policy.data.find(
    (r): r is CollectionSoftDeleteRule =>
      r.kind === 'collection' &&
      'softDelete' in r &&
      r.collection.database === collection.database &&
      r.collection.name === collection.name,
  );
}

/** Throws INVALID_INPUT naming `policy` for a declared collection that does not exist, or a graph too large. */
export async function subjectTree(
  client: MongoClient,
  policy: DataRetentionPolicy,
  root: CollectionName,
): Promise<MongoSubjectTree> {
  const nodes: MongoSubjectCollection[] = [{ collection: root, namespace: collectionText(root), depth: 0 }];
  const notFollowed: NotFollowed[] = [];
  const checked = new Set<string>();
  const rootRule = softDeleteRuleOf(policy, root);
  for (let i = 0; i < nodes.length; i++) {
    const parent = nodes[i]!;
    const rule = softDeleteRuleOf(policy, parent.collection);
    for (const dependant of rule?.dependants ?? []) {
      const namespace = collectionText(dependant.collection);
      if (onPath(nodes, i, namespace)) {
        notFollowed.push({ table: namespace, field: dependant.field, references: parent.namespace });
        continue;
      }
      if (!checked.has(namespace)) {
        if (!(await collectionExists(client, dependant.collection)))
          throw new DbopsError(
            'INVALID_INPUT',
            `Policy line ${dependant.line}: rule '${rule!.name}' declares the dependant collection ${namespace}, which does not exist`,
            {
              input: 'policy',
              hint: 'dependants: - { collection: database.collection, field: the field holding the subject _id }, naming a collection the database has',
            },
          );
        checked.add(namespace);
      }
      if (nodes.length >= MAX_SUBJECT_COLLECTIONS)
        throw new DbopsError(
          'INVALID_INPUT',
          `Policy line ${rootRule!.line}: the dependants of rule '${rootRule!.name}' (${nodes[0]!.namespace}), followed through their collections' rules, lead to more than ${MAX_SUBJECT_COLLECTIONS} collections (counted once per path)`,
          {
            input: 'policy',
            hint: "Declare fewer dependants along the paths from this collection (each rule lists the collections holding its own documents' _id).",
          },
        );
      nodes.push({
        collection: dependant.collection,
        namespace,
        field: dependant.field,
        parent: i,
        depth: parent.depth + 1,
      });
    }
  }
  return { nodes, notFollowed };
}

/** Whether `namespace` is node i or one of its ancestors: following it again would loop. */
function onPath(nodes: MongoSubjectCollection[], i: number, namespace: string): boolean {
  for (let at: number | undefined = i; at !== undefined; at = nodes[at]!.parent)
    if (nodes[at]!.namespace === namespace) return true;
  return false;
}
