/**
 * `-- dbops-lint-disable <rule> reason: <why>` in a migration: suppresses that rule for the statement the comment
 * stands before (or ends the line of), or, for missing-lock-timeout, for the whole file. A suppression without a
 * reason, or of a rule that does not exist, suppresses nothing and is a finding itself.
 */
import type { ParsedStatement, SqlComment } from './parse.js';
import { isLintRuleId, type LintRuleId } from './rules.js';
import type { SourcePositions } from './positions.js';

const SUPPRESSION = /^(?:--|\/\*)\s*dbops-lint-disable\b\s*([\w-]*)\s*(?:reason\s*:\s*(.*?))?\s*(?:\*\/)?$/is;

export interface Suppression {
  rule: LintRuleId;
  reason: string;
  /** Index of the statement it applies to; undefined for the whole file. */
  statement: number | undefined;
}

export interface InvalidSuppression {
  offset: number;
  problem: string;
}

export function readSuppressions(
  comments: SqlComment[],
  statements: ParsedStatement[],
  positions: SourcePositions,
): {
  suppressions: Suppression[];
  invalid: InvalidSuppression[];
} {
  const suppressions: Suppression[] = [];
  const invalid: InvalidSuppression[] = [];
  for (const comment of comments) {
    const match = SUPPRESSION.exec(comment.text.trim());
    if (!match) continue;
    const [, rule = '', reason = ''] = match;
    if (!isLintRuleId(rule)) {
      invalid.push({ offset: comment.start, problem: rule ? `names no lint rule: ${rule}` : 'names no rule' });
    } else if (!reason.trim()) {
      invalid.push({ offset: comment.start, problem: `of ${rule} gives no reason` });
    } else {
      const statement = rule === 'missing-lock-timeout' ? undefined : statementOf(comment, statements, positions);
      suppressions.push({ rule, reason: reason.trim(), statement });
    }
  }
  return { suppressions, invalid };
}

export function isSuppressed(suppressions: Suppression[], rule: LintRuleId, statement: number): boolean {
  return suppressions.some((s) => s.rule === rule && (s.statement === undefined || s.statement === statement));
}

/** The statement the comment is inside or stands before, unless it trails a statement on that statement's last line. */
function statementOf(comment: SqlComment, statements: ParsedStatement[], positions: SourcePositions): number {
  const inside = statements.findIndex((s) => comment.start >= s.start && comment.start < s.end);
  if (inside !== -1) return inside;
  const found = statements.findIndex((s) => s.start > comment.start);
  const next = found === -1 ? statements.length : found;
  const before = statements[next - 1];
  if (before && positions.atByte(before.end).line === positions.atByte(comment.start).line) return next - 1;
  return next;
}
