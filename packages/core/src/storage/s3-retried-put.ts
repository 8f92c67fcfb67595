import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { S3Bucket } from './s3-client.js';
import { nameOf, statusOf } from './s3-errors.js';

/** What a put sent: its size, the MD5 of all its bytes, and (multipart) the ETag S3 gives an object of its parts. */
export interface SentBody {
  size: number;
  md5: string;
  partsEtag?: string;
}

/**
 * Whether a put that failed with `error` was in fact stored by its own first request. A PutObject or
 * CompleteMultipartUpload can be stored while its answer is lost (a reset connection); the SDK retries it, and the
 * retry is refused because the key now exists (412: every put is sent with If-None-Match '*') or, for a completion,
 * because the upload is gone (NoSuchUpload). The put checked that the key was absent before it began, so the object
 * now there is this put's when it holds exactly what was sent; only then is the failure a success. Anything else
 * (another writer's object, a different size or content) keeps the failure: nothing is overwritten or adopted.
 */
export async function storedByThisPut(bucket: S3Bucket, Key: string, error: unknown, sent: SentBody): Promise<boolean> {
  const status = statusOf(error);
  const name = nameOf(error);
  if (!(status === 412 || name === 'PreconditionFailed' || name === 'NoSuchUpload')) return false;
  try {
    const head = await bucket.client.send(new HeadObjectCommand({ Bucket: bucket.bucket, Key }));
    if (head.ContentLength !== sent.size) return false;
    // The server's ETag is the MD5 of what it stored (one request), or of its parts' MD5s (multipart): the proof
    // without a read. Other ETags (SSE-KMS, some servers) say nothing: the object is read and hashed.
    const etag = head.ETag?.replace(/^(W\/)?"|"$/g, '').toLowerCase();
    if (etag === sent.md5 || (sent.partsEtag !== undefined && etag === sent.partsEtag)) return true;
    const body = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.bucket, Key }));
    const md5 = createHash('md5');
    for await (const chunk of body.Body as Readable) md5.update(chunk as Buffer);
    return md5.digest('hex') === sent.md5;
  } catch {
    return false; // the original failure stands
  }
}
