import { openStorage, type ArtifactStorageOpener, type S3Options } from '../storage/index.js';
import type { Storage } from '../storage/types.js';

/** Where stored backups are read from: list, check-freshness and rotation take them from `from`. */
export interface BackupSource {
  from: string;
  s3?: S3Options;
  artifacts?: ArtifactStorageOpener;
}

/** Opens the location, which must exist: a typo in `from` is an error, never an empty list. */
export function openBackupSource(source: BackupSource): Promise<Storage> {
  return openStorage(source.from, {
    inputName: 'from',
    existing: true,
    ...(source.s3 ? { s3: source.s3 } : {}),
    ...(source.artifacts ? { artifacts: source.artifacts } : {}),
  });
}
