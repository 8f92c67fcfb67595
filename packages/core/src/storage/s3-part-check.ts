import type { S3Client } from '@aws-sdk/client-s3';
import { createHash, type Hash } from 'node:crypto';

/**
 * Checks an upload without reading it back. S3, and the S3-compatible servers dbops is tested with, answer each
 * stored part (UploadPart) with an ETag that is the MD5 of the bytes the server stored, and the completed object with
 * either the MD5 of those part MD5s suffixed "-N" (S3, MinIO, Ceph) or the MD5 of the whole object it assembled
 * (s3rver, a one-request PutObject). When every part's ETag is the MD5 of what was sent for it, and the object's is
 * what those parts (or the whole bytes sent) give, the server holds exactly what was sent.
 *
 * Objects whose ETags are not MD5s (SSE-KMS, SSE-C, some servers) do not match: the caller then reads the object
 * back, so a mismatch costs time, never a false alarm.
 *
 * lib-storage's Upload keeps the ETags to itself; a client middleware (the SDK's own extension point) reads them off
 * the responses for the keys being checked.
 */
export class PartCheck {
  private readonly sent: Buffer[] = [];
  private readonly whole = createHash('md5');
  private part: Hash = createHash('md5');
  private inPart = 0;
  private readonly storedParts = new Map<number, string>();
  private storedObject: string | undefined;
  private finished: { whole: string; ofParts: string } | undefined;
  /** Stops reading ETags off responses: once the upload has settled. */
  readonly stopListening: () => void;

  constructor(
    client: S3Client,
    key: string,
    private readonly partSize: number,
  ) {
    const keys = etagListeners(client);
    keys.set(key, (etag, part) => {
      if (part === undefined) this.storedObject = etag;
      else this.storedParts.set(part, etag);
    });
    this.stopListening = () => keys.delete(key);
  }

  /** Hashes the bytes sent: the whole, and each part where lib-storage cuts them (every `partSize` bytes). */
  update(chunk: Buffer): void {
    this.whole.update(chunk);
    for (let offset = 0; offset < chunk.length; ) {
      const take = Math.min(chunk.length - offset, this.partSize - this.inPart);
      this.part.update(chunk.subarray(offset, offset + take));
      this.inPart += take;
      offset += take;
      if (this.inPart === this.partSize) this.endPart();
    }
  }

  /** Whether the server's ETags prove it stored the bytes sent (once the upload is done). */
  matches(): boolean {
    const { whole, ofParts } = this.digests();
    if (this.storedParts.size === 0) return this.sent.length === 1 && this.storedObject === whole; // PutObject
    const partsMatch =
      this.storedParts.size === this.sent.length &&
      this.sent.every((md5, i) => this.storedParts.get(i + 1) === md5.toString('hex'));
    return partsMatch && (this.storedObject === ofParts || this.storedObject === whole);
  }

  /** The MD5 of every byte sent, and the ETag S3 gives a multipart object of the parts sent (once the body ended). */
  digests(): { whole: string; ofParts: string } {
    if (!this.finished) {
      // The last part: short, or the whole (empty) object; a body ending on a part boundary has none.
      if (this.inPart > 0 || this.sent.length === 0) this.endPart();
      const ofParts = `${createHash('md5').update(Buffer.concat(this.sent)).digest('hex')}-${this.sent.length}`;
      this.finished = { whole: this.whole.digest('hex'), ofParts };
    }
    return this.finished;
  }

  private endPart(): void {
    this.sent.push(this.part.digest());
    this.part = createHash('md5');
    this.inPart = 0;
  }
}

/** Called with an object's ETag (PutObject, CompleteMultipartUpload) or a part's (UploadPart, with its number). */
type EtagListener = (etag: string, part?: number) => void;
const listeners = new WeakMap<S3Client, Map<string, EtagListener>>();

/** The listeners of one client, by object key; the middleware that calls them is added on first use. */
function etagListeners(client: S3Client): Map<string, EtagListener> {
  const known = listeners.get(client);
  if (known) return known;
  const keys = new Map<string, EtagListener>();
  listeners.set(client, keys);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { Key?: string; PartNumber?: number };
      const listener = input.Key === undefined ? undefined : keys.get(input.Key);
      const etag = (result.output as { ETag?: string }).ETag;
      if (listener && etag) {
        const { commandName } = context;
        if (commandName === 'UploadPartCommand' && input.PartNumber) listener(unquote(etag), input.PartNumber);
        if (commandName === 'PutObjectCommand' || commandName === 'CompleteMultipartUploadCommand')
          listener(unquote(etag));
      }
      return result;
    },
    { step: 'initialize', name: 'dbopsUploadEtags' },
  );
  return keys;
}

function unquote(etag: string): string {
  return etag.replace(/^(W\/)?"|"$/g, '').toLowerCase();
}
