/**
 * What a pull request's policy change shortens (issue 16 part 2): each rule whose `keep` or `grace` is shorter at the
 * head than at the base, so a reviewer sees that data would go sooner. Rules are matched by name, then by what they
 * purge (a renamed rule over the same table is still the same data); new rules shorten nothing.
 */
import type { DataRetentionPolicy, DataRule } from './policy.js';

export interface ShortenedPeriod {
  rule: string;
  /** The rule's name at the base, when it was renamed. */
  baseRule?: string;
  /** `schema.table` or `database.collection`. */
  target: string;
  period: 'keep' | 'grace';
  baseSeconds: number;
  headSeconds: number;
  /** The rule's line in the head's file. */
  line: number;
}

export function shortenedPeriods(base: DataRetentionPolicy, head: DataRetentionPolicy): ShortenedPeriod[] {
  const shortened: ShortenedPeriod[] = [];
  for (const rule of head.data) {
    const before = base.data.find((r) => r.name === rule.name) ?? base.data.find((r) => target(r) === target(rule));
    if (!before) continue;
    const [period, headSeconds] = periodOf(rule);
    const [basePeriod, baseSeconds] = periodOf(before);
    if (period !== basePeriod || headSeconds >= baseSeconds) continue;
    shortened.push({
      rule: rule.name,
      ...(before.name !== rule.name ? { baseRule: before.name } : {}),
      target: target(rule),
      period,
      baseSeconds,
      headSeconds,
      line: rule.line,
    });
  }
  return shortened;
}

function periodOf(rule: DataRule): ['keep' | 'grace', number] {
  return rule.kind === 'soft-delete' ? ['grace', rule.graceSeconds] : ['keep', rule.keepSeconds];
}

function target(rule: DataRule): string {
  if (rule.kind === 'collection') return `${rule.collection.database}.${rule.collection.name}`;
  return `${rule.table.schema ?? 'public'}.${rule.table.name}`;
}

/** A period as the policy file writes it: `365d`, `12h`, `90m`, `30s` (the largest unit that divides it). */
export function policyDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}
