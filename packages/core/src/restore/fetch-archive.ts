import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Duplex, Stream } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DbopsError, cancelled } from '../errors.js';
import { formatBytes } from '../format.js';
import {
  createAgeDecryptStream,
  identityToRecipient,
  parseIdentities,
  recipientFingerprint,
} from '../crypto/age/index.js';
import { createDecompressor, zstdCommandToFile } from '../pipeline/compression.js';
import { Digest } from '../pipeline/measure.js';
import { storedFiles, type BackupManifest, type ManifestPart } from '../manifest/manifest.js';
import { verifyStoredObject } from '../operations/verify-stored.js';
import type { Storage } from '../storage/types.js';

export interface Decryption {
  identities: string[];
  passphrase?: string;
}

export interface FetchOptions {
  /** Where the archive file goes (pg_restore -j needs a seekable file); it needs the archive's raw size free. */
  tempDir: string;
  signal?: AbortSignal;
}

export interface FetchedArchive {
  /** The plain pg_dump archive on local disk (pg_restore -j needs a seekable file). */
  path: string;
  rawBytes: number;
  storedBytes: number;
  dispose(): Promise<void>;
}

/**
 * Streams a backup object from storage through SHA-256, decryption and decompression into a local file, and
 * verifies size and checksum against the manifest. Nothing is restored from it until this has succeeded.
 * Failures say which: a wrong key, an altered object, an object of another size (truncated, when that is proven),
 * or a failure of this run (the download, zstd, the temp disk) while the stored object is intact.
 */
export async function fetchArchive(
  storage: Storage,
  manifest: BackupManifest,
  decryption: Decryption,
  options: FetchOptions,
): Promise<FetchedArchive> {
  const { signal, tempDir } = options;
  const encrypted = manifest.object.encryption.method !== 'none';
  if (encrypted && decryption.identities.length === 0 && !decryption.passphrase) {
    throw new DbopsError(
      'DECRYPTION_FAILED',
      `Backup ${manifest.backupId} is encrypted with age, and no key was given`,
      {
        input: 'decrypt-with',
        hint: 'Pass the age identity (AGE-SECRET-KEY-1...) in decrypt-with, or the passphrase in decrypt-passphrase.',
      },
    );
  }
  await checkFreeSpace(tempDir, manifest);
  const dir = await mkdtemp(join(tempDir, 'dbops-restore-')).catch((error: unknown) => {
    throw localWriteFailed(manifest, tempDir, error);
  });
  const dispose = () => rm(dir, { recursive: true, force: true });
  const files = storedFiles(manifest);
  try {
    if (manifest.object.format !== 'pg_dump-directory') {
      const path = join(dir, `${manifest.backupId}.dump`);
      const storedBytes = await fetchObject(storage, manifest, files[0]!, decryption, path, options);
      return { path, rawBytes: (await stat(path)).size, storedBytes, dispose };
    }
    // A parallel dump: its files make the directory pg_restore -j reads, fetched a few at a time.
    const path = join(dir, 'archive');
    await mkdir(path);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let failure: { error: unknown } | undefined;
    let storedBytes = 0;
    const queue = [...files];
    const worker = async () => {
      for (let file = queue.shift(); file && !failure; file = queue.shift()) {
        try {
          const into = join(path, file.file);
          // Awaited before the sum is read: `storedBytes += await …` reads it first, and loses the other workers' files.
          const bytes = await fetchObject(storage, manifest, file, decryption, into, { tempDir, signal: stop.signal });
          storedBytes += bytes;
        } catch (error) {
          failure ??= { error };
          stop.abort();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, files.length) }, worker));
    signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) throw cancelled();
    if (failure) throw failure.error;
    const rawBytes = (await Promise.all(files.map(async (f) => (await stat(join(path, f.file))).size))).reduce(
      (sum, size) => sum + size,
      0,
    );
    return { path, rawBytes, storedBytes, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** How many parts of a parallel dump are fetched at once. */
const FETCH_CONCURRENCY = 4;

/**
 * One stored file through SHA-256, decryption and decompression into `path`, checked against its record. Returns
 * its stored size. Failures say which: a wrong key, an altered object, an object of another size.
 */
async function fetchObject(
  storage: Storage,
  manifest: BackupManifest,
  object: ManifestPart,
  decryption: Decryption,
  path: string,
  options: FetchOptions,
): Promise<number> {
  const { signal, tempDir } = options;
  const encrypted = manifest.object.encryption.method !== 'none';
  const digest = new Digest();
  const codec = signal ? { signal } : {};
  let zstdWriter: ReturnType<typeof zstdCommandToFile>;
  let readFailedFirst = () => false;
  try {
    // The object first: when it cannot be read, no decompressing process has been started to be left waiting.
    const source = await storage.get(object.key, signal ? { signal } : {});
    const stages: Duplex[] = [digest];
    if (encrypted)
      stages.push(
        createAgeDecryptStream({
          identities: decryption.identities,
          ...(decryption.passphrase ? { passphrase: decryption.passphrase } : {}),
        }),
      );
    // The zstd command writes the archive file itself; otherwise the (zlib or no) decompressor feeds a file stream.
    zstdWriter = manifest.object.compression.algorithm === 'zstd' ? zstdCommandToFile(path, codec) : undefined;
    if (!zstdWriter) {
      const decompressor = createDecompressor(manifest.object.compression.algorithm, codec);
      if (decompressor) stages.push(decompressor);
    }
    const sink = zstdWriter?.stdin ?? createWriteStream(path);
    readFailedFirst = failsFirst(source, [...stages, sink]);
    await pipeline([source, ...stages, sink] as unknown as [Readable, ...Duplex[]], signal ? { signal } : {});
    await zstdWriter?.done;
  } catch (error) {
    // The pipeline has closed zstd's input; it must be gone before its directory is.
    const zstdError = await zstdWriter?.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (signal?.aborted) throw cancelled();
    if (error instanceof DbopsError) throw await diagnose(storage, manifest, object, decryption, error, signal); // e.g. the decryptor's
    if (readFailedFirst()) throw storageBrokeOff(storage, manifest, object, error);
    // The local disk filled up (or failed) while the archive was written: nothing is known against the backup.
    const local = [zstdError, error].find(isLocalWriteError);
    if (local) throw localWriteFailed(manifest, tempDir, local);
    // zstd's own error (bad data) says more than the EPIPE the pipeline got writing to it.
    throw await diagnose(storage, manifest, object, decryption, zstdError ?? error, signal);
  }
  if (digest.bytes !== object.storedBytes || digest.sha256 !== object.sha256) {
    throw integrityError(manifest, object, storage, digest.bytes);
  }
  return digest.bytes;
}

/** Fails before the download when the archive cannot fit: a restore should not spend an hour to find out. */
async function checkFreeSpace(tempDir: string, manifest: BackupManifest): Promise<void> {
  const space = await statfs(tempDir).catch((error: unknown) => {
    throw localWriteFailed(manifest, tempDir, error);
  });
  const free = space.bavail * space.bsize;
  const rawBytes = storedFiles(manifest).reduce((sum, file) => sum + file.rawBytes, 0);
  if (free < rawBytes) {
    throw new DbopsError(
      'RESTORE_FAILED',
      `Restoring backup ${manifest.backupId} needs ${formatBytes(rawBytes)} for its archive in ${tempDir}, which has ${formatBytes(free)} free`,
      {
        hint: TEMP_DIR_HINT,
      },
    );
  }
}

const TEMP_DIR_HINT =
  'Nothing was restored, and nothing is wrong with the backup: TMPDIR must be a writable directory with room for the ' +
  'uncompressed archive. Free space there, or point TMPDIR at a directory on a larger disk.';

// What Node's fs reports, or the zstd command says (strerror), when the disk written to is full or refuses writes.
const LOCAL_WRITE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS']);
const LOCAL_WRITE_MESSAGES = /No space left on device|Disk quota exceeded|File too large|Read-only file system/;

function isLocalWriteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && LOCAL_WRITE_CODES.has(code)) return true;
  return error instanceof Error && LOCAL_WRITE_MESSAGES.test(error.message);
}

function localWriteFailed(manifest: BackupManifest, tempDir: string, error: unknown): DbopsError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DbopsError(
    'RESTORE_FAILED',
    `Writing the archive of backup ${manifest.backupId} to ${tempDir} failed: ${reason}`,
    {
      hint: TEMP_DIR_HINT,
      cause: error,
    },
  );
}

/**
 * Whether `first` failed before any of `rest`: the stream whose error started the pipeline's teardown (the others
 * are destroyed with that same error afterwards, so the error alone does not say where it began).
 */
function failsFirst(first: Readable, rest: Stream[]): () => boolean {
  let firstFailure: 'first' | 'rest' | undefined;
  first.once('error', () => (firstFailure ??= 'first'));
  for (const stream of rest) stream.once('error', () => (firstFailure ??= 'rest'));
  return () => firstFailure === 'first';
}

/** The download itself failed (the connection dropped): nothing is known against the backup. */
function storageBrokeOff(storage: Storage, manifest: BackupManifest, object: ManifestPart, error: unknown): DbopsError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DbopsError(
    'STORAGE_FAILED',
    `Reading backup ${manifest.backupId} from ${storage.locate(object.key)} broke off: ${reason}`,
    {
      hint: 'The connection to the storage failed during the download. Nothing was restored, and this says nothing against the backup itself: run again.',
      cause: error,
    },
  );
}

/**
 * Says why reading a backup failed. A decryptor's or decompressor's error reads the same whether the stored object
 * was altered or this run failed (zstd killed, a disk error, a download that ended early, a byte flipped in the age
 * header that reads as a wrong key), so the stored object decides: its size, then its SHA-256 read again from
 * storage. An object that does not match its manifest is INTEGRITY_FAILED; one that matches keeps the error as it
 * is when it is about the key, and otherwise makes it a failure of this run. A key error whose key the manifest
 * shows is not the backup's (keyCannotFit) is said at once: reading the object again, hours for a large backup,
 * could only say the same.
 */
async function diagnose(
  storage: Storage,
  manifest: BackupManifest,
  object: ManifestPart,
  decryption: Decryption,
  error: unknown,
  signal: AbortSignal | undefined,
): Promise<DbopsError> {
  if (error instanceof DbopsError && error.code === 'STORAGE_ACCESS_DENIED') return error;
  const stat = await storage.stat(object.key).catch(() => undefined);
  if (!stat) {
    return new DbopsError(
      'INTEGRITY_FAILED',
      `The object of backup ${manifest.backupId} is missing (${storage.locate(object.key)})`,
      {
        hint: 'The manifest exists but its object was deleted; choose another backup.',
        cause: error,
      },
    );
  }
  if (stat.size !== object.storedBytes)
    return integrityError(manifest, object, storage, stat.size, error, isCutShort(error));
  if (isKeyError(error) && keyCannotFit(manifest, decryption)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const reread = await verifyStoredObject(storage, object.key, object.storedBytes, object.sha256, signal).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (signal?.aborted) return cancelled();
  if (reread instanceof DbopsError && reread.code === 'VERIFY_FAILED') {
    // Said of a key error too: a byte flipped in the age header reads as a wrong key.
    return new DbopsError(
      'INTEGRITY_FAILED',
      `Backup ${manifest.backupId} is corrupt: ${storage.locate(object.key)} does not match the SHA-256 in its manifest (reading it: ${reason})`,
      {
        hint: 'The object has the right size, but read again from storage its SHA-256 no longer matches the manifest: it was altered after it was written (whatever the error said of the key). Choose another backup.',
        cause: error,
      },
    );
  }
  if (reread) {
    const why = reread instanceof Error ? reread.message : String(reread);
    return new DbopsError(
      'STORAGE_FAILED',
      `Reading backup ${manifest.backupId} failed (${reason}), and reading its object again to check it failed too: ${why}`,
      {
        hint: 'Nothing was restored. Whether the backup itself is damaged is not known: run again once the storage can be read.',
        cause: error,
      },
    );
  }
  if (isKeyError(error)) return error;
  return new DbopsError(
    'RESTORE_FAILED',
    `Reading backup ${manifest.backupId} failed in this run: ${reason} (its stored object is intact: size and SHA-256 match the manifest)`,
    {
      hint: 'Nothing was restored, and nothing is wrong with the backup: the download or the local side (decompressor, temp disk, processes) failed. See the message for the cause, and run again.',
      cause: error,
    },
  );
}

/** What recipientFingerprint records of each recipient in a manifest. */
const FINGERPRINT = /^sha256:[0-9a-f]{16}$/;

/**
 * Whether the manifest shows that the key given cannot open the backup: it lists the fingerprints of the backup's
 * recipients and none is the public key of a given identity, or it was encrypted to recipients and only a
 * passphrase was given, or to a passphrase and none was given. A manifest that records no fingerprints it can be
 * sure of says nothing: a byte changed in the age header then reads as a wrong key, and only the object itself,
 * read again, tells the two apart.
 */
function keyCannotFit(manifest: BackupManifest, decryption: Decryption): boolean {
  const encryption = manifest.object.encryption;
  if (encryption.method !== 'age') return false;
  if ('passphrase' in encryption) return !decryption.passphrase;
  const recorded = encryption.recipients ?? [];
  if (recorded.length === 0 || !recorded.every((f) => FINGERPRINT.test(f))) return false;
  try {
    const given = decryption.identities
      .flatMap((text) => parseIdentities(text, 'decrypt-with'))
      .map((identity) => recipientFingerprint(identityToRecipient(identity)));
    return !recorded.some((f) => given.includes(f));
  } catch {
    return false; // an identity dbops cannot read here: the object decides, as before
  }
}

/** The decryptor's word that the key (identity or passphrase) does not open the file. */
function isKeyError(error: unknown): error is DbopsError {
  return (
    error instanceof DbopsError && error.code === 'DECRYPTION_FAILED' && /identit|passphrase|key/i.test(error.message)
  );
}

/**
 * Whether a read failure proves the object is a prefix of what was written: age authenticates every chunk under the
 * file's own key, so a file whose chunks open but whose end is missing was cut short. Anything else of another size
 * (another backup's object put in its place, a damaged file) is only known to differ.
 */
function isCutShort(error: unknown): boolean {
  return (
    error instanceof DbopsError &&
    error.code === 'DECRYPTION_FAILED' &&
    /the file is truncated|cut mid-chunk/.test(error.message)
  );
}

function integrityError(
  manifest: BackupManifest,
  object: ManifestPart,
  storage: Storage,
  actualBytes: number,
  cause?: unknown,
  cutShort = false,
): DbopsError {
  const where = storage.locate(object.key);
  if (cutShort && actualBytes < object.storedBytes) {
    return new DbopsError(
      'INTEGRITY_FAILED',
      `Backup ${manifest.backupId} is truncated: ${actualBytes} of ${object.storedBytes} bytes at ${where}`,
      {
        hint: 'The object was cut short after it was written; choose another backup.',
        cause,
      },
    );
  }
  if (actualBytes !== object.storedBytes) {
    return new DbopsError(
      'INTEGRITY_FAILED',
      `Backup ${manifest.backupId} does not match its manifest: ${where} has ${actualBytes} bytes, the manifest says ${object.storedBytes} (the object was replaced or damaged)`,
      {
        hint: 'The object was replaced or damaged after it was written (another file copied over it, a failed disk or sync); choose another backup, and check what writes to this location.',
        cause,
      },
    );
  }
  return new DbopsError(
    'INTEGRITY_FAILED',
    `Backup ${manifest.backupId} failed its checksum: ${where} does not match the SHA-256 in its manifest`,
    {
      hint: 'The object was altered after it was written (a flipped byte, an overwrite); choose another backup.',
      cause,
    },
  );
}
