// The errors of age encryption and decryption: one stable code each, a message that says what was wrong, and a hint.
import { DbopsError } from '../../errors.js';

export function encryptionFailed(message: string, cause?: unknown): DbopsError {
  return new DbopsError('ENCRYPTION_FAILED', `age encryption failed: ${message}`, {
    cause,
    hint: 'This is unexpected; check the recipients and retry, and report it if it persists.',
  });
}

export function decryptionFailed(message: string, hint: string): DbopsError {
  return new DbopsError('DECRYPTION_FAILED', `age decryption failed: ${message}`, { hint });
}

const CORRUPT_HINT =
  'The backup object was damaged or changed after it was written: restore from another backup, and check the ' +
  'storage for corruption or tampering.';
const TRUNCATED_HINT =
  'The backup object is incomplete (an interrupted upload or download): download it again, or restore from ' +
  'another backup.';

export const failures = {
  notAgeFile: () =>
    decryptionFailed(
      'the input is not an age-encrypted file (it does not start with "age-encryption.org/v1")',
      'Point the restore at an age-encrypted backup, or drop the decryption settings for an unencrypted one.',
    ),
  armored: () =>
    decryptionFailed(
      'the input is an ASCII-armored age file, which is not supported',
      'Remove the armor first: `age -d` can decrypt it, or re-encrypt without --armor.',
    ),
  malformedHeader: (what: string) => decryptionFailed(`the age header is malformed (${what})`, CORRUPT_HINT),
  noMatchingIdentity: () =>
    decryptionFailed(
      'none of the given identities matches a recipient of this file (wrong key)',
      'Use the identity (AGE-SECRET-KEY-1...) whose public key the backup was encrypted to; ' +
        'the manifest records the recipient fingerprints.',
    ),
  passphraseRequired: () =>
    decryptionFailed(
      'the file is encrypted with a passphrase, but no passphrase was given',
      'Provide the passphrase the backup was encrypted with.',
    ),
  passphraseNotUsed: () =>
    decryptionFailed(
      'a passphrase was given, but the file is encrypted to public-key recipients',
      'Provide the identity (AGE-SECRET-KEY-1...) matching one of the recipients.',
    ),
  wrongPassphrase: () =>
    decryptionFailed('the passphrase is wrong', 'Provide the passphrase the backup was encrypted with.'),
  workFactorTooHigh: (logN: number, max: number) =>
    decryptionFailed(
      `the passphrase's scrypt work factor 2^${logN} exceeds the allowed maximum 2^${max}`,
      'Raise the maximum scrypt work factor if you trust this file.',
    ),
  headerMac: () => decryptionFailed('the header MAC does not match (the header was modified)', CORRUPT_HINT),
  chunkAuthentication: (index: number) =>
    decryptionFailed(`payload chunk ${index} failed authentication (a byte was changed)`, CORRUPT_HINT),
  lastChunkAuthentication: (index: number) =>
    decryptionFailed(
      `the final payload chunk ${index} failed authentication (the file was cut mid-chunk or modified)`,
      `${TRUNCATED_HINT} ${CORRUPT_HINT}`,
    ),
  truncatedHeader: () => decryptionFailed('the file is truncated: it ends inside its header', TRUNCATED_HINT),
  truncated: () => decryptionFailed('the file is truncated: it ends before the final payload chunk', TRUNCATED_HINT),
  emptyLastChunk: () =>
    decryptionFailed('the file ends with an empty payload chunk, which the age format forbids', CORRUPT_HINT),
  trailingData: () => decryptionFailed('there is data after the final payload chunk', CORRUPT_HINT),
};
