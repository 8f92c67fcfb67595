// One step of a maintenance plan: what it runs, whether dbops may run it, and why, with its lock, time and gain.

export type StepKind =
  | 'vacuum-analyze'
  | 'vacuum-freeze'
  | 'reindex-invalid'
  | 'drop-invalid-leftover'
  | 'drop-repack-leftovers'
  | 'reindex-bloated'
  | 'drop-duplicate-index'
  | 'drop-unused-index'
  | 'widen-sequence'
  | 'repack-table'
  | 'vacuum-full'
  | 'create-foreign-key-index'
  | 'tune-autovacuum'
  | 'validate-collection'
  | 'compact-collection'
  | 'rebuild-index'
  | 'drop-rebuild-leftover';

export interface MaintenanceStep {
  kind: StepKind;
  /** Schema-qualified, quoted name of the table, index or sequence; database.collection on MongoDB. */
  object: string;
  /**
   * MongoDB's rebuild-index: the index's name; drop-rebuild-leftover: the stand-in's (object names its collection,
   * whose name may hold dots).
   */
  index?: string;
  statement: string;
  /** 'apply' steps may be run by `--apply`; 'report' steps are for a person to decide. */
  mode: 'apply' | 'report';
  why: string;
  figures: Record<string, number>;
  /** Where the estimate in `why` came from, where there is a choice (table bloat: pgstattuple_approx or statistics). */
  source?: string;
  /** monitor-report findings this step answers ("dead-tuples warning"), when a report was given. */
  findings?: string[];
  lock: string;
  estimatedSeconds: number;
  expectedGain: string;
}
