import { PassThrough, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cancelled, DbopsError, invalidInput } from '../errors.js';
import type { Logger } from '../log.js';
import type { Secrets } from '../secrets.js';
import { formatBytes, formatRate, formatSeconds } from '../format.js';
import { engineFor } from '../databases/index.js';
import type {
  DatabaseTarget,
  DumpConsistency,
  DumpRecord,
  DumpScope,
  DumpSource,
  DumpStream,
} from '../databases/engine.js';
import type { Compression } from '../pipeline/compression.js';
import { Digest } from '../pipeline/measure.js';
import { createAgeEncryptStream, recipientFingerprint } from '../crypto/age/index.js';
import { openStorage, type ArtifactStorageOpener, type S3Options } from '../storage/index.js';
import { putRecord } from '../storage/put-record.js';
import { verifyStoredObject } from './verify-stored.js';
import type { PutResult, Storage, StoredCheck } from '../storage/types.js';
import {
  checkManifest,
  serializeManifest,
  type BackupManifest,
  type Encryption,
  type ManifestPart,
  type GitHubRunContext,
} from '../manifest/manifest.js';
import { defaultBackupName, manifestKey, newBackupId, objectKey, partKey } from '../manifest/layout.js';
import { dumpPartsToStorage } from './backup-parts.js';
import { DBOPS_VERSION } from '../version.js';
import { rotateNames, type RotateResult, type Rotation } from './rotate.js';

export interface BackupOptions {
  target: DatabaseTarget;
  /** Where backups go: a local directory or s3://bucket/prefix. */
  to: string;
  /** The input `to` came from, which storage errors name (default 'to'; a restore's safety backup: its own). */
  toInput?: string;
  s3?: S3Options;
  artifacts?: ArtifactStorageOpener;
  artifactRetentionDays?: number;
  /** Catalog name the backup is filed under; defaults to the database name. */
  name?: string;
  compression: Compression;
  compressionLevel: number;
  /** age X25519 recipients (age1...). */
  recipients: string[];
  /** age passphrase (scrypt); exclusive with recipients, as the age format requires. */
  passphrase?: string;
  scope: DumpScope;
  pgDumpArgs: string[];
  pgBinDir?: string;
  /** Tables up to this size get an exact row count in the manifest; larger ones an estimate. */
  exactCountMaxBytes: number;
  /**
   * More than 1: pg_dump's directory format with this many jobs, in the same snapshot; each table's file is stored
   * as a part of the backup (docs/parallel-backups.md). 1 or absent: one archive, streamed.
   */
  jobs?: number;
  /** How long the backup may wait for a table lock, in its own session and pg_dump's; unbounded without. */
  lockWaitTimeoutMs?: number;
  /** MongoDB: point-in-time, per-collection or auto (the default). */
  consistency?: DumpConsistency;
  github?: GitHubRunContext;
  /** Environment handed to child processes (PATH and the like); PG* variables are replaced by the target's. */
  env: NodeJS.ProcessEnv;
  secrets: Secrets;
  log: Logger;
  signal?: AbortSignal;
  clock?: () => Date;
  /** Rotate the backup's name after it, in the same storage (not for artifact://, which GitHub expires). */
  rotation?: Rotation;
}

export interface BackupResult {
  backupId: string;
  /** Full location of the backup object. */
  location: string;
  /** Full location of the manifest. */
  manifestLocation: string;
  manifest: BackupManifest;
  sizeBytes: number;
  rawBytes: number;
  sha256: string;
  durationSeconds: number;
  storage: string;
  /** The rotation after the backup, when asked for: what it did, or why it failed (the backup stands either way). */
  rotation?: RotateResult | { error: Error };
}

/**
 * Dumps a PostgreSQL database into storage: pg_dump (custom format) → compression → age encryption → SHA-256 →
 * storage, streamed end to end. Verifies the archive's table of contents and the stored object's checksum, and
 * writes the manifest last; a run that fails or is cancelled leaves no manifest and no object behind.
 */
export async function backup(options: BackupOptions): Promise<BackupResult> {
  const { log, secrets } = options;
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock();
  secrets.add(options.target.password);
  secrets.add(options.passphrase);
  secrets.add(options.s3?.secretAccessKey);
  secrets.add(options.s3?.sessionToken);

  const storage = await openStorage(options.to, {
    inputName: options.toInput ?? 'to',
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    ...(options.artifactRetentionDays ? { artifactRetentionDays: options.artifactRetentionDays } : {}),
  });
  await storage.preflight();

  /** The keys stored until the manifest is: what to remove if the run fails in between (the object, or parts). */
  const stored: string[] = [];
  /** The manifest's key once its write has begun: a failed run removes it (it may exist despite an error). */
  let manifestAt: string | undefined;
  try {
    const engine = engineFor(options.target);
    const settings = {
      scope: options.scope,
      extraArgs: options.pgDumpArgs,
      exactCountMaxBytes: options.exactCountMaxBytes,
      env: options.env,
      ...(options.pgBinDir ? { binDir: options.pgBinDir } : {}),
      ...(options.lockWaitTimeoutMs ? { lockWaitTimeoutMs: options.lockWaitTimeoutMs } : {}),
      ...(options.consistency ? { consistency: options.consistency } : {}),
    };
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    const result = await engine.withDumpSource(options.target, settings, context, async (source) => {
      const name = options.name ?? defaultBackupName(options.target.database);
      const backupId = newBackupId(startedAt);
      const encrypted = options.recipients.length > 0 || !!options.passphrase;
      if (!encrypted)
        log.warn(
          'This backup is not encrypted: anyone who can read the storage can read the data. Set encrypt-to to an age recipient.',
        );
      const jobs = options.jobs ?? 1;
      if (jobs > 1 && !source.startParallelDump) {
        throw invalidInput(
          'jobs',
          `is ${jobs}, but ${engine.name} backups are not dumped in parallel`,
          '1, or no jobs',
        );
      }
      if (jobs > 1 && options.passphrase) {
        // Every part is its own age file, and a passphrase costs each one an scrypt (about a second) both ways.
        throw invalidInput(
          'jobs',
          `is ${jobs}, which cannot be combined with encrypt-passphrase (each of the many parts would pay a passphrase's scrypt, on backup and on restore)`,
          'encrypt-to (age recipients) with jobs above 1, or jobs 1 with a passphrase',
        );
      }

      if (options.signal?.aborted) throw cancelled();
      const written =
        jobs > 1
          ? await writeParts({ ...options, jobs, source, storage, stored, name, backupId, encrypted })
          : await writeArchive({ ...options, source, storage, stored, name, backupId, encrypted });
      const { object, dumped } = written;

      const finishedAt = clock();
      const durationSeconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
      const manifest: BackupManifest = {
        formatVersion: 1,
        backupId,
        name,
        engine: engine.name,
        database: options.target.database,
        ...dumped.origin,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationSeconds,
        object: {
          key: object.key,
          format: dumped.format,
          compression: { algorithm: options.compression, level: options.compressionLevel },
          encryption: encryptionRecord(options),
          rawBytes: object.rawBytes,
          storedBytes: object.storedBytes,
          sha256: object.sha256,
        },
        ...(written.parts ? { parts: written.parts } : {}),
        ...dumped.contents,
        verification: {
          checksumReread: written.storedCheck !== 'part-md5',
          storedCheck: written.storedCheck,
          ...dumped.verification,
        },
        ...(options.github ? { github: options.github } : {}),
        dbops: { version: DBOPS_VERSION },
      };
      // Invariant 1: the manifest is written last, after every byte is stored and verified, and only if the object
      // (and every part) is still there (nothing removed it while it was being verified).
      await checkStillStored(storage, manifest, 'changed or disappeared before its manifest was written', {
        hint: 'Something else writes to or rotates this location while backups run (a grace-period shorter than a backup takes?).',
      });
      manifestAt = manifestKey(name, backupId);
      // Never write a manifest the catalog would call damaged, and report success only once it is stored whole. It is
      // checked as it is, not parsed back from its text: at 10,000 parts that made a second copy of every entry.
      checkManifest(manifest, storage.locate(manifestAt));
      const manifestBytes = serializeManifest(manifest);
      await putRecord(storage, manifestAt, manifestBytes, { contentType: 'application/json' });
      // A rotation that listed this object as a leftover before the manifest existed may delete it after: check.
      await checkStillStored(storage, manifest, 'disappeared as its manifest was written', {
        hint: 'Something else rotates this location while backups run: make its grace-period longer than a backup takes.',
      });
      stored.length = 0;
      manifestAt = undefined;
      log.info(`Backup ${backupId} complete: ${formatBytes(written.storedBytes)} in ${formatSeconds(durationSeconds)}`);
      return {
        backupId,
        location: storage.locate(written.parts ? `${name}/${backupId}` : object.key),
        manifestLocation: storage.locate(manifestKey(name, backupId)),
        manifest,
        sizeBytes: written.storedBytes,
        rawBytes: written.rawBytes,
        sha256: object.sha256,
        durationSeconds,
        storage: storage.display,
      };
    });
    const rotation = options.rotation && (await rotateAfterBackup(storage, result, options.rotation, log));
    return rotation ? { ...result, rotation } : result;
  } catch (error) {
    const failure = options.signal?.aborted
      ? cancelled('Nothing was recorded as a complete backup; partial uploads were aborted.')
      : error;
    // The run failed: nothing may remain that looks like a complete backup. The manifest goes first (its put may
    // have reached the storage even if it reported an error), then the object, but only once the manifest is gone:
    // a manifest left describing objects that were removed is a backup that fails when it is needed.
    const manifestLeft = manifestAt && (await removeManifest(storage, manifestAt));
    if (manifestAt && manifestLeft) throw keptForManifest(storage, manifestAt, stored, failure, manifestLeft.error);
    for (const key of stored) await storage.delete(key).catch(() => undefined);
    throw failure;
  }
}

/** Deletes a failed run's manifest; says why when it may still be there (a delete can fail after taking effect). */
async function removeManifest(storage: Storage, key: string): Promise<{ error: unknown } | undefined> {
  try {
    await storage.delete(key);
    return undefined;
  } catch (error) {
    const gone = await storage.stat(key).then(
      (found) => found === undefined,
      () => false,
    );
    return gone ? undefined : { error };
  }
}

/** The run's failure, and that its manifest could not be removed, so its objects were kept for the manifest. */
function keptForManifest(
  storage: Storage,
  manifest: string,
  objects: string[],
  failure: unknown,
  deleteError: unknown,
): DbopsError {
  const failed = failure instanceof DbopsError ? failure : undefined;
  const why = deleteError instanceof Error ? deleteError.message : String(deleteError);
  const kept = objects.length === 1 ? storage.locate(objects[0]!) : `its ${objects.length} objects`;
  return new DbopsError(
    failed?.code ?? 'STORAGE_FAILED',
    `${failed?.message ?? (failure instanceof Error ? failure.message : String(failure))}; and the failed backup's manifest ${storage.locate(manifest)} could not be removed: ${why}`,
    {
      cause: failure,
      ...(failed?.input ? { input: failed.input } : {}),
      hint: `${kept} ${objects.length === 1 ? 'was' : 'were'} kept, so that the manifest does not describe a backup whose objects are gone. The backup failed: do not rely on it; remove the manifest, then its objects.${failed?.hint ? ` ${failed.hint}` : ''}`,
    },
  );
}

interface WriteInput extends BackupOptions {
  source: DumpSource;
  storage: Storage;
  /** Appended with each key once stored. */
  stored: string[];
  name: string;
  backupId: string;
  encrypted: boolean;
}

/** What a backup wrote: its object (a parallel dump's toc.dat), its parts, and the dump's own record. */
interface Written {
  object: ManifestPart;
  parts?: ManifestPart[];
  dumped: DumpRecord;
  rawBytes: number;
  storedBytes: number;
  /** How the stored bytes were checked against those sent (for parts: the weakest of theirs). */
  storedCheck: StoredCheck | 'reread';
}

/** The single stream: one archive, verified on the side while it streams, then read back from storage. */
async function writeArchive(input: WriteInput): Promise<Written> {
  const { storage, log } = input;
  const key = objectKey(input.name, input.backupId, input.compression, input.encrypted);
  const stream = await dumpToStorage({ ...input, key }).catch(async (error: unknown) => {
    throw await input.source.explainFailure(error);
  });
  input.stored.push(key);
  await input.source.release();
  let dumped: DumpRecord;
  try {
    dumped = await stream.verify();
    // The storage checked the object as it stored it, or it is read back now.
    if (!stream.checked) await verifyStoredObject(storage, key, stream.storedBytes, stream.sha256, input.signal);
  } catch (error) {
    log.warn(`${storage.locate(key)} failed verification`);
    throw error;
  }
  const { rawBytes, storedBytes, sha256 } = stream;
  const object = { file: key.slice(key.lastIndexOf('/') + 1), key, rawBytes, storedBytes, sha256 };
  return { object, dumped, rawBytes, storedBytes, storedCheck: stream.checked ?? 'reread' };
}

/** jobs > 1: the dump program's directory format, each file stored as a part of the backup as soon as it is complete. */
async function writeParts(input: WriteInput & { jobs: number }): Promise<Written> {
  const written = await dumpPartsToStorage({
    ...input,
    keyOf: (file) => partKey(input.name, input.backupId, file, input.compression, input.encrypted),
  }).catch(async (error: unknown) => {
    throw await input.source.explainFailure(error);
  });
  await input.source.release();
  const { toc, parts, record, rawBytes, storedBytes, storedCheck } = written;
  return { object: toc, parts, dumped: record, rawBytes, storedBytes, storedCheck };
}

/** Fails unless the backup's object and every part are stored with the sizes its manifest gives. */
async function checkStillStored(
  storage: Storage,
  manifest: BackupManifest,
  what: string,
  options: { hint: string },
): Promise<void> {
  const { key, storedBytes } = manifest.object;
  if ((await storage.stat(key))?.size !== storedBytes)
    throw new DbopsError('VERIFY_FAILED', `${storage.locate(key)} ${what}`, options);
  if (!manifest.parts) return;
  // One listing, not a request per part: a parallel dump can have thousands.
  const sizes = new Map(
    (await storage.list(`${manifest.name}/${manifest.backupId}/`)).map((o) => [o.key, o.size] as const),
  );
  const gone = manifest.parts.find((part) => sizes.get(part.key) !== part.storedBytes);
  if (gone) throw new DbopsError('VERIFY_FAILED', `${storage.locate(gone.key)} ${what}`, options);
}

interface DumpStreamInput extends BackupOptions {
  source: DumpSource;
  storage: Storage;
  key: string;
}

/** Runs the streaming pipeline into storage. Either both the dump and the upload succeed, or both are torn down. */
async function dumpToStorage(input: DumpStreamInput) {
  const { log } = input;
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  input.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (input.signal?.aborted) abort.abort();

  const digest = new Digest();
  const body = new PassThrough({ highWaterMark: 1 << 20 });
  let dump: DumpStream | undefined;
  const stages: Duplex[] = [];
  try {
    const compression = { compression: input.compression, level: input.compressionLevel };
    dump = await input.source.startDump({ ...compression, signal: abort.signal });
    stages.push(...dump.stages);
    if (input.recipients.length > 0 || input.passphrase) {
      stages.push(
        createAgeEncryptStream({
          recipients: input.recipients,
          ...(input.passphrase ? { passphrase: input.passphrase } : {}),
        }),
      );
    }
  } catch (error) {
    abort.abort(); // the processes started above must not outlive a pipeline that was never built
    input.signal?.removeEventListener('abort', onOuterAbort);
    await dump?.dispose();
    throw error;
  }
  stages.push(digest);

  const started = Date.now();
  const progress = setInterval(() => {
    const seconds = (Date.now() - started) / 1000;
    log.info(`… ${formatBytes(digest.bytes)} stored so far (${formatRate(digest.bytes, seconds)})`);
  }, 15_000);
  progress.unref();

  let firstError: unknown;
  const fail = (error: unknown) => {
    firstError ??= error;
    abort.abort();
    throw error;
  };
  const flowing = pipeline([dump.source, ...stages, body], { signal: abort.signal }).catch(fail);
  const sizeHint = input.source.sizeHint;
  const storing = input.storage
    .put(input.key, body, { signal: abort.signal, contentType: 'application/octet-stream', sizeHint, check: true })
    .catch(fail);
  let stored: PutResult | undefined;
  try {
    const results = await Promise.allSettled([flowing, storing]);
    if (results[1].status === 'fulfilled') stored = results[1].value;
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0) {
      // The storage layer has aborted its upload by now; the dump process is killed by the abort.
      if (input.signal?.aborted) throw cancelled();
      // One side's failure makes the other side fail too (aborted, premature close): report the cause, the dump's
      // first, then the store's, whichever finished first.
      const cause = errors.find((e) => e instanceof DbopsError && e.code !== 'CANCELLED');
      throw cause ?? (firstError instanceof DbopsError ? firstError : storageOrDumpError(firstError));
    }
  } finally {
    clearInterval(progress);
    input.signal?.removeEventListener('abort', onOuterAbort);
    await dump.dispose();
  }
  const rawBytes = await dump.rawBytes;
  const seconds = (Date.now() - started) / 1000;
  log.info(
    `Dumped ${formatBytes(rawBytes)} → stored ${formatBytes(digest.bytes)} in ${formatSeconds(seconds)} (${formatRate(rawBytes, seconds)})`,
  );
  return {
    rawBytes,
    storedBytes: digest.bytes,
    sha256: digest.sha256,
    verify: dump.verify,
    ...(stored?.checked ? { checked: stored.checked } : {}),
  };
}

function storageOrDumpError(error: unknown): DbopsError {
  const message = error instanceof Error ? error.message : String(error);
  return new DbopsError('DUMP_FAILED', `The backup stream failed: ${message}`, {
    cause: error,
    hint: 'Nothing was recorded as a backup; see the message for the cause.',
  });
}

function encryptionRecord(options: BackupOptions): Encryption {
  if (options.passphrase) return { method: 'age', passphrase: true };
  if (options.recipients.length > 0) return { method: 'age', recipients: options.recipients.map(recipientFingerprint) };
  return { method: 'none' };
}

/**
 * Rotation is part of the job but not of the backup: it runs once the session has ended, in the storage the backup
 * was written to, and a rotation that fails is reported, never thrown: the backup stands.
 */
async function rotateAfterBackup(
  storage: Storage,
  result: BackupResult,
  rotation: Rotation,
  log: Logger,
): Promise<RotateResult | { error: Error } | undefined> {
  if (result.storage.startsWith('artifact://')) {
    log.warn('Keep rules do not apply to artifact:// storage: GitHub deletes artifacts after artifact-retention-days.');
    return undefined;
  }
  try {
    return await rotateNames(storage, [result.manifest.name], { ...rotation, dryRun: false, log });
  } catch (error) {
    log.warn(`Rotation after the backup failed: ${(error as Error).message}`);
    return { error: error as Error };
  }
}
