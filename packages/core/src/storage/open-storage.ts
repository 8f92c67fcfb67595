import { invalidInput } from '../errors.js';
import { LocalStorage } from './local.js';
import { parseLocation, type Location } from './location.js';
import type { S3Options } from './s3-client.js';
import type { Storage } from './types.js';

/** Opens artifact://NAME: GitHub workflow artifacts, which only the GitHub adapter can reach. */
export type ArtifactStorageOpener = (
  name: string,
  options: { inputName: string; retentionDays?: number },
) => Promise<Storage>;

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
      throw invalidInput(
        options.inputName,
        'names a GitHub artifact, which only the GitHub actions can read and write',
        'inside a workflow use the backup / restore-test actions with artifact://NAME; elsewhere use s3://bucket/prefix or a directory',
      );
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
