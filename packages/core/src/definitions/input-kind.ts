import type { InputDefinition } from './types.js';

/**
 * The kind of an input as action.yml, the CLI help and the reference docs append it to the description, so each
 * states what dbops reads: the one grammar of durations and sizes (duration.ts, size.ts), an integer's bounds, a
 * URL's schemes. An enum's description names its values itself; free text ('string') needs no note.
 */
export function kindNote(input: InputDefinition): string {
  const secret = input.secret ? ' Secret: masked in logs and summaries.' : '';
  return `${typeNote(input)}${secret}`;
}

function typeNote(input: InputDefinition): string {
  switch (input.type) {
    case 'duration':
      return ' Duration: a number with a unit ms, s, m, h, d or w, or several (500ms, 90s, 1h30m, 7d, 2w).';
    case 'size':
      return ' Size: bytes, or a number with kB, MB, GB, TB or PB, binary (512kB, 64MB, 1.5GiB).';
    case 'integer':
      return ` Integer: ${integerRange(input)}.`;
    case 'boolean':
      return ' Boolean: true or false.';
    case 'list':
      return ' List: comma- or newline-separated.';
    case 'url':
      return ` URL: ${(input.schemes ?? []).map((scheme) => `${scheme}://`).join(' or ')}.`;
    case 'enum':
    case 'string':
      return '';
  }
}

/** An integer input's valid form, from its bounds: for the kind note and for InputReader's errors alike. */
export function integerRange(input: InputDefinition): string {
  const min = input.min ?? 0;
  return input.max === undefined ? `a whole number, ${min} or more` : `a whole number from ${min} to ${input.max}`;
}
