/**
 * The receipt of a subject erasure, a link of the same hash chain as retention-purge's receipts (receipt.ts): per
 * table the rows deleted or anonymized and a hash of their keys, the rule whose `then` was applied, and
 * `operation: subject-erase`. Like every receipt it holds no key and no value: not even the subject's id.
 */
import type pg from 'pg';
import type { PolicyCommit } from './policy-commit.js';
import { RECEIPT_FORMAT, type ChainHead, type RetentionReceipt, receiptPolicyCommit } from './receipt.js';
import { RECEIPT_TABLE } from './receipt-table.js';
import type { SubjectEraseResult } from './subject-erase.js';

export type SubjectReceipt = RetentionReceipt & { operation: 'subject-erase' };

/** `stoppedBy`: the error code of an erasure that stopped midway (outcome `failed`, what it erased before). */
export function subjectReceipt(
  result: SubjectEraseResult,
  policyHash: string,
  commit?: PolicyCommit,
  stoppedBy?: string,
): SubjectReceipt {
  return {
    format: RECEIPT_FORMAT,
    operation: 'subject-erase',
    policySha256: policyHash,
    ...receiptPolicyCommit(commit),
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    now: result.startedAt,
    outcome: stoppedBy ? 'failed' : 'complete',
    ...(stoppedBy ? { errorCode: stoppedBy } : {}),
    rules: result.tables
      .filter((t) => t.action === 'delete' || t.action === 'anonymize')
      .map((t) => ({
        rule: result.rule,
        table: t.table,
        action: t.action === 'anonymize' ? 'anonymize' : 'delete',
        cutoff: result.startedAt,
        effectiveCutoff: result.startedAt,
        rows: t.rows,
        batches: 1,
        durationMs: Date.parse(result.finishedAt) - Date.parse(result.startedAt),
        complete: !stoppedBy,
        keysSha256: t.keysSha256,
      })),
  };
}

/**
 * The chain's last link as the receipts table holds it, for a run without receipts-to; undefined when the table or
 * the chain does not exist yet.
 */
export async function receiptTableHead(client: pg.ClientBase, policy: string): Promise<ChainHead | undefined> {
  const { rows: exists } = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    RECEIPT_TABLE,
  ]);
  if (!exists[0]?.t) return undefined;
  const { rows } = await client.query<{ sequence: number; sha256: string }>(
    `SELECT sequence, sha256 FROM ${RECEIPT_TABLE} WHERE policy = $1 ORDER BY sequence DESC LIMIT 1`,
    [policy],
  );
  return rows[0];
}
