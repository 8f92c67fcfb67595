/**
 * A plan's counts for one MongoDB rule, in the shape PostgreSQL's take: expired documents, those a legal hold or a
 * compliance minimum keeps, the rest (which a purge would delete), and those whose `by` is no date. Each count
 * stops at the limit + 1: past it the counts are lower bounds, however large the collection.
 */
import type { Document, Filter, MongoClient } from 'mongodb';
import type { RuleCounts } from '../postgres/data-retention-count.js';
import { expiredFilter, idIn, withoutTimeFilter } from './data-retention-filter.js';
import type { CollectionTarget } from './data-retention-target.js';

export async function countCollectionRule(
  client: MongoClient,
  target: CollectionTarget,
  held: unknown[],
  limit: number,
  maxTimeMS: number,
): Promise<RuleCounts> {
  const collection = client.db(target.collection.database).collection(target.collection.name);
  const count = (filter: Filter<Document>) => collection.countDocuments(filter, { limit: limit + 1, maxTimeMS });
  const expired = expiredFilter(target, target.cutoff);
  const heldFilter: Filter<Document> | undefined = held.length > 0 ? idIn(held) : undefined;
  const youngFilter: Filter<Document> | undefined =
    target.effectiveCutoff.getTime() < target.cutoff.getTime()
      ? { [target.by]: { $gte: target.effectiveCutoff } }
      : undefined;
  const expiredCount = await count(expired);
  const heldCount = heldFilter && expiredCount > 0 ? await count({ $and: [expired, heldFilter] }) : 0;
  const youngCount = youngFilter && expiredCount > 0 ? await count({ $and: [expired, youngFilter] }) : 0;
  const kept =
    heldCount > 0 && youngCount > 0
      ? await count({ $and: [expired, { $or: [heldFilter!, youngFilter!] }] })
      : heldCount + youngCount;
  return {
    expired: expiredCount,
    protectedByHold: heldCount,
    protectedByMinimum: youngCount,
    toPurge: expiredCount - kept,
    exact: expiredCount <= limit,
    // No planner to ask: the count is the estimate.
    estimatedExpired: expiredCount,
    // Age rules only: a document with no soft-delete date is simply not deleted.
    ...(target.kind === 'age' ? { withoutTime: await count(withoutTimeFilter(target)) } : {}),
  };
}
