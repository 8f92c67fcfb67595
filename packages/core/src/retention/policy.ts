/**
 * Which backups to keep, with restic's `forget` semantics (https://restic.readthedocs.io/en/stable/060_forget.html):
 * backups are walked newest first; --keep-last keeps the n newest; each bucket rule (hourly, daily, weekly, monthly,
 * yearly) keeps the newest backup of each of the last n buckets that have one, and the oldest backup when fewer
 * than n buckets have one; --keep-within keeps everything no older than the duration before the newest backup.
 * Times are UTC; weeks are ISO weeks.
 *
 * On top of restic, the guards of docs/architecture.md invariant 3: the newest backup is always kept, and a backup is deleted
 * only while at least `minVerified` verified backups newer than it are kept.
 */
import { periodStart } from '../data-retention/period.js';

export interface RetentionPolicy {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  /** Seconds before the newest backup (after withinYears, when both are given). */
  withinSeconds?: number;
  /** Calendar years before the newest backup: a policy file's `keep-within: 1y` (data-retention/period.ts). */
  withinYears?: number;
  /** Deletion waits until this many newer, verified backups are kept. */
  minVerified?: number;
}

export interface RetentionCandidate {
  id: string;
  time: Date;
  verified: boolean;
}

/**
 * 'damaged' (its object is missing or the wrong size) and 'future-dated' (a wrong clock dated it after now): set
 * aside by the rotation plan, kept for a person to look at and never counted.
 */
export type KeepReason =
  | 'last'
  | 'hourly'
  | 'daily'
  | 'weekly'
  | 'monthly'
  | 'yearly'
  | 'within'
  | 'newest'
  | 'min-verified'
  | 'damaged'
  | 'future-dated';

export interface RetentionDecision {
  id: string;
  time: Date;
  verified: boolean;
  keep: boolean;
  /** Every rule that keeps it (empty for deleted backups). */
  reasons: KeepReason[];
}

const BUCKETS: Array<[KeepReason & keyof RetentionPolicy, (t: Date) => string]> = [
  ['hourly', (t) => t.toISOString().slice(0, 13)],
  ['daily', (t) => t.toISOString().slice(0, 10)],
  ['weekly', isoWeek],
  ['monthly', (t) => t.toISOString().slice(0, 7)],
  ['yearly', (t) => t.toISOString().slice(0, 4)],
];

export function hasKeepRule(policy: RetentionPolicy): boolean {
  return (
    ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'].some(
      (k) => (policy[k as keyof RetentionPolicy] ?? 0) > 0,
    ) ||
    (policy.withinSeconds ?? 0) > 0 ||
    (policy.withinYears ?? 0) > 0
  );
}

/** Decides, for every backup, whether it is kept and why. Returns newest first. Pure. */
export function applyRetention(backups: RetentionCandidate[], policy: RetentionPolicy): RetentionDecision[] {
  const sorted = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : -1));
  const decisions: RetentionDecision[] = sorted.map((b) => ({ ...b, keep: false, reasons: [] }));
  const keep = (d: RetentionDecision, reason: KeepReason) => {
    d.keep = true;
    if (!d.reasons.includes(reason)) d.reasons.push(reason);
  };

  for (const d of decisions.slice(0, policy.last ?? 0)) keep(d, 'last');
  for (const [rule, bucketOf] of BUCKETS) {
    let remaining = policy[rule] ?? 0;
    let lastBucket: string | undefined;
    for (const d of decisions) {
      if (remaining <= 0) break;
      const bucket = bucketOf(d.time);
      if (bucket === lastBucket) continue;
      lastBucket = bucket;
      keep(d, rule);
      remaining--;
    }
    // restic 0.17+: a rule with buckets to spare also keeps the oldest backup, so a young history is not
    // thinned to nothing by a long rule (e.g. keep-monthly 12 after two weeks of backups).
    const oldest = decisions[decisions.length - 1];
    if (remaining > 0 && oldest) keep(oldest, rule);
  }
  const newest = decisions[0];
  if (newest && (policy.withinSeconds || policy.withinYears)) {
    const since = periodStart(newest.time, {
      years: policy.withinYears ?? 0,
      seconds: policy.withinSeconds ?? 0,
    }).getTime();
    for (const d of decisions) if (d.time.getTime() >= since) keep(d, 'within');
  }

  if (newest) keep(newest, 'newest');
  // Walking oldest → newest would need the final kept set first; newest → oldest counts verified keepers as we go.
  const minVerified = policy.minVerified ?? 0;
  let newerVerifiedKept = 0;
  for (const d of decisions) {
    if (!d.keep && newerVerifiedKept < minVerified) keep(d, 'min-verified');
    if (d.keep && d.verified) newerVerifiedKept++;
  }
  return decisions;
}

/** ISO 8601 week, e.g. "2026-W47": weeks start on Monday and belong to the year of their Thursday. */
function isoWeek(time: Date): string {
  const date = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  const day = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
