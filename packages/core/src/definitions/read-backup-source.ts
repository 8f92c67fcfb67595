import type { CatalogFilter } from '../manifest/catalog.js';
import type { BackupSource } from '../operations/backup-source.js';
import { readBackupFilter } from './backup-source-inputs.js';
import type { InputReader } from './read-inputs.js';
import { readS3Options } from './storage-inputs.js';
import type { RunContext } from './types.js';

/** from with its storage settings, and the name / database filters (as far as the action defines them). */
export function readBackupSource(
  reader: InputReader,
  context: RunContext,
): { source: BackupSource; filter: CatalogFilter } {
  const { from, name, database } = readBackupFilter(reader);
  return {
    source: { from, s3: readS3Options(reader), ...(context.artifacts ? { artifacts: context.artifacts } : {}) },
    filter: { ...(name ? { name } : {}), ...(database ? { database } : {}) },
  };
}
