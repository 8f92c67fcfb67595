// age X25519 recipients ("age1...") and identities ("AGE-SECRET-KEY-1..."): Bech32 strings over 32 raw bytes.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { bech32 } from '@scure/base';
import { invalidInput } from '../../errors.js';
import { rawPrivateKey, rawPublicKey, x25519PrivateKey } from './primitives.js';

const RECIPIENT_PREFIX = 'age';
const IDENTITY_PREFIX = 'age-secret-key-';

export const RECIPIENT_FORM =
  'an X25519 recipient like age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p, as printed by age-keygen';
export const IDENTITY_FORM =
  'an age identity AGE-SECRET-KEY-1... as written by age-keygen, or the content of an age identity file ' +
  '(one identity per line; blank lines and lines starting with # are ignored)';

/** The 32 bytes inside a Bech32 string with the given prefix, or why it is not one. Never echoes the input. */
function decodeKey(text: string, prefix: string): { bytes: Buffer } | { problem: string } {
  let decoded: { prefix: string; words: number[] };
  try {
    // No length limit: Bech32's 90-character cap is for Bitcoin addresses, and age sets none.
    decoded = bech32.decode(text as `${string}1${string}`, false);
  } catch {
    return { problem: 'not valid Bech32: a character is wrong, missing, or of mixed case' };
  }
  if (decoded.prefix.startsWith('age1') || decoded.prefix.startsWith('age-plugin-')) {
    return { problem: 'age plugin keys are not supported' };
  }
  if (decoded.prefix !== prefix) return { problem: 'wrong Bech32 prefix' };
  let bytes: Uint8Array;
  try {
    bytes = bech32.fromWords(decoded.words);
  } catch {
    return { problem: 'not valid Bech32 data' };
  }
  if (bytes.length !== 32) return { problem: `it encodes ${bytes.length} bytes instead of 32` };
  return { bytes: Buffer.from(bytes) };
}

function recipientProblem(text: string): string | undefined {
  const upper = text.toUpperCase();
  if (upper.startsWith('AGE-SECRET-KEY-')) return 'this is a secret identity; use its public key, never the secret key';
  if (text.startsWith('ssh-')) return 'SSH recipients are not supported';
  if (!text.toLowerCase().startsWith('age1')) return 'it does not start with age1';
  return undefined;
}

/** Validates an age1... X25519 recipient and returns it in its canonical lower-case form. */
export function parseRecipient(text: string, inputName: string): string {
  const trimmed = text.trim();
  const early = recipientProblem(trimmed);
  const result = early === undefined ? decodeKey(trimmed, RECIPIENT_PREFIX) : { problem: early };
  if ('problem' in result) {
    throw invalidInput(inputName, `is not a valid age recipient (${result.problem})`, RECIPIENT_FORM);
  }
  return encodeRecipient(result.bytes);
}

/** The raw X25519 public key of a recipient. */
export function recipientPublicKey(recipient: string): Buffer {
  const result = decodeKey(parseRecipient(recipient, 'recipient'), RECIPIENT_PREFIX);
  if ('problem' in result) throw new Error('unreachable: a parsed recipient decodes');
  return result.bytes;
}

function identityProblem(line: string): string | undefined {
  const upper = line.toUpperCase();
  if (upper.startsWith('AGE1')) return 'this is a public recipient; decrypting needs the secret AGE-SECRET-KEY-1...';
  if (upper.startsWith('AGE-PLUGIN-')) return 'age plugin keys are not supported';
  if (line.startsWith('-----BEGIN')) return 'SSH and PEM keys are not supported';
  if (!upper.startsWith('AGE-SECRET-KEY-1')) return 'it does not start with AGE-SECRET-KEY-1';
  return undefined;
}

/**
 * Accepts one AGE-SECRET-KEY-1... or the content of an identity file and returns the identities in canonical
 * upper-case form. Error messages name the line, never its content: these are secrets.
 */
export function parseIdentities(text: string, inputName: string): string[] {
  const identities: string[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const early = identityProblem(line);
    const result = early === undefined ? decodeKey(line, IDENTITY_PREFIX) : { problem: early };
    if ('problem' in result) {
      const where = lines.length > 1 ? ` on line ${index + 1}` : '';
      throw invalidInput(inputName, `is not a valid age identity${where} (${result.problem})`, IDENTITY_FORM);
    }
    identities.push(encodeIdentity(result.bytes));
  }
  if (identities.length === 0) throw invalidInput(inputName, 'contains no age identity', IDENTITY_FORM);
  return identities;
}

/** The raw X25519 secret scalar of an identity already validated by parseIdentities. */
export function identitySecretKey(identity: string): Buffer {
  const result = decodeKey(identity, IDENTITY_PREFIX);
  if ('problem' in result) {
    throw invalidInput('identity', `is not a valid age identity (${result.problem})`, IDENTITY_FORM);
  }
  return result.bytes;
}

/** The age1... recipient of an identity (the first one, given an identity file). */
export function identityToRecipient(identity: string): string {
  const [first] = parseIdentities(identity, 'identity');
  return encodeRecipient(rawPublicKey(x25519PrivateKey(identitySecretKey(first ?? ''))));
}

/** "sha256:" + 16 hex chars of SHA-256 of the recipient: identifies the key in a manifest without being the key. */
export function recipientFingerprint(recipient: string): string {
  const canonical = parseRecipient(recipient, 'recipient');
  return `sha256:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

export function generateIdentity(): { identity: string; recipient: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { identity: encodeIdentity(rawPrivateKey(privateKey)), recipient: encodeRecipient(rawPublicKey(publicKey)) };
}

function encodeRecipient(publicKey: Uint8Array): string {
  return bech32.encode(RECIPIENT_PREFIX, bech32.toWords(publicKey), false);
}

function encodeIdentity(secretKey: Uint8Array): string {
  return bech32.encode(IDENTITY_PREFIX, bech32.toWords(secretKey), false).toUpperCase();
}
