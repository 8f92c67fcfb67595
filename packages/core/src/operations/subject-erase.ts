import { ErasureStopped } from '../data-retention/erasure-stopped.js';
import { lockReceiptChain } from '../data-retention/chain-lock.js';
import { type PolicyCommit, policyCommit } from '../data-retention/policy-commit.js';
import { parsePolicy } from '../data-retention/read-policy.js';
import { type ChainedReceipt, type ChainHead, chainReceipt, policySha256 } from '../data-retention/receipt.js';
import { appendAfterHead, chainName, readChainHead, recordAfterHead } from '../data-retention/receipt-chain.js';
import { RECEIPT_TABLE, recordReceiptRow } from '../data-retention/receipt-table.js';
import { eraseSubject, type SubjectEraseResult } from '../data-retention/subject-erase.js';
import { receiptTableHead, subjectReceipt } from '../data-retention/subject-receipt.js';
import type { DatabaseTarget } from '../databases/engine.js';
import { documentRetentionFor, sqlEngineFor } from '../databases/index.js';
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
  // Read before anything changes: a chain that cannot be continued stops the erasure here.
  if (receipts) await readChainHead(receipts, chain);
  const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
  const eraseOptions = {
    table: options.table,
    id: options.id,
    dryRun,
    ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
  };
  /** The erasure and its receipt, the same steps on either engine; `store` is where the engine keeps its copy. */
  const eraseAndRecord = async (store: ReceiptStore): Promise<SubjectEraseOutcome> => {
    // Read again now that this run holds the chain (chain-lock.ts). Nothing holds it on MongoDB: there the receipt
    // is linked after whichever run recorded first (record below).
    const head = receipts ? await readChainHead(receipts, chain) : dryRun ? undefined : await store.head();
    let result: SubjectEraseResult;
    try {
      result = await store.erase();
    } catch (error) {
      // Stopped midway (MongoDB): what it erased gets its receipt too, then the run fails as it would.
      if (error instanceof ErasureStopped && !dryRun && error.done.tables.length > 0)
        await record(store, head, error.done, error.code).catch((recording: unknown) =>
          log.warn(`The receipt of what the stopped erasure deleted was not recorded: ${(recording as Error).message}`),
        );
      throw error;
    }
    if (dryRun) return { ...result, ...policyFacts };
    return { ...result, ...policyFacts, receipt: await record(store, head, result) };
  };
  /** Chains the erasure's receipt and stores it (receipts-to, and the database's copy). */
  const record = async (
    store: ReceiptStore,
    head: ChainHead | undefined,
    result: SubjectEraseResult,
    stoppedBy?: string,
  ): Promise<NonNullable<SubjectEraseOutcome['receipt']>> => {
    const unchained = subjectReceipt(result, hash, commit, stoppedBy);
    let chained: ChainedReceipt = chainReceipt(unchained, chain, head);
    let location: string | undefined;
    if (receipts)
      ({ receipt: chained, location } = await appendAfterHead(receipts, chain, head, (at) =>
        chainReceipt(unchained, chain, at),
      ));
    let table: string | undefined;
    try {
      if (location) table = await store.record(chained);
      // The database's copy is the chain: a run that recorded after the same head first is linked after.
      else
        ({ receipt: chained, recorded: table } = await recordAfterHead(
          head,
          (at) => chainReceipt(unchained, chain, at),
          (receipt) => store.record(receipt, true),
          () => store.head(),
        ));
    } catch (error) {
      if (!location) throw error; // the database copy is the only one: the erasure must not go unrecorded silently
      log.warn(
        `The receipt was not recorded in ${store.name} (${(error as Error).message}); it is stored in receipts-to`,
      );
    }
    log.info(`Receipt ${chained.sequence} of '${chain}' recorded${location ? ` at ${location}` : ''}`);
    return {
      sequence: chained.sequence,
      sha256: chained.sha256,
      ...(location ? { location } : {}),
      ...(table ? { table } : {}),
    };
  };
  const document = documentRetentionFor(target);
  if (document)
    return document(target, context, (session) =>
      eraseAndRecord({
        name: "the database's receipts collection",
        head: () => session.receiptHead(chain),
        erase: () => session.eraseSubject(policy, eraseOptions),
        record: (receipt, home) => session.recordReceipt(receipt, home),
      }),
    );
  return sqlEngineFor(target, 'subject erase').withSqlSession(target, context, async (client) => {
    if (!dryRun) await lockReceiptChain(client, chain);
    return eraseAndRecord({
      name: RECEIPT_TABLE,
      head: () => receiptTableHead(client, chain),
      erase: () => eraseSubject(client, policy, eraseOptions),
      record: async (receipt) => {
        await recordReceiptRow(client, receipt);
        return RECEIPT_TABLE;
      },
    });
  });
}

/** Where an engine keeps the database copy of the receipt chain, and the erasure itself. */
interface ReceiptStore {
  name: string;
  head(): Promise<ChainHead | undefined>;
  erase(): Promise<SubjectEraseResult>;
  /** Returns where the copy went. `home`: the database's copy is the chain (no receipts-to). */
  record(receipt: ChainedReceipt, home?: boolean): Promise<string>;
}
