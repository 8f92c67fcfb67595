import { invalidInput } from './errors.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses durations such as 90s, 15m, 26h, 7d, 1h30m into seconds. */
export function parseDuration(text: string, input: string): number {
  const value = text.trim().toLowerCase();
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)];
  if (value === '' || parts.map((p) => p[0]).join('') !== value) {
    throw invalidInput(input, `'${text}' is not a duration`, 'a number with a unit s, m, h, d or w, e.g. 26h, 15m, 7d or 1h30m');
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0);
}
