import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidInput } from '../errors.js';

/** Where backups live, as parsed from a 'to' / 'from' input. A local path is always absolute. */
export type Location =
  | { kind: 'local'; path: string }
  | { kind: 's3'; bucket: string; prefix: string }
  | { kind: 'artifact'; name: string };

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
      throw invalidInput(
        inputName,
        `has an invalid artifact name '${name}'`,
        'artifact://NAME with letters, digits, ".", "_" and "-", e.g. artifact://db-backup',
      );
    }
    return { kind: 'artifact', name };
  }
  if (scheme !== undefined) {
    const gcs =
      scheme === 'gs'
        ? ' For Google Cloud Storage, use s3://bucket with s3-endpoint https://storage.googleapis.com and HMAC keys.'
        : '';
    throw invalidInput(inputName, `uses the unsupported scheme '${scheme}://'`, `Use ${VALID_FORMS}.${gcs}`);
  }
  // "s3:/bucket" or "s3:bucket" would otherwise be a directory named "s3:" in the working directory: a backup that
  // seems to go to S3 but never leaves the runner. (One letter before ':' is a Windows drive: C:\backups.)
  const malformed = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1];
  if (malformed) {
    const example = (
      { s3: 's3://bucket/prefix', file: 'file:///absolute/path', artifact: 'artifact://NAME' } as Record<string, string>
    )[malformed.toLowerCase()];
    throw invalidInput(
      inputName,
      `starts with '${malformed}:' but not '${malformed}://'`,
      example
        ? `Write it with two slashes, e.g. ${example}.`
        : `Use ${VALID_FORMS}. A directory whose name contains ':' can be written ./${malformed}:...`,
    );
  }
  // Shells expand '~' but workflow inputs do not: a literal '~' directory in the workspace is never what was meant.
  if (value.startsWith('~')) {
    throw invalidInput(
      inputName,
      "starts with '~', which is not expanded here",
      'Write the full path, e.g. /home/runner/backups.',
    );
  }
  return { kind: 'local', path: path.resolve(value) };
}

function parseS3(rest: string, inputName: string): Location {
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  const form = 'Use s3://bucket/prefix, e.g. s3://acme-backups/prod.';

  if (bucket.includes('@')) {
    throw invalidInput(
      inputName,
      'must not contain credentials',
      'Pass S3 credentials through AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or aws-actions/configure-aws-credentials, never in the URL.',
    );
  }
  if (bucket === '') throw invalidInput(inputName, 'has no bucket name after s3://', form);
  const problem = bucketNameProblem(bucket);
  if (problem) throw invalidInput(inputName, `has an invalid S3 bucket name '${bucket}': ${problem}`, form);
  if (prefix !== '' && prefix.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw invalidInput(
      inputName,
      `has an invalid prefix '${prefix}': empty, '.' and '..' path segments are not allowed`,
      form,
    );
  }
  return { kind: 's3', bucket, prefix };
}

/** The S3 bucket naming rules (general purpose buckets), as a reason or undefined when the name is valid. */
function bucketNameProblem(bucket: string): string | undefined {
  const rules =
    'bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
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
    throw invalidInput(
      inputName,
      'is not a valid local file URL',
      'Use file:///absolute/path (three slashes), or just the path.',
    );
  }
}
