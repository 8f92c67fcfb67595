import type { InputDefinition } from './types.js';

/**
 * The grammar an input's kind takes, as action.yml, the CLI help and the reference docs append it to the
 * description, so every duration and size input states the one grammar dbops reads (duration.ts, size.ts).
 */
export function kindNote(input: InputDefinition): string {
  if (input.type === 'duration') return ' Duration: a number with a unit ms, s, m, h, d or w, or several (500ms, 90s, 1h30m, 7d, 2w).';
  if (input.type === 'size') return ' Size: bytes, or a number with kB, MB, GB, TB or PB, binary (512kB, 64MB, 1.5GiB).';
  return '';
}
