import { policyCommitText } from '../data-retention/policy-commit.js';
import type { SubjectEraseOutcome } from '../operations/subject-erase.js';
import type { SubjectExportOutcome } from '../operations/subject-export.js';
import { code, type Result, type Text } from './result.js';

/** Which tables the export took rows from, and how each references the subject. Never a value. */
export function subjectExportSummary(result: SubjectExportOutcome): Result {
  const rows = result.tables.reduce((n, t) => n + t.rows, 0);
  const notes: Text[] = result.notFollowed.map((s) => [
    code(s.table),
    ` (${s.constraint ?? s.field}) references `,
    code(s.references),
    ' again: a cycle, not followed',
  ]);
  if (result.snapshot === false)
    notes.push(
      'Read without a snapshot (the server is not a replica set): each collection as it was when its turn came.',
    );
  return {
    status: 'ok',
    title: [
      'Subject ',
      code(result.id),
      ' of ',
      code(result.table),
      `: ${rows} rows in ${result.tables.length} tables exported`,
      ...(result.file ? [' to ', code(result.file)] : []),
    ],
    blocks: [
      {
        kind: 'table',
        columns: ['Table', 'References the subject by', 'Rows'],
        rows: result.tables.map((t) => [code(t.table), referencedBy(t), String(t.rows)]),
      },
      ...(notes.length > 0 ? [{ kind: 'list' as const, items: notes }] : []),
    ],
  };
}

/** What the erasure changed (or would), per table, and where its receipt went. */
export function subjectEraseSummary(result: SubjectEraseOutcome): Result {
  const changed = result.tables.filter((t) => t.action === 'delete' || t.action === 'anonymize');
  const rows = changed.reduce((n, t) => n + t.rows, 0);
  const verb = result.action === 'erase' ? 'erased' : 'anonymized';
  const notes: Text[] = [];
  if (result.dryRun) notes.push('A dry run: nothing was changed. Pass --apply (or --dry-run false) to change data.');
  if (result.tombstones > 0)
    notes.push(
      `${result.tombstones} tombstones (salted key hashes) recorded: restore-test finds these rows if a restore brings them back.`,
    );
  if (result.receipt) {
    const { location, table } = result.receipt;
    const where: Text[] = [];
    if (location) where.push([' at ', code(location)]);
    if (table) where.push([location ? ' and in ' : ' in ', code(table)]);
    notes.push([
      `Receipt ${result.receipt.sequence} (`,
      code(result.receipt.sha256.slice(0, 12)),
      ') recorded',
      ...where.flat(),
      ...(result.policyCommit ? [`, policy commit ${policyCommitText(result.policyCommit)}`] : []),
    ]);
  }
  return {
    status: 'ok',
    title: [
      'Subject ',
      code(result.id),
      ' of ',
      code(result.table),
      result.dryRun ? `: ${rows} rows would be ${verb}` : `: ${rows} rows ${verb}`,
      ' (rule ',
      code(result.rule),
      ')',
    ],
    blocks: [
      {
        kind: 'table',
        columns: ['Table', 'References the subject by', 'Action', 'Rows'],
        rows: result.tables.map((t) => [code(t.table), referencedBy(t), t.action, String(t.rows)]),
      },
      ...(notes.length > 0 ? [{ kind: 'list' as const, items: notes }] : []),
    ],
  };
}

/** How a table's rows reference the subject: a foreign key, or (MongoDB) the field holding its `_id`. */
function referencedBy(t: { constraint?: string; field?: string; references?: string }): Text {
  const by = t.constraint ?? t.field;
  return by === undefined ? '(the subject)' : [code(by), ' → ', code(t.references!)];
}
