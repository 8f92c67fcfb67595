// The age payload: the STREAM construction over ChaCha20-Poly1305, in 64 KiB chunks, each with its own nonce.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { AEAD, hkdf, TAG_SIZE } from './primitives.js';

export const CHUNK_SIZE = 64 * 1024;
export const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
export const PAYLOAD_NONCE_SIZE = 16;

export function payloadKey(fileKey: Buffer, nonce: Buffer): Buffer {
  return hkdf(fileKey, nonce, 'payload');
}

/** 11-byte big-endian chunk counter || 1 byte that is 1 only for the final chunk. */
function chunkNonce(index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(index, 5, 6); // 2^48 chunks of 64 KiB is far more than anyone can store
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Seals one chunk given as consecutive pieces (views into the input, never concatenated): ciphertext pieces, tag. */
export function sealChunk(key: Buffer, index: number, pieces: Buffer[], last: boolean): Buffer[] {
  const cipher = createCipheriv(AEAD, key, chunkNonce(index, last), { authTagLength: TAG_SIZE });
  const out = pieces.map((piece) => cipher.update(piece));
  cipher.final(); // a stream cipher has nothing left over
  out.push(cipher.getAuthTag());
  return out;
}

/** Opens one sealed chunk given as pieces; undefined when it does not authenticate under this index and flag. */
export function openChunk(key: Buffer, index: number, pieces: Buffer[], last: boolean): Buffer[] | undefined {
  const size = pieces.reduce((sum, piece) => sum + piece.length, 0);
  if (size < TAG_SIZE) return undefined;
  const decipher = createDecipheriv(AEAD, key, chunkNonce(index, last), { authTagLength: TAG_SIZE });
  const out: Buffer[] = [];
  const tag: Buffer[] = [];
  let remaining = size - TAG_SIZE;
  for (const piece of pieces) {
    const take = Math.min(piece.length, remaining);
    if (take > 0) out.push(decipher.update(piece.subarray(0, take)));
    if (take < piece.length) tag.push(piece.subarray(take)); // the tag may straddle two pieces
    remaining -= take;
  }
  decipher.setAuthTag(Buffer.concat(tag));
  try {
    decipher.final();
  } catch {
    return undefined; // the plaintext in `out` is unauthenticated and dropped
  }
  return out;
}

/** Buffers queued without copying; take() hands back views of exactly the requested length. */
export class ByteQueue {
  private buffers: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void {
    if (buffer.length === 0) return;
    this.buffers.push(buffer);
    this.length += buffer.length;
  }

  take(size: number): Buffer[] {
    const pieces: Buffer[] = [];
    let needed = size;
    let used = 0;
    while (needed > 0) {
      const head = this.buffers[used];
      if (head === undefined) throw new Error('ByteQueue.take: not enough bytes');
      if (head.length <= needed) {
        pieces.push(head);
        needed -= head.length;
        used++;
      } else {
        pieces.push(head.subarray(0, needed));
        this.buffers[used] = head.subarray(needed);
        needed = 0;
      }
    }
    this.buffers.splice(0, used);
    this.length -= size;
    // Many tiny writes would mean many tiny cipher calls: one copy is cheaper then.
    return pieces.length > 16 ? [Buffer.concat(pieces)] : pieces;
  }
}
