// The age header: intro line, recipient stanzas, and the MAC line that authenticates them under the file key.
import { timingSafeEqual } from 'node:crypto';
import { failures } from './failures.js';
import { decodeBase64, encodeBase64, hkdf, hmacSha256 } from './primitives.js';

export const INTRO = Buffer.from('age-encryption.org/v1\n', 'latin1');
const ARMOR_START = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----', 'latin1');
const FOOTER = '---';
const LINE_WIDTH = 64; // stanza bodies are wrapped at 64 columns
const MAX_HEADER_SIZE = 1024 * 1024; // real headers are a few hundred bytes; bound what we buffer looking for the end

export interface Stanza {
  type: string;
  args: string[];
  body: Buffer;
}

export interface Header {
  stanzas: Stanza[];
  /** The header bytes the MAC covers: everything up to and including the "---" of the MAC line. */
  macInput: Buffer;
  mac: Buffer;
}

export function encodeHeader(stanzas: Stanza[], fileKey: Buffer): Buffer {
  let text = INTRO.toString('latin1');
  for (const stanza of stanzas) {
    text += `-> ${[stanza.type, ...stanza.args].join(' ')}\n`;
    const body = encodeBase64(stanza.body);
    // The body ends at its first line shorter than 64 columns, so a body of a multiple of 64 gets an empty line.
    for (let at = 0; at <= body.length; at += LINE_WIDTH) text += `${body.slice(at, at + LINE_WIDTH)}\n`;
  }
  text += FOOTER;
  const macInput = Buffer.from(text, 'latin1');
  return Buffer.concat([macInput, Buffer.from(` ${encodeBase64(headerMac(fileKey, macInput))}\n`, 'latin1')]);
}

function headerMac(fileKey: Buffer, macInput: Buffer): Buffer {
  return hmacSha256(hkdf(fileKey, Buffer.alloc(0), 'header'), macInput);
}

export function verifyHeaderMac(header: Header, fileKey: Buffer): boolean {
  return timingSafeEqual(headerMac(fileKey, header.macInput), header.mac);
}

/**
 * Checks the start of a stream: throws when the bytes so far cannot begin an age file.
 * Returns whether enough bytes were seen to be sure they do.
 */
export function checkIntro(start: Buffer): boolean {
  const length = Math.min(start.length, INTRO.length);
  if (start.subarray(0, length).equals(INTRO.subarray(0, length))) return length === INTRO.length;
  const armorLength = Math.min(start.length, ARMOR_START.length);
  if (start.subarray(0, armorLength).equals(ARMOR_START.subarray(0, armorLength))) throw failures.armored();
  throw failures.notAgeFile();
}

/** The length of the header (through the MAC line's newline) once `bytes` holds all of it. */
export function findHeaderEnd(bytes: Buffer): number | undefined {
  // Stanza lines start with "->" and bodies are base64, so the first line starting with "---" is the MAC line.
  const footer = bytes.indexOf('\n---', 0, 'latin1');
  const end = footer === -1 ? -1 : bytes.indexOf(0x0a, footer + 1);
  if (end !== -1) return end + 1;
  if (bytes.length > MAX_HEADER_SIZE) throw failures.malformedHeader('no end of header within its first MiB');
  return undefined;
}

/** Parses a complete header (as delimited by findHeaderEnd), strictly as the spec and the Go implementation do. */
export function parseHeader(bytes: Buffer): Header {
  const text = bytes.toString('latin1');
  if (!/^[\x20-\x7e\n]*$/.test(text)) throw failures.malformedHeader('non-ASCII bytes');
  const lines = text.split('\n');
  lines.pop(); // the empty string after the final newline
  if (`${lines[0]}\n` !== INTRO.toString('latin1')) throw failures.notAgeFile();

  const stanzas: Stanza[] = [];
  let at = 1;
  for (;;) {
    const line = lines[at++];
    if (line === undefined) throw failures.malformedHeader('missing MAC line');
    if (line.startsWith(FOOTER)) {
      const [prefix, mac, ...extra] = line.split(' ');
      const macBytes = mac === undefined ? undefined : decodeBase64(mac);
      if (prefix !== FOOTER || extra.length > 0 || macBytes?.length !== 32) {
        throw failures.malformedHeader('invalid MAC line');
      }
      if (at !== lines.length) throw failures.malformedHeader('data after the MAC line');
      const macInput = bytes.subarray(0, bytes.length - line.length - 1 + FOOTER.length);
      return { stanzas, macInput, mac: macBytes };
    }
    if (!line.startsWith('-> ')) throw failures.malformedHeader(`unexpected line ${at}`);
    const [type, ...args] = line.slice(3).split(' ');
    if (type === undefined || [type, ...args].some((arg) => !/^[\x21-\x7e]+$/.test(arg))) {
      throw failures.malformedHeader(`invalid stanza on line ${at}`);
    }
    const body: Buffer[] = [];
    for (;;) {
      const bodyLine = lines[at++];
      const decoded = bodyLine === undefined ? undefined : decodeBase64(bodyLine);
      if (bodyLine === undefined || decoded === undefined || bodyLine.length > LINE_WIDTH) {
        throw failures.malformedHeader(`invalid stanza body on line ${at}`);
      }
      body.push(decoded);
      if (bodyLine.length < LINE_WIDTH) break;
    }
    stanzas.push({ type, args, body: Buffer.concat(body) });
  }
}
