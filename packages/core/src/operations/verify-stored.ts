import { createHash } from 'node:crypto';
import { DbopsError } from '../errors.js';
import type { Storage } from '../storage/types.js';

/**
 * Re-reads a stored object and compares its size and SHA-256 with what was sent. The object is hashed as it is
 * read, in a plain loop: a stream pipeline per object (a hashing stage and a sink) left twice as much of each of a
 * parallel backup's thousands of parts alive across garbage collections, which grew Node's young generation to its
 * maximum (bench/README.md, memory at many tables).
 */
export async function verifyStoredObject(
  storage: Storage,
  key: string,
  bytes: number,
  sha256: string,
  signal?: AbortSignal,
): Promise<void> {
  const hash = createHash('sha256');
  let read = 0;
  for await (const chunk of await storage.get(key, signal ? { signal } : {})) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).length;
  }
  const stored = hash.digest('hex');
  if (read !== bytes || stored !== sha256) {
    throw new DbopsError(
      'VERIFY_FAILED',
      `The stored object ${storage.locate(key)} does not match what was sent (${read} bytes, sha256 ${stored.slice(0, 12)}…; expected ${bytes} bytes, ${sha256.slice(0, 12)}…)`,
      {
        hint: 'The storage altered the object on the way (e.g. an S3-compatible server storing aws-chunked framing: set s3-checksum to WHEN_REQUIRED). It was deleted; no backup was recorded.',
      },
    );
  }
}
