// The two native age recipient types: X25519 public keys and scrypt passphrases, each wrapping the 16-byte file key.
import { generateKeyPairSync, scrypt, type KeyObject } from 'node:crypto';
import { encryptionFailed, failures } from './failures.js';
import type { Stanza } from './header.js';
import { identitySecretKey } from './keys.js';
import {
  decodeBase64,
  encodeBase64,
  hkdf,
  open,
  rawPublicKey,
  seal,
  x25519,
  x25519PrivateKey,
  x25519PublicKey,
} from './primitives.js';

const X25519_LABEL = 'age-encryption.org/v1/X25519';
const SCRYPT_LABEL = 'age-encryption.org/v1/scrypt';
const ZERO_NONCE = Buffer.alloc(12); // each wrap key is used exactly once
const WRAPPED_SIZE = 32; // 16-byte file key + 16-byte tag

export function wrapX25519(fileKey: Buffer, recipientKey: Buffer): Stanza {
  const ephemeral = generateKeyPairSync('x25519');
  const share = rawPublicKey(ephemeral.publicKey);
  const shared = x25519(ephemeral.privateKey, x25519PublicKey(recipientKey));
  if (shared === undefined) throw encryptionFailed('a recipient is not a usable X25519 public key (low-order point)');
  const wrapKey = hkdf(shared, Buffer.concat([share, recipientKey]), X25519_LABEL);
  return { type: 'X25519', args: [encodeBase64(share)], body: seal(wrapKey, ZERO_NONCE, fileKey) };
}

export interface X25519Identity {
  privateKey: KeyObject;
  publicKey: Buffer;
}

export function toX25519Identity(identity: string): X25519Identity {
  const privateKey = x25519PrivateKey(identitySecretKey(identity));
  return { privateKey, publicKey: rawPublicKey(privateKey) };
}

/** The file key if this stanza was wrapped for `identity`, undefined if it was wrapped for someone else. */
export function unwrapX25519(stanza: Stanza, identity: X25519Identity): Buffer | undefined {
  const [shareText, ...extra] = stanza.args;
  const share = shareText === undefined ? undefined : decodeBase64(shareText);
  if (share?.length !== 32 || extra.length > 0 || stanza.body.length !== WRAPPED_SIZE) {
    throw failures.malformedHeader('invalid X25519 stanza');
  }
  const shared = x25519(identity.privateKey, x25519PublicKey(share));
  if (shared === undefined) throw failures.malformedHeader('X25519 stanza with a low-order share');
  const wrapKey = hkdf(shared, Buffer.concat([share, identity.publicKey]), X25519_LABEL);
  return open(wrapKey, ZERO_NONCE, stanza.body);
}

export async function wrapScrypt(fileKey: Buffer, passphrase: string, salt: Buffer, logN: number): Promise<Stanza> {
  const key = await scryptKey(passphrase, salt, logN);
  return { type: 'scrypt', args: [encodeBase64(salt), String(logN)], body: seal(key, ZERO_NONCE, fileKey) };
}

/** The file key if `passphrase` is right, undefined if it is wrong. */
export async function unwrapScrypt(stanza: Stanza, passphrase: string, maxLogN: number): Promise<Buffer | undefined> {
  const [saltText, logNText, ...extra] = stanza.args;
  const salt = saltText === undefined ? undefined : decodeBase64(saltText);
  if (salt?.length !== 16 || !/^[1-9][0-9]*$/.test(logNText ?? '') || extra.length > 0) {
    throw failures.malformedHeader('invalid scrypt stanza');
  }
  if (stanza.body.length !== WRAPPED_SIZE) throw failures.malformedHeader('invalid scrypt stanza');
  const logN = Number(logNText);
  if (logN > maxLogN) throw failures.workFactorTooHigh(logN, maxLogN);
  return open(await scryptKey(passphrase, salt, logN), ZERO_NONCE, stanza.body);
}

function scryptKey(passphrase: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  const r = 8;
  // Node's default memory cap (32 MiB) is below what age's default work factor needs (128 * N * r = 256 MiB).
  const options = { N, r, p: 1, maxmem: 2 * 128 * N * r + 1024 * 1024 };
  const fullSalt = Buffer.concat([Buffer.from(SCRYPT_LABEL, 'latin1'), salt]);
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, key: Buffer) => (error ? reject(error) : resolve(key));
    scrypt(Buffer.from(passphrase, 'utf8'), fullSalt, 32, options, done);
  });
}
