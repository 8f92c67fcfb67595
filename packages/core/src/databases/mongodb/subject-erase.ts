/**
 * GDPR erasure of one subject on MongoDB, as the policy's soft-delete rule for its collection says (`then`): erase
 * deletes the documents of its declared dependants, theirs in turn, deepest first (subject-tree.ts), then the
 * subject's own document; anonymize sets the rule's fields of the subject's document only. Refused, with nothing
 * changed, when a legal hold names the subject or a document the erase would delete, or when the holds cannot be
 * read. A dry run only counts.
 *
 * MongoDB has no transaction across collections without a replica set, so the erase is not all-or-nothing. It is
 * ordered so that every state a crash can leave is safe and the next run finishes it: the subject's document goes
 * last among what was found before it (until then the subject can be named again, and a second run erases what is
 * left), and the dependants are passed over once more from its `_id` after it, for what was written meanwhile; each
 * delete is preceded
 * by its documents' tombstones (`completed_at: null`) and followed by their completion, as retention-purge's
 * batches are (data-retention-tombstones.ts); an applied run first completes the unfinished tombstones of documents
 * already gone in every collection it erases from. Each collection is erased under retention-purge's lease on it
 * (lease.ts): a purge of that collection at the same moment could claim the same documents in its receipt.
 */
import { randomUUID } from 'node:crypto';
import type { Document, Filter, MongoClient } from 'mongodb';
import { collectionText, type DataRetentionPolicy } from '../../data-retention/policy.js';
import { ErasureStopped } from '../../data-retention/erasure-stopped.js';
import type { ErasedTable, SubjectEraseOptions, SubjectEraseResult } from '../../data-retention/subject-erase.js';
import { heldError } from '../../data-retention/subject-held.js';
import { refuseUnderMinimums } from '../../data-retention/subject-minimums.js';
import { asDbopsError, DbopsError, invalidInput } from '../../errors.js';
import { idIn, idKey, keyText } from './data-retention-filter.js';
import { PURGE_LEASE_MS, purgeLeaseKey } from './data-retention-purge.js';
import { subjectKeysHash } from '../../data-retention/subject-keys.js';
import { ensureSalt, type TombstoneWriter, tombstoneWriter } from './data-retention-tombstones.js';
import { describeHolder, takeLease } from './lease.js';
import { SubjectBudget } from './subject-budget.js';
import { batches, levelFilters, lineageNow, pickIds, treeIds } from './subject-levels.js';
import { heldKeys, type MongoSubjectScope, mongoSubjectScope } from './subject-scope.js';

/** Passes over the dependants: more means documents of the subject keep being written meanwhile. */
const MAX_PASSES = 5;

export async function eraseMongoSubject(
  client: MongoClient,
  database: string,
  policy: DataRetentionPolicy,
  options: SubjectEraseOptions,
): Promise<SubjectEraseResult> {
  const startedAt = new Date().toISOString();
  const { id, dryRun } = options;
  const maxTimeMS = options.statementTimeoutMs ?? 60_000;
  const scope = await mongoSubjectScope(client, database, policy, options.table, id, maxTimeMS);
  const { subject, rule } = scope;
  if (!rule) {
    const covered = policy.data.flatMap((r) =>
      r.kind === 'collection' && 'softDelete' in r ? [collectionText(r.collection)] : [],
    );
    throw invalidInput(
      'table',
      `names ${subject.namespace}, which no soft-delete rule of the policy covers`,
      `a collection with a soft-delete rule (collection, soft-delete, grace, then: erase or anonymize)${covered.length ? `: ${covered.join(', ')}` : ''}`,
    );
  }
  const result = (tables: ErasedTable[], tombstones: number): SubjectEraseResult => ({
    rule: rule.name,
    id,
    action: rule.afterGrace.action,
    table: subject.namespace,
    dryRun,
    startedAt,
    finishedAt: new Date().toISOString(),
    tables,
    tombstones,
  });
  const then = rule.afterGrace;
  if (then.action === 'anonymize') {
    if (dryRun) return result([{ table: subject.namespace, action: 'anonymize', rows: 1, keysSha256: '' }], 0);
    // The salt the receipt's hash needs, before the document changes: a salt that cannot be made fails the run with
    // nothing anonymized, not an anonymized subject without a receipt.
    const salt = await ensureSalt(client, subject.collection.database, maxTimeMS);
    // Held meanwhile: checked again just before the update, which also leaves a held document alone.
    const held = await scope.held(subject.collection);
    if (heldKeys(held).has(keyText(scope._id))) throw heldError(subject.namespace, id);
    const { matchedCount } = await client
      .db(subject.collection.database)
      .collection(subject.collection.name)
      .updateOne(
        { $and: [{ _id: scope._id }, { _id: { $nin: held } }] } as Filter<Document>,
        { $set: then.columns },
        { maxTimeMS },
      );
    const keys = matchedCount > 0 ? [keyText(scope._id)] : [];
    return result(
      [{ table: subject.namespace, action: 'anonymize', rows: matchedCount, keysSha256: subjectKeysHash(salt, keys) }],
      0,
    );
  }
  // Every node counted (no more than the rule allows) and checked against the holds before anything is deleted.
  const ids = await treeIds(client, scope, maxTimeMS, new SubjectBudget(scope, id));
  const order = eraseOrder(scope);
  const tables: ErasedTable[] = [];
  for (const i of order) {
    const of = scope.nodes[i]!;
    const keys = heldKeys(await scope.held(of.collection));
    const held = ids[i]!.filter((k) => keys.has(keyText(k))).length;
    if (held > 0)
      throw heldError(subject.namespace, id, `${held} of its dependant documents in ${of.namespace} are held`);
    const parent = of.parent === undefined ? undefined : scope.nodes[of.parent]!;
    tables.push({
      table: of.namespace,
      ...(parent ? { field: of.field!, references: parent.namespace } : {}),
      action: 'delete',
      rows: ids[i]!.length,
      keysSha256: '',
    });
  }
  refuseUnderMinimums(
    policy,
    subject.namespace,
    id,
    order.map((i, at) => ({
      name: { schema: scope.nodes[i]!.collection.database, name: scope.nodes[i]!.collection.name },
      table: scope.nodes[i]!.namespace,
      rows: tables[at]!.rows,
    })),
    'documents',
  );
  if (dryRun) return result(tables, 0);
  // Kept batch by batch, so that a failure says (and its receipt records) what was erased, in the collection it
  // stopped in too.
  const progress: EraseProgress = { subjectErased: false, erased: order.map(() => []) };
  const holder = `subject-erase-${randomUUID()}`;
  const writers = new Map<number, TombstoneWriter>();
  /** Each database's tombstone salt, which keys the receipt's hashes (subject-keys.ts). */
  const salts = new Map<string, string>();
  const keysHash = (at: number, ids: unknown[]) => {
    const { database: of } = scope.nodes[order[at]!]!.collection;
    return subjectKeysHash(salts.get(of)!, ids.map(keyText));
  };
  /** One pass over the node at position `at` of the order, under its lease; returns how many documents it erased. */
  const eraseNode = async (at: number): Promise<number> => {
    const i = order[at]!;
    const of = scope.nodes[i]!;
    const db = client.db(of.collection.database);
    const until = new Date(Date.now() + PURGE_LEASE_MS);
    const taken = await takeLease(db, purgeLeaseKey(of.collection.name), holder, until, maxTimeMS);
    if ('heldBy' in taken)
      throw new DbopsError('CONFLICT', `${of.namespace} is being purged by ${describeHolder(taken.heldBy)}`, {
        hint: 'Erase again once that retention-purge has finished (its lease ends with it).',
      });
    try {
      let writer = writers.get(i);
      if (!writer) {
        writer = await tombstoneWriter(client, of.collection, 'subject-erase', maxTimeMS);
        salts.set(of.collection.database, await ensureSalt(client, of.collection.database, maxTimeMS));
        // An earlier erasure that stopped between a delete and its completion is finished first.
        await writer.completeGone();
        writers.set(i, writer);
      }
      // Renewed before every batch, as a purge's: a large collection may take longer than one lease.
      const renew = () => taken.lease.extend(new Date(Date.now() + PURGE_LEASE_MS));
      const erased = await eraseDocuments(client, scope, id, i, writer, renew, maxTimeMS, options.onBatch, (gone) => {
        for (const one of gone) progress.erased[at]!.push(one);
        if (of.parent === undefined && gone.length > 0) progress.subjectErased = true;
      });
      return erased.length;
    } finally {
      await taken.lease.release().catch(() => undefined);
    }
  };
  const dependants = order.flatMap((_, at) => (at === order.length - 1 ? [] : [at]));
  try {
    // The dependants are passed over again until a pass finds none: a document written for the subject into a
    // collection after its turn (an order once the orders were done) is taken by the next pass. Then the subject's
    // document; then the dependants again, from its `_id`, until a pass finds none: what was written for it up to
    // its delete goes too.
    for (let pass = 1; ; pass++) {
      let found = 0;
      const writing: string[] = [];
      for (const at of dependants) {
        const n = await eraseNode(at);
        found += n;
        if (n > 0) writing.push(scope.nodes[order[at]!]!.namespace);
      }
      if (found > 0 && pass >= MAX_PASSES)
        throw new DbopsError(
          'CHECK_FAILED',
          `documents of ${writing.join(', ')} that belong to the subject kept being written during the erasure (${MAX_PASSES} passes)`,
          { hint: 'Stop what writes them (the application still serves the subject), then erase again.' },
        );
      if (found > 0) continue;
      if (progress.subjectErased) break;
      await eraseNode(order.length - 1);
      // Deleted meanwhile by someone else: its documents were not this erasure's to take.
      if (!progress.subjectErased) break;
    }
  } catch (cause) {
    const failure = asDbopsError(cause);
    const next = progress.subjectErased
      ? "The subject's document is gone, so there is nothing left to run the erase again on; its tombstones record what was erased."
      : 'MongoDB has no transaction across collections here: run the erase again to finish it once the cause is gone.';
    // What was erased, per collection, for the receipt of a stopped erasure.
    const done = progress.erased.flatMap((ids, at) =>
      ids.length === 0 ? [] : [{ ...tables[at]!, rows: ids.length, keysSha256: keysHash(at, ids) }],
    );
    throw new ErasureStopped(
      failure.code,
      `Erasing subject ${id} of ${subject.namespace}: ${failure.message}; ${progress.erased.flat().length} documents were erased before it (each with its tombstone), the subject's document ${progress.subjectErased ? 'among them' : 'was not'}`,
      {
        cause,
        hint: `${failure.hint ? `${failure.hint} ` : ''}${next}`,
        ...(failure.input ? { input: failure.input } : {}),
      },
      result(
        done,
        progress.erased.reduce((n, ids) => n + distinct(ids), 0),
      ),
    );
  }
  for (const [at, ids] of progress.erased.entries()) {
    tables[at]!.rows = ids.length;
    tables[at]!.keysSha256 = keysHash(at, ids);
  }
  return result(
    tables,
    progress.erased.reduce((n, ids) => n + distinct(ids), 0),
  );
}

/**
 * The nodes in the order they are erased: deepest first, so a document is deleted only after every document that
 * references it (a dependant's dependants before it), and the subject's own document last. Within a level, the
 * policy's order.
 */
function eraseOrder(scope: MongoSubjectScope): number[] {
  return scope.nodes.map((_, i) => i).sort((a, b) => scope.nodes[b]!.depth - scope.nodes[a]!.depth || a - b);
}

/**
 * Deletes a node's documents of the subject as they are now, each after its tombstone, ID_BATCH at a time; returns
 * the deleted `_id`s (also given to `erased` batch by batch). A delete matches a document only while it still
 * references the batch's parents. Before every batch the holds are read again: a hold added since the count on one of
 * the batch's documents keeps it and stops the erasure after the batch; one on the subject or on a document above
 * these (an order of the items) stops it before the batch, nothing of it deleted, as PostgreSQL refuses the whole
 * erasure.
 */
async function eraseDocuments(
  client: MongoClient,
  scope: MongoSubjectScope,
  id: string,
  i: number,
  writer: TombstoneWriter,
  renew: () => Promise<void>,
  maxTimeMS: number,
  onBatch: SubjectEraseOptions['onBatch'],
  erased: (gone: unknown[]) => void,
): Promise<unknown[]> {
  const of = scope.nodes[i]!;
  const collection = client.db(of.collection.database).collection(of.collection.name);
  const deleted: unknown[] = [];
  // Read again under the same limit: documents written since the count cannot take the memory either.
  const budget = new SubjectBudget(scope, id);
  const lineage = await lineageNow(client, scope, i, maxTimeMS, budget);
  const parentIds = of.parent === undefined ? [] : lineage.get(of.parent)!;
  for (const filter of levelFilters(scope, of, parentIds)) {
    const picked = await pickIds(client, of, filter, maxTimeMS, budget);
    for (const ids of batches(picked)) {
      await renew();
      // Read before every delete, as a purge's batches do: a hold placed during a long erasure is honoured, and
      // a hold source that can no longer be read stops it.
      await refuseHeldAbove(scope, id, lineage);
      const held = await scope.held(of.collection);
      const nowHeld = heldKeys(held);
      await writer.record(ids);
      await collection.deleteMany({ $and: [idIn(ids), filter, { _id: { $nin: held } }] } as Filter<Document>, {
        maxTimeMS,
      });
      const leftIds = (await collection.find(idIn(ids), { projection: { _id: 1 }, maxTimeMS }).toArray()).map(
        (d) => d._id as unknown,
      );
      // Told apart by idKey: of `_id`s 42 and '42', one may go while the other stays.
      const left = new Set(leftIds.map(idKey));
      await writer.takeBack(leftIds);
      const gone = ids.filter((k) => !left.has(idKey(k)));
      erased(gone);
      await writer.complete(gone);
      deleted.push(...gone);
      await onBatch?.({ table: of.namespace, rows: gone.length });
      const kept = ids.filter((k) => left.has(idKey(k)) && nowHeld.has(keyText(k))).length;
      if (kept > 0)
        throw new DbopsError(
          'CHECK_FAILED',
          `${kept} documents in ${of.namespace} were put under legal hold during the erasure and kept`,
          {
            input: 'id',
            hint: "A row of the policy's holds names them. Lift the hold first, once its reason has ended.",
          },
        );
    }
  }
  return deleted;
}

/**
 * Stops the erasure when a hold now names the subject or a document above the batch's (`lineage`: each ancestor
 * node's documents of the subject): deleting the dependants of a held document would erase what the hold keeps.
 */
async function refuseHeldAbove(scope: MongoSubjectScope, id: string, lineage: Map<number, unknown[]>): Promise<void> {
  for (const [at, ids] of lineage) {
    const node = scope.nodes[at]!;
    const keys = heldKeys(await scope.held(node.collection));
    const held = ids.filter((k) => keys.has(keyText(k))).length;
    if (held === 0) continue;
    throw new DbopsError(
      'CHECK_FAILED',
      node.parent === undefined
        ? `subject ${id} of ${node.namespace} was put under legal hold during the erasure`
        : `${held} documents in ${node.namespace} that the subject's remaining documents depend on were put under legal hold during the erasure`,
      {
        input: 'id',
        hint: "A row of the policy's holds names them; nothing they hold was erased. Lift the hold first, once its reason has ended.",
      },
    );
  }
}

/** What an erasure has done so far, for the message of one that stops. */
interface EraseProgress {
  subjectErased: boolean;
  /** The `_id`s erased, per position of the erase order. */
  erased: unknown[][];
}

/** How many documents (tombstones) these `_id`s are: 42 and '42' are two. */
function distinct(ids: unknown[]): number {
  return new Set(ids.map(idKey)).size;
}
