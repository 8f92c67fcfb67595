import { invalidInput } from './errors.js';

/**
 * The one size grammar of dbops, for inputs and the monitor's thresholds file alike: a number and an optional unit,
 * case-insensitive. Units are binary, as PostgreSQL's pg_size_pretty counts them: kB, KB, K and KiB all mean 1024
 * bytes, MB 1024², and so on up to PB. A bare number is bytes.
 */
const UNIT_BYTES: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** The valid form, as error messages and the docs state it. */
export const SIZE_FORM =
  'a number of bytes with an optional unit kB, MB, GB, TB or PB (binary; KiB, MiB... too), e.g. 512kB, 64MB or 1.5GiB';

/** Parses sizes such as 64MB, 1.5GiB, 500k, or plain bytes, for the input `input`. */
export function parseSize(text: string, input: string): number {
  const bytes = readSize(text);
  if (bytes === undefined) throw invalidInput(input, `'${text}' is not a size`, SIZE_FORM);
  // Compared with sizes in PostgreSQL's bigint: beyond 2^53 it would be Infinity or inexact. 8 PiB is plenty.
  if (!(bytes <= Number.MAX_SAFE_INTEGER))
    throw invalidInput(input, `'${text}' is larger than dbops takes`, 'a size up to 8PB, e.g. 64MB or 1GiB');
  return bytes;
}

/** The grammar itself, in whole bytes; undefined when the text is not a size. */
export function readSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(?:([kmgtp])(?:i?b)?|b)?$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_BYTES[match[2] ?? '']!);
}
