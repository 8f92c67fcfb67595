/**
 * Compliance minimums and erasure requests. A minimum protects a table's rows for at least its keep-at-least, and no
 * rule on the table may keep them for less (read-policy.ts). A subject erasure waits for no period (the request is
 * its reason), and the rows of a dependant table have no age dbops knows (a minimum names only the table): so an
 * erase that would delete rows of a table (or collection) a minimum names is refused, before anything is deleted
 * and in a dry run too. What to do instead is the owner's decision: `then: anonymize` (it changes only the subject's
 * own row), or a minimum the law does not apply to erasure requests taken out of the policy.
 */
import { DbopsError } from '../errors.js';
import { formatPeriod } from './period.js';
import { type DataRetentionPolicy, type Minimum, type QualifiedName, qualifiedNameText, sameTable } from './policy.js';

/** A table an erase would delete rows of: its name as a minimum names it, as the summary names it, and the count. */
export interface ErasedRows {
  name: QualifiedName;
  table: string;
  rows: number;
}

/**
 * Throws CHECK_FAILED (input `policy`) when the erase of subject `id` of `subject` would delete rows under a minimum;
 * `noun`: what the engine's tables hold (rows, documents); `protects`: whether a minimum names a table, by default by
 * its literal name (MongoDB's database.collection). PostgreSQL passes the names resolved as the purge resolves them.
 */
export function refuseUnderMinimums(
  policy: DataRetentionPolicy,
  subject: string,
  id: string,
  deleting: readonly ErasedRows[],
  noun = 'rows',
  protects: (minimum: Minimum, d: ErasedRows) => boolean = (minimum, d) => sameTable(d.name, minimum.table),
): void {
  const protectedRows = deleting.flatMap((d) => {
    const minimum = policy.minimums.find((m) => d.rows > 0 && protects(m, d));
    return minimum ? [{ ...d, minimum }] : [];
  });
  if (protectedRows.length === 0) return;
  const listed = protectedRows
    .map(
      ({ table, rows, minimum }) =>
        `${rows} in ${table} (minimum for ${qualifiedNameText(minimum.table)} on line ${minimum.line}: keep-at-least ${formatPeriod(minimum.keepAtLeast)})`,
    )
    .join('; ');
  throw new DbopsError(
    'CHECK_FAILED',
    `Subject ${id} of ${subject}: the erase would delete ${noun} that a compliance minimum protects (${listed}): nothing was erased`,
    {
      input: 'policy',
      hint: "A minimum is a floor no deletion may undercut, and an erasure has no age to check a dependant's rows against. Anonymize the subject instead (then: anonymize), or, where the law does not keep such rows from an erasure request, take the minimum out of the policy.",
    },
  );
}
