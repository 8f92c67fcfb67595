import { invalidInput } from './errors.js';

/** The one duration grammar of dbops, for inputs and the monitor's thresholds file alike. */
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800 };

/** The valid form, as error messages and the docs state it. */
export const DURATION_FORM = 'a number with a unit ms, s, m, h, d or w, or several, e.g. 500ms, 90s, 1h30m, 7d or 2w';

/** The longest duration any input takes, 100 years: an age or a retention window beyond it is a typo. */
const MAX_SECONDS = 36500 * 86400;

/**
 * The longest timeout: PostgreSQL's statement_timeout and lock_timeout are milliseconds in a 32-bit integer, and
 * Node.js's timers end at once when given more. 2^31 - 1 ms is about 24.8 days.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Parses durations such as 500ms, 90s, 15m, 26h, 7d, 2w, 1h30m into seconds. */
export function parseDuration(text: string, input: string): number {
  const seconds = durationSeconds(text, input);
  if (!(seconds <= MAX_SECONDS))
    throw invalidInput(
      input,
      `'${text}' is longer than any duration dbops takes`,
      'a duration up to 36500d (100 years), e.g. 26h or 7d',
    );
  return seconds;
}

/**
 * A duration that becomes a PostgreSQL timeout or a timer, in whole milliseconds, checked when the input is read: a
 * value PostgreSQL refuses would otherwise fail later, looking like a connection error. 0 stays 0 (no limit, where
 * the input allows it); anything else must be at least 1 ms.
 */
export function parseTimeoutMs(text: string, input: string, example: string): number {
  const seconds = durationSeconds(text, input);
  const ms = Math.round(seconds * 1000);
  if (ms > MAX_TIMEOUT_MS)
    throw invalidInput(
      input,
      `'${text}' is longer than PostgreSQL and Node.js timers allow`,
      `a duration up to 24d (2147483647 ms), e.g. ${example}`,
    );
  if (ms === 0 && seconds > 0)
    throw invalidInput(
      input,
      `'${text}' is shorter than a millisecond`,
      `a duration of at least 0.001s, e.g. ${example}`,
    );
  return ms;
}

/** Any number of seconds, Infinity included: the callers say what is too long. */
function durationSeconds(text: string, input: string): number {
  const seconds = readDuration(text);
  if (seconds === undefined) throw invalidInput(input, `'${text}' is not a duration`, DURATION_FORM);
  return seconds;
}

/**
 * The grammar itself: one or more parts, each a number and a unit (`1h30m`, `1h 30m`, `5 min`), in seconds;
 * undefined when the text is not a duration. A bare number has no unit and is not a duration here.
 */
export function readDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  // Longest units first, so that "min" and "ms" are not read as "m" followed by garbage.
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)\s*(min|ms|[smhdw])\s*/g)];
  if (value === '' || parts.map((p) => p[0]).join('') !== value) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0);
}
