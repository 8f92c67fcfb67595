/**
 * The receipt of a purge: what was deleted or anonymized per rule (counts, cutoffs, batches, a hash of the keys),
 * under which policy (the file's SHA-256 and, from a git checkout, its commit) and when. It holds no row data, no
 * keys and nothing secret: table and rule names, instants and numbers only; a failure is recorded by its code alone,
 * since a server's message can quote values. The caller stores it (next to the archives, in a table dbops owns: issue 16's later parts).
 */
import { createHash } from 'node:crypto';
import type { ArchiveRecord } from './archive.js';
import type { PolicyCommit } from './policy-commit.js';
import type { PurgeOutcome, PurgeResult, RulePurge } from './purge.js';

export const RECEIPT_FORMAT = 'dbops.retention-receipt/1';

export interface RetentionReceipt {
  format: typeof RECEIPT_FORMAT;
  policySha256: string;
  /** The commit the policy file was applied from; absent when the run was not in a git checkout. */
  policyCommit?: PolicyCommit;
  startedAt: string;
  finishedAt: string;
  /** The instant the cutoffs were taken from. */
  now: string;
  outcome: PurgeOutcome;
  /** The error's code when outcome is 'failed' (e.g. TIMEOUT). */
  errorCode?: string;
  /** Per rule what the purge committed: RulePurge's fields, picked one by one (retentionReceipt). */
  rules: Array<
    Omit<RulePurge, 'archives' | 'partitions'> & { archives?: ReceiptArchive[]; partitionsDropped?: ReceiptPartition[] }
  >;
}

/** A partition dropped whole: its name, its bounds, how many rows went with it, and its archives when archived. */
export interface ReceiptPartition {
  name: string;
  bounds: string;
  rows: number;
  archives?: ReceiptArchive[];
}

/** An archive object of a rule's committed batches (rules with archive-to): where, how many rows, its SHA-256. */
export type ReceiptArchive = Pick<ArchiveRecord, 'location' | 'manifest' | 'rows' | 'bytes' | 'sha256'>;

function receiptArchive(a: ArchiveRecord): ReceiptArchive {
  return { location: a.location, manifest: a.manifest, rows: a.rows, bytes: a.bytes, sha256: a.sha256 };
}

/** The SHA-256 of the policy file's text, as it was read. */
export function policySha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The receipt's policyCommit field, picked field by field like the rest; none without a commit. */
export function receiptPolicyCommit(commit: PolicyCommit | undefined): Pick<RetentionReceipt, 'policyCommit'> {
  if (!commit) return {};
  return {
    policyCommit: { ...(commit.sha ? { sha: commit.sha } : {}), uncommittedChanges: commit.uncommittedChanges },
  };
}

/** Picks fields one by one: nothing a later field of PurgeResult adds can slip into a receipt unreviewed. */
export function retentionReceipt(result: PurgeResult, policyHash: string, commit?: PolicyCommit): RetentionReceipt {
  const receipt: RetentionReceipt = {
    format: RECEIPT_FORMAT,
    policySha256: policyHash,
    ...receiptPolicyCommit(commit),
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    now: result.now,
    outcome: result.outcome,
    rules: result.rules.map((r) => ({
      rule: r.rule,
      table: r.table,
      action: r.action,
      cutoff: r.cutoff,
      effectiveCutoff: r.effectiveCutoff,
      rows: r.rows,
      batches: r.batches,
      durationMs: r.durationMs,
      complete: r.complete,
      keysSha256: r.keysSha256,
      ...(r.archives.length > 0
        ? {
            archives: r.archives.map((a) => ({
              location: a.location,
              manifest: a.manifest,
              rows: a.rows,
              bytes: a.bytes,
              sha256: a.sha256,
            })),
          }
        : {}),
      ...(r.partitions && r.partitions.dropped.length > 0
        ? {
            partitionsDropped: r.partitions.dropped.map((p) => ({
              name: p.name,
              bounds: p.bounds,
              rows: p.rows,
              ...(p.archives.length > 0 ? { archives: p.archives.map(receiptArchive) } : {}),
            })),
          }
        : {}),
    })),
  };
  if (result.error) receipt.errorCode = result.error.code;
  return receipt;
}

/**
 * A receipt as stored: one link of an append-only chain per policy. `sha256` is the SHA-256 of the receipt's
 * canonical JSON without that field, and `previousSha256` the previous receipt's `sha256` (null for the first), so
 * an edited, removed or reordered receipt breaks the chain at a link that retention-verify names.
 */
export interface ChainedReceipt extends RetentionReceipt {
  /** The chain's name: the policy's, e.g. `retention` for .github/dbops/retention.yml. */
  policy: string;
  /** 1, 2, ... within the chain. */
  sequence: number;
  previousSha256: string | null;
  sha256: string;
}

/** Where a new receipt goes: after the chain's last one, or first. */
export interface ChainHead {
  sequence: number;
  sha256: string;
}

export function chainReceipt(receipt: RetentionReceipt, policy: string, head: ChainHead | undefined): ChainedReceipt {
  const linked = { ...receipt, policy, sequence: (head?.sequence ?? 0) + 1, previousSha256: head?.sha256 ?? null };
  return { ...linked, sha256: receiptSha256(linked) };
}

/** The SHA-256 of a receipt's canonical JSON (keys sorted at every level), without its own `sha256`. */
export function receiptSha256(receipt: object): string {
  const { sha256: _own, ...rest } = receipt as { sha256?: unknown };
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
