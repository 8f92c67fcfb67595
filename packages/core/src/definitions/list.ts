import { damagedManifestsError, readCatalog } from '../manifest/catalog.js';
import { renderDamaged } from '../report/damaged-manifests.js';
import { openStorage } from '../storage/index.js';
import { renderCatalog } from '../report/catalog-summary.js';
import { backupSourceInputs, DATABASE_FILTER_INPUT, NAME_FILTER_INPUT, readBackupFilter } from './backup-source-inputs.js';
import { InputReader } from './read-inputs.js';
import { readS3Options } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = backupSourceInputs(NAME_FILTER_INPUT, DATABASE_FILTER_INPUT);

export const listDefinition: ActionDefinition = {
  name: 'list',
  description: 'List the complete backups (those with a manifest) in a location, newest first.',
  cliOnly: true,
  inputs,
  outputs: [
    { name: 'count', description: 'Number of complete backups.' },
    { name: 'newest-backup-id', description: 'Id of the newest complete backup.' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const { from, name, database } = readBackupFilter(reader);
    const storage = await openStorage(from, { inputName: 'from', existing: true, s3: readS3Options(reader), ...(context.artifacts ? { artifacts: context.artifacts } : {}) });
    const { entries, damaged } = await readCatalog(storage, { ...(name ? { name } : {}), ...(database ? { database } : {}) });
    const manifests = entries.map((e) => e.manifest);
    // The readable backups are listed; the damaged manifests are named, and make the run fail (the list is incomplete).
    for (const d of damaged) context.log.warn(`${d.error.message}: backup ${d.backupId} of ${d.name} is not listed`);
    return {
      outputs: { count: String(manifests.length), 'newest-backup-id': manifests[0]?.backupId ?? '' },
      summary: renderCatalog(storage.display, entries, new Date()) + renderDamaged(damaged),
      json: entries.map(({ manifest: m, verifiedAt }) => ({ backupId: m.backupId, name: m.name, database: m.database, finishedAt: m.finishedAt, storedBytes: m.object.storedBytes, sha256: m.object.sha256, key: m.object.key, encryption: m.object.encryption.method, verifiedAt: verifiedAt?.toISOString() ?? null })),
      ...(damaged.length > 0 ? { failure: damagedManifestsError(damaged) } : {}),
    };
  },
};
