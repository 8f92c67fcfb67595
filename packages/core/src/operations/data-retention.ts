import { type ArchiveEncryption, checkArchiveEncryption } from '../data-retention/archive.js';
import { lockReceiptChain } from '../data-retention/chain-lock.js';
import type { ArchiveSetup } from '../data-retention/archive-run.js';
import { type RetentionPlan, planRetention } from '../data-retention/plan.js';
import { type PolicyCommit, policyCommit } from '../data-retention/policy-commit.js';
import type { BackupRotation } from '../data-retention/policy.js';
import { type PurgeResult, purgeRetention } from '../data-retention/purge.js';
import { parsePolicy } from '../data-retention/read-policy.js';
import { type ChainedReceipt, chainReceipt, policySha256, retentionReceipt } from '../data-retention/receipt.js';
import { appendAfterHead, chainName, readChainHead, receiptKey } from '../data-retention/receipt-chain.js';
import { RECEIPT_TABLE, recordReceiptRow } from '../data-retention/receipt-table.js';
import { type VacuumOutcome, vacuumPurged } from '../data-retention/vacuum.js';
import type { DatabaseTarget } from '../databases/engine.js';
import { documentRetentionFor, sqlEngineFor } from '../databases/index.js';
import { asDbopsError, DbopsError } from '../errors.js';
import { readInputFile } from '../files/read-input-file.js';
import type { Logger } from '../log.js';
import type { RetentionPolicy } from '../retention/policy.js';
import type { Secrets } from '../secrets.js';
import { type ArtifactStorageOpener, openStorage, type S3Options } from '../storage/index.js';
import type { Storage } from '../storage/types.js';
import { type RotateResult, rotate } from './rotate.js';

export interface DataRetentionOptions {
  /** The policy file (the `policy` input). */
  policyPath: string;
  target: DatabaseTarget;
  /** Plan only (the default of the action): nothing is deleted, no receipt is written (invariant 6). */
  dryRun: boolean;
  /** Where receipts go (a directory or s3://); required unless dryRun: every deletion gets a receipt. */
  receiptsTo?: string;
  s3?: S3Options;
  artifacts?: ArtifactStorageOpener;
  /** For the policy's `backups:` rotation: objects without a manifest younger than this are left alone. */
  backupGraceSeconds: number;
  /** How archives of rules with archive-to are encrypted (the encrypt-to / encrypt-passphrase inputs). */
  archiveEncryption?: ArchiveEncryption;
  secrets: Secrets;
  log: Logger;
  signal?: AbortSignal;
  now?: Date;
}

export interface DataRetentionResult {
  dryRun: boolean;
  policyPath: string;
  policySha256: string;
  /** The policy file's commit; absent outside a git checkout. */
  policyCommit?: PolicyCommit;
  plan: RetentionPlan;
  /** What committed (not in a dry run). */
  purge?: PurgeResult;
  receipt?: { location: string; sequence: number; sha256: string; table?: string };
  /** The policy's `backups:` section, rotated with the same dry-run. */
  rotation?: RotateResult;
  /** Set when the purge stopped on an error or the rotation failed: shown after the summary. */
  failure?: Error;
}

/**
 * retention-purge with a policy: reads the policy, plans every rule of the database-url's engine (PostgreSQL tables or
 * MongoDB collections; the others are listed as skipped) against the live database and, unless
 * this is a dry run, purges at the plan's cutoffs and appends a hash-chained receipt of what committed to receipts-to
 * (and, on PostgreSQL, to a table dbops owns). The receipt chain's head is read before anything is deleted: a purge whose receipt
 * could not be chained is never started.
 */
export async function dataRetention(options: DataRetentionOptions): Promise<DataRetentionResult> {
  const { log, target, dryRun } = options;
  options.secrets.add(target.password);
  const text = await readInputFile(options.policyPath, 'policy', 'the path of a YAML retention policy');
  const policy = await parsePolicy(text, options.policyPath);
  if (options.archiveEncryption?.passphrase) options.secrets.add(options.archiveEncryption.passphrase);
  // The engine the database-url names: MongoDB purges the collection rules, PostgreSQL the table rules.
  const document = documentRetentionFor(target);
  // Refused before anything is read from the database: an archiving rule of this engine with nothing to encrypt to.
  const archiving = policy.data.find(
    (rule) => rule.archiveTo !== undefined && (rule.kind === 'collection') === (document !== undefined),
  );
  if (archiving && !dryRun) checkArchiveEncryption(options.archiveEncryption, archiving.name);
  const hash = policySha256(text);
  const commit = await policyCommit(options.policyPath);
  const chain = chainName(options.policyPath);
  const receipts = dryRun ? undefined : await openReceipts(options);
  // Read before anything is deleted: a chain that cannot be continued (unreadable, tampered) stops the run here.
  if (receipts) await readChainHead(receipts, chain);
  const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
  const now = options.now ?? new Date();
  /** Plan, then (not in a dry run) purge and chain the receipt; the same steps whichever engine runs them. */
  const planAndPurge = async (
    plan: RetentionPlan,
    purgeWith: (plan: RetentionPlan) => Promise<PurgeResult>,
    keepCopy?: (receipt: ChainedReceipt) => Promise<string | undefined>,
    tidyUp?: (purge: PurgeResult) => Promise<VacuumOutcome[] | undefined>,
  ): Promise<DataRetentionResult> => {
    const base = {
      dryRun,
      policyPath: options.policyPath,
      policySha256: hash,
      ...(commit ? { policyCommit: commit } : {}),
      plan,
    };
    if (!receipts) return base;
    // Read again now that this run holds the chain (chain-lock.ts): a run that finished meanwhile appended a link.
    const current = await readChainHead(receipts, chain);
    const purge = await purgeWith(plan);
    const unchained = retentionReceipt(purge, hash, commit);
    let stored: Awaited<ReturnType<typeof appendAfterHead>>;
    try {
      stored = await appendAfterHead(receipts, chain, current, (head) => chainReceipt(unchained, chain, head));
    } catch (error) {
      throw await receiptNotStored(error, chainReceipt(unchained, chain, current), purge, receipts, keepCopy, log);
    }
    const { receipt: chained, location } = stored;
    log.info(`Receipt ${chained.sequence} of '${chain}' stored at ${location}`);
    const table = await keepCopy?.(chained);
    const receipt = { location, sequence: chained.sequence, sha256: chained.sha256, ...(table ? { table } : {}) };
    // Only now that the receipt is stored: VACUUM may wait on locks, and the rows are gone either way.
    const vacuum = await tidyUp?.(purge);
    return {
      ...base,
      purge: { ...purge, ...(vacuum ? { vacuum } : {}) },
      receipt,
      ...(purge.error ? { failure: purge.error } : {}),
    };
  };
  const archiveSetup: ArchiveSetup = {
    open: (location) => openArchive(location, options),
    ...(options.archiveEncryption ? { encryption: options.archiveEncryption } : {}),
  };
  const result = document
    ? await document(target, context, async (session) =>
        planAndPurge(
          await session.plan(policy, now, {}),
          (plan) => session.purge(plan, { ...context, archive: archiveSetup }),
          (receipt) => recordCopy(() => session.recordReceipt(receipt), "the database's receipts collection", log),
        ),
      )
    : await sqlEngineFor(target, 'retention-purge with a policy').withSqlSession(target, context, async (client) => {
        if (!dryRun) await lockReceiptChain(client, chain);
        return planAndPurge(
          await planRetention(client, policy, now),
          (plan) => purgeRetention(client, plan, { ...context, archive: archiveSetup }),
          (receipt) =>
            recordCopy(
              async () => {
                await recordReceiptRow(client, receipt);
                return RECEIPT_TABLE;
              },
              RECEIPT_TABLE,
              log,
            ),
          (purge) => vacuumPurged(client, purge, policy.defaults.lockTimeoutMs, log),
        );
      });
  if (!policy.backups) return result;
  return { ...result, ...(await rotateBackups(policy.backups, options, result.failure)) };
}

async function openReceipts(options: DataRetentionOptions): Promise<Storage> {
  const storage = await openStorage(options.receiptsTo!, {
    inputName: 'receipts-to',
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.artifacts ? { artifacts: options.artifacts } : {}),
  });
  await storage.preflight();
  return storage;
}

/** A rule's archive-to, checked usable before its first batch (a batch whose archive cannot be written is kept). */
async function openArchive(location: string, options: DataRetentionOptions): Promise<Storage> {
  const storage = await openStorage(location, {
    inputName: 'archive-to',
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.artifacts ? { artifacts: options.artifacts } : {}),
  });
  await storage.preflight();
  return storage;
}

/**
 * The receipt could not be stored in receipts-to, but the purge has run: its rows are gone and must not be left
 * without any receipt. The chained receipt (linked after the head read before the purge) is kept in the database
 * copy and its hash logged, and the error says what was deleted and where the receipt is, so it can be stored by hand.
 */
async function receiptNotStored(
  error: unknown,
  receipt: ChainedReceipt,
  purge: PurgeResult,
  receipts: Storage,
  keepCopy: ((receipt: ChainedReceipt) => Promise<string | undefined>) | undefined,
  log: Logger,
): Promise<DbopsError> {
  const cause = asDbopsError(error);
  const rows = purge.rules.reduce((sum, rule) => sum + rule.rows, 0);
  const key = receiptKey(receipt.policy, receipt.sequence);
  const table = await keepCopy?.(receipt);
  const where = table
    ? `it is kept in ${table} (sha256 ${receipt.sha256})`
    : `it was stored nowhere; its sha256 is ${receipt.sha256}`;
  log.error(
    `Receipt ${receipt.sequence} of '${receipt.policy}' (sha256 ${receipt.sha256}) was not stored in receipts-to: ${where}`,
  );
  const stopped = purge.error ? `; the purge had also stopped: ${purge.error.message}` : '';
  return new DbopsError(
    cause.code,
    `${rows} rows were deleted or anonymized (${purge.rules.map((r) => `${r.rule}: ${r.rows}`).join(', ') || 'no rules'}), but their receipt could not be stored in receipts-to (${cause.message}): ${where}${stopped}`,
    {
      cause: error,
      hint: table
        ? `Store it as ${receipts.locate(key)} before the next run (the chain continues from it): SELECT receipt FROM ${table} WHERE sha256 = '${receipt.sha256}', written as JSON. ${cause.hint ?? ''}`.trim()
        : `The run's log holds the receipt's hash; the archives and the plan show what was deleted. ${cause.hint ?? ''}`.trim(),
    },
  );
}

/**
 * The database copy (a table or collection dbops owns) is a convenience: a role that may delete but not create one
 * still gets its purge and receipt.
 */
async function recordCopy(record: () => Promise<string>, where: string, log: Logger): Promise<string | undefined> {
  try {
    return await record();
  } catch (error) {
    log.warn(`The receipt was not recorded in ${where} (${asDbopsError(error).message})`);
    return undefined;
  }
}

/** The policy's backups: section, rotated exactly as the keep-* inputs would (the same operation). */
async function rotateBackups(
  backups: BackupRotation,
  options: DataRetentionOptions,
  failure: Error | undefined,
): Promise<Pick<DataRetentionResult, 'rotation' | 'failure'>> {
  const policy: RetentionPolicy = {
    ...(backups.keepLast ? { last: backups.keepLast } : {}),
    ...(backups.keepHourly ? { hourly: backups.keepHourly } : {}),
    ...(backups.keepDaily ? { daily: backups.keepDaily } : {}),
    ...(backups.keepWeekly ? { weekly: backups.keepWeekly } : {}),
    ...(backups.keepMonthly ? { monthly: backups.keepMonthly } : {}),
    ...(backups.keepYearly ? { yearly: backups.keepYearly } : {}),
    ...(backups.keepWithin?.years ? { withinYears: backups.keepWithin.years } : {}),
    ...(backups.keepWithin?.seconds ? { withinSeconds: backups.keepWithin.seconds } : {}),
    minVerified: backups.keepMinVerified ?? 0,
  };
  const rotation = await rotate({
    source: {
      from: backups.from,
      ...(options.s3 ? { s3: options.s3 } : {}),
      ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    },
    policy,
    graceSeconds: options.backupGraceSeconds,
    dryRun: options.dryRun,
    log: options.log,
  });
  const first = failure ?? rotation.failure;
  return { rotation, ...(first ? { failure: first } : {}) };
}
