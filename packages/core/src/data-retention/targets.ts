/**
 * A policy's PostgreSQL rules resolved against the live database for one run: the catalog checked (holds fail
 * closed), each rule's table, key and hold names looked up, and its cutoffs frozen from the run's one `now`. Plan
 * and purge both start here, so a plan and the purge that follows it say the same thing about the same rows.
 */
import type pg from 'pg';
import { type CascadePath, cascadePaths, MAX_CASCADE_PATHS } from '../databases/postgres/data-retention-cascades.js';
import { checkPolicyCatalog, type TimeType } from '../databases/postgres/data-retention-catalog.js';
import {
  type Dependant,
  dependants,
  resolveMinimumTables,
  resolveTable,
  tableShape,
} from '../databases/postgres/data-retention-target.js';
import { DbopsError, invalidInput } from '../errors.js';
import { ruleCutoffs } from './cutoffs.js';
import { type DataRetentionPolicy, type DataRule, type Minimum, qualifiedNameText, sqlHolds } from './policy.js';

/** What is done to a row once its rule says it may go. */
export type RetentionAction = 'delete' | 'anonymize';

export interface RuleTarget {
  rule: string;
  kind: 'age' | 'soft-delete';
  action: RetentionAction;
  /** regclass text, as PostgreSQL names the table. */
  table: string;
  partitioned: boolean;
  /** The names a hold's subject_table may use for this table. */
  holdNames: string[];
  primaryKey: { name: string; type: string }[];
  /** The rule's time column: `by`, or `soft-delete`. */
  timeColumn: string;
  /** Its type: cutoffs compare by it (a timestamp or date by the older of its UTC and session readings). */
  timeType: TimeType;
  /** The rule's `where`, already checked by PostgreSQL's grammar (where-filter.ts). */
  where?: string;
  /** The rule's archive-to: each batch is archived there before it commits. */
  archiveTo?: string;
  /** anonymize: column → replacement. */
  anonymize?: Record<string, string | number | boolean | null>;
  /** FROM items of the legal holds (a table's regclass, or a hold query in parentheses). */
  holdSources: string[];
  /** Delete rules under holds: the ON DELETE CASCADE paths whose rows a hold keeps the parent row back for. */
  cascades?: CascadePath[];
  /** Delete rules with archive-to: every ON DELETE CASCADE path, whose rows each batch archives with its own. */
  archiveCascades?: CascadePath[];
  cutoff: Date;
  effectiveCutoff: Date;
  minimumSeconds?: number;
  bytesPerRow?: number;
  dependants: Dependant[];
}

export interface ResolvedPolicy {
  targets: RuleTarget[];
  /** Rules this engine does not purge (MongoDB collections, rules refused below), with the reason. */
  skipped: { rule: string; reason: string }[];
  /**
   * Rules refused because their cascades cannot be checked for legal holds: skipped, so that the policy's other rules
   * still run, and the purge then fails with the first of these (a refusal is never a quiet skip).
   */
  refused: DbopsError[];
}

/** `rules`: only these rule names (each must exist); all PostgreSQL rules when left out. */
export async function resolveRuleTargets(
  client: pg.ClientBase,
  policy: DataRetentionPolicy,
  now: Date,
  rules?: string[],
): Promise<ResolvedPolicy> {
  const chosen = chooseRules(policy, rules);
  const catalog = await checkPolicyCatalog(client, { ...policy, data: chosen });
  const holdSources: string[] = [];
  for (const hold of sqlHolds(policy.holds))
    holdSources.push(
      hold.kind === 'table'
        ? ((await resolveTable(client, qualifiedNameText(hold.table))) ?? qualifiedNameText(hold.table))
        : `(${hold.query})`,
    );
  const minimumTables = await resolveMinimumTables(client, policy.minimums);
  const targets: RuleTarget[] = [];
  const skipped: ResolvedPolicy['skipped'] = [];
  const refused: DbopsError[] = [];
  for (const rule of chosen) {
    if (rule.kind === 'collection') {
      skipped.push({ rule: rule.name, reason: 'a MongoDB collection: purged with a mongodb:// database-url' });
      continue;
    }
    const facts = catalog.rules.find((r) => r.rule === rule.name)!;
    const shape = await tableShape(client, facts.table, facts.primaryKey);
    const deletes = actionOf(rule) === 'delete';
    if (deletes) await refuseCascadeIntoMinimum(client, rule, shape.table, minimumTables);
    const archived = deletes ? await archivedCascades(client, rule, shape.table) : [];
    if (archived instanceof DbopsError) {
      skipped.push({ rule: rule.name, reason: `refused: ${archived.message}` });
      refused.push(archived);
      continue;
    }
    let cascades: CascadePath[] = [];
    if (deletes && holdSources.length > 0) {
      const held = await heldCascades(client, rule, shape.table);
      if (held instanceof DbopsError) {
        skipped.push({ rule: rule.name, reason: `refused: ${held.message}` });
        refused.push(held);
        continue;
      }
      cascades = held;
    }
    const referencing = await dependants(client, shape.table);
    const keep = rule.kind === 'age' ? rule.keep : rule.grace;
    const cutoffs = ruleCutoffs(keep, policy.minimums, (minimum) => minimumTables.get(minimum) === shape.table, now);
    targets.push({
      rule: rule.name,
      kind: rule.kind,
      action: actionOf(rule),
      table: shape.table,
      partitioned: facts.partitioned,
      holdNames: shape.holdNames,
      primaryKey: shape.primaryKey,
      timeColumn: rule.kind === 'age' ? rule.by : rule.softDelete,
      timeType: facts.timeType,
      ...(rule.where === undefined ? {} : { where: rule.where }),
      ...(rule.archiveTo === undefined ? {} : { archiveTo: rule.archiveTo }),
      ...(rule.kind === 'soft-delete' && rule.afterGrace.action === 'anonymize'
        ? { anonymize: rule.afterGrace.columns }
        : {}),
      holdSources,
      ...(cascades.length > 0 ? { cascades } : {}),
      ...(archived.length > 0 ? { archiveCascades: archived } : {}),
      ...cutoffs,
      ...(shape.bytesPerRow === undefined ? {} : { bytesPerRow: shape.bytesPerRow }),
      dependants: referencing,
    });
  }
  return { targets, skipped, refused };
}

/**
 * A rule that deletes rows of a table whose rows another table's foreign keys delete with them (ON DELETE CASCADE,
 * at any depth) would delete rows of that table too: refused (CHECK_FAILED, input `policy`) when a minimum names
 * one of them, since a cascade knows no floor. dbops never cascades by itself (purge.ts); this is PostgreSQL's.
 */
async function refuseCascadeIntoMinimum(
  client: pg.ClientBase,
  rule: DataRule,
  table: string,
  minimumTables: ReadonlyMap<Minimum, string | undefined>,
): Promise<void> {
  const seen = new Set([table]);
  const path = new Map<string, string>([[table, table]]);
  for (const at of seen) {
    for (const dependant of await dependants(client, at)) {
      if (dependant.onDelete !== 'cascade' || seen.has(dependant.table)) continue;
      seen.add(dependant.table);
      const via = `${path.get(at)} → ${dependant.table} (${dependant.constraint})`;
      path.set(dependant.table, via);
      const minimum = [...minimumTables].find(([, resolved]) => resolved === dependant.table)?.[0];
      if (minimum)
        throw new DbopsError(
          'CHECK_FAILED',
          `Rule '${rule.name}' (line ${rule.line}) deletes rows of ${table}, and ON DELETE CASCADE deletes rows of ${dependant.table} with them (${via}), which a compliance minimum protects (line ${minimum.line}): nothing was deleted`,
          {
            input: 'policy',
            hint: `Make that foreign key ON DELETE RESTRICT or SET NULL (a purge then keeps referenced rows, or detaches them), or purge ${dependant.table} by a rule of its own, which the minimum holds back.`,
          },
        );
    }
  }
}

/**
 * A delete rule with archive-to: every ON DELETE CASCADE path from its table (at any depth, tables without a key
 * included), whose rows each batch locks and archives with its own before its DELETE (invariant 7: the rows
 * PostgreSQL deletes with the batch's are archived too). A cascade back into a table on its own path reaches a depth
 * the rows decide, and more than MAX_CASCADE_PATHS paths cost too much per batch: refused (the CHECK_FAILED returned).
 */
async function archivedCascades(
  client: pg.ClientBase,
  rule: DataRule,
  table: string,
): Promise<CascadePath[] | DbopsError> {
  if (rule.archiveTo === undefined) return [];
  const { paths, cycle, tooMany } = await cascadePaths(client, table, true);
  if (!cycle && !tooMany) return paths;
  return new DbopsError(
    'CHECK_FAILED',
    cycle
      ? `Rule '${rule.name}' (line ${rule.line}) archives the rows it deletes from ${table}, and ON DELETE CASCADE deletes rows with them along a cycle (${cycle}), to a depth the archive cannot follow: nothing of it was deleted`
      : `Rule '${rule.name}' (line ${rule.line}) archives the rows it deletes from ${table}, and ON DELETE CASCADE reaches more than ${MAX_CASCADE_PATHS} paths of tables with them, too many to archive along: nothing of it was deleted`,
    {
      input: 'policy',
      hint: 'Make those foreign keys ON DELETE RESTRICT or SET NULL and archive and purge the dependent tables by rules of their own first, or remove archive-to from this rule if the cascaded rows need no archive.',
    },
  );
}

/**
 * The cascade paths a delete rule's batches check holds along (data-retention-predicate.ts): a row is kept back, and
 * counted held, when its delete would cascade into a held row at any depth. Checked in every batch's statement, not
 * refused up front by the tables holds name now: holds come and go during a run. A cascade back into a table on its
 * own path (a self-reference) reaches a depth the rows decide, which fixed joins cannot check: that rule is refused
 * (the CHECK_FAILED returned) while the policy has holds, as is one with more paths than MAX_CASCADE_PATHS.
 */
async function heldCascades(client: pg.ClientBase, rule: DataRule, table: string): Promise<CascadePath[] | DbopsError> {
  const { paths, cycle, tooMany } = await cascadePaths(client, table);
  if (!cycle && !tooMany) return paths;
  return new DbopsError(
    'CHECK_FAILED',
    cycle
      ? `Rule '${rule.name}' (line ${rule.line}) deletes rows of ${table}, and ON DELETE CASCADE deletes rows with them along a cycle (${cycle}), to a depth legal holds cannot be checked at: nothing of it was deleted`
      : `Rule '${rule.name}' (line ${rule.line}) deletes rows of ${table}, and ON DELETE CASCADE reaches more than ${MAX_CASCADE_PATHS} paths of tables with them, too many to check legal holds along: nothing of it was deleted`,
    {
      input: 'policy',
      hint: 'Make those foreign keys ON DELETE RESTRICT or SET NULL (a purge then keeps referenced rows, or detaches them), or purge the dependent tables by rules of their own first.',
    },
  );
}

/** The policy's rules named in `rules` (each must exist), or all of them; for every engine. */
export function chooseRules(policy: DataRetentionPolicy, rules: string[] | undefined): DataRule[] {
  for (const name of rules ?? [])
    if (!policy.data.some((r) => r.name === name))
      throw invalidInput(
        'rules',
        `names '${name}', which is not a rule of the policy`,
        `rule names of the policy: ${policy.data.map((r) => r.name).join(', ') || '(none)'}`,
      );
  return policy.data.filter((r) => !rules || rules.includes(r.name));
}

function actionOf(rule: Exclude<DataRule, { kind: 'collection' }>): RetentionAction {
  return rule.kind === 'soft-delete' && rule.afterGrace.action === 'anonymize' ? 'anonymize' : 'delete';
}
