/**
 * What a pull request's policy change loosens (issue 16 part 2), so a reviewer sees that data or backups would go
 * sooner or a compliance floor would drop: each rule whose `keep` or `grace` is shorter at the head than at the base,
 * each other change of a rule that can purge more or keep less (its kind, time column, table, `where`, `then`,
 * `archive-to`), each legal hold removed, each keep-* of the `backups:` section that is lower (or gone), and each
 * minimum that is lower or removed. Rules are matched by what they purge first (a rule renamed, or a rule's name moved
 * onto another table, must not hide that a table's data goes sooner), then by name; minimums by their table. What is
 * new at the head (a rule, a `backups:` section, a minimum, a hold) loosens nothing, and neither does a removed rule
 * or `backups:` section: it deletes nothing.
 */
import { formatPeriod, type Period, periodAtLeast } from './period.js';
import {
  BACKUP_KEEP_KEYS,
  type BackupKeep,
  type BackupRotation,
  type DataRetentionPolicy,
  type DataRule,
  type HoldSource,
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

/**
 * A rule setting changed in a way that can purge more rows, or sooner, or keep no copy: for review, since whether it
 * loosens depends on the data (a `where` rewritten, a time column swapped).
 */
export interface ChangedRuleSetting {
  rule: string;
  /** The rule's name at the base, when it differs. */
  baseRule?: string;
  /** `schema.table` or `database.collection` at the head. */
  target: string;
  setting: 'kind' | 'by' | 'soft-delete' | 'table' | 'where' | 'then' | 'archive-to';
  /** The setting as written at the base and at the head; `(none)` when absent. */
  base: string;
  head: string;
  /** The rule's line in the head's file. */
  line: number;
}

/** A legal hold of the base that the head no longer has: the rows it held may be purged. */
export interface RemovedHold {
  /** The hold as written: `table: schema.table`, `query: SELECT ...` or `collection: database.collection`. */
  hold: string;
  /** Its line in the base's file. */
  line: number;
}

export interface PolicyLoosening {
  shortened: ShortenedPeriod[];
  changed: ChangedRuleSetting[];
  holds: RemovedHold[];
  backups: LoweredBackupKeep[];
  minimums: LoweredMinimum[];
}

/** Everything the head loosens against the base. */
export function policyLoosening(base: DataRetentionPolicy, head: DataRetentionPolicy): PolicyLoosening {
  return {
    shortened: shortenedPeriods(base, head),
    changed: changedRuleSettings(base, head),
    holds: removedHolds(base.holds, head.holds),
    backups: loweredBackupKeeps(base.backups, head.backups),
    minimums: loweredMinimums(base.minimums, head.minimums),
  };
}

/**
 * The base's rule a head rule continues: one over the same table or collection (the same name among those first,
 * then the same `where`, then the first), else the one of the same name (moved to another table).
 */
function baseRuleOf(rule: DataRule, base: DataRetentionPolicy): DataRule | undefined {
  const same = base.data.filter((r) => target(r) === target(rule));
  if (same.length === 0) return base.data.find((r) => r.name === rule.name);
  return same.find((r) => r.name === rule.name) ?? same.find((r) => r.where === rule.where) ?? same[0];
}

export function shortenedPeriods(base: DataRetentionPolicy, head: DataRetentionPolicy): ShortenedPeriod[] {
  const shortened: ShortenedPeriod[] = [];
  for (const rule of head.data) {
    const before = baseRuleOf(rule, base);
    if (!before) continue;
    const now = rulePeriod(rule);
    const was = rulePeriod(before);
    // A changed kind (grace against keep) is listed by changedRuleSettings: the two periods count from different times.
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
 * Each rule's settings besides its period that changed so that it may purge more, sooner, or without a copy: its kind
 * (age against soft delete), time column, table, a `where` removed or rewritten (one added only narrows), `then`
 * from anonymize to erase, and `archive-to` removed or moved.
 */
export function changedRuleSettings(base: DataRetentionPolicy, head: DataRetentionPolicy): ChangedRuleSetting[] {
  const changed: ChangedRuleSetting[] = [];
  for (const rule of head.data) {
    const before = baseRuleOf(rule, base);
    if (!before) continue;
    const add = (setting: ChangedRuleSetting['setting'], was: string | undefined, now: string | undefined) =>
      changed.push({
        rule: rule.name,
        ...(before.name !== rule.name ? { baseRule: before.name } : {}),
        target: target(rule),
        setting,
        base: was ?? NONE,
        head: now ?? NONE,
        line: rule.line,
      });
    if (target(before) !== target(rule)) add('table', target(before), target(rule));
    const [was, now] = [ruleKind(before), ruleKind(rule)];
    if (was.kind !== now.kind) add('kind', was.text, now.text);
    else if (was.column !== now.column) add(now.kind === 'age' ? 'by' : 'soft-delete', was.column, now.column);
    if (before.where !== undefined && before.where !== rule.where) add('where', before.where, rule.where);
    const [thenWas, thenNow] = [thenOf(before), thenOf(rule)];
    if (was.kind === now.kind && thenWas === 'anonymize' && thenNow === 'erase') add('then', thenWas, thenNow);
    if (before.archiveTo !== undefined && before.archiveTo !== rule.archiveTo)
      add('archive-to', before.archiveTo, rule.archiveTo);
  }
  return changed;
}

const NONE = '(none)';

function ruleKind(rule: DataRule): { kind: 'age' | 'soft-delete'; column: string; text: string } {
  const { key, period } = rulePeriod(rule);
  if ('softDelete' in rule)
    return {
      kind: 'soft-delete',
      column: rule.softDelete,
      text: `soft-delete ${rule.softDelete}, grace ${formatPeriod(period)}, then ${thenOf(rule)}`,
    };
  const by = (rule as { by: string }).by;
  return { kind: 'age', column: by, text: `age by ${by}, ${key} ${formatPeriod(period)}` };
}

function thenOf(rule: DataRule): 'erase' | 'anonymize' | undefined {
  return 'afterGrace' in rule ? rule.afterGrace.action : undefined;
}

/** The base's legal holds that the head does not have (compared as written, the table's schema filled in). */
export function removedHolds(base: HoldSource[], head: HoldSource[]): RemovedHold[] {
  const kept = new Set(head.map(holdText));
  return base.filter((hold) => !kept.has(holdText(hold))).map((hold) => ({ hold: holdText(hold), line: hold.line }));
}

function holdText(hold: HoldSource): string {
  if (hold.kind === 'table') return `table: ${tableText(hold.table)}`;
  if (hold.kind === 'query') return `query: ${hold.query.replace(/\s+/g, ' ').trim()}`;
  return `collection: ${hold.collection.database}.${hold.collection.name}`;
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
