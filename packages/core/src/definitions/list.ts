import { damagedManifestsError } from '../manifest/catalog.js';
import { storedFiles } from '../manifest/manifest.js';
import { list } from '../operations/list.js';
import { catalogSummary } from '../report/catalog-summary.js';
import { damagedSummary } from '../report/damaged-manifests.js';
import { backupSourceInputs, DATABASE_FILTER_INPUT, NAME_FILTER_INPUT } from './backup-source-inputs.js';
import { readBackupSource } from './read-backup-source.js';
import { InputReader } from './read-inputs.js';
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
    const { location, entries, damaged } = await list({ ...readBackupSource(reader, context), log: context.log });
    return {
      outputs: { count: String(entries.length), 'newest-backup-id': entries[0]?.manifest.backupId ?? '' },
      results: [catalogSummary(location, entries, new Date()), ...damagedSummary(damaged)],
      json: entries.map(({ manifest: m, verifiedAt }) => ({
        backupId: m.backupId,
        name: m.name,
        database: m.database,
        finishedAt: m.finishedAt,
        // Every stored file: a parallel dump's parts as well as its toc.dat.
        storedBytes: storedFiles(m).reduce((sum, file) => sum + file.storedBytes, 0),
        sha256: m.object.sha256,
        key: m.object.key,
        encryption: m.object.encryption.method,
        verifiedAt: verifiedAt?.toISOString() ?? null,
      })),
      // The readable backups are listed; the damaged manifests are named, and make the run fail (it is incomplete).
      ...(damaged.length > 0 ? { failure: damagedManifestsError(damaged) } : {}),
    };
  },
};
