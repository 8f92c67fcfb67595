import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  paginateListObjectsV2,
  paginateListParts,
  S3Client,
  type S3ClientConfig,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { isIP } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cancelled, DbopsError, invalidInput } from '../errors.js';
import { checkKey } from './key.js';
import type { IncompleteUpload, IncompleteUploads, PutOptions, Storage, StoredObject } from './types.js';

export interface S3Options {
  /** Defaults to the SDK's (AWS_REGION, ~/.aws/config); 'us-east-1' when an endpoint is given. */
  region?: string;
  /** An S3-compatible server, e.g. http://127.0.0.1:9000 (MinIO) or https://storage.googleapis.com. */
  endpoint?: string;
  /** Defaults to true when the endpoint host is localhost or an IP address, where bucket subdomains cannot resolve. */
  forcePathStyle?: boolean;
  /** When absent, the AWS SDK's default credential chain (environment, web identity, instance role...). */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  serverSideEncryption?: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  /** Implies serverSideEncryption 'aws:kms' when that is not set. */
  kmsKeyId?: string;
  storageClass?: string;
  /**
   * Defaults to WHEN_SUPPORTED on AWS and WHEN_REQUIRED with a custom endpoint: many S3-compatible servers
   * (s3rver, older MinIO and Ceph) store a streamed body's aws-chunked framing as the object's content.
   */
  requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /**
   * Multipart part size; default 8 MiB, at least 5 MiB (an S3 limit). Parts are buffered in memory. No action input
   * or flag sets it (nor queueSize): they are for tests and library callers.
   */
  partSizeBytes?: number;
  /** Parts uploaded in parallel; default 4. Memory use is about partSizeBytes × (queueSize + 2). */
  queueSize?: number;
}

/** The inputs (action inputs / CLI flags) each option comes from, so errors can name them. */
const INPUTS = {
  region: 's3-region',
  endpoint: 's3-endpoint',
  accessKeyId: 's3-access-key-id',
  secretAccessKey: 's3-secret-access-key',
  serverSideEncryption: 's3-sse',
  kmsKeyId: 's3-kms-key-id',
  storageClass: 's3-storage-class',
  // No input sets these two: errors name the option.
  partSizeBytes: 'partSizeBytes',
  queueSize: 'queueSize',
} as const;

const MiB = 1024 * 1024;
const MIN_PART_SIZE = 5 * MiB;
const MAX_PART_SIZE = 5 * 1024 * MiB;
/** The SDK retries throttling, 5xx, timeouts and dropped connections up to this many attempts, with backoff. */
const MAX_ATTEMPTS = 5;

const CREDENTIALS_HINT =
  'Check the S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), ' +
  'or use aws-actions/configure-aws-credentials before this step. The identity needs s3:ListBucket, s3:GetObject, ' +
  's3:PutObject, s3:DeleteObject, s3:AbortMultipartUpload and (for rotation to find the uploads of killed runs) s3:ListBucketMultipartUploads and s3:ListMultipartUploadParts on the bucket.';
const ACCESS_DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'CredentialsProviderError', 'Forbidden']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

type Action = 'checking' | 'writing' | 'reading' | 'listing' | 'deleting';

/**
 * Backups in an S3 bucket (or an S3-compatible server). Uploads stream through multipart upload; a failed or
 * cancelled put() settles only after the multipart upload is aborted, so nothing is left under the key.
 */
export class S3Storage implements Storage {
  readonly display: string;
  private readonly bucket: string;
  /** The location's prefix with a trailing '/', or '' for the bucket root. */
  private readonly keyPrefix: string;
  private readonly inputName: string;
  private readonly client: S3Client;
  private readonly endpoint: string | undefined;
  private readonly secrets: string[];
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly objectParams: { ServerSideEncryption?: S3Options['serverSideEncryption']; SSEKMSKeyId?: string; StorageClass?: StorageClass };

  constructor(location: { bucket: string; prefix: string }, options: S3Options & { inputName: string }) {
    this.bucket = location.bucket;
    this.keyPrefix = location.prefix === '' ? '' : `${location.prefix.replace(/\/+$/, '')}/`;
    this.display = `s3://${this.bucket}${this.keyPrefix === '' ? '' : `/${this.keyPrefix.slice(0, -1)}`}`;
    this.inputName = options.inputName;
    this.secrets = [options.secretAccessKey, options.sessionToken].filter((s): s is string => !!s);

    const endpoint = options.endpoint?.trim() ? parseEndpoint(options.endpoint.trim()) : undefined;
    this.endpoint = endpoint?.display;
    this.partSize = checkInteger(options.partSizeBytes ?? 8 * MiB, MIN_PART_SIZE, MAX_PART_SIZE, INPUTS.partSizeBytes, 'a byte count from 5 MiB (5242880) to 5 GiB');
    this.queueSize = checkInteger(options.queueSize ?? 4, 1, 64, INPUTS.queueSize, 'a whole number from 1 to 64');
    this.objectParams = objectParams(options);

    const config: S3ClientConfig = {
      maxAttempts: MAX_ATTEMPTS,
      followRegionRedirects: true,
      requestChecksumCalculation: options.requestChecksumCalculation ?? (endpoint ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED'),
      responseChecksumValidation: options.requestChecksumCalculation ?? (endpoint ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED'),
      // A black-holed endpoint fails in seconds instead of the OS's minutes; a stalled connection is dropped and retried.
      requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
    };
    const region = options.region?.trim() || (endpoint ? 'us-east-1' : undefined);
    if (options.region?.trim() && !/^[A-Za-z0-9_-]{1,64}$/.test(options.region.trim())) {
      throw invalidInput(INPUTS.region, `'${options.region.trim()}' is not a region name`, 'a region such as eu-west-1 (or auto, us-east-1, ... as the S3-compatible service documents)');
    }
    if (region) config.region = region;
    if (endpoint) {
      config.endpoint = endpoint.url;
      config.forcePathStyle = options.forcePathStyle ?? endpoint.local;
    } else if (options.forcePathStyle !== undefined) {
      config.forcePathStyle = options.forcePathStyle;
    }
    if (options.accessKeyId || options.secretAccessKey) {
      if (!options.accessKeyId || !options.secretAccessKey) {
        const missing = options.accessKeyId ? INPUTS.secretAccessKey : INPUTS.accessKeyId;
        throw invalidInput(missing, 'is missing: an S3 access key id and secret access key go together', 'Set both, or neither to use the AWS default credential chain.');
      }
      config.credentials = {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
        ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
      };
    }
    this.client = new S3Client(config);
    this.client.middlewareStack.add((next, context) => (args) => {
      if (UNSIGNED_COMMANDS.has(context.commandName ?? '')) markUnsigned(args.request);
      return next(args);
    }, { step: 'build', name: 'dbopsUnsignedPayload' });
  }

  async preflight(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw this.fail(error, 'checking');
    }
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions = {}): Promise<{ size: number }> {
    try {
      return await this.upload(key, body, options);
    } catch (error) {
      if (!Buffer.isBuffer(body)) body.destroy(); // whoever feeds the body must not wait for a reader that is gone
      // A storage failure keeps its own error even if the caller has since aborted because of it.
      throw options.signal?.aborted && !(error instanceof DbopsError) ? cancelled() : error;
    }
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), { abortSignal: options.signal });
      return output.Body as Readable;
    } catch (error) {
      if (options.signal?.aborted) throw cancelled();
      throw this.fail(error, 'reading', key);
    }
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const output = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { key, size: output.ContentLength ?? 0, lastModified: output.LastModified ?? new Date(0) };
    } catch (error) {
      // HEAD responses have no body, so a missing key and a missing bucket both arrive as a bare 404.
      if (statusOf(error) === 404) return undefined;
      throw this.fail(error, 'reading', key);
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    checkKey(prefix, { prefix: true });
    const found: StoredObject[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.keyPrefix + prefix })) {
        for (const object of page.Contents ?? []) {
          // Keys ending in '/' are "folder" markers made by consoles, not backups.
          if (!object.Key || object.Key.endsWith('/')) continue;
          found.push({ key: object.Key.slice(this.keyPrefix.length), size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) });
        }
      }
    } catch (error) {
      throw this.fail(error, 'listing');
    }
    return found; // S3 lists in key order (UTF-8 binary)
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      throw this.fail(error, 'deleting', key);
    }
  }

  /** Multipart uploads never completed nor aborted (the run was killed, or its abort failed): S3 bills their parts. */
  async listIncomplete(prefix: string): Promise<IncompleteUploads> {
    checkKey(prefix, { prefix: true });
    const uploads: IncompleteUpload[] = [];
    try {
      let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
      for (;;) {
        const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.keyPrefix + prefix, ...markers }));
        for (const upload of page.Uploads ?? []) {
          // Without a start time (a server that omits it) its age is unknown: it is never judged abandoned.
          if (!upload.Key || !upload.UploadId || !upload.Initiated) continue;
          const since = await this.lastWrite(upload.Key, upload.UploadId, upload.Initiated);
          if (since) uploads.push({ key: upload.Key.slice(this.keyPrefix.length), since, handle: upload.UploadId });
        }
        const next = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
        // A server that says "more" without saying where from would be asked for the same page for ever.
        if (!page.IsTruncated || !next.KeyMarker || (next.KeyMarker === markers.KeyMarker && next.UploadIdMarker === markers.UploadIdMarker)) break;
        markers = { KeyMarker: next.KeyMarker, ...(next.UploadIdMarker ? { UploadIdMarker: next.UploadIdMarker } : {}) };
      }
    } catch (error) {
      const status = statusOf(error);
      const name = nameOf(error);
      if (status === 403 || name === 'AccessDenied') return { uploads: [], unlisted: 'the credentials lack s3:ListBucketMultipartUploads' };
      if (status === 501 || name === 'NotImplemented') return { uploads: [], unlisted: 'the S3 server does not implement ListMultipartUploads' };
      throw this.fail(error, 'listing');
    }
    return { uploads };
  }

  async discardIncomplete(upload: IncompleteUpload, idleSince: Date): Promise<boolean> {
    const Key = this.objectKey(upload.key);
    // Parts that arrived since mean a run is still uploading (its start alone says nothing of that).
    const since = await this.lastWrite(Key, upload.handle, upload.since);
    if (!since || since > idleSince) return false;
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: upload.handle }));
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false; // NoSuchUpload: completed or aborted meanwhile
      throw this.fail(error, 'deleting', upload.key);
    }
  }

  /**
   * When a multipart upload was last written to: its newest part, or its start. undefined once it is gone
   * (completed or aborted). Without ListParts (a server that lacks it, credentials without s3:ListMultipartUploadParts)
   * the answer is "now": an upload never judged abandoned.
   */
  private async lastWrite(Key: string, UploadId: string, initiated: Date): Promise<Date | undefined> {
    let newest = initiated;
    try {
      for await (const page of paginateListParts({ client: this.client }, { Bucket: this.bucket, Key, UploadId })) {
        for (const part of page.Parts ?? []) if (part.LastModified && part.LastModified > newest) newest = part.LastModified;
      }
    } catch (error) {
      return statusOf(error) === 404 ? undefined : new Date();
    }
    return newest;
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  private async upload(key: string, body: Readable | Buffer, options: PutOptions): Promise<{ size: number }> {
    const Key = this.objectKey(key);
    const { signal } = options;
    if (signal?.aborted) throw cancelled();
    // Real S3 refuses an overwrite through If-None-Match below; this check covers servers that ignore it (s3rver does).
    if (await this.stat(key)) throw this.alreadyExists(key);

    // Upload reads from `counter`; the caller's stream feeds it. Destroying `counter` is how a put is cancelled:
    // Upload then stops reading, waits for the parts in flight, aborts the multipart upload, and only then rejects.
    // (upload.abort() would reject at once and leave that cleanup running in the background, racing the caller.)
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
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
      client: this.client,
      // Small parts keep memory low (about partSize × (queueSize + 2)); S3 allows 10,000 parts, so a larger
      // expected object gets larger parts (sized for 9,000, leaving room for an object larger than its hint).
      partSize: Math.max(this.partSize, Math.ceil((options.sizeHint ?? 0) / 9_000)),
      queueSize: this.queueSize,
      leavePartsOnError: false,
      params: {
        Bucket: this.bucket,
        Key,
        Body: counter,
        IfNoneMatch: '*',
        ...(options.contentType ? { ContentType: options.contentType } : {}),
        ...this.objectParams,
      },
    });
    try {
      await upload.done();
    } catch (error) {
      counter.destroy(); // releases the caller's stream if the upload stopped reading it
      await feeding;
      const leftover = await this.abortLeftover(Key, upload.uploadId);
      // put() reports a cancellation as such; the body's own failure (e.g. the dump's) passes through unchanged;
      // anything else is the store's failure, even when the caller aborted in reaction to it.
      if (error === bodyError || (signal?.aborted && (error as Error).name === 'AbortError')) throw error;
      throw this.fail(error, 'writing', key, leftover);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) {
      // Cancelled after the last byte was sent: the object is complete, but the caller asked for nothing to remain.
      await this.delete(key);
      throw cancelled();
    }
    // The object must hold what was sent, or the put fails and leaves nothing: a server can accept an upload and
    // keep something else (S3-compatible servers that store a streamed body's aws-chunked framing).
    const stored = await this.stat(key);
    if (stored?.size !== size) {
      await this.delete(key).catch(() => undefined);
      throw new DbopsError('STORAGE_FAILED', `Input '${this.inputName}' (${this.display}): ${this.locate(key)} holds ${stored ? `${stored.size} bytes` : 'nothing'} after ${size} bytes were uploaded`, {
        input: this.inputName,
        hint: `The S3 server kept something other than the upload; the object was removed. S3-compatible servers that mishandle streamed checksums store their framing: set s3-checksum to WHEN_REQUIRED.`,
      });
    }
    return { size };
  }

  private objectKey(key: string): string {
    checkKey(key);
    return this.keyPrefix + key;
  }

  /**
   * Aborts the multipart upload again after a failure. Upload already tried, but its attempt can fail (the endpoint
   * went away); this one is a second chance. Returns true when an incomplete upload may remain.
   */
  private async abortLeftover(Key: string, uploadId: string | undefined): Promise<boolean> {
    if (!uploadId) return false;
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: uploadId }));
      return false;
    } catch (error) {
      return statusOf(error) !== 404; // NoSuchUpload: already aborted
    }
  }

  private alreadyExists(key: string): DbopsError {
    return new DbopsError('ALREADY_EXISTS', `Input '${this.inputName}' (${this.display}): ${this.locate(key)} already exists`, {
      input: this.inputName,
      hint: 'Backups are never overwritten. Use a new backup id, or remove the object yourself if it is not a backup.',
    });
  }

  /** Turns an AWS SDK error into a DbopsError naming the input at fault and the fix. Never includes credentials. */
  private fail(error: unknown, action: Action, key?: string, leftover = false): DbopsError {
    if (error instanceof DbopsError) return error;
    const name = nameOf(error);
    const status = statusOf(error);
    const message = error instanceof Error ? error.message : String(error);
    const code = networkCode(error, message);
    const what = key === undefined ? this.display : this.locate(key);
    // HEAD responses carry no error body: the SDK then names the error 'Unknown' or 'NotFound'; the status says more.
    const reason = name && name !== 'Unknown' && name !== 'Error' ? name : status ? `HTTP ${status}` : message;
    const subject = `Input '${this.inputName}' (${this.display})`;
    const leftoverHint = leftover
      ? ' An incomplete multipart upload may remain in the bucket (it is not visible as an object); a lifecycle rule with AbortIncompleteMultipartUpload removes such uploads.'
      : '';
    const make = (errorCode: DbopsError['code'], text: string, hint: string, input = this.inputName) =>
      new DbopsError(errorCode, this.redact(text), { input, cause: error, hint: this.redact(hint + leftoverHint) });

    if (name === 'NoSuchBucket' || (status === 404 && action === 'checking')) {
      return make('STORAGE_NOT_FOUND', `${subject}: the S3 bucket '${this.bucket}' does not exist`,
        `Create the bucket, or fix the bucket name in '${this.inputName}' (s3://bucket/prefix). If it exists, check '${INPUTS.region}' and '${INPUTS.endpoint}'.`);
    }
    if (name === 'NoSuchKey' || status === 404) {
      return make('STORAGE_NOT_FOUND', `${subject}: ${what} does not exist`, `Check '${this.inputName}' points at the bucket and prefix the backups were written to.`);
    }
    if (ACCESS_DENIED.has(name) || status === 403) {
      return make('STORAGE_ACCESS_DENIED', `${subject}: access denied while ${action} ${what} (${reason})`, CREDENTIALS_HINT);
    }
    if ((name === 'PreconditionFailed' || status === 412) && key !== undefined) return this.alreadyExists(key);
    if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException' || status === 301) {
      return make('INVALID_INPUT', `Input '${INPUTS.region}': the bucket '${this.bucket}' is in another region (${reason})`,
        `Set '${INPUTS.region}' (or AWS_REGION) to the bucket's region.`, INPUTS.region);
    }
    if (/Region is missing/i.test(message)) {
      return make('INVALID_INPUT', `Input '${INPUTS.region}' is not set and no AWS region is configured`, `Set '${INPUTS.region}' or AWS_REGION to the bucket's region, e.g. eu-west-1.`, INPUTS.region);
    }
    if (code || name === 'TimeoutError') {
      const endpoint = this.endpoint ?? 'AWS S3';
      const input = this.endpoint ? INPUTS.endpoint : this.inputName;
      return make('STORAGE_FAILED', `Input '${input}': could not reach the S3 endpoint ${endpoint} while ${action} ${what} (${code ?? name})`,
        `Check '${INPUTS.endpoint}', the network, and that the server is up. Dropped connections and timeouts are retried (${MAX_ATTEMPTS} attempts).`, input);
    }
    return make('STORAGE_FAILED', `${subject}: ${action} ${what} failed: ${name ? `${name}: ` : ''}${message}`,
      'S3 returned an unexpected error; transient errors were already retried. See the message for the cause.');
  }

  private redact(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  }
}

/** The endpoint URL for the SDK and for messages. URLs with credentials are refused, so messages never carry them. */
function parseEndpoint(text: string): { url: string; display: string; local: boolean } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(INPUTS.endpoint, 'is not a URL', 'Use http(s)://host[:port], e.g. http://127.0.0.1:9000.');
  }
  if (url.username || url.password) {
    throw invalidInput(INPUTS.endpoint, 'must not contain credentials', 'Remove user:password@ from the URL; pass the keys as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidInput(INPUTS.endpoint, `uses the unsupported scheme '${url.protocol}//'`, 'Use http(s)://host[:port], e.g. http://127.0.0.1:9000.');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const display = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  return { url: display, display, local: host === 'localhost' || host.endsWith('.localhost') || isIP(host) !== 0 };
}

function objectParams(options: S3Options): S3Storage['objectParams'] {
  const { serverSideEncryption, kmsKeyId, storageClass } = options;
  if (kmsKeyId && serverSideEncryption === 'AES256') {
    throw invalidInput(INPUTS.kmsKeyId, `cannot be used with ${INPUTS.serverSideEncryption} AES256`, `Set ${INPUTS.serverSideEncryption} to aws:kms or aws:kms:dsse, or remove ${INPUTS.kmsKeyId}.`);
  }
  const sse = serverSideEncryption ?? (kmsKeyId ? 'aws:kms' : undefined);
  return {
    ...(sse ? { ServerSideEncryption: sse } : {}),
    ...(kmsKeyId ? { SSEKMSKeyId: kmsKeyId } : {}),
    ...(storageClass?.trim() ? { StorageClass: storageClass.trim() as StorageClass } : {}),
  };
}

function checkInteger(value: number, min: number, max: number, input: string, validForm: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw invalidInput(input, `is ${value}, out of range`, `Use ${validForm}.`);
  return value;
}

function nameOf(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : '';
}

/**
 * The network error code (ECONNREFUSED...) of a failed request. Usually on `code`; read from the message too,
 * because the SDK rewraps errors it does not recognise as Errors (e.g. from another realm, as under jest) into a
 * plain Error whose message is all that is left.
 */
function networkCode(error: unknown, message: string): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  return [...NETWORK_CODES].find((candidate) => message.includes(candidate));
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/**
 * Uploads are sent with an UNSIGNED-PAYLOAD signature. Otherwise the SigV4 signer hashes every part with SHA-256,
 * a whole extra pass over the backup (the CPU a backup on two cores needs for compression). Integrity does not rest
 * on it: dbops compares the SHA-256 of what it sent with a re-read of the stored object, TLS protects the bytes in
 * transit, and with WHEN_SUPPORTED each part also carries a CRC32 that S3 checks. S3, MinIO and R2 accept it.
 */
const UNSIGNED_COMMANDS = new Set(['PutObjectCommand', 'UploadPartCommand']);

function markUnsigned(request: unknown): void {
  const headers = (request as { headers?: Record<string, string> }).headers;
  if (headers) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
}
