// The age primitives on Node's native (OpenSSL) crypto: HKDF-SHA256, HMAC-SHA256, ChaCha20-Poly1305, X25519.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';

export const KEY_SIZE = 32;
export const TAG_SIZE = 16;
export const AEAD = 'chacha20-poly1305';

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, KEY_SIZE));
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** One-shot ChaCha20-Poly1305 seal: ciphertext || tag. */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv(AEAD, key, nonce, { authTagLength: TAG_SIZE });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** One-shot ChaCha20-Poly1305 open of ciphertext || tag; undefined when authentication fails. */
export function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < TAG_SIZE) return undefined;
  const decipher = createDecipheriv(AEAD, key, nonce, { authTagLength: TAG_SIZE });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE)), decipher.final()]);
  } catch {
    return undefined;
  }
}

// Node imports raw X25519 keys only through DER or JWK (and a private JWK needs the public half too), so wrap the
// 32 raw bytes in the fixed PKCS#8 / SPKI prefixes of RFC 8410.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export function x25519PrivateKey(raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

export function x25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The raw public key of a public key, or of the public half of a private key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return (publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(SPKI_PREFIX.length);
}

export function rawPrivateKey(key: KeyObject): Buffer {
  return (key.export({ format: 'der', type: 'pkcs8' }) as Buffer).subarray(PKCS8_PREFIX.length);
}

/** X25519(privateKey, publicKey); undefined for a low-order public key (all-zero shared secret, which age rejects). */
export function x25519(privateKey: KeyObject, publicKey: KeyObject): Buffer | undefined {
  try {
    const shared = diffieHellman({ privateKey, publicKey });
    return shared.some((byte) => byte !== 0) ? shared : undefined;
  } catch {
    return undefined; // OpenSSL itself refuses the all-zero result
  }
}

const BASE64 = /^[A-Za-z0-9+/]*$/;

/** age's base64: standard alphabet, no padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

/** Strict unpadded base64 (canonical only, like Go's RawStdEncoding.Strict); undefined when malformed. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return encodeBase64(bytes) === text ? bytes : undefined;
}
