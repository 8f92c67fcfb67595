/**
 * The receipts' second home: a table dbops owns in the purged database, so the proof of a deletion sits next to
 * the data it concerns. The storage copy (receipts-to) is the chain retention-verify checks; this one is for queries.
 */
import type pg from 'pg';
import { createTableWhenMissing } from './create-missing.js';
import type { ChainedReceipt } from './receipt.js';

export const RECEIPT_TABLE = 'public.dbops_retention_receipts';

export async function recordReceiptRow(client: pg.ClientBase, receipt: ChainedReceipt): Promise<void> {
  await createTableWhenMissing(
    client,
    RECEIPT_TABLE,
    `CREATE TABLE IF NOT EXISTS ${RECEIPT_TABLE} (
    policy text NOT NULL,
    sequence integer NOT NULL,
    sha256 text NOT NULL,
    previous_sha256 text,
    receipt jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sha256))`,
  );
  await client.query(
    `INSERT INTO ${RECEIPT_TABLE} (policy, sequence, sha256, previous_sha256, receipt) VALUES ($1, $2, $3, $4, $5)`,
    [receipt.policy, receipt.sequence, receipt.sha256, receipt.previousSha256, JSON.stringify(receipt)],
  );
}
