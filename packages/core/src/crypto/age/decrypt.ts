// Age file in, plaintext out: a Transform that releases each 64 KiB chunk only after it authenticates.
import { Transform, type TransformCallback } from 'node:stream';
import { DbopsError, invalidInput } from '../../errors.js';
import { decryptionFailed, failures } from './failures.js';
import { checkIntro, findHeaderEnd, parseHeader, verifyHeaderMac, type Header } from './header.js';
import { IDENTITY_FORM, parseIdentities } from './keys.js';
import { ByteQueue, openChunk, PAYLOAD_NONCE_SIZE, payloadKey, SEALED_CHUNK_SIZE } from './payload.js';
import { TAG_SIZE } from './primitives.js';
import { toX25519Identity, unwrapScrypt, unwrapX25519, type X25519Identity } from './stanzas.js';

export interface AgeDecryptOptions {
  /** AGE-SECRET-KEY-1... identities, or contents of identity files. Blank entries are ignored. */
  identities: string[];
  /** For files encrypted with a passphrase. An empty string counts as none. */
  passphrase?: string;
  /** The highest scrypt work factor (log2 N) accepted, 22 by default like age: it bounds time and memory. */
  maxScryptWorkFactor?: number;
}

const DEFAULT_MAX_SCRYPT_WORK_FACTOR = 22;

export function createAgeDecryptStream(options: AgeDecryptOptions): Transform {
  const identities = options.identities
    .filter((text) => text.trim() !== '')
    .flatMap((text) => parseIdentities(text, 'decrypt-with'))
    .map(toX25519Identity);
  const passphrase = options.passphrase === '' ? undefined : options.passphrase;
  if (identities.length === 0 && passphrase === undefined) {
    const validForm = `${IDENTITY_FORM}; or a passphrase`;
    throw invalidInput('decrypt-with', 'is empty, and no passphrase was given', validForm);
  }
  const maxLogN = options.maxScryptWorkFactor ?? DEFAULT_MAX_SCRYPT_WORK_FACTOR;
  if (!Number.isInteger(maxLogN) || maxLogN < 1) {
    const validForm = `log2 of scrypt's N, ${DEFAULT_MAX_SCRYPT_WORK_FACTOR} by default like age`;
    throw invalidInput('max-scrypt-work-factor', 'must be a whole number of at least 1', validForm);
  }
  return new AgeDecryptStream(identities, passphrase, maxLogN);
}

class AgeDecryptStream extends Transform {
  private start = Buffer.alloc(0); // bytes of the header and payload nonce seen so far
  private readonly queue = new ByteQueue();
  private key: Buffer | undefined;
  private index = 0;

  constructor(
    private readonly identities: X25519Identity[],
    private readonly passphrase: string | undefined,
    private readonly maxLogN: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.key === undefined) {
      this.readHeader(chunk).then(
        () => callback(),
        (error) => callback(asDecryptError(error)),
      );
      return;
    }
    try {
      this.queue.push(chunk);
      this.openAvailable();
    } catch (error) {
      callback(asDecryptError(error));
      return;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.key === undefined) {
        // Input that ended before the header did: too short to be an age file, or cut inside its header.
        throw checkIntro(this.start) ? failures.truncatedHeader() : failures.notAgeFile();
      }
      this.openFinal();
    } catch (error) {
      callback(asDecryptError(error));
      return;
    }
    callback();
  }

  private async readHeader(chunk: Buffer): Promise<void> {
    this.start = Buffer.concat([this.start, chunk]);
    if (!checkIntro(this.start)) return;
    const end = findHeaderEnd(this.start);
    if (end === undefined || this.start.length < end + PAYLOAD_NONCE_SIZE) return;
    const header = parseHeader(this.start.subarray(0, end));
    const fileKey = await this.unwrapFileKey(header);
    if (!verifyHeaderMac(header, fileKey)) throw failures.headerMac();
    this.key = payloadKey(fileKey, this.start.subarray(end, end + PAYLOAD_NONCE_SIZE));
    this.queue.push(this.start.subarray(end + PAYLOAD_NONCE_SIZE));
    this.start = Buffer.alloc(0);
    this.openAvailable();
  }

  private async unwrapFileKey(header: Header): Promise<Buffer> {
    const scrypt = header.stanzas.find((stanza) => stanza.type === 'scrypt');
    if (scrypt !== undefined) {
      // The spec's rule: a passphrase file has no other recipient, so nobody else could have made it.
      if (header.stanzas.length !== 1) throw failures.malformedHeader('an scrypt stanza must be the only stanza');
      if (this.passphrase === undefined) throw failures.passphraseRequired();
      const fileKey = await unwrapScrypt(scrypt, this.passphrase, this.maxLogN);
      if (fileKey === undefined) throw failures.wrongPassphrase();
      return fileKey;
    }
    for (const stanza of header.stanzas) {
      if (stanza.type !== 'X25519') continue; // other recipient types (plugins, grease) are not ours to open
      for (const identity of this.identities) {
        const fileKey = unwrapX25519(stanza, identity);
        if (fileKey !== undefined) return fileKey;
      }
    }
    throw this.identities.length === 0 ? failures.passphraseNotUsed() : failures.noMatchingIdentity();
  }

  /** Opens every chunk known not to be the final one: those followed by more data. */
  private openAvailable(): void {
    const key = this.key as Buffer;
    while (this.queue.length > SEALED_CHUNK_SIZE) {
      const pieces = this.queue.take(SEALED_CHUNK_SIZE);
      const plaintext = openChunk(key, this.index, pieces, false);
      if (plaintext === undefined) {
        // A full chunk that opens as the final one means someone appended data to a complete file.
        if (openChunk(key, this.index, pieces, true)) throw failures.trailingData();
        throw failures.chunkAuthentication(this.index);
      }
      this.index++;
      for (const piece of plaintext) this.push(piece);
    }
  }

  /** Opens what is left at the end of the input, which must be exactly the final chunk. */
  private openFinal(): void {
    const size = this.queue.length;
    if (size === 0) throw failures.truncated(); // no chunk at all: even an empty plaintext has a final chunk
    const key = this.key as Buffer;
    const pieces = this.queue.take(size);
    const plaintext = openChunk(key, this.index, pieces, true);
    if (plaintext === undefined) {
      // A full chunk that opens as a middle one means the chunks after it are missing.
      if (size === SEALED_CHUNK_SIZE && openChunk(key, this.index, pieces, false)) throw failures.truncated();
      throw failures.lastChunkAuthentication(this.index);
    }
    if (size === TAG_SIZE && this.index > 0) throw failures.emptyLastChunk();
    for (const piece of plaintext) this.push(piece);
  }
}

function asDecryptError(error: unknown): DbopsError {
  if (error instanceof DbopsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return decryptionFailed(message, 'This is unexpected; report it if it persists.');
}
