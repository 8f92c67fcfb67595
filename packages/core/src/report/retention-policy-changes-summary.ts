import { policyDuration, type ShortenedPeriod } from '../data-retention/policy-changes.js';
import { code, type Result } from './result.js';

/** For the pull request comment: the rules whose keep or grace the change shortens, or why that is unknown. */
export function policyChangesSummary(
  base: string,
  change: { shortened: ShortenedPeriod[] } | { unknown: string },
): Result {
  if ('unknown' in change)
    return {
      status: 'warning',
      title: 'Shortened periods: not compared',
      blocks: [{ kind: 'note', text: `The policy at the base could not be read: ${change.unknown}.` }],
    };
  const { shortened } = change;
  if (shortened.length === 0)
    return { status: 'ok', title: ['No retention period is shortened against ', code(base)], blocks: [] };
  return {
    status: 'warning',
    title: [`${shortened.length} retention periods shortened against `, code(base), ': data would go sooner'],
    blocks: [
      {
        kind: 'table',
        columns: ['Rule', 'Target', 'Period', 'Base', 'This change', 'Line'],
        rows: shortened.map((s) => [
          s.baseRule ? [code(s.rule), ' (was ', code(s.baseRule), ')'] : code(s.rule),
          code(s.target),
          s.period,
          policyDuration(s.baseSeconds),
          policyDuration(s.headSeconds),
          String(s.line),
        ]),
      },
    ],
  };
}
