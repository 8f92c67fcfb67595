import { findBackup } from '../manifest/catalog.js';
import type { BackupManifest } from '../manifest/manifest.js';
import type { Secrets } from '../secrets.js';
import { openStorage, type ArtifactStorageOpener, type S3Options } from '../storage/index.js';
import type { Storage } from '../storage/types.js';
import type { DatabaseTarget } from '../databases/engine.js';
import type { Decryption } from './fetch-archive.js';

/** What restore and restore-test share: where the backups are, which one, how to decrypt it, where it goes. */
export interface BackupSelection {
  from: string;
  s3?: S3Options;
  artifacts?: ArtifactStorageOpener;
  backupId?: string;
  name?: string;
  database?: string;
  target: DatabaseTarget;
  decryption: Decryption;
}

/** Registers the secrets of a restore, opens the storage and finds the backup (newest, or by id). */
export async function selectBackup(
  options: BackupSelection,
  secrets: Secrets,
): Promise<{ storage: Storage; manifest: BackupManifest }> {
  secrets.add(options.target.password);
  secrets.add(options.decryption.passphrase);
  for (const identity of options.decryption.identities) secrets.add(identity);
  secrets.add(options.s3?.secretAccessKey);
  secrets.add(options.s3?.sessionToken);
  const storage = await openStorage(options.from, {
    inputName: 'from',
    existing: true,
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.artifacts ? { artifacts: options.artifacts } : {}),
  });
  const { manifest } = await findBackup(storage, {
    ...(options.backupId ? { backupId: options.backupId } : {}),
    ...(options.name ? { name: options.name } : {}),
    ...(options.database ? { database: options.database } : {}),
  });
  return { storage, manifest };
}
