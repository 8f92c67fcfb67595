import { type ChainCheck, verifyReceiptChains } from '../data-retention/receipt-chain.js';
import { type ArchiveProblem, ArchiveChecker, archiveFailure } from '../data-retention/verify-archives.js';
import { DbopsError } from '../errors.js';
import { type ArtifactStorageOpener, openStorage, type S3Options } from '../storage/index.js';

export interface RetentionVerifyOptions {
  /** Where retention-purge stored its receipts (its receipts-to). */
  receipts: string;
  s3?: S3Options;
  artifacts?: ArtifactStorageOpener;
}

export interface RetentionVerifyResult {
  location: string;
  chains: ChainCheck[];
  /** How many archive objects the intact receipts name (batches and dropped partitions), each read back. */
  archivesChecked: number;
  /** Archive objects missing or not matching their receipt's size and SHA-256, with the receipt entry naming each. */
  archiveProblems: ArchiveProblem[];
  /** Set when a chain is broken, an archive fails its check, or there are no receipts: names the first culprit. */
  failure?: DbopsError;
}

/**
 * retention-verify: every receipt chain in a location, each receipt's own hash and each link to the one before, and
 * every archive object the receipts name, read back against its recorded size and SHA-256.
 */
export async function retentionVerify(options: RetentionVerifyOptions): Promise<RetentionVerifyResult> {
  const storage = await openStorage(options.receipts, {
    inputName: 'receipts',
    existing: true,
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.artifacts ? { artifacts: options.artifacts } : {}),
  });
  const archives = new ArchiveChecker({
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.artifacts ? { artifacts: options.artifacts } : {}),
  });
  const chains = await verifyReceiptChains(storage, (receipt, key) => archives.checkReceipt(receipt, key));
  const result: RetentionVerifyResult = {
    location: storage.display,
    chains,
    archivesChecked: archives.checked,
    archiveProblems: archives.problems,
  };
  const broken = chains.find((c) => c.broken);
  if (broken?.broken)
    result.failure = new DbopsError(
      'INTEGRITY_FAILED',
      `Receipt ${broken.broken.sequence} of '${broken.policy}' (${broken.broken.location}) ${broken.broken.problem}`,
      {
        hint: 'The chain proves nothing from this receipt on. Compare it with the copy in the dbops_retention_receipts table of the purged database, and find out who changed the storage.',
      },
    );
  else if (archives.problems.length > 0) result.failure = archiveFailure(archives.problems);
  else if (chains.length === 0)
    result.failure = new DbopsError('INTEGRITY_FAILED', `${storage.display} holds no retention receipts`, {
      hint: 'Pass the receipts-to location of a retention-purge run with dry-run false.',
    });
  return result;
}
