/**
 * The lint rules: what each one finds, why it hurts on a live database, and the safe way to write it.
 * `sizeSensitive` rules lock or rewrite an existing table for as long as the table takes to read or rewrite: harmless
 * on an empty or small table, an outage on a big one, so their severity comes from the table's size.
 */
export type LintRuleId =
  | 'create-index-non-concurrently'
  | 'concurrently-in-transaction'
  | 'add-column-volatile-default'
  | 'set-not-null'
  | 'alter-column-type'
  | 'constraint-without-not-valid'
  | 'add-unique-constraint'
  | 'drop-column'
  | 'drop-table'
  | 'rename-column'
  | 'rename-table'
  | 'vacuum-full'
  | 'cluster'
  | 'missing-lock-timeout'
  | 'parse-error'
  | 'invalid-suppression';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintRule {
  /** Severity without table sizes (a size-sensitive rule's severity is then decided by the table). */
  severity: LintSeverity;
  sizeSensitive: boolean;
  reason: string;
  fix: string;
}

export const LINT_RULES: Record<LintRuleId, LintRule> = {
  'create-index-non-concurrently': {
    severity: 'warning',
    sizeSensitive: true,
    reason: 'CREATE INDEX without CONCURRENTLY blocks every write to the table (SHARE lock) until the index is built.',
    fix: 'CREATE INDEX CONCURRENTLY, alone in a migration of its own (it cannot run inside a transaction).',
  },
  'concurrently-in-transaction': {
    severity: 'error',
    sizeSensitive: false,
    reason: 'CONCURRENTLY cannot run inside a transaction block, and this migration runs in one: it fails every time.',
    fix: 'Move the statement into a migration of its own, with nothing else in the file and no BEGIN.',
  },
  'add-column-volatile-default': {
    severity: 'warning',
    sizeSensitive: true,
    reason:
      'A column added with a volatile default (or a serial, identity or stored generated column) rewrites the ' +
      'whole table under an ACCESS EXCLUSIVE lock: no reads or writes until it is done.',
    fix:
      'Add the column without a default (or with a constant one), set the default with ALTER COLUMN ... SET DEFAULT, ' +
      'and fill existing rows in batches.',
  },
  'set-not-null': {
    severity: 'warning',
    sizeSensitive: true,
    reason: 'SET NOT NULL reads the whole table to check it under an ACCESS EXCLUSIVE lock.',
    fix:
      'ADD CONSTRAINT <name> CHECK (<column> IS NOT NULL) NOT VALID; then VALIDATE CONSTRAINT <name> in a later ' +
      'migration; then SET NOT NULL (PostgreSQL 12+ uses the valid constraint and skips the scan) and drop the check.',
  },
  'alter-column-type': {
    severity: 'warning',
    sizeSensitive: true,
    reason:
      "Changing a column's type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (unless the " +
      'types are binary-compatible, such as varchar(n) to text).',
    fix:
      'Add a column of the new type, fill it in batches (and keep it in step with a trigger), switch the ' +
      'application to it, then drop the old column.',
  },
  'constraint-without-not-valid': {
    severity: 'warning',
    sizeSensitive: true,
    reason:
      'A foreign key or CHECK constraint added without NOT VALID is checked against every row while the table ' +
      'is locked against writes (a foreign key also locks the table it references).',
    fix:
      'ADD CONSTRAINT ... NOT VALID (new rows are checked at once), then ALTER TABLE ... VALIDATE CONSTRAINT in a ' +
      'later migration, which does not block writes.',
  },
  'add-unique-constraint': {
    severity: 'warning',
    sizeSensitive: true,
    reason: 'Adding a UNIQUE or PRIMARY KEY constraint builds its index under an ACCESS EXCLUSIVE lock.',
    fix:
      'CREATE UNIQUE INDEX CONCURRENTLY <index> ON <table> (...) in a migration of its own, then ' +
      'ALTER TABLE <table> ADD CONSTRAINT <name> UNIQUE USING INDEX <index> (PRIMARY KEY USING INDEX for a key).',
  },
  'drop-column': {
    severity: 'warning',
    sizeSensitive: false,
    reason:
      'The running application may still read or write this column: its queries fail from the moment the ' +
      'migration commits, before the new code is deployed.',
    fix: 'Deploy code that no longer uses the column first, then drop it in a later release.',
  },
  'drop-table': {
    severity: 'warning',
    sizeSensitive: false,
    reason: 'The running application may still use this table, and its data is gone: only a backup brings it back.',
    fix: 'Deploy code that no longer uses the table first, keep a backup, then drop it in a later release.',
  },
  'rename-column': {
    severity: 'warning',
    sizeSensitive: false,
    reason: 'The running application still uses the old name: its queries fail until the new code is deployed.',
    fix: 'Add the new column, write both and backfill, switch reads, then drop the old one (expand and contract).',
  },
  'rename-table': {
    severity: 'warning',
    sizeSensitive: false,
    reason: 'The running application still uses the old name: its queries fail until the new code is deployed.',
    fix:
      'Rename the table and create a view with the old name in the same migration; drop the view once no code ' +
      'uses it.',
  },
  'vacuum-full': {
    severity: 'warning',
    sizeSensitive: true,
    reason: 'VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock, and cannot run inside a transaction.',
    fix:
      'Use pg_repack or pg_squeeze, which rewrite the table without the long lock, or run it in a maintenance ' +
      'window.',
  },
  cluster: {
    severity: 'warning',
    sizeSensitive: true,
    reason: 'CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock.',
    fix: 'Use pg_repack --order-by, or run it in a maintenance window.',
  },
  'missing-lock-timeout': {
    severity: 'warning',
    sizeSensitive: false,
    reason:
      'Without lock_timeout, a statement waiting for its lock (behind a long query) blocks every query queued ' +
      'behind it: a short lock becomes an outage.',
    fix:
      "Start the migration with SET lock_timeout = '5s'; (or give dbops lock-timeout), and retry it if it times " +
      'out.',
  },
  'parse-error': {
    severity: 'error',
    sizeSensitive: false,
    reason: 'PostgreSQL cannot parse this migration: it fails when it runs.',
    fix: 'Fix the syntax at this line.',
  },
  'invalid-suppression': {
    severity: 'error',
    sizeSensitive: false,
    reason: 'A lint suppression must name a rule and give a reason.',
    fix: 'Write it as: -- dbops-lint-disable <rule> reason: <why this is safe here>',
  },
};

export function isLintRuleId(name: string): name is LintRuleId {
  return Object.hasOwn(LINT_RULES, name);
}
