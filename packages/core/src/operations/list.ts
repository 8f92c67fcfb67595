import { readCatalog, type CatalogEntry, type CatalogFilter, type DamagedManifest } from '../manifest/catalog.js';
import type { Logger } from '../log.js';
import { openBackupSource, type BackupSource } from './backup-source.js';

export interface ListOptions {
  source: BackupSource;
  filter: CatalogFilter;
  log: Logger;
}

export interface ListResult {
  /** The location, without secrets. */
  location: string;
  /** The complete backups, newest first. */
  entries: CatalogEntry[];
  /** Manifests that could not be read: the list is incomplete, and the run fails. */
  damaged: DamagedManifest[];
}

/** The complete backups (those with a manifest) in a location; damaged manifests are named, never skipped silently. */
export async function list(options: ListOptions): Promise<ListResult> {
  const storage = await openBackupSource(options.source);
  const { entries, damaged } = await readCatalog(storage, options.filter);
  for (const d of damaged) options.log.warn(`${d.error.message}: backup ${d.backupId} of ${d.name} is not listed`);
  return { location: storage.display, entries, damaged };
}
