/**
 * The receipt chains in a storage (the retention-purge action's receipts-to): one folder per policy, one object per
 * receipt named by its sequence number (`retention/00000001.json`), each linked to the one before by its hash. Objects
 * are never overwritten (the storage refuses an existing key), so two runs racing for the same link cannot both win;
 * the loser links after the winner (appendAfterHead).
 */
import { buffer } from 'node:stream/consumers';
import { DbopsError } from '../errors.js';
import { putRecord } from '../storage/put-record.js';
import type { Storage } from '../storage/types.js';
import type { PolicyCommit } from './policy-commit.js';
import { type ChainedReceipt, type ChainHead, RECEIPT_FORMAT, receiptSha256 } from './receipt.js';

const KEY = /^([a-z0-9][a-z0-9._-]*)\/(\d{8})\.json$/;

export function receiptKey(policy: string, sequence: number): string {
  return `${policy}/${String(sequence).padStart(8, '0')}.json`;
}

/** A chain's name from its policy file's name: `.github/dbops/retention.yml` → `retention`. */
export function chainName(policyPath: string): string {
  const base = policyPath
    .split(/[\\/]/)
    .pop()!
    .replace(/\.ya?ml$/i, '');
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'policy'
  );
}

/** The last receipt of a chain, checked on its own (a tampered head is refused before anything is deleted). */
export async function readChainHead(storage: Storage, policy: string): Promise<ChainHead | undefined> {
  const keys = (await storage.list(`${policy}/`)).map((o) => o.key).filter((k) => KEY.test(k));
  const last = keys.sort().at(-1);
  if (!last) return undefined;
  const { receipt, problem } = await readReceipt(storage, last);
  if (problem || !receipt)
    throw new DbopsError('INTEGRITY_FAILED', `The last receipt ${storage.locate(last)} ${problem}`, {
      hint: 'Nothing was purged. Run `dbops retention-verify --receipts <location>` to see the whole chain; a broken chain needs a person, not a new link.',
    });
  return { sequence: receipt.sequence, sha256: receipt.sha256 };
}

/** Stores a chained receipt under its sequence number; returns where it is. */
export async function appendReceipt(storage: Storage, receipt: ChainedReceipt): Promise<string> {
  const key = receiptKey(receipt.policy, receipt.sequence);
  await putRecord(storage, key, Buffer.from(`${JSON.stringify(receipt, null, 2)}\n`), {
    contentType: 'application/json',
  });
  return storage.locate(key);
}

/** How often a run re-reads the head after losing a link to another run before it gives up. */
const APPEND_ATTEMPTS = 5;

/**
 * Chains a receipt after `head` and stores it; when another run took that link meanwhile (the chain lock holds per
 * database, so runs of one policy against two databases, or PostgreSQL and MongoDB, share the chain without it),
 * reads the new head and links after that instead. What a run deleted is never left without its receipt because
 * another run appended first.
 */
export async function appendAfterHead(
  storage: Storage,
  policy: string,
  head: ChainHead | undefined,
  link: (head: ChainHead | undefined) => ChainedReceipt,
): Promise<{ receipt: ChainedReceipt; location: string }> {
  const { receipt, recorded } = await recordAfterHead(
    head,
    link,
    (receipt) => appendReceipt(storage, receipt),
    () => readChainHead(storage, policy),
  );
  return { receipt, location: recorded };
}

/**
 * Chains a receipt after `head` and records it where `record` says, the chain's home refusing a second receipt of
 * one sequence with ALREADY_EXISTS (storage: the object exists; MongoDB's receipts collection: its unique index);
 * after such a refusal, links after the head `readHead` gives now. Two runs that read the same head never fork it.
 */
export async function recordAfterHead<T>(
  head: ChainHead | undefined,
  link: (head: ChainHead | undefined) => ChainedReceipt,
  record: (receipt: ChainedReceipt) => Promise<T>,
  readHead: () => Promise<ChainHead | undefined>,
): Promise<{ receipt: ChainedReceipt; recorded: T }> {
  for (let attempt = 1; ; attempt++) {
    const receipt = link(head);
    try {
      return { receipt, recorded: await record(receipt) };
    } catch (error) {
      if (!(error instanceof DbopsError && error.code === 'ALREADY_EXISTS') || attempt === APPEND_ATTEMPTS) throw error;
      head = await readHead();
    }
  }
}

export interface ChainCheck {
  policy: string;
  receipts: number;
  /** The first entry that breaks the chain, and how. */
  broken?: { key: string; location: string; sequence: number; problem: string };
  /** The policy the chain's last receipt applied, when the whole chain is intact. */
  lastPolicy?: LastPolicy;
}

/** Which policy text a receipt was made under: its SHA-256 and, when the run was in a git checkout, its commit. */
export interface LastPolicy {
  sequence: number;
  finishedAt: string;
  policySha256: string;
  policyCommit?: PolicyCommit;
}

/**
 * Checks every chain in the storage: each receipt's own hash, each link, and that no sequence number is missing.
 * `onReceipt` sees each intact receipt (up to a chain's first broken link), e.g. to check the archives it names.
 */
export async function verifyReceiptChains(
  storage: Storage,
  onReceipt?: (receipt: ChainedReceipt, key: string) => Promise<void>,
): Promise<ChainCheck[]> {
  const byPolicy = new Map<string, string[]>();
  for (const { key } of await storage.list('')) {
    const match = KEY.exec(key);
    if (match) byPolicy.set(match[1]!, [...(byPolicy.get(match[1]!) ?? []), key]);
  }
  const checks: ChainCheck[] = [];
  for (const [policy, keys] of [...byPolicy].sort(([a], [b]) => a.localeCompare(b))) {
    const check: ChainCheck = { policy, receipts: keys.length };
    let previous: string | null = null;
    for (const [i, key] of keys.sort().entries()) {
      const sequence = i + 1;
      const problem = await linkProblem(storage, key, policy, sequence, previous);
      if (typeof problem === 'string') {
        check.broken = { key, location: storage.locate(key), sequence, problem };
        break;
      }
      previous = problem.sha256;
      await onReceipt?.(problem, key);
      if (sequence === keys.length) check.lastPolicy = lastPolicy(problem);
    }
    checks.push(check);
  }
  return checks;
}

/** Picked field by field, and only in the shape dbops writes: a chain forged from its first link is still JSON. */
function lastPolicy(receipt: ChainedReceipt): LastPolicy {
  const commit = receipt.policyCommit as Partial<PolicyCommit> | undefined;
  const wellFormed =
    typeof commit?.uncommittedChanges === 'boolean' && (commit.sha === undefined || typeof commit.sha === 'string');
  return {
    sequence: receipt.sequence,
    finishedAt: String(receipt.finishedAt),
    policySha256: String(receipt.policySha256),
    ...(wellFormed
      ? {
          policyCommit: {
            ...(commit.sha === undefined ? {} : { sha: commit.sha }),
            uncommittedChanges: commit.uncommittedChanges!,
          },
        }
      : {}),
  };
}

async function linkProblem(
  storage: Storage,
  key: string,
  policy: string,
  sequence: number,
  previous: string | null,
): Promise<string | ChainedReceipt> {
  if (key !== receiptKey(policy, sequence)) return `is where receipt ${sequence} should be: a receipt is missing`;
  const { receipt, problem } = await readReceipt(storage, key);
  if (!receipt) return problem!;
  if (receipt.policy !== policy || receipt.sequence !== sequence)
    return `says it is receipt ${receipt.sequence} of '${receipt.policy}', but is stored as receipt ${sequence} of '${policy}'`;
  if (receipt.previousSha256 !== previous)
    return `links to ${receipt.previousSha256 ?? 'nothing'}, but the receipt before it has SHA-256 ${previous ?? '(none: it is the first)'}`;
  return receipt;
}

async function readReceipt(storage: Storage, key: string): Promise<{ receipt?: ChainedReceipt; problem?: string }> {
  let parsed: ChainedReceipt;
  try {
    parsed = JSON.parse((await buffer(await storage.get(key))).toString('utf8')) as ChainedReceipt;
  } catch (error) {
    if (error instanceof DbopsError) throw error;
    return { problem: 'is not valid JSON: it was altered or cut short' };
  }
  if (parsed?.format !== RECEIPT_FORMAT || typeof parsed.sha256 !== 'string')
    return { problem: `is not a ${RECEIPT_FORMAT} receipt` };
  const actual = receiptSha256(parsed);
  if (actual !== parsed.sha256)
    return { problem: `was altered: its content hashes to ${actual}, but it records ${parsed.sha256}` };
  return { receipt: parsed };
}
