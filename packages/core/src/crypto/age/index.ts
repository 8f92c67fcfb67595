// Hand-written age v1 (https://age-encryption.org/v1) on Node's native OpenSSL crypto, because the pure-JS
// ChaCha20 of the `age-encryption` package is too slow for multi-GB dumps; the format is checked against the real
// `age` CLI in test/unit/age.test.ts.
import { INTRO } from './header.js';

export { ageEncrypt, createAgeEncryptStream, type AgeEncryptOptions } from './encrypt.js';
export { createAgeDecryptStream, type AgeDecryptOptions } from './decrypt.js';
export {
  generateIdentity,
  identityToRecipient,
  parseIdentities,
  parseRecipient,
  recipientFingerprint,
} from './keys.js';

/** Whether these first bytes start an age file (binary, not armored). */
export function isAgeEncrypted(firstBytes: Buffer): boolean {
  return firstBytes.length >= INTRO.length && firstBytes.subarray(0, INTRO.length).equals(INTRO);
}
