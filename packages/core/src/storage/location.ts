import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbopsError, invalidInput } from '../errors.js';
import { LocalStorage } from './local.js';
import type { S3Options } from './s3.js';
import type { Storage } from './types.js';

/** Where backups live, as parsed from a 'to' / 'from' input. A local path is always absolute. */
export type Location = { kind: 'local'; path: string } | { kind: 's3'; bucket: string; prefix: string } | { kind: 'artifact'; name: string };

/** Opens artifact://NAME: GitHub workflow artifacts, which only the GitHub adapter can reach. */
export type ArtifactStorageOpener = (name: string, options: { inputName: string; retentionDays?: number }) => Promise<Storage>;

export interface StorageOptions {
  /** The input or flag the location came from ('to', 'from', 'backup-to'); error messages name it. */
  inputName: string;
  s3?: S3Options;
  /** Supplied by the GitHub adapter; elsewhere artifact:// is refused with an explanation. */
  artifacts?: ArtifactStorageOpener;
  /** How long GitHub keeps artifacts written to artifact:// (1-90 days; the repository's setting by default). */
  artifactRetentionDays?: number;
  /** The location is read from (list, restore, rotate): a local directory must exist, or it is a mistyped path. */
  existing?: boolean;
}

const VALID_FORMS = 's3://bucket/prefix, a directory path (absolute or relative), or file:///absolute/path';

/**
 * Parses a storage location. Error messages never echo the whole text: a URL may carry credentials
 * (https://user:pass@host), so they quote only the part that is wrong.
 */
export function parseLocation(text: string, inputName: string): Location {
  const value = text.trim();
  if (value === '') throw invalidInput(inputName, 'is empty', `Set it to ${VALID_FORMS}.`);

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 's3') return parseS3(value.slice('s3://'.length), inputName);
  if (scheme === 'file') return { kind: 'local', path: parseFileUrl(value, inputName) };
  if (scheme === 'artifact') {
    const name = value.slice('artifact://'.length).replace(/\/+$/, '');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw invalidInput(inputName, `has an invalid artifact name '${name}'`, 'artifact://NAME with letters, digits, ".", "_" and "-", e.g. artifact://db-backup');
    }
    return { kind: 'artifact', name };
  }
  if (scheme !== undefined) {
    const gcs = scheme === 'gs' ? ' For Google Cloud Storage, use s3://bucket with s3-endpoint https://storage.googleapis.com and HMAC keys.' : '';
    throw invalidInput(inputName, `uses the unsupported scheme '${scheme}://'`, `Use ${VALID_FORMS}.${gcs}`);
  }
  // "s3:/bucket" or "s3:bucket" would otherwise be a directory named "s3:" in the working directory: a backup that
  // seems to go to S3 but never leaves the runner. (One letter before ':' is a Windows drive: C:\backups.)
  const malformed = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1];
  if (malformed) {
    const example = ({ s3: 's3://bucket/prefix', file: 'file:///absolute/path', artifact: 'artifact://NAME' } as Record<string, string>)[malformed.toLowerCase()];
    throw invalidInput(inputName, `starts with '${malformed}:' but not '${malformed}://'`, example
      ? `Write it with two slashes, e.g. ${example}.`
      : `Use ${VALID_FORMS}. A directory whose name contains ':' can be written ./${malformed}:...`);
  }
  // Shells expand '~' but workflow inputs do not: a literal '~' directory in the workspace is never what was meant.
  if (value.startsWith('~')) {
    throw invalidInput(inputName, "starts with '~', which is not expanded here", 'Write the full path, e.g. /home/runner/backups.');
  }
  return { kind: 'local', path: path.resolve(value) };
}

/** Opens the storage a location names. S3 options are checked here, before any long job starts. */
export async function openStorage(location: Location | string, options: StorageOptions): Promise<Storage> {
  const parsed = typeof location === 'string' ? parseLocation(location, options.inputName) : location;
  if (parsed.kind === 'local') {
    const storage = new LocalStorage(parsed.path, options.inputName);
    if (options.existing) await storage.checkDirectory();
    return storage;
  }
  if (parsed.kind === 'artifact') {
    if (!options.artifacts) {
      throw invalidInput(options.inputName, 'names a GitHub artifact, which only the GitHub actions can read and write', 'inside a workflow use the backup / restore-test actions with artifact://NAME; elsewhere use s3://bucket/prefix or a directory');
    }
    return options.artifacts(parsed.name, {
      inputName: options.inputName,
      ...(options.artifactRetentionDays ? { retentionDays: options.artifactRetentionDays } : {}),
    });
  }
  // Loaded when needed: the AWS SDK is a fifth of the start-up time of a run that never uses it.
  const { S3Storage } = await import('./s3.js');
  return new S3Storage(parsed, { inputName: options.inputName, ...options.s3 });
}

function parseS3(rest: string, inputName: string): Location {
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  const form = 'Use s3://bucket/prefix, e.g. s3://acme-backups/prod.';

  if (bucket.includes('@')) {
    throw invalidInput(inputName, 'must not contain credentials', 'Pass S3 credentials through AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or aws-actions/configure-aws-credentials, never in the URL.');
  }
  if (bucket === '') throw invalidInput(inputName, 'has no bucket name after s3://', form);
  const problem = bucketNameProblem(bucket);
  if (problem) throw invalidInput(inputName, `has an invalid S3 bucket name '${bucket}': ${problem}`, form);
  if (prefix !== '' && prefix.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw invalidInput(inputName, `has an invalid prefix '${prefix}': empty, '.' and '..' path segments are not allowed`, form);
  }
  return { kind: 's3', bucket, prefix };
}

/** The S3 bucket naming rules (general purpose buckets), as a reason or undefined when the name is valid. */
function bucketNameProblem(bucket: string): string | undefined {
  const rules = 'bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (bucket.length < 3 || bucket.length > 63) return rules;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) return rules;
  if (bucket.includes('..')) return 'bucket names cannot contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return 'bucket names cannot look like an IP address';
  return undefined;
}

function parseFileUrl(value: string, inputName: string): string {
  try {
    return fileURLToPath(value);
  } catch {
    throw invalidInput(inputName, 'is not a valid local file URL', 'Use file:///absolute/path (three slashes), or just the path.');
  }
}

/**
 * The one rule for keys, shared by every backend so a key that works on one works on all: '/'-separated relative
 * paths without empty, '.' or '..' segments (which would escape a local directory). A prefix may also be '' or
 * end with '/'. Keys come from dbops itself, so a bad one is a bug.
 */
export function checkKey(key: string, options: { prefix?: boolean } = {}): void {
  if (options.prefix && key === '') return;
  const segments = (options.prefix && key.endsWith('/') ? key.slice(0, -1) : key).split('/');
  if (key.includes('\\') || key.includes('\0') || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new DbopsError('INTERNAL', `Storage key '${key}' is not valid: keys are '/'-separated relative paths without empty, '.' or '..' segments`, {
      hint: 'This is a bug in dbops; please report it.',
    });
  }
}
