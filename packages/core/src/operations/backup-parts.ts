import { stat, unlink } from 'node:fs/promises';
import { PassThrough, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createAgeEncryptStream } from '../crypto/age/index.js';
import type { DumpPart, DumpRecord, DumpSource } from '../databases/engine.js';
import { cancelled, DbopsError } from '../errors.js';
import { formatBytes, formatRate, formatSeconds } from '../format.js';
import type { Logger } from '../log.js';
import type { ManifestPart } from '../manifest/manifest.js';
import { compressedFile } from '../pipeline/compress-file.js';
import type { Compression } from '../pipeline/compression.js';
import { Digest } from '../pipeline/measure.js';
import type { Storage } from '../storage/types.js';
import { verifyStoredObject } from './verify-stored.js';

/**
 * Parts stored at once: twice the jobs, as a part's store is mostly waiting (fsync, S3 round trips, the read-back),
 * and at most 8, as each S3 upload of a large part buffers up to about 48 MiB.
 */
const MAX_UPLOADS = 8;

export interface PartsInput {
  source: DumpSource;
  storage: Storage;
  jobs: number;
  /** The storage key of a dump file. */
  keyOf(file: string): string;
  compression: Compression;
  compressionLevel: number;
  recipients: string[];
  passphrase?: string;
  /** Keys stored so far, appended as each is stored: what a failed run removes. */
  stored: string[];
  log: Logger;
  signal?: AbortSignal;
}

export interface StoredParts {
  /** toc.dat's stored file: the backup's object. */
  toc: ManifestPart;
  /** Every other file, in name order. */
  parts: ManifestPart[];
  record: DumpRecord;
  rawBytes: number;
  storedBytes: number;
}

/**
 * A parallel dump into storage: each file the dump program finishes goes through compression, encryption and
 * SHA-256 into storage as its own object while the dump goes on, is read back and compared, and its local copy is
 * deleted. The first failure stops the dump and the other uploads (S3 uploads are aborted); the caller removes the
 * parts already stored (`stored`).
 */
export async function dumpPartsToStorage(input: PartsInput): Promise<StoredParts> {
  const { log } = input;
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  input.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (input.signal?.aborted) abort.abort();
  const started = Date.now();
  const done: ManifestPart[] = [];
  const errors: unknown[] = [];
  const fail = (error: unknown) => {
    errors.push(error);
    abort.abort();
  };
  const progress = setInterval(() => {
    const bytes = done.reduce((sum, p) => sum + p.storedBytes, 0);
    log.info(`… ${done.length} files, ${formatBytes(bytes)} stored so far`);
  }, 15_000);
  progress.unref();

  const dump = await input.source.startParallelDump!({ jobs: input.jobs, signal: abort.signal }).catch((error) => {
    clearInterval(progress);
    input.signal?.removeEventListener('abort', onOuterAbort);
    throw error;
  });
  const running = new Set<Promise<void>>();
  const uploads = Math.min(2 * input.jobs, MAX_UPLOADS);
  try {
    try {
      for await (const part of dump.parts) {
        while (running.size >= uploads && errors.length === 0) await Promise.race(running);
        if (errors.length > 0) break;
        const task: Promise<void> = storePart(input, part, abort.signal)
          .then((stored) => void done.push(stored), fail)
          .finally(() => running.delete(task));
        running.add(task);
      }
    } catch (error) {
      fail(error);
    }
    await Promise.all(running);
    if (errors.length > 0) {
      if (input.signal?.aborted) throw cancelled();
      // The first failure is the cause: the others are the stop it set off (uploads aborted, pg_dump terminated).
      const cause = errors[0];
      throw cause instanceof DbopsError ? cause : partsError(cause);
    }
    const record = await dump.verify(done.map((p) => p.file));
    const sorted = done.sort((a, b) => (a.file < b.file ? -1 : 1));
    const toc = sorted.find((p) => p.file === 'toc.dat')!;
    const rawBytes = sorted.reduce((sum, p) => sum + p.rawBytes, 0);
    const storedBytes = sorted.reduce((sum, p) => sum + p.storedBytes, 0);
    const seconds = (Date.now() - started) / 1000;
    log.info(
      `Dumped ${formatBytes(rawBytes)} with ${input.jobs} jobs → stored ${formatBytes(storedBytes)} in ${sorted.length} files in ${formatSeconds(seconds)} (${formatRate(rawBytes, seconds)})`,
    );
    return { toc, parts: sorted.filter((p) => p !== toc), record, rawBytes, storedBytes };
  } finally {
    clearInterval(progress);
    input.signal?.removeEventListener('abort', onOuterAbort);
    await dump.dispose();
  }
}

/** One file: compressed, encrypted, hashed and stored; read back and compared; then deleted locally. */
async function storePart(input: PartsInput, part: DumpPart, signal: AbortSignal): Promise<ManifestPart> {
  const rawBytes = (await stat(part.path)).size;
  const key = input.keyOf(part.file);
  const { source, stages } = await compressedFile(part.path, input.compression, input.compressionLevel, signal);
  const all: Duplex[] = [...stages];
  if (input.recipients.length > 0 || input.passphrase) {
    all.push(
      createAgeEncryptStream({
        recipients: input.recipients,
        ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      }),
    );
  }
  const digest = new Digest();
  const body = new PassThrough({ highWaterMark: 1 << 20 });
  const flowing = pipeline([source, ...all, digest, body], { signal });
  const storing = input.storage.put(key, body, {
    signal,
    contentType: 'application/octet-stream',
    sizeHint: 2 * rawBytes + (1 << 20),
  });
  const [flowed, put] = await Promise.allSettled([flowing, storing]);
  if (put.status === 'fulfilled') input.stored.push(key);
  if (flowed.status === 'rejected') throw flowed.reason;
  if (put.status === 'rejected') throw put.reason;
  await verifyStoredObject(input.storage, key, digest.bytes, digest.sha256, signal);
  await unlink(part.path);
  return { file: part.file, key, rawBytes, storedBytes: digest.bytes, sha256: digest.sha256 };
}

function partsError(error: unknown): DbopsError {
  const message = error instanceof Error ? error.message : String(error);
  return new DbopsError('DUMP_FAILED', `The parallel backup failed: ${message}`, {
    cause: error,
    hint: 'Nothing was recorded as a backup; see the message for the cause.',
  });
}
