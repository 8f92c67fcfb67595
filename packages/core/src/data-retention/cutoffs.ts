/**
 * A rule's cutoffs, frozen once per run from one `now`: the rule's own (rows older than it have expired) and the
 * effective one after the compliance minimums on its table (rows older than it may go). The policy reader already
 * refuses a rule shorter than a minimum; a policy built in code is not read, so the purge applies the floor again
 * rather than trust that it was checked. Years are calendar years back from `now` (period.ts), never 365 days.
 */
import { type Period, periodStart } from './period.js';
import type { Minimum } from './policy.js';

export interface RuleCutoffs {
  /** now − the rule's keep (or grace): rows whose time column is before it have expired. */
  cutoff: Date;
  /** The earlier of `cutoff` and now − the longest minimum on the table: only rows before it are purged. */
  effectiveCutoff: Date;
  /** The longest minimum on the rule's table, when one applies: the seconds from its start to `now`, at this run. */
  minimumSeconds?: number;
}

/**
 * `appliesTo` says whether a minimum names the rule's table (the caller resolves names through the catalog, so
 * `audit_logs` and `public.audit_logs` are the same table).
 */
export function ruleCutoffs(
  keep: Period,
  minimums: Minimum[],
  appliesTo: (minimum: Minimum) => boolean,
  now: Date,
): RuleCutoffs {
  const cutoff = periodStart(now, keep);
  const floors = minimums.filter(appliesTo).map((m) => periodStart(now, m.keepAtLeast).getTime());
  if (floors.length === 0) return { cutoff, effectiveCutoff: cutoff };
  const floor = new Date(Math.min(...floors));
  return {
    cutoff,
    effectiveCutoff: floor < cutoff ? floor : cutoff,
    minimumSeconds: (now.getTime() - floor.getTime()) / 1000,
  };
}
