// Maintenance windows: "Sun 01:00-03:00 UTC", "Mon-Fri 22:00-02:00 Europe/Berlin", "daily 00:00-04:00
// America/New_York", several separated by commas. Pure functions of an instant, so callers pass the clock.
import { invalidInput } from '../errors.js';
import { addDays, isKnownZone, type LocalDate, localDate, weekday, zonedInstant } from './zoned-time.js';

export const WINDOW_FORM =
  "one or more windows separated by commas, each '<days> <HH:MM>-<HH:MM> <time zone>': days are a day (Sun), a range (Mon-Fri) or 'daily'; the zone is an IANA name (Europe/Berlin) or UTC; an end at or before the start crosses midnight, e.g. 'Sun 01:00-03:00 UTC, Mon-Fri 22:00-02:00 Europe/Berlin'";

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** One recurring period: it starts on each of `days` (0 = Sunday, in the zone's calendar) at `startMinute`. */
export interface WindowRule {
  text: string;
  days: ReadonlySet<number>;
  startMinute: number;
  endMinute: number;
  zone: string;
}

export interface Occurrence {
  start: Date;
  end: Date;
}

export interface Window {
  rules: readonly WindowRule[];
  /** True when `instant` lies inside an occurrence (start inclusive, end exclusive). */
  contains(instant: Date): boolean;
  /** The occurrence containing `instant`, else the first one starting after it. */
  next(instant: Date): Occurrence;
  /** Milliseconds left in the occurrence containing `instant`; 0 outside every window. */
  remaining(instant: Date): number;
}

/** Parses `text` (the value of input `inputName`) into a Window, or throws INVALID_INPUT naming what is wrong. */
export function parseWindow(text: string, inputName: string): Window {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.every((p) => p === '')) throw invalidInput(inputName, 'is empty', WINDOW_FORM);
  const rules = parts.map((part) => parseRule(part, inputName));
  return makeWindow(rules);
}

function parseRule(part: string, inputName: string): WindowRule {
  const bad = (problem: string) => invalidInput(inputName, `has ${problem} in window '${part}'`, WINDOW_FORM);
  const words = part.split(/\s+/).filter((w) => w !== '');
  if (words.length !== 3) throw bad(`${words.length} parts where days, a time range and a time zone were expected`);
  const [dayText, rangeText, zone] = words as [string, string, string];
  const days = parseDays(dayText);
  if (!days) throw bad(`unknown days '${dayText}' (expected Sun…Sat, a range such as Mon-Fri, or daily)`);
  const range = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(rangeText);
  if (!range) throw bad(`a time range '${rangeText}' not of the form HH:MM-HH:MM`);
  const [, sh, sm, eh, em] = range.map(Number) as [number, number, number, number, number];
  const startMinute = clock(sh, sm, false);
  const endMinute = clock(eh, em, true);
  if (startMinute === undefined) throw bad(`a start time '${rangeText.split('-')[0]}' that is not a time of day`);
  if (endMinute === undefined) throw bad(`an end time '${rangeText.split('-')[1]}' that is not a time of day`);
  if (startMinute === endMinute % 1440 && endMinute !== 1440)
    throw bad('a window that starts and ends at the same time');
  if (!isKnownZone(zone))
    throw bad(`an unknown time zone '${zone}' (expected an IANA name such as Europe/Berlin, or UTC)`);
  return { text: part, days, startMinute, endMinute, zone };
}

function clock(hour: number, minute: number, isEnd: boolean): number | undefined {
  if (minute > 59) return undefined;
  if (hour === 24 && minute === 0 && isEnd) return 1440;
  if (hour > 23) return undefined;
  return hour * 60 + minute;
}

function parseDays(text: string): Set<number> | undefined {
  const lower = text.toLowerCase();
  if (lower === 'daily') return new Set([0, 1, 2, 3, 4, 5, 6]);
  const [from, to, ...rest] = lower.split('-');
  if (rest.length > 0) return undefined;
  const a = DAYS.indexOf(from!);
  const b = to === undefined ? a : DAYS.indexOf(to);
  if (a < 0 || b < 0) return undefined;
  const days = new Set<number>();
  // A range may wrap the week: Fri-Mon is Fri, Sat, Sun, Mon.
  for (let d = a; ; d = (d + 1) % 7) {
    days.add(d);
    if (d === b) break;
  }
  return days;
}

/** Occurrences of `rule` starting on local dates from `instant`'s date minus one to plus eight. */
function occurrencesAround(rule: WindowRule, instant: number): Array<{ start: number; end: number }> {
  const today = localDate(instant, rule.zone);
  const crosses = rule.endMinute <= rule.startMinute;
  const out: Array<{ start: number; end: number }> = [];
  for (let offset = -1; offset <= 8; offset++) {
    const date: LocalDate = addDays(today, offset);
    if (!rule.days.has(weekday(date))) continue;
    const start = zonedInstant(date, rule.startMinute, rule.zone);
    const end = zonedInstant(crosses ? addDays(date, 1) : date, rule.endMinute, rule.zone);
    // A DST jump can shrink a short window to nothing (02:00-02:30 on a 02:00→03:00 day): it does not happen.
    if (end > start) out.push({ start, end });
  }
  return out;
}

function makeWindow(rules: WindowRule[]): Window {
  const containing = (t: number) =>
    rules.flatMap((r) => occurrencesAround(r, t)).filter((o) => o.start <= t && t < o.end);
  return {
    rules,
    contains: (instant) => containing(instant.getTime()).length > 0,
    next(instant) {
      const t = instant.getTime();
      const inside = containing(t).sort((a, b) => b.end - a.end)[0];
      const chosen =
        inside ??
        rules
          .flatMap((r) => occurrencesAround(r, t))
          .filter((o) => o.start > t)
          .sort((a, b) => a.start - b.start)[0]!;
      return { start: new Date(chosen.start), end: new Date(chosen.end) };
    },
    remaining(instant) {
      const t = instant.getTime();
      return Math.max(0, ...containing(t).map((o) => o.end - t));
    },
  };
}
