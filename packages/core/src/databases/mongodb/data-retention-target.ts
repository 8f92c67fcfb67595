/**
 * A policy's MongoDB rules resolved against the live deployment for one run: each rule's collection and `by` field
 * checked, its legal holds found (fail closed), its cutoffs frozen from the run's one `now`. Plan and purge both
 * start here, as PostgreSQL's do from data-retention/targets.ts.
 */
import type { MongoClient } from 'mongodb';
import { ruleCutoffs } from '../../data-retention/cutoffs.js';
import {
  type CollectionName,
  type CollectionRule,
  collectionText,
  type DataRetentionPolicy,
  rulePeriod,
  sqlHolds,
} from '../../data-retention/policy.js';
import { chooseRules, type ResolvedPolicy, type RetentionAction } from '../../data-retention/targets.js';
import { DbopsError } from '../../errors.js';
import { LEASE_COLLECTION } from './lease.js';

export interface CollectionTarget {
  rule: string;
  /** Line of the rule in the policy file. */
  line: number;
  collection: CollectionName;
  /** database.collection, as plans and receipts name it. */
  namespace: string;
  /** The rule's time field: `by`, or a soft-delete rule's `soft-delete` (a dotted path may reach into a subdocument). */
  by: string;
  /** 'age' (by + keep) or 'soft-delete' (soft-delete + grace + then). */
  kind: 'age' | 'soft-delete';
  /** delete, or (then: anonymize) replace `anonymize`'s fields. */
  action: RetentionAction;
  /** Field path → replacement, for action 'anonymize'. */
  anonymize?: Record<string, string | number | boolean | null>;
  archiveTo?: string;
  /** Collections of legal holds: documents { subject_table, subject_id }. */
  holdSources: { collection: CollectionName; line: number }[];
  /** The names a hold's subject_table may use for this collection: database.collection or the name alone. */
  holdNames: string[];
  cutoff: Date;
  effectiveCutoff: Date;
  minimumSeconds?: number;
}

export interface ResolvedCollections {
  targets: CollectionTarget[];
  skipped: ResolvedPolicy['skipped'];
}

/** `rules`: only these rule names (each must exist); all rules when left out (PostgreSQL's are skipped). */
export async function resolveCollectionTargets(
  client: MongoClient,
  policy: DataRetentionPolicy,
  now: Date,
  rules?: string[],
): Promise<ResolvedCollections> {
  const chosen = chooseRules(policy, rules);
  const skipped = chosen
    .filter((rule) => rule.kind !== 'collection')
    .map((rule) => ({ rule: rule.name, reason: 'a PostgreSQL table: purged with a postgres:// database-url' }));
  const collectionRules = chosen.filter((rule): rule is CollectionRule => rule.kind === 'collection');
  if (collectionRules.length === 0) return { targets: [], skipped };
  const holdSources = await checkHolds(client, policy);
  const problems: string[] = [];
  for (const rule of collectionRules) await checkRule(client, rule, problems);
  if (problems.length > 0)
    throw new DbopsError('INVALID_INPUT', `The policy does not match the database:\n${problems.join('\n')}`, {
      input: 'policy',
      hint: 'Fix the rule (collection or by) to name what the database has, or create it first.',
    });
  const targets = collectionRules.map((rule): CollectionTarget => {
    const { database, name } = rule.collection;
    const cutoffs = ruleCutoffs(
      rulePeriod(rule).period,
      policy.minimums,
      (m) => m.table.schema === database && m.table.name === name,
      now,
    );
    return {
      rule: rule.name,
      line: rule.line,
      collection: rule.collection,
      namespace: collectionText(rule.collection),
      ...ruleFields(rule),
      ...(rule.archiveTo === undefined ? {} : { archiveTo: rule.archiveTo }),
      holdSources,
      holdNames: holdNames(rule.collection),
      ...cutoffs,
    };
  });
  return { targets, skipped };
}

/** The names a hold's subject_table may give a collection: database.collection, or the name alone. */
export function holdNames(collection: CollectionName): string[] {
  return [collectionText(collection), collection.name];
}

/** What a rule's kind decides: its time field, and what happens to its documents. */
function ruleFields(rule: CollectionRule): Pick<CollectionTarget, 'by' | 'kind' | 'action' | 'anonymize'> {
  if (!('softDelete' in rule)) return { by: rule.by, kind: 'age', action: 'delete' };
  const then = rule.afterGrace;
  return then.action === 'erase'
    ? { by: rule.softDelete, kind: 'soft-delete', action: 'delete' }
    : { by: rule.softDelete, kind: 'soft-delete', action: 'anonymize', anonymize: then.columns };
}

/**
 * Collections this database has, up to `limit` names, for messages: those a rule or a subject may mean, not dbops's
 * own (receipts, tombstones, salt, leases).
 */
export async function collectionNames(client: MongoClient, database: string, limit = 10): Promise<string[]> {
  const names = (await client.db(database).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  return names
    .filter((name) => !name.startsWith('dbops_retention_') && name !== LEASE_COLLECTION)
    .sort()
    .slice(0, limit);
}

export async function collectionExists(client: MongoClient, collection: CollectionName): Promise<boolean> {
  const found = await client
    .db(collection.database)
    .listCollections({ name: collection.name }, { nameOnly: true })
    .toArray();
  return found.length > 0;
}

/**
 * The collection must exist, and a `by` that no document has is refused as the typo it most likely is (a field
 * only some documents lack is fine: the plan counts those). Field names of a sample document help find the right
 * one; never values.
 */
async function checkRule(client: MongoClient, rule: CollectionRule, problems: string[]): Promise<void> {
  const at = `line ${rule.line}: rule '${rule.name}'`;
  const namespace = collectionText(rule.collection);
  if (!(await collectionExists(client, rule.collection))) {
    const names = await collectionNames(client, rule.collection.database);
    problems.push(
      `${at}: collection ${namespace} does not exist (${names.length > 0 ? `collections of ${rule.collection.database}: ${names.join(', ')}` : `database ${rule.collection.database} has no collections`})`,
    );
    return;
  }
  // A soft-delete field is missing from every document until the first one is deleted: only `by` is checked.
  if ('softDelete' in rule) return;
  const collection = client.db(rule.collection.database).collection(rule.collection.name);
  const sample = await collection.findOne({});
  if (!sample) return; // empty: nothing to check the field against, nothing to purge
  if ((await collection.findOne({ [rule.by]: { $exists: true } }, { projection: { _id: 1 } })) !== null) return;
  problems.push(
    `${at}: no document of ${namespace} has the field '${rule.by}' (fields of one document: ${Object.keys(sample).slice(0, 12).join(', ')})`,
  );
}

/**
 * Fail closed: the policy's hold collections must exist. A policy whose holds are all PostgreSQL tables or
 * queries is refused rather than run without holds: MongoDB cannot read them, and documents they mean to protect
 * would go.
 */
export async function checkHolds(
  client: MongoClient,
  policy: DataRetentionPolicy,
): Promise<CollectionTarget['holdSources']> {
  const sources: CollectionTarget['holdSources'] = [];
  for (const hold of policy.holds) if (hold.kind === 'collection') sources.push(hold);
  const sql = sqlHolds(policy.holds);
  if (sources.length === 0 && sql.length > 0)
    throw new DbopsError(
      'CHECK_FAILED',
      `Policy line ${sql[0]!.line}: the legal holds are PostgreSQL tables or queries, which a MongoDB run cannot read; nothing is purged while holds cannot be read`,
      {
        input: 'policy',
        hint: 'Add a hold collection for MongoDB documents, e.g. holds: - collection: compliance.legal_holds (documents { subject_table: "events", subject_id: "<_id>" }).',
      },
    );
  for (const source of sources)
    if (!(await collectionExists(client, source.collection))) throw holdError(source, 'does not exist');
  return sources;
}

export function holdError(
  source: CollectionTarget['holdSources'][number],
  problem: string,
  cause?: unknown,
): DbopsError {
  return new DbopsError(
    'CHECK_FAILED',
    `Policy line ${source.line}: the hold collection ${collectionText(source.collection)} ${problem}; nothing is purged while holds cannot be read`,
    {
      input: 'policy',
      hint: 'holds: - collection: database.collection, readable by this user, with documents { subject_table, subject_id }',
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
