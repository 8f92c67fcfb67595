/**
 * The receipt of a purge: what was deleted or anonymized per rule (counts, cutoffs, batches, a hash of the keys),
 * under which policy (the file's SHA-256) and when. It holds no row data, no keys and nothing secret: table and
 * rule names, instants and numbers only; a failure is recorded by its code alone, since a server's message can quote
 * values. The caller stores it (next to the archives, in a table dbops owns: issue 16's later parts).
 */
import { createHash } from 'node:crypto';
import type { PurgeOutcome, PurgeResult } from './purge.js';

export const RECEIPT_FORMAT = 'dbops.retention-receipt/1';

export interface RetentionReceipt {
  format: typeof RECEIPT_FORMAT;
  policySha256: string;
  startedAt: string;
  finishedAt: string;
  /** The instant the cutoffs were taken from. */
  now: string;
  outcome: PurgeOutcome;
  /** The error's code when outcome is 'failed' (e.g. TIMEOUT). */
  errorCode?: string;
  rules: {
    rule: string;
    table: string;
    action: 'delete' | 'anonymize';
    cutoff: string;
    effectiveCutoff: string;
    rows: number;
    batches: number;
    durationMs: number;
    complete: boolean;
    keysSha256: string;
  }[];
}

/** The SHA-256 of the policy file's text, as it was read. */
export function policySha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Picks fields one by one: nothing a later field of PurgeResult adds can slip into a receipt unreviewed. */
export function retentionReceipt(result: PurgeResult, policyHash: string): RetentionReceipt {
  const receipt: RetentionReceipt = {
    format: RECEIPT_FORMAT,
    policySha256: policyHash,
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
    })),
  };
  if (result.error) receipt.errorCode = result.error.code;
  return receipt;
}
