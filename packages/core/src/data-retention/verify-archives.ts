/**
 * The archives a receipt names, checked where they are (issue 16 part 5): each object must still exist with the size
 * and SHA-256 the receipt recorded (read back whole, not trusted from the storage's listing), and its manifest must
 * exist, since loading the rows back needs it. Covers batch archives and those of partitions dropped whole.
 */
import { createHash } from 'node:crypto';
import { DbopsError } from '../errors.js';
import { type ArtifactStorageOpener, openStorage, type S3Options } from '../storage/index.js';
import type { Storage } from '../storage/types.js';
import type { ChainedReceipt, ReceiptArchive } from './receipt.js';

/** One archive object that failed its check, and the receipt entry that names it. */
export interface ArchiveProblem {
  /** The receipt's key in the receipts storage (`retention/00000003.json`). */
  receipt: string;
  rule: string;
  /** Set for an archive of a partition dropped whole. */
  partition?: string;
  location: string;
  problem: string;
}

export interface ArchiveCheckOptions {
  s3?: S3Options;
  artifacts?: ArtifactStorageOpener;
}

/** Checks archive objects receipt by receipt; opens each archive folder once. */
export class ArchiveChecker {
  readonly problems: ArchiveProblem[] = [];
  checked = 0;
  private readonly storages = new Map<string, Promise<Storage>>();

  constructor(private readonly options: ArchiveCheckOptions) {}

  async checkReceipt(receipt: ChainedReceipt, key: string): Promise<void> {
    for (const rule of receipt.rules ?? []) {
      for (const archive of rule.archives ?? []) await this.check(archive, { receipt: key, rule: rule.rule });
      for (const partition of rule.partitionsDropped ?? [])
        for (const archive of partition.archives ?? [])
          await this.check(archive, { receipt: key, rule: rule.rule, partition: partition.name });
    }
  }

  private async check(archive: ReceiptArchive, entry: Omit<ArchiveProblem, 'location' | 'problem'>): Promise<void> {
    this.checked++;
    const problem = await this.problemOf(archive).catch((error: unknown) => {
      if (error instanceof DbopsError) return `could not be read: ${error.message}`;
      throw error;
    });
    if (problem) this.problems.push({ ...entry, location: archive.location, problem });
  }

  private async problemOf(archive: ReceiptArchive): Promise<string | undefined> {
    const object = await this.locate(archive.location);
    if (typeof object === 'string') return object;
    const { storage, key } = object;
    if (!(await storage.stat(key))) return 'is missing';
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await storage.get(key)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const sha256 = hash.digest('hex');
    if (size !== archive.bytes) return `has ${size} bytes, but the receipt records ${archive.bytes}`;
    if (sha256 !== archive.sha256)
      return `has SHA-256 ${sha256}, but the receipt records ${archive.sha256}: a checksum mismatch`;
    const manifest = await this.locate(archive.manifest);
    if (typeof manifest === 'string' || !(await manifest.storage.stat(manifest.key)))
      return `is intact, but its manifest ${archive.manifest} is missing`;
    return undefined;
  }

  /** A location (`s3://bucket/prefix/key`, `/dir/key`) as its folder's storage and the key in it. */
  private async locate(location: string): Promise<{ storage: Storage; key: string } | string> {
    const slash = location.lastIndexOf('/');
    if (slash <= 0 || slash === location.length - 1) return 'is not a location an archive can be read from';
    const folder = location.slice(0, slash);
    let storage = this.storages.get(folder);
    if (!storage) {
      storage = openStorage(folder, {
        inputName: 'receipts',
        ...(this.options.s3 ? { s3: this.options.s3 } : {}),
        ...(this.options.artifacts ? { artifacts: this.options.artifacts } : {}),
      });
      this.storages.set(folder, storage);
    }
    try {
      return { storage: await storage, key: location.slice(slash + 1) };
    } catch (error) {
      if (error instanceof DbopsError) return `cannot be reached: ${error.message}`;
      throw error;
    }
  }
}

/** The run's failure for archive problems: the first one named, the count of the rest. */
export function archiveFailure(problems: ArchiveProblem[]): DbopsError {
  const first = problems[0]!;
  const where = first.partition ? `rule '${first.rule}', partition ${first.partition}` : `rule '${first.rule}'`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more archive problems)` : '';
  return new DbopsError(
    'INTEGRITY_FAILED',
    `Archive ${first.location} named by receipt ${first.receipt} (${where}) ${first.problem}${more}`,
    {
      hint: 'The rows it held were deleted on the strength of that archive. Restore the object from the storage’s versioning or replication, or find out who changed it.',
    },
  );
}
