import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { cancelled, DbopsError } from '../errors.js';
import { checkKey } from './key.js';
import { locate, objectKey, s3Bucket, type S3Bucket, type S3Options } from './s3-client.js';
import { s3Failure, statusOf } from './s3-errors.js';
import { discardIncomplete, listIncomplete } from './s3-multipart-cleanup.js';
import { uploadObject, uploadSettings, type UploadSettings } from './s3-upload.js';
import type { IncompleteUpload, IncompleteUploads, PutOptions, PutResult, Storage, StoredObject } from './types.js';

/**
 * Backups in an S3 bucket (or an S3-compatible server). The client and its configuration are in s3-client.ts,
 * uploads in s3-upload.ts, the clean-up of incomplete multipart uploads in s3-multipart-cleanup.ts and the
 * translation of SDK errors in s3-errors.ts.
 */
export class S3Storage implements Storage {
  readonly display: string;
  private readonly bucket: S3Bucket;
  private readonly settings: UploadSettings;

  constructor(location: { bucket: string; prefix: string }, options: S3Options & { inputName: string }) {
    this.bucket = s3Bucket(location, options);
    this.settings = uploadSettings(options);
    this.display = this.bucket.display;
  }

  async preflight(): Promise<void> {
    try {
      await this.bucket.client.send(new HeadBucketCommand({ Bucket: this.bucket.bucket }));
    } catch (error) {
      throw s3Failure(this.bucket, error, 'checking');
    }
  }

  /** A failed or cancelled put settles only after its multipart upload is aborted: nothing is left under the key. */
  async put(key: string, body: Readable | Buffer, options: PutOptions = {}): Promise<PutResult> {
    try {
      return await uploadObject({ bucket: this.bucket, settings: this.settings, objects: this }, key, body, options);
    } catch (error) {
      if (!Buffer.isBuffer(body)) body.destroy(); // whoever feeds the body must not wait for a reader that is gone
      // A storage failure keeps its own error even if the caller has since aborted because of it.
      throw options.signal?.aborted && !(error instanceof DbopsError) ? cancelled() : error;
    }
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    try {
      const output = await this.bucket.client.send(
        new GetObjectCommand({ Bucket: this.bucket.bucket, Key: objectKey(this.bucket, key) }),
        { abortSignal: options.signal },
      );
      return output.Body as Readable;
    } catch (error) {
      if (options.signal?.aborted) throw cancelled();
      throw s3Failure(this.bucket, error, 'reading', key);
    }
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const output = await this.bucket.client.send(
        new HeadObjectCommand({ Bucket: this.bucket.bucket, Key: objectKey(this.bucket, key) }),
      );
      return { key, size: output.ContentLength ?? 0, lastModified: output.LastModified ?? new Date(0) };
    } catch (error) {
      // HEAD responses have no body, so a missing key and a missing bucket both arrive as a bare 404.
      if (statusOf(error) === 404) return undefined;
      throw s3Failure(this.bucket, error, 'reading', key);
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    checkKey(prefix, { prefix: true });
    const { client, bucket, keyPrefix } = this.bucket;
    const found: StoredObject[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: keyPrefix + prefix })) {
        for (const object of page.Contents ?? []) {
          // Keys ending in '/' are "folder" markers made by consoles, not backups.
          if (!object.Key || object.Key.endsWith('/')) continue;
          found.push({
            key: object.Key.slice(keyPrefix.length),
            size: object.Size ?? 0,
            lastModified: object.LastModified ?? new Date(0),
          });
        }
      }
    } catch (error) {
      throw s3Failure(this.bucket, error, 'listing');
    }
    return found; // S3 lists in key order (UTF-8 binary)
  }

  async delete(key: string): Promise<void> {
    try {
      await this.bucket.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket.bucket, Key: objectKey(this.bucket, key) }),
      );
    } catch (error) {
      throw s3Failure(this.bucket, error, 'deleting', key);
    }
  }

  listIncomplete(prefix: string): Promise<IncompleteUploads> {
    return listIncomplete(this.bucket, prefix);
  }

  discardIncomplete(upload: IncompleteUpload, idleSince: Date): Promise<boolean> {
    return discardIncomplete(this.bucket, upload, idleSince);
  }

  locate(key: string): string {
    return locate(this.bucket, key);
  }
}
