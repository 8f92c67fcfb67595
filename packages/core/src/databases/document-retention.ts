/**
 * retention-purge's and the subject commands' session on an engine without SQL (MongoDB), kept out of engine.ts:
 * its types are the data retention plan's and purge's, whose modules import the PostgreSQL engine, which imports
 * engine.ts. SQL engines purge through withSqlSession instead; databases/index.ts says which engine has which.
 */
import type { PlanOptions, RetentionPlan } from '../data-retention/plan.js';
import type { DataRetentionPolicy } from '../data-retention/policy.js';
import type { PurgeOptions, PurgeResult } from '../data-retention/purge.js';
import type { ChainedReceipt, ChainHead } from '../data-retention/receipt.js';
import type { SubjectEraseOptions, SubjectEraseResult } from '../data-retention/subject-erase.js';
import type { SubjectExportResult } from '../data-retention/subject-export.js';
import type { DatabaseTarget, EngineContext } from './engine.js';

/**
 * The policy's collection rules planned and purged; its table rules are skipped with the reason, as PostgreSQL
 * skips collection rules. Plan and purge have the shapes PostgreSQL's planRetention and purgeRetention return, so
 * receipts and summaries are the same for both.
 */
export interface DocumentRetentionSession {
  /** Counts per rule at cutoffs frozen from `now`; reads only. Throws when a rule or hold names what is not there. */
  plan(policy: DataRetentionPolicy, now: Date, options: PlanOptions): Promise<RetentionPlan>;
  /**
   * Deletes the plan's expired, unheld documents in batches at the plan's cutoffs. After the first batch it never
   * throws: it returns what was deleted, with outcome 'failed' and the error.
   */
  purge(plan: RetentionPlan, options: PurgeOptions): Promise<PurgeResult>;
  /**
   * Keeps a copy of a stored receipt in the database (a collection dbops owns); returns where. `home`: that collection
   * is the chain (a subject erase without receipts-to), refusing a second receipt of the sequence with ALREADY_EXISTS.
   */
  recordReceipt(receipt: ChainedReceipt, home?: boolean): Promise<string>;
  /** The last receipt of a chain that copy holds (a subject erase without receipts-to continues from it). */
  receiptHead(chain: string): Promise<ChainHead | undefined>;
  /** `subject export`: the subject's document and its declared dependants' documents; reads only. */
  exportSubject(policy: DataRetentionPolicy, table: string, id: string): Promise<SubjectExportResult>;
  /** `subject erase`: the `then` of the soft-delete rule of the subject's collection; counts only in a dry run. */
  eraseSubject(policy: DataRetentionPolicy, options: SubjectEraseOptions): Promise<SubjectEraseResult>;
}

/** Runs `use` on a new session with the target's deployment; a cancel ends it. */
export type RetentionSessionOpener = <T>(
  target: DatabaseTarget,
  context: EngineContext,
  use: (session: DocumentRetentionSession) => Promise<T>,
) => Promise<T>;
