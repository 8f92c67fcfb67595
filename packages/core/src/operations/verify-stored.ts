import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DbopsError } from '../errors.js';
import { Digest } from '../pipeline/measure.js';
import type { Storage } from '../storage/types.js';

/** Re-reads a stored object and compares its size and SHA-256 with what was sent. */
export async function verifyStoredObject(
  storage: Storage,
  key: string,
  bytes: number,
  sha256: string,
  signal?: AbortSignal,
): Promise<void> {
  const digest = new Digest();
  const sink = new PassThrough();
  sink.resume();
  await pipeline(await storage.get(key, signal ? { signal } : {}), digest, sink, signal ? { signal } : {});
  if (digest.bytes !== bytes || digest.sha256 !== sha256) {
    throw new DbopsError(
      'VERIFY_FAILED',
      `The stored object ${storage.locate(key)} does not match what was sent (${digest.bytes} bytes, sha256 ${digest.sha256.slice(0, 12)}…; expected ${bytes} bytes, ${sha256.slice(0, 12)}…)`,
      {
        hint: 'The storage altered the object on the way (e.g. an S3-compatible server storing aws-chunked framing: set s3-checksum to WHEN_REQUIRED). It was deleted; no backup was recorded.',
      },
    );
  }
}
