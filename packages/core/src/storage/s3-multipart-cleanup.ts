import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, paginateListParts } from '@aws-sdk/client-s3';
import { checkKey } from './key.js';
import { objectKey, type S3Bucket } from './s3-client.js';
import { nameOf, s3Failure, statusOf } from './s3-errors.js';
import type { IncompleteUpload, IncompleteUploads } from './types.js';

/**
 * Multipart uploads never completed nor aborted (the run was killed, or its abort failed): S3 bills their parts, and
 * rotation removes them once idle (invariant 1: an interrupted run leaves nothing behind).
 */
export async function listIncomplete(bucket: S3Bucket, prefix: string): Promise<IncompleteUploads> {
  checkKey(prefix, { prefix: true });
  const uploads: IncompleteUpload[] = [];
  try {
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await bucket.client.send(
        new ListMultipartUploadsCommand({ Bucket: bucket.bucket, Prefix: bucket.keyPrefix + prefix, ...markers }),
      );
      for (const upload of page.Uploads ?? []) {
        // Without a start time (a server that omits it) its age is unknown: it is never judged abandoned.
        if (!upload.Key || !upload.UploadId || !upload.Initiated) continue;
        const since = await lastWrite(bucket, upload.Key, upload.UploadId, upload.Initiated);
        if (since) uploads.push({ key: upload.Key.slice(bucket.keyPrefix.length), since, handle: upload.UploadId });
      }
      const next = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
      // A server that says "more" without saying where from would be asked for the same page for ever.
      if (
        !page.IsTruncated ||
        !next.KeyMarker ||
        (next.KeyMarker === markers.KeyMarker && next.UploadIdMarker === markers.UploadIdMarker)
      )
        break;
      markers = { KeyMarker: next.KeyMarker, ...(next.UploadIdMarker ? { UploadIdMarker: next.UploadIdMarker } : {}) };
    }
  } catch (error) {
    const status = statusOf(error);
    const name = nameOf(error);
    if (status === 403 || name === 'AccessDenied')
      return { uploads: [], unlisted: 'the credentials lack s3:ListBucketMultipartUploads' };
    if (status === 501 || name === 'NotImplemented')
      return { uploads: [], unlisted: 'the S3 server does not implement ListMultipartUploads' };
    throw s3Failure(bucket, error, 'listing');
  }
  return { uploads };
}

/** Aborts an incomplete upload unless a part arrived after `idleSince`; false when it was left (or is gone). */
export async function discardIncomplete(bucket: S3Bucket, upload: IncompleteUpload, idleSince: Date): Promise<boolean> {
  const Key = objectKey(bucket, upload.key);
  // Parts that arrived since mean a run is still uploading (its start alone says nothing of that).
  const since = await lastWrite(bucket, Key, upload.handle, upload.since);
  if (!since || since > idleSince) return false;
  try {
    await bucket.client.send(new AbortMultipartUploadCommand({ Bucket: bucket.bucket, Key, UploadId: upload.handle }));
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false; // NoSuchUpload: completed or aborted meanwhile
    throw s3Failure(bucket, error, 'deleting', upload.key);
  }
}

/**
 * Aborts the multipart upload of a failed put again. Upload already tried, but its attempt can fail (the endpoint
 * went away); this one is a second chance. Returns true when an incomplete upload may remain.
 */
export async function abortLeftover(bucket: S3Bucket, Key: string, uploadId: string | undefined): Promise<boolean> {
  if (!uploadId) return false;
  try {
    await bucket.client.send(new AbortMultipartUploadCommand({ Bucket: bucket.bucket, Key, UploadId: uploadId }));
    return false;
  } catch (error) {
    return statusOf(error) !== 404; // NoSuchUpload: already aborted
  }
}

/**
 * When a multipart upload was last written to: its newest part, or its start. undefined once it is gone
 * (completed or aborted). Without ListParts (a server that lacks it, credentials without s3:ListMultipartUploadParts)
 * the answer is "now": an upload never judged abandoned.
 */
async function lastWrite(bucket: S3Bucket, Key: string, UploadId: string, initiated: Date): Promise<Date | undefined> {
  let newest = initiated;
  try {
    for await (const page of paginateListParts({ client: bucket.client }, { Bucket: bucket.bucket, Key, UploadId })) {
      for (const part of page.Parts ?? [])
        if (part.LastModified && part.LastModified > newest) newest = part.LastModified;
    }
  } catch (error) {
    return statusOf(error) === 404 ? undefined : new Date();
  }
  return newest;
}
