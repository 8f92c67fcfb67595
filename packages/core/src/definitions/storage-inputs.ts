import { invalidInput } from '../errors.js';
import type { S3Options } from '../storage/index.js';
import { httpUrl } from './http-url.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition } from './types.js';

const SSE = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;
const CHECKSUM = ['WHEN_SUPPORTED', 'WHEN_REQUIRED'] as const;

/** S3 settings shared by every action that reads or writes backups. Unset ones fall back to the AWS variables. */
export const S3_INPUTS: InputDefinition[] = [
  {
    name: 's3-region',
    description: 'AWS region of the bucket.',
    type: 'string',
    env: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
  },
  {
    name: 's3-endpoint',
    description: 'Endpoint of an S3-compatible store (MinIO, R2, B2, ...).',
    type: 'url',
    schemes: ['https', 'http'],
    env: ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'],
  },
  {
    name: 's3-force-path-style',
    description:
      'Address buckets as endpoint/bucket instead of bucket.endpoint (most S3-compatible stores need it; automatic for localhost and IP endpoints).',
    type: 'boolean',
  },
  {
    name: 's3-access-key-id',
    description:
      'Access key id; by default the standard AWS credential chain (env, aws-actions/configure-aws-credentials, profiles, instance roles).',
    type: 'string',
    secret: true,
    env: ['AWS_ACCESS_KEY_ID'],
  },
  {
    name: 's3-secret-access-key',
    description:
      'Secret access key that goes with s3-access-key-id: both inputs or both from the environment, never one of each.',
    type: 'string',
    secret: true,
    env: ['AWS_SECRET_ACCESS_KEY'],
  },
  {
    name: 's3-session-token',
    description:
      'Session token for temporary credentials. With s3-access-key-id and s3-secret-access-key given as inputs, only this input is used (never AWS_SESSION_TOKEN).',
    type: 'string',
    secret: true,
    env: ['AWS_SESSION_TOKEN'],
  },
  {
    name: 's3-sse',
    description: 'Server-side encryption: AES256, aws:kms or aws:kms:dsse.',
    type: 'enum',
    values: SSE,
  },
  { name: 's3-kms-key-id', description: 'KMS key for s3-sse aws:kms.', type: 'string' },
  {
    name: 's3-storage-class',
    description: 'Storage class of uploaded objects, e.g. STANDARD_IA, GLACIER_IR.',
    type: 'string',
  },
  {
    name: 's3-checksum',
    description: 'WHEN_SUPPORTED or WHEN_REQUIRED (for S3-compatible stores that mishandle streamed checksums).',
    type: 'enum',
    values: CHECKSUM,
    env: ['AWS_REQUEST_CHECKSUM_CALCULATION'],
  },
];

export function readS3Options(reader: InputReader): S3Options {
  const options: S3Options = {};
  const region = reader.optional('s3-region');
  const endpoint = reader.optional('s3-endpoint');
  if (region) options.region = region;
  if (endpoint)
    options.endpoint = httpUrl(
      endpoint,
      's3-endpoint',
      "the store's endpoint, e.g. https://<account>.r2.cloudflarestorage.com or http://localhost:9000",
    );
  if (reader.optional('s3-force-path-style') !== undefined)
    options.forcePathStyle = reader.boolean('s3-force-path-style');
  Object.assign(options, readS3Credentials(reader));
  if (reader.optional('s3-sse')) options.serverSideEncryption = reader.oneOf<(typeof SSE)[number]>('s3-sse');
  const kmsKeyId = reader.optional('s3-kms-key-id');
  if (kmsKeyId) options.kmsKeyId = kmsKeyId;
  const storageClass = reader.optional('s3-storage-class');
  if (storageClass) options.storageClass = storageClass;
  if (reader.optional('s3-checksum'))
    options.requestChecksumCalculation = reader.oneOf<(typeof CHECKSUM)[number]>('s3-checksum');
  return options;
}

/**
 * The key pair (and session token) from one place: the inputs, or else the environment's AWS_* variables. Mixed, an
 * input key pair got the environment's AWS_SESSION_TOKEN (its signature then fails), or half a pair came from each.
 * Neither: the SDK's credential chain.
 */
function readS3Credentials(reader: InputReader): Pick<S3Options, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'> {
  const inputId = reader.given('s3-access-key-id');
  const inputSecret = reader.given('s3-secret-access-key');
  const fromInputs = inputId !== undefined || inputSecret !== undefined;
  const accessKeyId = fromInputs ? inputId : reader.optional('s3-access-key-id');
  const secretAccessKey = fromInputs ? inputSecret : reader.optional('s3-secret-access-key');
  const where = fromInputs ? 'as an input' : 'in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)';
  const validForm = fromInputs
    ? 'set both s3-access-key-id and s3-secret-access-key as inputs (an input key pair takes nothing from AWS_* variables), or neither to use the AWS credential chain'
    : 'set both, or neither to use the AWS credential chain';
  if (accessKeyId && !secretAccessKey)
    throw invalidInput('s3-secret-access-key', `is missing while s3-access-key-id is set ${where}`, validForm);
  if (secretAccessKey && !accessKeyId)
    throw invalidInput('s3-access-key-id', `is missing while s3-secret-access-key is set ${where}`, validForm);
  if (!accessKeyId || !secretAccessKey) return {};
  const sessionToken = fromInputs ? reader.given('s3-session-token') : reader.optional('s3-session-token');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
