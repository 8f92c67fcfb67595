import { formatPeriod, type Period } from '../data-retention/period.js';
import type { PolicyLoosening } from '../data-retention/policy-changes.js';
import { code, type Result, type Text } from './result.js';

/**
 * For the pull request comment: what the change loosens, one table for all of it (rules' keep or grace, their other
 * settings to review, removed legal holds, the backups: section's keep-* settings, minimums), or why that is unknown.
 */
export function policyChangesSummary(base: string, change: PolicyLoosening | { unknown: string }): Result {
  if ('unknown' in change)
    return {
      status: 'warning',
      title: 'Shortened periods: not compared',
      blocks: [{ kind: 'note', text: `The policy at the base could not be read: ${change.unknown}.` }],
    };
  const { shortened, changed, holds, backups, minimums } = change;
  const counts: string[] = [];
  const effects: string[] = [];
  if (shortened.length > 0) {
    counts.push(`${shortened.length} retention periods shortened`);
    effects.push('data would go sooner');
  }
  if (changed.length > 0) {
    counts.push(`${changed.length} rule settings changed`);
    effects.push('review what those rules would purge');
  }
  if (holds.length > 0) {
    counts.push(`${holds.length} legal holds removed`);
    effects.push('rows they held could be purged');
  }
  if (backups.length > 0) {
    counts.push(`${backups.length} backup keep settings lowered`);
    effects.push('backups would be deleted sooner');
  }
  if (minimums.length > 0) {
    counts.push(`${minimums.length} minimums lowered or removed`);
    effects.push('a compliance floor drops');
  }
  if (counts.length === 0)
    return {
      status: 'ok',
      title: ['No retention period is shortened and no backup keep setting or minimum lowered against ', code(base)],
      blocks: [],
    };
  const rows: Text[][] = [
    ...shortened.map((s): Text[] => [
      s.baseRule ? [code(s.rule), ' (was ', code(s.baseRule), ')'] : code(s.rule),
      code(s.target),
      s.period,
      formatPeriod(s.base),
      formatPeriod(s.head),
      String(s.line),
    ]),
    ...changed.map((c): Text[] => [
      c.baseRule ? [code(c.rule), ' (was ', code(c.baseRule), ')'] : code(c.rule),
      code(c.target),
      c.setting,
      code(c.base),
      code(c.head),
      String(c.line),
    ]),
    ...holds.map((h): Text[] => [code('holds'), code(h.hold), 'hold', 'present', 'removed', `${h.line} at the base`]),
    ...backups.map((b): Text[] => {
      const value = (v: number | Period) => (typeof v === 'number' ? String(v) : formatPeriod(v));
      return [
        code('backups'),
        b.baseTarget ? [code(b.target), ' (was ', code(b.baseTarget), ')'] : code(b.target),
        b.setting,
        value(b.base),
        b.head === undefined ? 'removed' : value(b.head),
        String(b.line),
      ];
    }),
    ...minimums.map((m): Text[] => [
      code('minimums'),
      code(m.target),
      'keep-at-least',
      formatPeriod(m.base),
      m.head === undefined ? 'removed' : formatPeriod(m.head),
      m.atBase ? `${m.line} at the base` : String(m.line),
    ]),
  ];
  return {
    status: 'warning',
    title: [`${counts.join(', ')} against `, code(base), `: ${effects.join(', ')}`],
    blocks: [{ kind: 'table', columns: ['Rule', 'Target', 'Setting', 'Base', 'This change', 'Line'], rows }],
  };
}
