// The receipt chain on its own: the hash is over canonical JSON (key order does not matter, content does), each
// receipt links to the one before, and verify names the first broken entry: an edited receipt, a forged one whose
// own hash was recomputed (its successor's link breaks), and a gap.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendAfterHead,
  appendReceipt,
  chainName,
  readChainHead,
  verifyReceiptChains,
} from '../../packages/core/src/data-retention/receipt-chain.js';
import {
  chainReceipt,
  RECEIPT_FORMAT,
  type RetentionReceipt,
  receiptSha256,
} from '../../packages/core/src/data-retention/receipt.js';
import { LocalStorage } from '../../packages/core/src/storage/local.js';

const receipt = (rows: number): RetentionReceipt => ({
  format: RECEIPT_FORMAT,
  policySha256: 'a'.repeat(64),
  startedAt: '2026-06-01T02:00:00.000Z',
  finishedAt: '2026-06-01T02:00:01.000Z',
  now: '2026-06-01T02:00:00.000Z',
  outcome: 'complete',
  rules: [
    {
      rule: 'audit-logs',
      table: 'audit_logs',
      action: 'delete',
      cutoff: '2025-06-01T02:00:00.000Z',
      effectiveCutoff: '2025-06-01T02:00:00.000Z',
      rows,
      batches: 1,
      durationMs: 5,
      complete: true,
      keysSha256: 'b'.repeat(64),
    },
  ],
});

let dir: string;
let storage: LocalStorage;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbops-receipt-chain-'));
  storage = new LocalStorage(dir, 'receipts-to');
  let head = await readChainHead(storage, 'retention');
  for (const rows of [10, 20, 30]) {
    const chained = chainReceipt(receipt(rows), 'retention', head);
    await appendReceipt(storage, chained);
    head = { sequence: chained.sequence, sha256: chained.sha256 };
  }
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const path = (n: number) => join(dir, 'retention', `0000000${n}.json`);

test('the hash ignores key order, not content', () => {
  const chained = chainReceipt(receipt(10), 'retention', undefined);
  const reordered = Object.fromEntries(Object.entries(chained).reverse());
  expect(receiptSha256(reordered)).toBe(chained.sha256);
  expect(receiptSha256({ ...chained, outcome: 'failed' })).not.toBe(chained.sha256);
  expect(chained).toMatchObject({ sequence: 1, previousSha256: null });
});

test('an intact chain verifies, each receipt linked to the one before', async () => {
  expect(await verifyReceiptChains(storage)).toEqual([
    {
      policy: 'retention',
      receipts: 3,
      // These receipts predate policyCommit: the last policy is named by its SHA-256 alone.
      lastPolicy: { sequence: 3, finishedAt: '2026-06-01T02:00:01.000Z', policySha256: 'a'.repeat(64) },
    },
  ]);
  const [one, two] = [1, 2].map(async (n) => JSON.parse(await readFile(path(n), 'utf8')));
  expect((await two).previousSha256).toBe((await one).sha256);
  expect(await readChainHead(storage, 'retention')).toEqual({ sequence: 3, sha256: expect.any(String) });
});

test('a receipt forged with a recomputed hash breaks the next link, which verify names', async () => {
  const forged = JSON.parse(await readFile(path(2), 'utf8'));
  forged.rules[0].rows = 2;
  forged.sha256 = receiptSha256(forged);
  await writeFile(path(2), JSON.stringify(forged));
  const [check] = await verifyReceiptChains(storage);
  expect(check?.lastPolicy).toBeUndefined(); // a broken chain proves no last policy
  expect(check?.broken).toMatchObject({
    sequence: 3,
    problem: expect.stringMatching(/^links to \w+, but the receipt before it has SHA-256/),
  });
});

test('an edited receipt and a gap are named', async () => {
  await writeFile(path(2), (await readFile(path(2), 'utf8')).replace('"rows": 20', '"rows": 21'));
  expect((await verifyReceiptChains(storage))[0]?.broken).toMatchObject({
    sequence: 2,
    problem: expect.stringContaining('was altered'),
  });
  await rm(path(2));
  expect((await verifyReceiptChains(storage))[0]?.broken).toMatchObject({
    sequence: 2,
    key: 'retention/00000003.json',
    problem: expect.stringContaining('a receipt is missing'),
  });
});

test('a chain is named after its policy file', () => {
  expect(chainName('.github/dbops/retention.yml')).toBe('retention');
  expect(chainName('policies/Prod Retention.yaml')).toBe('prod-retention');
});

test('a policyCommit not in the shape dbops writes is left out of the last policy, not shown or thrown on', async () => {
  const last = JSON.parse(await readFile(path(3), 'utf8'));
  // Forged as a whole (its own hash recomputed): the chain's links still hold, so only the shape can be checked.
  last.policyCommit = { sha: 5, uncommittedChanges: 'no' };
  last.sha256 = receiptSha256(last);
  await writeFile(path(3), JSON.stringify(last));
  const [check] = await verifyReceiptChains(storage);
  expect(check).toEqual({
    policy: 'retention',
    receipts: 3,
    lastPolicy: { sequence: 3, finishedAt: '2026-06-01T02:00:01.000Z', policySha256: 'a'.repeat(64) },
  });
});

test('a run that lost its link to another run (another database, same chain) links after the winner', async () => {
  // Both runs read head 3; the other appended receipt 4 first. This run's receipt becomes 5, linked to that 4.
  const stale = await readChainHead(storage, 'retention');
  const winner = chainReceipt(receipt(40), 'retention', stale);
  await appendReceipt(storage, winner);
  const { receipt: stored, location } = await appendAfterHead(storage, 'retention', stale, (head) =>
    chainReceipt(receipt(50), 'retention', head),
  );
  expect(stored).toMatchObject({ sequence: 5, previousSha256: winner.sha256 });
  expect(location).toBe(path(5));
  expect(JSON.parse(await readFile(path(4), 'utf8')).rules[0].rows).toBe(40);
  const [check] = await verifyReceiptChains(storage);
  expect(check).toMatchObject({ policy: 'retention', receipts: 5 });
  expect(check!.broken).toBeUndefined();
});
