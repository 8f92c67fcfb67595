import { type PolicyCommit, policyCommit } from '../data-retention/policy-commit.js';
import { parsePolicy } from '../data-retention/read-policy.js';
import { type ChainedReceipt, chainReceipt, policySha256 } from '../data-retention/receipt.js';
import { appendReceipt, chainName, readChainHead } from '../data-retention/receipt-chain.js';
import { RECEIPT_TABLE, recordReceiptRow } from '../data-retention/receipt-table.js';
import { eraseSubject, type SubjectEraseResult } from '../data-retention/subject-erase.js';
import { receiptTableHead, subjectReceipt } from '../data-retention/subject-receipt.js';
import type { DatabaseTarget } from '../databases/engine.js';
import { sqlEngineFor } from '../databases/index.js';
import { readInputFile } from '../files/read-input-file.js';
import type { Logger } from '../log.js';
import type { Secrets } from '../secrets.js';
import { type ArtifactStorageOpener, openStorage, type S3Options } from '../storage/index.js';

export interface SubjectEraseOptions {
  /** The retention policy: the soft-delete rule of the subject's table says erase or anonymize; holds are checked. */
  policyPath: string;
  target: DatabaseTarget;
  table: string;
  id: string;
  /** Count only (the default of the command): nothing changes, no receipt (invariant 6). */
  dryRun: boolean;
  /** The receipt chain's storage (retention-purge's receipts-to); the receipts table always gets a copy. */
  receiptsTo?: string;
  lockTimeoutMs?: number;
  s3?: S3Options;
  artifacts?: ArtifactStorageOpener;
  secrets: Secrets;
  log: Logger;
  signal?: AbortSignal;
}

export interface SubjectEraseOutcome extends SubjectEraseResult {
  policySha256: string;
  /** The policy file's commit; absent outside a git checkout. */
  policyCommit?: PolicyCommit;
  receipt?: { location?: string; table?: string; sequence: number; sha256: string };
}

/**
 * `dbops subject erase`: applies the policy's `then` to one subject (docs/retention.md, "Data subjects"). The
 * receipt chain's head is read before anything changes: an erasure whose receipt cannot be chained never starts.
 */
export async function subjectErase(options: SubjectEraseOptions): Promise<SubjectEraseOutcome> {
  const { target, log, dryRun } = options;
  options.secrets.add(target.password);
  const text = await readInputFile(options.policyPath, 'policy', 'the path of a YAML retention policy');
  const policy = await parsePolicy(text, options.policyPath);
  const hash = policySha256(text);
  const commit = await policyCommit(options.policyPath);
  const policyFacts = { policySha256: hash, ...(commit ? { policyCommit: commit } : {}) };
  const chain = chainName(options.policyPath);
  const receipts =
    dryRun || options.receiptsTo === undefined
      ? undefined
      : await openStorage(options.receiptsTo, {
          inputName: 'receipts-to',
          ...(options.s3 ? { s3: options.s3 } : {}),
          ...(options.artifacts ? { artifacts: options.artifacts } : {}),
        });
  await receipts?.preflight();
  const storageHead = receipts ? await readChainHead(receipts, chain) : undefined;
  const engine = sqlEngineFor(target, 'subject erase');
  const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
  return engine.withSqlSession(target, context, async (client): Promise<SubjectEraseOutcome> => {
    const head = receipts ? storageHead : dryRun ? undefined : await receiptTableHead(client, chain);
    const result = await eraseSubject(client, policy, {
      table: options.table,
      id: options.id,
      dryRun,
      ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
    });
    if (dryRun) return { ...result, ...policyFacts };
    const chained: ChainedReceipt = chainReceipt(subjectReceipt(result, hash, commit), chain, head);
    const location = receipts ? await appendReceipt(receipts, chained) : undefined;
    let table: string | undefined;
    try {
      await recordReceiptRow(client, chained);
      table = RECEIPT_TABLE;
    } catch (error) {
      if (!location) throw error; // the table is the only copy: the erasure must not go unrecorded silently
      log.warn(
        `The receipt was not recorded in ${RECEIPT_TABLE} (${(error as Error).message}); it is stored in receipts-to`,
      );
    }
    log.info(`Receipt ${chained.sequence} of '${chain}' recorded${location ? ` at ${location}` : ''}`);
    const receipt = {
      sequence: chained.sequence,
      sha256: chained.sha256,
      ...(location ? { location } : {}),
      ...(table ? { table } : {}),
    };
    return { ...result, ...policyFacts, receipt };
  });
}
