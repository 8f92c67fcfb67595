/**
 * One purge run's archives, for PostgreSQL's purge and MongoDB's alike: each archive-to location opened once, the
 * run's id that names its objects apart from any other run's (a rerun's duplicate of a batch never overwrites), and
 * the encryption checked before a rule's first batch.
 */
import { DbopsError } from '../errors.js';
import type { Storage } from '../storage/types.js';
import { type ArchiveEncryption, archiveRunId, checkArchiveEncryption } from './archive.js';

export interface ArchiveSetup {
  /** Opens (and preflights) an archive-to location; called once per location per run. */
  open: (location: string) => Promise<Storage>;
  encryption?: ArchiveEncryption;
}

export class RunArchives {
  readonly runId = archiveRunId(new Date());
  private readonly storages = new Map<string, Promise<Storage>>();

  constructor(private readonly setup: ArchiveSetup | undefined) {}

  /** The rule's storage and encryption; throws, before the rule's first batch, when either is missing. */
  async forRule(rule: string, location: string): Promise<{ storage: Storage; encryption: ArchiveEncryption }> {
    const encryption = checkArchiveEncryption(this.setup?.encryption, rule);
    return { storage: await this.open(location, rule), encryption };
  }

  private open(location: string, rule: string): Promise<Storage> {
    let storage = this.storages.get(location);
    if (!storage) {
      const open = this.setup?.open;
      if (!open)
        throw new DbopsError(
          'INVALID_INPUT',
          `Rule '${rule}' archives to ${location}, but no archive storage was set up`,
          { hint: 'Pass PurgeOptions.archive (the retention-purge operation does).' },
        );
      storage = open(location);
      this.storages.set(location, storage);
    }
    return storage;
  }
}
