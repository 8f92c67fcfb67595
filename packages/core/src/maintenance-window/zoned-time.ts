// Wall-clock time in an IANA zone, through Intl (no time-zone library is installed; Intl carries the tz database
// that Node ships, so DST rules stay as current as Node itself).

export interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when Intl knows the zone (an IANA name such as Europe/Berlin, or UTC). */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `zone` at `instant` (ms since epoch), as if it were UTC: the zone's offset folded in. */
function wallClockMs(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const { year, month, day, hour, minute, second } = parts as Record<string, number>;
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) + (((instant % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at `instant`, in ms (east positive). */
export function offsetMs(instant: number, zone: string): number {
  return wallClockMs(instant, zone) - instant;
}

/** The local calendar date in `zone` at `instant`. */
export function localDate(instant: number, zone: string): LocalDate {
  const d = new Date(wallClockMs(instant, zone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The instant at which the wall clock in `zone` shows `minutes` past midnight of `date`. A time skipped by a DST
 * jump forward maps to the same distance after the jump (02:30 on a 02:00→03:00 day is 03:30), as Temporal's
 * 'compatible' does; a time shown twice when clocks go back is its first occurrence.
 */
export function zonedInstant(date: LocalDate, minutes: number, zone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000;
  // The offset is one of the offsets around `wall`: try the one before and the one after a possible transition.
  const before = offsetMs(wall - 86_400_000, zone);
  const after = offsetMs(wall + 86_400_000, zone);
  const candidates = [wall - before, wall - after].filter((t) => wallClockMs(t, zone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In the gap: the wall time does not exist; move it forward by the gap (before < after when clocks jump forward).
  return wall - before;
}
