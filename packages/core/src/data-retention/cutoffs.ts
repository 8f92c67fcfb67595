/**
 * A rule's cutoffs, frozen once per run from one `now`: the rule's own (rows older than it have expired) and the
 * effective one after the compliance minimums on its table (rows older than it may go). The policy reader already
 * refuses a rule shorter than a minimum; a policy built in code is not read, so the purge applies the floor again
 * rather than trust that it was checked.
 */
import type { Minimum } from './policy.js';

export interface RuleCutoffs {
  /** now − the rule's keep (or grace): rows whose time column is before it have expired. */
  cutoff: Date;
  /** The earlier of `cutoff` and now − the longest minimum on the table: only rows before it are purged. */
  effectiveCutoff: Date;
  /** The longest minimum on the rule's table, in seconds, when one applies. */
  minimumSeconds?: number;
}

/**
 * `appliesTo` says whether a minimum names the rule's table (the caller resolves names through the catalog, so
 * `audit_logs` and `public.audit_logs` are the same table).
 */
export function ruleCutoffs(
  keepSeconds: number,
  minimums: Minimum[],
  appliesTo: (minimum: Minimum) => boolean,
  now: Date,
): RuleCutoffs {
  const cutoff = new Date(now.getTime() - keepSeconds * 1000);
  const floors = minimums.filter(appliesTo).map((m) => m.keepAtLeastSeconds);
  if (floors.length === 0) return { cutoff, effectiveCutoff: cutoff };
  const minimumSeconds = Math.max(...floors);
  const floor = new Date(now.getTime() - minimumSeconds * 1000);
  return { cutoff, effectiveCutoff: floor < cutoff ? floor : cutoff, minimumSeconds };
}
