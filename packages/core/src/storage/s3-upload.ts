import type { StorageClass } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cancelled, DbopsError, invalidInput } from '../errors.js';
import { INPUTS, locate, objectKey, type S3Bucket, type S3Options } from './s3-client.js';
import { alreadyExists, s3Failure } from './s3-errors.js';
import { abortLeftover } from './s3-multipart-cleanup.js';
import { PartCheck } from './s3-part-check.js';
import { storedByThisPut, type SentBody } from './s3-retried-put.js';
import type { PutOptions, PutResult, Storage } from './types.js';

const MiB = 1024 * 1024;
const MIN_PART_SIZE = 5 * MiB;
const MAX_PART_SIZE = 5 * 1024 * MiB;

/** How objects are uploaded: part size, parallel parts, and the encryption and storage class of each object. */
export interface UploadSettings {
  partSize: number;
  queueSize: number;
  objectParams: {
    ServerSideEncryption?: S3Options['serverSideEncryption'];
    SSEKMSKeyId?: string;
    StorageClass?: StorageClass;
  };
}

export function uploadSettings(options: S3Options): UploadSettings {
  return {
    partSize: checkInteger(
      options.partSizeBytes ?? 8 * MiB,
      MIN_PART_SIZE,
      MAX_PART_SIZE,
      INPUTS.partSizeBytes,
      'a byte count from 5 MiB (5242880) to 5 GiB',
    ),
    queueSize: checkInteger(options.queueSize ?? 4, 1, 64, INPUTS.queueSize, 'a whole number from 1 to 64'),
    objectParams: objectParams(options),
  };
}

/** What an upload needs besides the client: its settings, and the storage's own stat and delete (errors translated). */
export interface UploadTarget {
  bucket: S3Bucket;
  settings: UploadSettings;
  objects: Pick<Storage, 'stat' | 'delete'>;
}

/**
 * Streams `body` to `key` through a multipart upload. A failed or cancelled upload settles only after the multipart
 * upload is aborted, and a stored object that does not hold what was sent is removed: nothing that looks complete
 * remains (invariant 1). An existing object is never overwritten (invariant 2).
 */
export async function uploadObject(
  to: UploadTarget,
  key: string,
  body: Readable | Buffer,
  options: PutOptions,
): Promise<PutResult> {
  const { bucket, settings, objects } = to;
  const Key = objectKey(bucket, key);
  const { signal } = options;
  if (signal?.aborted) throw cancelled();
  // Real S3 refuses an overwrite through If-None-Match below; this check covers servers that ignore it (s3rver does).
  if (await objects.stat(key)) throw alreadyExists(bucket, key);

  // Small parts keep memory low (about partSize × (queueSize + 2)); S3 allows 10,000 parts, so a larger expected
  // object gets larger parts (sized for 9,000, leaving room for an object larger than its hint).
  const partSize = Math.max(settings.partSize, Math.ceil((options.sizeHint ?? 0) / 9_000));
  const check = options.check ? new PartCheck(bucket.client, Key, partSize) : undefined;

  // Upload reads from `counter`; the caller's stream feeds it. Destroying `counter` is how a put is cancelled:
  // Upload then stops reading, waits for the parts in flight, aborts the multipart upload, and only then rejects.
  // (upload.abort() would reject at once and leave that cleanup running in the background, racing the caller.)
  let size = 0;
  // What was sent, to know it again should a retried request find the key taken (s3-retried-put.ts). The part
  // check hashes it already; without one, an MD5 of the bytes.
  const md5 = check ? undefined : createHash('md5');
  const sent = (): SentBody => {
    if (!check) return { size, md5: md5!.digest('hex') };
    const { whole, ofParts } = check.digests();
    return { size, md5: whole, partsEtag: ofParts };
  };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      check?.update(chunk);
      md5?.update(chunk);
      callback(null, chunk);
    },
  });
  let bodyError: unknown;
  const feeding = pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, counter).catch((error: unknown) => {
    bodyError = error;
  });
  const onAbort = () => counter.destroy(cancelled());
  signal?.addEventListener('abort', onAbort, { once: true });

  const upload = new Upload({
    client: bucket.client,
    partSize,
    queueSize: settings.queueSize,
    leavePartsOnError: false,
    params: {
      Bucket: bucket.bucket,
      Key,
      Body: counter,
      IfNoneMatch: '*',
      ...(options.contentType ? { ContentType: options.contentType } : {}),
      ...settings.objectParams,
    },
  });
  /** Stored by a request whose answer was lost: its ETag was never seen, so the caller reads the object back. */
  let retried = false;
  try {
    await upload.done();
  } catch (error) {
    counter.destroy(); // releases the caller's stream if the upload stopped reading it
    await feeding;
    const leftover = await abortLeftover(bucket, Key, upload.uploadId);
    // put() reports a cancellation as such; the body's own failure (e.g. the dump's) passes through unchanged;
    // anything else is the store's failure, even when the caller aborted in reaction to it.
    if (error === bodyError || (signal?.aborted && (error as Error).name === 'AbortError')) throw error;
    // Every byte was sent (the body ended) and a retry found the key taken: stored by the first attempt, whose
    // answer was lost? When the object holds what was sent, the put succeeded (failing would make the caller remove it).
    const stored = bodyError === undefined && (await storedByThisPut(bucket, Key, error, sent()));
    if (!stored) throw s3Failure(bucket, error, 'writing', key, leftover);
    retried = true;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    check?.stopListening();
  }
  if (signal?.aborted) {
    // Cancelled after the last byte was sent: the object is complete, but the caller asked for nothing to remain.
    await objects.delete(key);
    throw cancelled();
  }
  // The object must hold what was sent, or the put fails and leaves nothing: a server can accept an upload and
  // keep something else (S3-compatible servers that store a streamed body's aws-chunked framing).
  const stored = await objects.stat(key);
  if (stored?.size !== size) {
    await objects.delete(key).catch(() => undefined);
    throw new DbopsError(
      'STORAGE_FAILED',
      `Input '${bucket.inputName}' (${bucket.display}): ${locate(bucket, key)} holds ${stored ? `${stored.size} bytes` : 'nothing'} after ${size} bytes were uploaded`,
      {
        input: bucket.inputName,
        hint: `The S3 server kept something other than the upload; the object was removed. S3-compatible servers that mishandle streamed checksums store their framing: set s3-checksum to WHEN_REQUIRED.`,
      },
    );
  }
  // The server's ETags prove it holds what was sent; without that proof the caller reads the object back.
  return !retried && check?.matches() ? { size, checked: 'part-md5' } : { size };
}

function objectParams(options: S3Options): UploadSettings['objectParams'] {
  const { serverSideEncryption, kmsKeyId, storageClass } = options;
  if (kmsKeyId && serverSideEncryption === 'AES256') {
    throw invalidInput(
      INPUTS.kmsKeyId,
      `cannot be used with ${INPUTS.serverSideEncryption} AES256`,
      `Set ${INPUTS.serverSideEncryption} to aws:kms or aws:kms:dsse, or remove ${INPUTS.kmsKeyId}.`,
    );
  }
  const sse = serverSideEncryption ?? (kmsKeyId ? 'aws:kms' : undefined);
  return {
    ...(sse ? { ServerSideEncryption: sse } : {}),
    ...(kmsKeyId ? { SSEKMSKeyId: kmsKeyId } : {}),
    ...(storageClass?.trim() ? { StorageClass: storageClass.trim() as StorageClass } : {}),
  };
}

function checkInteger(value: number, min: number, max: number, input: string, validForm: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw invalidInput(input, `is ${value}, out of range`, `Use ${validForm}.`);
  return value;
}
