// The receipt chain in MongoDB's receipts collection, which is the chain itself when a subject erasure runs without
// receipts-to (issue 16): two runs that read the same head do not fork it. The collection refuses a second receipt
// of one sequence, and the later run links after the earlier one's receipt. A collection that already holds a fork
// stops the next run before it erases anything. Copies (retention-purge's, always with receipts-to) carry the storage
// chain's sequence and never clash with the erasures this collection chains. Against FerretDB (a real MongoDB with
// MONGO_URL).
import { chainReceipt } from '../../packages/core/src/data-retention/receipt.js';
import { recordAfterHead } from '../../packages/core/src/data-retention/receipt-chain.js';
import { subjectReceipt } from '../../packages/core/src/data-retention/subject-receipt.js';
import {
  RECEIPT_COLLECTION,
  receiptCollectionHead,
  recordReceiptDocument,
} from '../../packages/core/src/databases/mongodb/data-retention-receipts.js';
import { rejection } from '../harness/errors.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

let server: MongoServer;

beforeAll(async () => {
  server = await startMongo();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

const CHAIN = 'retention';
const unchained = (id: string) =>
  subjectReceipt(
    {
      rule: 'deleted-accounts',
      id,
      action: 'erase',
      table: 'app.users',
      dryRun: false,
      startedAt: '2026-12-01T00:00:00.000Z',
      finishedAt: '2026-12-01T00:00:01.000Z',
      tables: [{ table: 'app.users', action: 'delete', rows: 1, keysSha256: id }],
      tombstones: 1,
    },
    'policy-sha',
  );

test('two erasures that read the same head: the second receipt is linked after the first, not beside it', async () => {
  const db = uniqueDatabase('receipt_chain');
  await recordReceiptDocument(server.client, db, chainReceipt(unchained('a'), CHAIN, undefined), true);
  // Both runs read the head (receipt 1) before erasing.
  const head = await receiptCollectionHead(server.client, db, CHAIN);
  expect(head).toMatchObject({ sequence: 1 });
  const first = chainReceipt(unchained('b'), CHAIN, head);
  await recordReceiptDocument(server.client, db, first, true);
  // The second, linked after the head it read: refused, since receipt 2 is there now.
  const stale = await rejection(
    recordReceiptDocument(server.client, db, chainReceipt(unchained('c'), CHAIN, head), true),
  );
  expect(stale).toMatchObject({ code: 'ALREADY_EXISTS' });
  // As the erase records it: linked again after the head as it is now.
  const { receipt } = await recordAfterHead(
    head,
    (at) => chainReceipt(unchained('c'), CHAIN, at),
    (r) => recordReceiptDocument(server.client, db, r, true),
    () => receiptCollectionHead(server.client, db, CHAIN),
  );
  expect(receipt).toMatchObject({ sequence: 3, previousSha256: first.sha256 });
  const chain = await server.client
    .db(db)
    .collection(RECEIPT_COLLECTION)
    .find({ policy: CHAIN }, { sort: { sequence: 1 }, projection: { _id: 0, sequence: 1, previousSha256: 1 } })
    .toArray();
  expect(chain.map((d) => d.sequence)).toEqual([1, 2, 3]);
  expect(chain[2]!.previousSha256).toBe(first.sha256);
  await server.client.db(db).dropDatabase();
});

test('a receipts collection that already holds a fork stops the next run at the head, before anything changes', async () => {
  const db = uniqueDatabase('receipt_fork');
  const one = chainReceipt(unchained('a'), CHAIN, undefined);
  // A fork of receipts this collection chains, written while the index was missing: two of sequence 2 after 1.
  await insertTwoOfSequence2(db, one, true);
  const error = await rejection(receiptCollectionHead(server.client, db, CHAIN));
  expect(error).toMatchObject({ code: 'INTEGRITY_FAILED' });
  expect(error.message).toContain('holds two receipts of one sequence of a chain');
  await server.client.db(db).dropDatabase();
});

test("a purge's copy and an erasure's receipt of one sequence are both kept, in either order", async () => {
  const db = uniqueDatabase('receipt_copies');
  // retention-purge's copy of storage receipt 1; an erase without receipts-to links 2 after it here.
  const copy1 = chainReceipt(unchained('p1'), CHAIN, undefined);
  await recordReceiptDocument(server.client, db, copy1);
  const erase2 = chainReceipt(unchained('e2'), CHAIN, await receiptCollectionHead(server.client, db, CHAIN));
  await recordReceiptDocument(server.client, db, erase2, true);
  expect(erase2.sequence).toBe(2);
  // The next purge's copy is receipt 2 of the storage chain: kept beside the erasure's 2, no ALREADY_EXISTS.
  await recordReceiptDocument(server.client, db, chainReceipt(unchained('p2'), CHAIN, copy1));
  // And the next erasure links after the head, refused by neither.
  const erase3 = chainReceipt(unchained('e3'), CHAIN, await receiptCollectionHead(server.client, db, CHAIN));
  await recordReceiptDocument(server.client, db, erase3, true);
  const sequences = await server.client
    .db(db)
    .collection(RECEIPT_COLLECTION)
    .find({ policy: CHAIN }, { sort: { sequence: 1 }, projection: { _id: 0, sequence: 1 } })
    .toArray();
  expect(sequences.map((d) => d.sequence)).toEqual([1, 2, 2, 3]);
  await server.client.db(db).dropDatabase();
});

test('copies and erasures of one sequence written before the slots existed do not stop an erasure', async () => {
  const db = uniqueDatabase('receipt_legacy');
  const one = chainReceipt(unchained('a'), CHAIN, undefined);
  // As the previous version wrote them: a purge copy 2 and an erasure's 2, no slot.
  await insertTwoOfSequence2(db, one, false);
  const head = await receiptCollectionHead(server.client, db, CHAIN);
  expect(head).toMatchObject({ sequence: 2 });
  await recordReceiptDocument(server.client, db, chainReceipt(unchained('d'), CHAIN, head), true);
  // And a copy of sequence 3 after it still goes in.
  await recordReceiptDocument(server.client, db, chainReceipt(unchained('e'), CHAIN, head));
  expect(await server.client.db(db).collection(RECEIPT_COLLECTION).countDocuments({ sequence: 3 })).toBe(2);
  await server.client.db(db).dropDatabase();
});

/** Receipt 1 and two receipts of sequence 2 after it, written directly: `home` gives them slots, else none (as before). */
async function insertTwoOfSequence2(db: string, one: ReturnType<typeof chainReceipt>, home: boolean): Promise<void> {
  await server.client
    .db(db)
    .collection(RECEIPT_COLLECTION)
    .insertMany(
      [one, chainReceipt(unchained('b'), CHAIN, one), chainReceipt(unchained('c'), CHAIN, one)].map((r) => ({
        _id: r.sha256 as never,
        policy: r.policy,
        sequence: r.sequence,
        previousSha256: r.previousSha256,
        ...(home ? { chainSlot: `home:${r.sequence}:${r.policy}` } : {}),
        receipt: r,
        recordedAt: new Date(),
      })),
    );
}
