import { DbopsError } from '../errors.js';
import { INPUTS, locate, MAX_ATTEMPTS, type S3Bucket } from './s3-client.js';

const CREDENTIALS_HINT =
  'Check the S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), ' +
  'or use aws-actions/configure-aws-credentials before this step. The identity needs s3:ListBucket, s3:GetObject, ' +
  's3:PutObject, s3:DeleteObject, s3:AbortMultipartUpload and (for rotation to find the uploads of killed runs) s3:ListBucketMultipartUploads and s3:ListMultipartUploadParts on the bucket.';
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
  'Forbidden',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export type S3Action = 'checking' | 'writing' | 'reading' | 'listing' | 'deleting';

/**
 * Turns an AWS SDK error into a DbopsError naming the input at fault and the fix. Never includes credentials.
 * `leftover`: an incomplete multipart upload may remain after a failed write.
 */
export function s3Failure(
  bucket: S3Bucket,
  error: unknown,
  action: S3Action,
  key?: string,
  leftover = false,
): DbopsError {
  if (error instanceof DbopsError) return error;
  const name = nameOf(error);
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const code = networkCode(error, message);
  const what = key === undefined ? bucket.display : locate(bucket, key);
  // HEAD responses carry no error body: the SDK then names the error 'Unknown' or 'NotFound'; the status says more.
  const reason = name && name !== 'Unknown' && name !== 'Error' ? name : status ? `HTTP ${status}` : message;
  const subject = `Input '${bucket.inputName}' (${bucket.display})`;
  const leftoverHint = leftover
    ? ' An incomplete multipart upload may remain in the bucket (it is not visible as an object); a lifecycle rule with AbortIncompleteMultipartUpload removes such uploads.'
    : '';
  const make = (errorCode: DbopsError['code'], text: string, hint: string, input = bucket.inputName) =>
    new DbopsError(errorCode, redact(bucket, text), { input, cause: error, hint: redact(bucket, hint + leftoverHint) });

  if (name === 'NoSuchBucket' || (status === 404 && action === 'checking')) {
    return make(
      'STORAGE_NOT_FOUND',
      `${subject}: the S3 bucket '${bucket.bucket}' does not exist`,
      `Create the bucket, or fix the bucket name in '${bucket.inputName}' (s3://bucket/prefix). If it exists, check '${INPUTS.region}' and '${INPUTS.endpoint}'.`,
    );
  }
  if (name === 'NoSuchKey' || status === 404) {
    return make(
      'STORAGE_NOT_FOUND',
      `${subject}: ${what} does not exist`,
      `Check '${bucket.inputName}' points at the bucket and prefix the backups were written to.`,
    );
  }
  if (ACCESS_DENIED.has(name) || status === 403) {
    return make(
      'STORAGE_ACCESS_DENIED',
      `${subject}: access denied while ${action} ${what} (${reason})`,
      CREDENTIALS_HINT,
    );
  }
  if ((name === 'PreconditionFailed' || status === 412) && key !== undefined) return alreadyExists(bucket, key);
  if (
    name === 'PermanentRedirect' ||
    name === 'AuthorizationHeaderMalformed' ||
    name === 'IllegalLocationConstraintException' ||
    status === 301
  ) {
    return make(
      'INVALID_INPUT',
      `Input '${INPUTS.region}': the bucket '${bucket.bucket}' is in another region (${reason})`,
      `Set '${INPUTS.region}' (or AWS_REGION) to the bucket's region.`,
      INPUTS.region,
    );
  }
  if (/Region is missing/i.test(message)) {
    return make(
      'INVALID_INPUT',
      `Input '${INPUTS.region}' is not set and no AWS region is configured`,
      `Set '${INPUTS.region}' or AWS_REGION to the bucket's region, e.g. eu-west-1.`,
      INPUTS.region,
    );
  }
  if (code || name === 'TimeoutError') {
    const endpoint = bucket.endpoint ?? 'AWS S3';
    const input = bucket.endpoint ? INPUTS.endpoint : bucket.inputName;
    return make(
      'STORAGE_FAILED',
      `Input '${input}': could not reach the S3 endpoint ${endpoint} while ${action} ${what} (${code ?? name})`,
      `Check '${INPUTS.endpoint}', the network, and that the server is up. Dropped connections and timeouts are retried (${MAX_ATTEMPTS} attempts).`,
      input,
    );
  }
  return make(
    'STORAGE_FAILED',
    `${subject}: ${action} ${what} failed: ${name ? `${name}: ` : ''}${message}`,
    'S3 returned an unexpected error; transient errors were already retried. See the message for the cause.',
  );
}

/** Backups are never overwritten (invariant 2): a put to a key that exists fails with this. */
export function alreadyExists(bucket: S3Bucket, key: string): DbopsError {
  return new DbopsError(
    'ALREADY_EXISTS',
    `Input '${bucket.inputName}' (${bucket.display}): ${locate(bucket, key)} already exists`,
    {
      input: bucket.inputName,
      hint: 'Backups are never overwritten. Use a new backup id, or remove the object yourself if it is not a backup.',
    },
  );
}

export function nameOf(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : '';
}

export function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function redact(bucket: S3Bucket, text: string): string {
  return bucket.secrets.reduce((out, secret) => out.split(secret).join('***'), text);
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
