/**
 * What a pull request's policy change loosens (issue 16 part 2), so a reviewer sees that data or backups would go
 * sooner or a compliance floor would drop: each rule whose `keep` or `grace` is shorter at the head than at the base,
 * each keep-* of the `backups:` section that is lower (or gone), and each minimum that is lower or removed. Rules are
 * matched by name, then by what they purge (a renamed rule over the same table is still the same data); minimums by
 * their table. What is new at the head (a rule, a `backups:` section, a minimum) loosens nothing, and neither does
 * what it removes besides a minimum: a removed rule or `backups:` section deletes nothing.
 */
import { type Period, periodAtLeast } from './period.js';
import {
  BACKUP_KEEP_KEYS,
  type BackupKeep,
  type BackupRotation,
  type DataRetentionPolicy,
  type DataRule,
  type Minimum,
  type QualifiedName,
  rulePeriod,
} from './policy.js';

export interface ShortenedPeriod {
  rule: string;
  /** The rule's name at the base, when it was renamed. */
  baseRule?: string;
  /** `schema.table` or `database.collection`. */
  target: string;
  period: 'keep' | 'grace';
  base: Period;
  head: Period;
  /** The rule's line in the head's file. */
  line: number;
}

/** A keep-* setting of the `backups:` section that keeps fewer backups (or a shorter keep-within) at the head. */
export interface LoweredBackupKeep {
  /** The head's `backups.from`. */
  target: string;
  /** The base's `backups.from`, when it differs. */
  baseTarget?: string;
  setting: (typeof BACKUP_KEEP_KEYS)[BackupKeep];
  /** A count, or a period for keep-within. */
  base: number | Period;
  /** Absent when the head no longer has the setting (it keeps nothing by it). */
  head?: number | Period;
  /** The setting's line in the head's file, or the `backups:` line when the setting is gone. */
  line: number;
}

/** A minimum (compliance floor) that is lower at the head, or gone. */
export interface LoweredMinimum {
  /** `schema.table` */
  target: string;
  base: Period;
  /** Absent when the head has no minimum for the table. */
  head?: Period;
  /** The minimum's line in the head's file; when it is gone, its line in the base's (`atBase`). */
  line: number;
  atBase?: true;
}

export interface PolicyLoosening {
  shortened: ShortenedPeriod[];
  backups: LoweredBackupKeep[];
  minimums: LoweredMinimum[];
}

/** Everything the head loosens against the base. */
export function policyLoosening(base: DataRetentionPolicy, head: DataRetentionPolicy): PolicyLoosening {
  return {
    shortened: shortenedPeriods(base, head),
    backups: loweredBackupKeeps(base.backups, head.backups),
    minimums: loweredMinimums(base.minimums, head.minimums),
  };
}

export function shortenedPeriods(base: DataRetentionPolicy, head: DataRetentionPolicy): ShortenedPeriod[] {
  const shortened: ShortenedPeriod[] = [];
  for (const rule of head.data) {
    const before = base.data.find((r) => r.name === rule.name) ?? base.data.find((r) => target(r) === target(rule));
    if (!before) continue;
    const now = rulePeriod(rule);
    const was = rulePeriod(before);
    if (now.key !== was.key || periodAtLeast(now.period, was.period)) continue;
    shortened.push({
      rule: rule.name,
      ...(before.name !== rule.name ? { baseRule: before.name } : {}),
      target: target(rule),
      period: now.key,
      base: was.period,
      head: now.period,
      line: rule.line,
    });
  }
  return shortened;
}

/**
 * The keep-* settings that keep less at the head. A setting that is not given keeps nothing by itself (as the
 * rotation reads it: rotateBackups in operations/data-retention.ts), so removing one lowers it to nothing. Compared
 * whatever `from` says: it is the policy's one rotation, and a changed `from` is shown next to what was lowered.
 */
export function loweredBackupKeeps(
  base: BackupRotation | undefined,
  head: BackupRotation | undefined,
): LoweredBackupKeep[] {
  if (!base || !head) return [];
  const lowered: LoweredBackupKeep[] = [];
  for (const [field, setting] of Object.entries(BACKUP_KEEP_KEYS) as Array<
    [BackupKeep, LoweredBackupKeep['setting']]
  >) {
    const before = base[field];
    const after = head[field];
    if (before === undefined || keepsAtLeast(after ?? 0, before)) continue;
    lowered.push({
      target: head.from,
      ...(base.from !== head.from ? { baseTarget: base.from } : {}),
      setting,
      base: before,
      ...(after === undefined ? {} : { head: after }),
      line: head.lines[field] ?? head.line,
    });
  }
  return lowered;
}

/** The minimums lower at the head, per table (a table's floor is its highest minimum), or gone from it. */
export function loweredMinimums(base: Minimum[], head: Minimum[]): LoweredMinimum[] {
  const floors = (minimums: Minimum[]) => {
    const byTable = new Map<string, Minimum>();
    for (const m of minimums) {
      const known = byTable.get(tableText(m.table));
      if (!known || !periodAtLeast(known.keepAtLeast, m.keepAtLeast)) byTable.set(tableText(m.table), m);
    }
    return byTable;
  };
  const after = floors(head);
  const lowered: LoweredMinimum[] = [];
  for (const [table, before] of floors(base)) {
    const now = after.get(table);
    if (now && periodAtLeast(now.keepAtLeast, before.keepAtLeast)) continue;
    lowered.push(
      now
        ? { target: table, base: before.keepAtLeast, head: now.keepAtLeast, line: now.line }
        : { target: table, base: before.keepAtLeast, line: before.line, atBase: true },
    );
  }
  return lowered;
}

/** A count against a count, or (keep-within) a period against a period; a removed keep-within (0) keeps less. */
function keepsAtLeast(after: number | Period, before: number | Period): boolean {
  if (typeof after === 'number' || typeof before === 'number')
    return typeof after === typeof before && Number(after) >= Number(before);
  return periodAtLeast(after, before);
}

function target(rule: DataRule): string {
  if (rule.kind === 'collection') return `${rule.collection.database}.${rule.collection.name}`;
  return tableText(rule.table);
}

function tableText(table: QualifiedName): string {
  return `${table.schema ?? 'public'}.${table.name}`;
}
