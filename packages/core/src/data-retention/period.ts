/**
 * A retention period as a policy writes it (`7y`, `1y30d`, `90d`): whole calendar years and a fixed number of
 * seconds. A year is not a number of seconds (7 calendar years are 2556 or 2557 days, not 7 × 365), so the years are
 * kept apart and only turned into an instant against the run's `now`, in UTC.
 */
export interface Period {
  years: number;
  seconds: number;
}

const DAY = 86_400;

/**
 * The start of `period` before `now`: `years` calendar years back (UTC), then `seconds` back, as PostgreSQL's
 * `now - interval '1 year 30 days'` does. A day the earlier year lacks (29 February) becomes the last day of its
 * month, 28 February: the earlier date, so a period never ends up shorter than its years.
 */
export function periodStart(now: Date, period: Period): Date {
  const start = new Date(now.getTime());
  if (period.years !== 0) {
    const year = now.getUTCFullYear() - period.years;
    const month = now.getUTCMonth();
    const lastDay = new Date(0);
    lastDay.setUTCFullYear(year, month + 1, 0);
    start.setUTCFullYear(year, month, Math.min(now.getUTCDate(), lastDay.getUTCDate()));
  }
  return new Date(start.getTime() - period.seconds * 1000);
}

/** The seconds a period spans when its years are as short as they come (365 days each). */
export function shortestSeconds(period: Period): number {
  return period.years * 365 * DAY + period.seconds;
}

/** The seconds a period spans when its years hold every leap day they can (one in any four consecutive years). */
function longestSeconds(period: Period): number {
  return (period.years * 365 + Math.ceil(period.years / 4)) * DAY + period.seconds;
}

/**
 * Whether `a` keeps at least as long as `b` whatever the date: exact when both have the same years (they start from
 * the same day), otherwise `a`'s years counted at their shortest and `b`'s at their longest. So `365d` is shorter
 * than `1y` (a year with 29 February has 366 days), and `1y` is not shorter than `1y`.
 */
export function periodAtLeast(a: Period, b: Period): boolean {
  if (a.years === b.years) return a.seconds >= b.seconds;
  return shortestSeconds(a) >= longestSeconds(b);
}

/** A period as the policy file writes it: `7y`, `1y30d`, `365d`, `36h`. */
export function formatPeriod(period: Period): string {
  if (period.years === 0) return policyDuration(period.seconds);
  return `${period.years}y${period.seconds === 0 ? '' : policyDuration(period.seconds)}`;
}

/** Seconds as the policy file writes them: `365d`, `12h`, `90m`, `30s` (the largest unit that divides them). */
export function policyDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', DAY],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}
