// Plaintext in, age file out: a Transform that seals 64 KiB at a time, so memory stays bounded for any input size.
import { randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DbopsError, invalidInput } from '../../errors.js';
import { encryptionFailed } from './failures.js';
import { encodeHeader, type Stanza } from './header.js';
import { parseRecipient, recipientPublicKey } from './keys.js';
import { ByteQueue, CHUNK_SIZE, PAYLOAD_NONCE_SIZE, payloadKey, sealChunk } from './payload.js';
import { wrapScrypt, wrapX25519 } from './stanzas.js';

export interface AgeEncryptOptions {
  /** age1... X25519 recipients. */
  recipients: string[];
  /** Encrypts with a passphrase instead; age allows no other recipient next to it. An empty string counts as none. */
  passphrase?: string;
  /** log2 of scrypt's N for the passphrase, 18 by default like age. */
  scryptWorkFactor?: number;
}

export const DEFAULT_SCRYPT_WORK_FACTOR = 18;
/** age's decrypt refuses work factors above 22 by default, so a file encrypted with more would not open there. */
export const MAX_SCRYPT_WORK_FACTOR = 22;

export function createAgeEncryptStream(options: AgeEncryptOptions): Transform {
  const { fileKey, stanzas } = prepareEncryption(options);
  return new AgeEncryptStream(fileKey, stanzas);
}

/**
 * A whole plaintext in memory, encrypted at once: the same age file the stream writes, for small inputs (a parallel
 * backup's parts of a few KiB each, for which a Transform per part costs more memory than the data).
 */
export async function ageEncrypt(plaintext: Buffer, options: AgeEncryptOptions): Promise<Buffer> {
  const { fileKey, stanzas } = prepareEncryption(options);
  try {
    const header = encodeHeader(await stanzas, fileKey);
    const nonce = randomBytes(PAYLOAD_NONCE_SIZE);
    const key = payloadKey(fileKey, nonce);
    const out = [header, nonce];
    // Full chunks, then the final one: short, or full, and empty only when the whole plaintext is.
    let index = 0;
    let offset = 0;
    for (; plaintext.length - offset > CHUNK_SIZE; offset += CHUNK_SIZE)
      out.push(...sealChunk(key, index++, [plaintext.subarray(offset, offset + CHUNK_SIZE)], false));
    out.push(...sealChunk(key, index, [plaintext.subarray(offset)], true));
    return Buffer.concat(out);
  } catch (error) {
    throw asEncryptError(error);
  }
}

/** Checks the options (synchronously, so a bad input fails before any data flows) and wraps a new file key. */
function prepareEncryption(options: AgeEncryptOptions): { fileKey: Buffer; stanzas: Promise<Stanza[]> } {
  const recipients = options.recipients.map((recipient) => parseRecipient(recipient, 'encrypt-to'));
  const passphrase = options.passphrase === '' ? undefined : options.passphrase;
  if (passphrase !== undefined && recipients.length > 0) {
    throw invalidInput(
      'encrypt-passphrase',
      "cannot be combined with recipients: age's passphrase (scrypt) recipient must be the only recipient of a file, " +
        'and dbops keeps its files standard',
      'either encrypt-to (one or more age1... recipients) or encrypt-passphrase, not both',
    );
  }
  if (passphrase === undefined && recipients.length === 0) {
    throw invalidInput(
      'encrypt-to',
      'is empty, and no passphrase was given: there is no one to encrypt to',
      'at least one age1... recipient (or a passphrase instead)',
    );
  }
  const logN = options.scryptWorkFactor ?? DEFAULT_SCRYPT_WORK_FACTOR;
  if (!Number.isInteger(logN) || logN < 1 || logN > MAX_SCRYPT_WORK_FACTOR) {
    throw invalidInput(
      'scrypt-work-factor',
      `must be a whole number from 1 to ${MAX_SCRYPT_WORK_FACTOR}`,
      `log2 of scrypt's N, ${DEFAULT_SCRYPT_WORK_FACTOR} by default like age`,
    );
  }

  const fileKey = randomBytes(16);
  const x25519Stanzas = recipients.map((recipient) => wrapX25519(fileKey, recipientPublicKey(recipient)));
  const stanzas: Promise<Stanza[]> =
    passphrase === undefined
      ? Promise.resolve(x25519Stanzas)
      : wrapScrypt(fileKey, passphrase, randomBytes(16), logN).then((stanza) => [stanza]);
  stanzas.catch(() => undefined); // reported when the stream starts, not as an unhandled rejection
  return { fileKey, stanzas };
}

class AgeEncryptStream extends Transform {
  private readonly queue = new ByteQueue();
  private key: Buffer | undefined;
  private index = 0;

  constructor(
    private readonly fileKey: Buffer,
    private readonly stanzas: Promise<Stanza[]>,
  ) {
    super();
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.key === undefined) {
      this.begin().then(
        () => this._transform(chunk, encoding, callback),
        (error) => callback(asEncryptError(error)),
      );
      return;
    }
    try {
      this.queue.push(chunk);
      // Keep the last 64 KiB back: only the end of the input tells whether it is the final chunk.
      while (this.queue.length > CHUNK_SIZE) this.sealNext(CHUNK_SIZE, false);
    } catch (error) {
      callback(asEncryptError(error));
      return;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    (this.key === undefined ? this.begin() : Promise.resolve()).then(
      () => {
        try {
          // The final chunk is full or short, and empty only when the whole plaintext is.
          this.sealNext(this.queue.length, true);
        } catch (error) {
          callback(asEncryptError(error));
          return;
        }
        callback();
      },
      (error) => callback(asEncryptError(error)),
    );
  }

  /** Writes the header and the payload nonce once the stanzas are ready (scrypt runs off the main thread). */
  private async begin(): Promise<void> {
    const header = encodeHeader(await this.stanzas, this.fileKey);
    const nonce = randomBytes(PAYLOAD_NONCE_SIZE);
    this.key = payloadKey(this.fileKey, nonce);
    this.push(Buffer.concat([header, nonce]));
  }

  private sealNext(size: number, last: boolean): void {
    for (const piece of sealChunk(this.key as Buffer, this.index++, this.queue.take(size), last)) this.push(piece);
  }
}

function asEncryptError(error: unknown): DbopsError {
  if (error instanceof DbopsError) return error;
  return encryptionFailed(error instanceof Error ? error.message : String(error), error);
}
