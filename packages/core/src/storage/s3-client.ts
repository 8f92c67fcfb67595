import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { isIP } from 'node:net';
import { invalidInput } from '../errors.js';
import { checkKey } from './key.js';

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
export const INPUTS = {
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

/** The SDK retries throttling, 5xx, timeouts and dropped connections up to this many attempts, with backoff. */
export const MAX_ATTEMPTS = 5;

/** One bucket and prefix behind a configured client: what every S3 module works on. */
export interface S3Bucket {
  readonly client: S3Client;
  readonly bucket: string;
  /** The location's prefix with a trailing '/', or '' for the bucket root. */
  readonly keyPrefix: string;
  /** s3://bucket/prefix, for messages. */
  readonly display: string;
  /** The input the location came from (to, from, history), which errors name. */
  readonly inputName: string;
  /** The custom endpoint, for messages; undefined for AWS S3. */
  readonly endpoint: string | undefined;
  /** Secrets that must never reach a message (the secret key, the session token). */
  readonly secrets: string[];
}

/** The client for a location, configured and checked from the options; errors name the input at fault. */
export function s3Bucket(
  location: { bucket: string; prefix: string },
  options: S3Options & { inputName: string },
): S3Bucket {
  const keyPrefix = location.prefix === '' ? '' : `${location.prefix.replace(/\/+$/, '')}/`;
  const endpoint = options.endpoint?.trim() ? parseEndpoint(options.endpoint.trim()) : undefined;
  return {
    client: s3Client(options, endpoint),
    bucket: location.bucket,
    keyPrefix,
    display: `s3://${location.bucket}${keyPrefix === '' ? '' : `/${keyPrefix.slice(0, -1)}`}`,
    inputName: options.inputName,
    endpoint: endpoint?.display,
    secrets: [options.secretAccessKey, options.sessionToken].filter((s): s is string => !!s),
  };
}

/** The object key of a storage key, checked (key.ts). */
export function objectKey(bucket: S3Bucket, key: string): string {
  checkKey(key);
  return bucket.keyPrefix + key;
}

/** s3://bucket/prefix/key: where an object is, for people. */
export function locate(bucket: S3Bucket, key: string): string {
  return `s3://${bucket.bucket}/${objectKey(bucket, key)}`;
}

function s3Client(options: S3Options, endpoint: Endpoint | undefined): S3Client {
  const checksums = options.requestChecksumCalculation ?? (endpoint ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED');
  const config: S3ClientConfig = {
    maxAttempts: MAX_ATTEMPTS,
    followRegionRedirects: true,
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    // A black-holed endpoint fails in seconds instead of the OS's minutes; a stalled connection is dropped and retried.
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
  };
  const region = options.region?.trim() || (endpoint ? 'us-east-1' : undefined);
  if (options.region?.trim() && !/^[A-Za-z0-9_-]{1,64}$/.test(options.region.trim())) {
    throw invalidInput(
      INPUTS.region,
      `'${options.region.trim()}' is not a region name`,
      'a region such as eu-west-1 (or auto, us-east-1, ... as the S3-compatible service documents)',
    );
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
      throw invalidInput(
        missing,
        'is missing: an S3 access key id and secret access key go together',
        'Set both, or neither to use the AWS default credential chain.',
      );
    }
    config.credentials = {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    };
  }
  const client = new S3Client(config);
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (UNSIGNED_COMMANDS.has(context.commandName ?? '')) markUnsigned(args.request);
      return next(args);
    },
    { step: 'build', name: 'dbopsUnsignedPayload' },
  );
  return client;
}

interface Endpoint {
  url: string;
  display: string;
  local: boolean;
}

/** The endpoint URL for the SDK and for messages. URLs with credentials are refused, so messages never carry them. */
function parseEndpoint(text: string): Endpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(INPUTS.endpoint, 'is not a URL', 'Use http(s)://host[:port], e.g. http://127.0.0.1:9000.');
  }
  if (url.username || url.password) {
    throw invalidInput(
      INPUTS.endpoint,
      'must not contain credentials',
      'Remove user:password@ from the URL; pass the keys as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidInput(
      INPUTS.endpoint,
      `uses the unsupported scheme '${url.protocol}//'`,
      'Use http(s)://host[:port], e.g. http://127.0.0.1:9000.',
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const display = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  return { url: display, display, local: host === 'localhost' || host.endsWith('.localhost') || isIP(host) !== 0 };
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
