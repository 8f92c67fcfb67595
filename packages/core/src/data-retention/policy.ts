/**
 * The data-retention policy file (.github/dbops/retention.yml, issue 16), as read-policy.ts returns it once parsed and
 * checked. Backup rotation itself lives in ../retention/; `backups` here carries the same keep-* rules.
 */
import type { Period } from './period.js';

/** Timeouts and lags are milliseconds, as PostgreSQL's settings take them; retention periods are Periods (period.ts). */
export interface PolicyDefaults {
  batchSize: number;
  /**
   * The most rows one batch of a rule with archive-to may take with it through ON DELETE CASCADE (locked, held in
   * memory and archived with it): over it, the batch takes fewer rows (data-retention-batch.ts).
   */
  maxCascadeRows: number;
  lockTimeoutMs: number;
  maxReplicationLagMs: number;
  maxRuntimeMs: number;
  /** Pacing (pt-archiver's --sleep and --sleep-coef): a pause after every batch, plus this × the batch's own time. */
  sleepMs: number;
  sleepCoefficient: number;
  /** Pause while a replication slot holds back more WAL than this (bytes); not checked when undefined. */
  maxSlotWalBytes?: number;
  /** Pause while more other sessions than this are running a statement; not checked when undefined. */
  maxActiveSessions?: number;
  /**
   * MongoDB: pause while the oplog's window (newest − oldest entry of local.oplog.rs) is shorter than this (ms); not
   * checked when undefined.
   */
  minOplogWindowMs?: number;
}

/** The defaults a file may leave out; each is what a gentle purge on a busy primary can afford. */
export const DEFAULT_POLICY_DEFAULTS: PolicyDefaults = {
  batchSize: 5000,
  maxCascadeRows: 100_000,
  lockTimeoutMs: 2000,
  maxReplicationLagMs: 30_000,
  maxRuntimeMs: 20 * 60_000,
  sleepMs: 0,
  // Rest twice as long as each batch ran: on a quiet 2-core server 0.5 took a writer's p99 to 2.1–2.6x its own,
  // 2 to 1.74–1.80x (bench/README.md, retention-purge), at two thirds of the rows per second.
  sleepCoefficient: 2,
};

/** A schema-qualified name as written (`public.audit_logs`); the schema is undefined when left out. */
export interface QualifiedName {
  schema?: string;
  name: string;
}

/** A MongoDB collection as a policy names it: `analytics.events`. */
export interface CollectionName {
  database: string;
  name: string;
}

/**
 * Legal holds: rows (subject_table, subject_id) that no rule may purge. Each engine reads its own: PostgreSQL the
 * tables and queries, MongoDB the collections (documents with the same two fields).
 */
export type HoldSource =
  | { kind: 'table'; table: QualifiedName; line: number }
  /** A single SELECT returning subject_table and subject_id. */
  | { kind: 'query'; query: string; line: number }
  | { kind: 'collection'; collection: CollectionName; line: number };

interface RuleBase {
  name: string;
  /** Position in `data`, from 0, for messages about a rule before its name is known. */
  index: number;
  /** Line of the rule in the file, from 1. */
  line: number;
  /** A single boolean SQL expression further limiting the rule (checked by where-filter.ts). */
  where?: string;
  /** Storage URL the rows are archived to before they are deleted. */
  archiveTo?: string;
}

/** Rows whose `by` timestamp is older than `keep`. */
export interface AgeRule extends RuleBase {
  kind: 'age';
  table: QualifiedName;
  by: string;
  keep: Period;
}

/** What happens to a soft-deleted row once its grace period is over. */
export type SoftDeleteThen =
  | { action: 'erase' }
  /** Column → replacement value (null clears it). */
  | { action: 'anonymize'; columns: Record<string, string | number | boolean | null> };

/** Rows whose `soft-delete` timestamp is set and older than `grace`. */
export interface SoftDeleteRule extends RuleBase {
  kind: 'soft-delete';
  table: QualifiedName;
  softDelete: string;
  grace: Period;
  /** The file's `then` (renamed: an object with `then` would look like a promise to `await`). */
  afterGrace: SoftDeleteThen;
}

interface CollectionRuleBase extends RuleBase {
  kind: 'collection';
  /** database.collection */
  collection: CollectionName;
}

/** MongoDB documents whose `by` field is older than `keep`. */
export interface CollectionAgeRule extends CollectionRuleBase {
  by: string;
  keep: Period;
}

/** MongoDB documents whose `soft-delete` field is a date older than `grace`: erased or anonymized (fields). */
export interface CollectionSoftDeleteRule extends CollectionRuleBase {
  /** The field (or dotted path) set to a date when the document was soft-deleted. */
  softDelete: string;
  grace: Period;
  /** anonymize's `columns` are field paths here. */
  afterGrace: SoftDeleteThen;
  /**
   * The documents of other collections that belong to a subject of this one (MongoDB has no foreign keys to follow):
   * `subject export` and `subject erase` take them with the subject. Empty when the policy declares none.
   */
  dependants: SubjectDependant[];
  /**
   * The most documents `subject export` and `subject erase` take for one subject of this rule, dependants at every
   * depth included: their `_id`s are held in memory (about 100 bytes each), so a subject with more is refused before
   * anything is exported or deleted. DEFAULT_MAX_SUBJECT_DOCUMENTS unless the file sets `max-subject-documents`.
   */
  maxSubjectDocuments: number;
}

/** A million documents: some hundred MB of `_id`s, well within a runner's memory. */
export const DEFAULT_MAX_SUBJECT_DOCUMENTS = 1_000_000;
/** The most a policy may allow: some 10 GB of `_id`s, more than a hosted runner has. */
export const MAX_SUBJECT_DOCUMENTS_LIMIT = 100_000_000;

/** Documents of `collection` whose `field` holds a subject's `_id` (in any of the forms holds accept). */
export interface SubjectDependant {
  collection: CollectionName;
  /** A field name or dotted path; an array field matches when one of its elements is the `_id`. */
  field: string;
  line: number;
}

export type CollectionRule = CollectionAgeRule | CollectionSoftDeleteRule;

export type DataRule = AgeRule | SoftDeleteRule | CollectionRule;

/** A compliance floor: no rule on this table may keep rows for less. */
export interface Minimum {
  table: QualifiedName;
  keepAtLeast: Period;
  line: number;
}

/** The backup rotation, with the keep-* rules of the retention-purge action's inputs. */
export interface BackupRotation {
  from: string;
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  /** Calendar years and seconds before the newest backup. */
  keepWithin?: Period;
  keepMinVerified?: number;
  /** The line of the `backups:` key, and of each keep-* key given. */
  line: number;
  lines: Partial<Record<BackupKeep, number>>;
}

/** Each keep-* field of a backups: section and its key in the file. */
export const BACKUP_KEEP_KEYS = {
  keepLast: 'keep-last',
  keepHourly: 'keep-hourly',
  keepDaily: 'keep-daily',
  keepWeekly: 'keep-weekly',
  keepMonthly: 'keep-monthly',
  keepYearly: 'keep-yearly',
  keepWithin: 'keep-within',
  keepMinVerified: 'keep-min-verified',
} as const;

export type BackupKeep = keyof typeof BACKUP_KEEP_KEYS;

export interface DataRetentionPolicy {
  version: 1;
  defaults: PolicyDefaults;
  holds: HoldSource[];
  data: DataRule[];
  minimums: Minimum[];
  backups?: BackupRotation;
}

/** A rule's retention period: `keep`, or for soft-delete rules (tables and collections) `grace`. */
export function rulePeriod(rule: DataRule): { key: 'keep' | 'grace'; period: Period } {
  return 'grace' in rule ? { key: 'grace', period: rule.grace } : { key: 'keep', period: rule.keep };
}

/** The table a rule purges, or undefined for a MongoDB collection. */
export function ruleTable(rule: DataRule): QualifiedName | undefined {
  return rule.kind === 'collection' ? undefined : rule.table;
}

/** The holds PostgreSQL reads (tables and queries); MongoDB's collections hold MongoDB documents only. */
export function sqlHolds(holds: HoldSource[]): Exclude<HoldSource, { kind: 'collection' }>[] {
  return holds.filter((hold) => hold.kind !== 'collection');
}

/** A collection as `database.collection`, the name minimums and receipts use for it. */
export function collectionText(collection: CollectionName): string {
  return `${collection.database}.${collection.name}`;
}

/** Unqualified names are compared as public.name: the schema a policy most often means. */
export function sameTable(a: QualifiedName, b: QualifiedName): boolean {
  return (a.schema ?? 'public') === (b.schema ?? 'public') && a.name === b.name;
}

export function qualifiedNameText(name: QualifiedName): string {
  return name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
}
