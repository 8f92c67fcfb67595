import { createHash } from 'node:crypto';
import { readFile, stat, unlink } from 'node:fs/promises';
import { PassThrough, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ageEncrypt, createAgeEncryptStream } from '../crypto/age/index.js';
import type { DumpPart, DumpRecord, DumpSource } from '../databases/engine.js';
import { cancelled, DbopsError } from '../errors.js';
import { formatBytes, formatRate, formatSeconds } from '../format.js';
import type { Logger } from '../log.js';
import type { ManifestPart } from '../manifest/manifest.js';
import { compressedFile } from '../pipeline/compress-file.js';
import { compressesInProcess, compressWhole, type Compression } from '../pipeline/compression.js';
import { Digest } from '../pipeline/measure.js';
import type { Storage, StoredCheck } from '../storage/types.js';
import { verifyStoredObject } from './verify-stored.js';

/**
 * Parts stored at once: twice the jobs, as a part's store is mostly waiting (fsync, S3 round trips, the read-back),
 * and at most 8, as each S3 upload of a large part buffers up to about 48 MiB.
 */
const MAX_UPLOADS = 8;
/**
 * Parts up to this size are handled whole in memory (storeWhole): at most MAX_UPLOADS of them at once, each held
 * about three times (read, compressed, encrypted), so a few MiB at worst.
 */
const WHOLE_PART_BYTES = 256 * 1024;

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
  /**
   * The weakest check any part had: `part-md5` or `read-behind` as the storage checked them while it stored them,
   * `reread` only when every part was read back.
   */
  storedCheck: StoredCheck | 'reread';
}

/**
 * A parallel dump into storage: each file the dump program finishes goes through compression, encryption and
 * SHA-256 into storage as its own object while the dump goes on, is checked by the storage as it is stored (or read
 * back and compared), and its local copy is deleted. The first failure stops the dump and the other uploads (S3 uploads are aborted); the caller removes the
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
  const checks = new Set<StoredCheck | 'reread'>();
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
  // Wakes the loop when a part is done. Not Promise.race(running): that adds a reaction to every running part's
  // promise for every part started, each kept until that part ends.
  let slotFreed: (() => void) | undefined;
  try {
    try {
      for await (const part of dump.parts) {
        while (running.size >= uploads && errors.length === 0) await new Promise<void>((wake) => (slotFreed = wake));
        if (errors.length > 0) break;
        const task: Promise<void> = storePart(input, part, abort.signal)
          .then(({ checked, ...stored }) => {
            checks.add(checked);
            done.push(stored);
          }, fail)
          .finally(() => {
            running.delete(task);
            slotFreed?.();
            slotFreed = undefined;
          });
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
    const storedCheck = weakest(checks);
    return { toc, parts: sorted.filter((p) => p !== toc), record, rawBytes, storedBytes, storedCheck };
  } finally {
    clearInterval(progress);
    input.signal?.removeEventListener('abort', onOuterAbort);
    await dump.dispose();
  }
}

/**
 * One file: compressed, encrypted, hashed and stored, checked by the storage as it stored it (or read back and
 * compared); then deleted locally.
 */
async function storePart(
  input: PartsInput,
  part: DumpPart,
  signal: AbortSignal,
): Promise<ManifestPart & { checked: StoredCheck | 'reread' }> {
  const rawBytes = (await stat(part.path)).size;
  const key = input.keyOf(part.file);
  const sent =
    rawBytes <= WHOLE_PART_BYTES && compressesInProcess(input.compression)
      ? await storeWhole(input, part.path, key, signal)
      : await storeStreamed(input, part.path, rawBytes, key, signal);
  if (!sent.checked) await verifyStoredObject(input.storage, key, sent.bytes, sent.sha256, signal);
  await unlink(part.path);
  const checked = sent.checked ?? 'reread';
  return { file: part.file, key, rawBytes, storedBytes: sent.bytes, sha256: sent.sha256, checked };
}

/** What was stored under a part's key, and how the storage checked it (none: it must be read back). */
interface Sent {
  bytes: number;
  sha256: string;
  checked?: StoredCheck;
}

/**
 * A small file read, compressed, encrypted and hashed whole, and stored as one buffer: a table of a few KiB does not
 * need a pipeline of five streams, whose objects (thousands of parts) outlived young garbage collections and grew
 * Node's young generation to its maximum (bench/README.md, memory at many tables).
 */
async function storeWhole(input: PartsInput, path: string, key: string, signal: AbortSignal): Promise<Sent> {
  const compressed = compressWhole(await readFile(path, { signal }), input.compression, input.compressionLevel);
  const encrypted = input.recipients.length > 0 || input.passphrase;
  const body = encrypted
    ? await ageEncrypt(compressed, {
        recipients: input.recipients,
        ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      })
    : compressed;
  const put = await input.storage.put(key, body, {
    signal,
    contentType: 'application/octet-stream',
    sizeHint: body.length,
    check: true,
  });
  input.stored.push(key);
  const sha256 = createHash('sha256').update(body).digest('hex');
  return { bytes: body.length, sha256, ...(put.checked ? { checked: put.checked } : {}) };
}

/** A larger file streamed through compression, encryption and SHA-256 into storage. */
async function storeStreamed(
  input: PartsInput,
  path: string,
  rawBytes: number,
  key: string,
  signal: AbortSignal,
): Promise<Sent> {
  const { source, stages } = await compressedFile(path, rawBytes, input.compression, input.compressionLevel, signal);
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
    check: true,
  });
  const [flowed, put] = await Promise.allSettled([flowing, storing]);
  if (put.status === 'fulfilled') input.stored.push(key);
  if (flowed.status === 'rejected') throw flowed.reason;
  if (put.status === 'rejected') throw put.reason;
  const { checked } = put.value;
  return { bytes: digest.bytes, sha256: digest.sha256, ...(checked ? { checked } : {}) };
}

/** Weakest first: a part checked by its ETag proves less than one read back (read-behind reads each write back). */
const BY_STRENGTH: readonly (StoredCheck | 'reread')[] = ['part-md5', 'read-behind', 'reread'];

/** The check that holds for every part: the weakest of theirs (a backup of no parts was all read back). */
function weakest(checks: ReadonlySet<StoredCheck | 'reread'>): StoredCheck | 'reread' {
  return BY_STRENGTH.find((check) => checks.has(check)) ?? 'reread';
}

function partsError(error: unknown): DbopsError {
  const message = error instanceof Error ? error.message : String(error);
  return new DbopsError('DUMP_FAILED', `The parallel backup failed: ${message}`, {
    cause: error,
    hint: 'Nothing was recorded as a backup; see the message for the cause.',
  });
}
