// retention-purge with a policy on MongoDB (issue 16, part 8): a collection rule planned (counts of expired, held
// and dateless documents) and purged in batches by _id, legal holds from a hold collection (fail closed), receipts in
// the same chain as PostgreSQL's; on FerretDB here, on a real MongoDB with MONGO_URL. Also the CLI, end to end.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectId } from 'mongodb';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { runCollectionBatch } from '../../packages/core/src/databases/mongodb/data-retention-batch.js';
import { readHeldIds } from '../../packages/core/src/databases/mongodb/data-retention-filter.js';
import { resolveCollectionTargets } from '../../packages/core/src/databases/mongodb/data-retention-target.js';
import { documentRetentionFor } from '../../packages/core/src/databases/index.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { type DataRetentionOptions, dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { silentLogger } from '../../packages/core/src/log.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { runCli } from '../harness/cli.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

const DAY = 86_400_000;
const NOW = new Date();
const HELD_OID = new ObjectId();

let server: MongoServer;
let db: string;
let dir: string;

const events = () => server.client.db(db).collection<{ _id: number | ObjectId; createdAt?: unknown }>('events');
const remainingIds = async () =>
  (
    await events()
      .find({}, { projection: { _id: 1 } })
      .toArray()
  )
    .map((d) => String(d._id))
    .sort();

function policy(extra = '', rule = '', holds = `holds:\n  - collection: ${'{db}'}.legal_holds\n`): string {
  return `version: 1
defaults: { batch-size: 4 }
${holds}data:
  - name: analytics-events
    collection: {db}.events
    by: createdAt
    keep: 30d
${rule}  - name: audit-logs
    table: public.audit_logs
    by: created_at
    keep: 365d
${extra}`.replaceAll('{db}', db);
}

/** `name`: the policy file's, which names its receipt chain. */
async function run(text: string, extra: Partial<DataRetentionOptions> = {}, name = 'retention') {
  const policyPath = join(dir, `${name}.yml`);
  await writeFile(policyPath, text);
  return dataRetention({
    policyPath,
    target: parseMongoTarget(server.url(db)),
    dryRun: true,
    backupGraceSeconds: 3600,
    secrets: new Secrets(),
    log: silentLogger,
    now: NOW,
    ...extra,
  });
}

/**
 * Documents 1..10 expired (30 + i days old), 11..15 young; 3 and an ObjectId document held; 100..102 with a `by`
 * that is a string, missing or null.
 */
async function seed(): Promise<void> {
  await events().deleteMany({});
  await events().insertMany([
    ...Array.from({ length: 10 }, (_, i) => ({ _id: i + 1, createdAt: new Date(NOW.getTime() - (31 + i) * DAY) })),
    ...Array.from({ length: 5 }, (_, i) => ({ _id: i + 11, createdAt: new Date(NOW.getTime() - (i + 1) * DAY) })),
    { _id: HELD_OID, createdAt: new Date(NOW.getTime() - 90 * DAY) },
    { _id: 100, createdAt: new Date(NOW.getTime() - 90 * DAY).toISOString() },
    { _id: 101 },
    { _id: 102, createdAt: null },
  ]);
  const holds = server.client.db(db).collection('legal_holds');
  await holds.deleteMany({});
  await holds.insertMany([
    { subject_table: 'events', subject_id: '3' },
    { subject_table: `${db}.events`, subject_id: HELD_OID.toHexString() },
    { subject_table: 'other', subject_id: '4' },
  ]);
}

beforeAll(async () => {
  server = await startMongo();
  db = uniqueDatabase('retention');
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-mongo-'));
}, 60_000);
beforeEach(seed);
afterAll(async () => {
  await server?.client
    .db(db)
    .dropDatabase()
    .catch(() => undefined);
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('plans with counts in a dry run (the default): expired, held, dateless; deletes nothing; skips table rules', async () => {
  const result = await run(policy());
  expect(result.purge).toBeUndefined();
  expect(result.receipt).toBeUndefined();
  expect(result.plan.skipped).toEqual([
    { rule: 'audit-logs', reason: 'a PostgreSQL table: purged with a postgres:// database-url' },
  ]);
  expect(result.plan.rules).toEqual([
    expect.objectContaining({
      rule: 'analytics-events',
      kind: 'collection',
      action: 'delete',
      table: `${db}.events`,
      timeColumn: 'createdAt',
      cutoff: new Date(NOW.getTime() - 30 * DAY).toISOString(),
      rows: {
        expired: 11,
        protectedByHold: 2,
        protectedByMinimum: 0,
        toPurge: 9,
        exact: true,
        estimatedExpired: 11,
        withoutTime: 3,
      },
    }),
  ]);
  expect(await events().countDocuments()).toBe(19);
});

it('purges expired, unheld documents in batches and chains a receipt; held, young and dateless documents stay', async () => {
  const receiptsTo = join(dir, 'receipts-purge');
  const result = await run(policy(), { dryRun: false, receiptsTo });
  expect(result.failure).toBeUndefined();
  expect(result.purge).toMatchObject({ outcome: 'complete', lagWaitMs: 0 });
  const [rule] = result.purge!.rules;
  expect(rule).toMatchObject({
    rule: 'analytics-events',
    table: `${db}.events`,
    action: 'delete',
    rows: 9,
    batches: 3, // 4 + 4 + 1, oldest first
    complete: true,
    cutoff: new Date(NOW.getTime() - 30 * DAY).toISOString(),
  });
  // Oldest first: 10, 9, ... 1 without the held 3.
  const keys = [10, 9, 8, 7, 6, 5, 4, 2, 1].map((id) => `${id}\n`).join('');
  expect(rule!.keysSha256).toBe(createHash('sha256').update(keys).digest('hex'));
  expect(await remainingIds()).toEqual(
    ['100', '101', '102', '11', '12', '13', '14', '15', '3', HELD_OID.toHexString()].sort(),
  );
  expect(result.receipt!.location).toBe(join(receiptsTo, 'retention', '00000001.json'));
  const stored = JSON.parse(await readFile(result.receipt!.location, 'utf8'));
  expect(stored).toMatchObject({
    format: 'dbops.retention-receipt/1',
    sequence: 1,
    outcome: 'complete',
    rules: [{ rule: 'analytics-events', table: `${db}.events`, rows: 9, batches: 3, keysSha256: rule!.keysSha256 }],
  });
  // Its copy in the database, as PostgreSQL's receipts table.
  expect(result.receipt!.table).toBe(`${db}.dbops_retention_receipts`);
  const copy = await server.client.db(db).collection('dbops_retention_receipts').findOne({ _id: stored.sha256 });
  expect(copy).toMatchObject({ policy: 'retention', sequence: 1, previousSha256: null, receipt: stored });

  // A second run finds nothing more and chains to the first receipt.
  const again = await run(policy(), { dryRun: false, receiptsTo });
  expect(again.purge!.rules[0]).toMatchObject({ rows: 0, batches: 0, complete: true });
  expect(again.receipt!.sequence).toBe(2);
});

it('re-checks the cutoff and the holds when it deletes: a document updated or held after it was picked stays', async () => {
  const parsed = await parsePolicy(policy(), 'retention.yml');
  const [target] = (await resolveCollectionTargets(server.client, parsed, NOW)).targets;
  const readHeld = () => readHeldIds(server.client, target!, 10_000);
  const batch = await runCollectionBatch(server.client, target!, readHeld, 4, 10_000, async (ids) => {
    expect(ids).toEqual([10, 9, 8, 7]);
    await events().updateOne({ _id: 10 }, { $set: { createdAt: new Date() } });
    await server.client.db(db).collection('legal_holds').insertOne({ subject_table: 'events', subject_id: '9' });
  });
  expect(batch).toEqual({ found: 4, rows: 2, keys: ['8', '7'] });
  expect(await remainingIds()).toContain('10');
  expect(await remainingIds()).toContain('9');
});

it("the policy's sleep paces the batches: a pause that would end past the budget stops the run after one", async () => {
  const text = policy().replace(
    'defaults: { batch-size: 4 }',
    'defaults: { batch-size: 4, max-runtime: 5s, sleep: 30s, sleep-coefficient: 0 }',
  );
  const paced = await run(text, { dryRun: false, receiptsTo: join(dir, 'receipts-paced') });
  expect(paced.purge).toMatchObject({ outcome: 'time-budget', rules: [{ rows: 4, batches: 1, complete: false }] });
  expect(await events().countDocuments()).toBe(15);
});

it('stops cleanly at max-runtime after a batch; the next run continues', async () => {
  const text = policy().replace('defaults: { batch-size: 4 }', 'defaults: { batch-size: 4, max-runtime: 1ms }');
  const first = await run(text, { dryRun: false, receiptsTo: join(dir, 'receipts-budget') });
  expect(first.purge).toMatchObject({ outcome: 'time-budget', rules: [{ rows: 4, batches: 1, complete: false }] });
  expect(await events().countDocuments()).toBe(15);
  const second = await run(text, { dryRun: false, receiptsTo: join(dir, 'receipts-budget') });
  expect(second.purge!.rules[0]!.rows).toBe(4);
  expect(await events().countDocuments()).toBe(11);
});

it('stops between batches when aborted, with what was deleted for the receipt', async () => {
  const open = documentRetentionFor(parseMongoTarget(server.url(db)))!;
  const controller = new AbortController();
  const result = await open(parseMongoTarget(server.url(db)), { log: silentLogger }, async (session) => {
    const plan = await session.plan(await parsePolicy(policy(), 'retention.yml'), NOW, {});
    return session.purge(plan, { signal: controller.signal, onBatch: () => controller.abort() });
  });
  expect(result).toMatchObject({ outcome: 'aborted', rules: [{ rows: 4, batches: 1, complete: false }] });
  expect(await events().countDocuments()).toBe(15);
});

it('fails closed when the hold collection is missing: nothing deleted, no receipt', async () => {
  const receiptsTo = join(dir, 'receipts-missing-hold');
  const text = policy('', '', `holds:\n  - collection: ${db}.no_such_holds\n`);
  await expect(run(text, { dryRun: false, receiptsTo })).rejects.toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining(`the hold collection ${db}.no_such_holds does not exist; nothing is purged`),
  });
  expect(await events().countDocuments()).toBe(19);
  await expect(readdir(join(receiptsTo, 'retention'))).rejects.toMatchObject({ code: 'ENOENT' });
});

it('refuses a policy whose holds only PostgreSQL can read, rather than purge without them', async () => {
  await expect(
    run(policy('', '', 'holds:\n  - table: public.legal_holds\n'), { dryRun: false, receiptsTo: join(dir, 'r-sql') }),
  ).rejects.toMatchObject({
    code: 'CHECK_FAILED',
    message: expect.stringContaining(
      'the legal holds are PostgreSQL tables or queries, which a MongoDB run cannot read',
    ),
    hint: expect.stringContaining('- collection:'),
  });
  expect(await events().countDocuments()).toBe(19);
});

it('names an unknown collection and a by field no document has, with what there is', async () => {
  const unknown = policy().replace(`collection: ${db}.events`, `collection: ${db}.evnets`);
  await expect(run(unknown)).rejects.toMatchObject({
    code: 'INVALID_INPUT',
    message: expect.stringMatching(
      new RegExp(
        `rule 'analytics-events': collection ${db}\\.evnets does not exist \\(collections of ${db}: (dbops_retention_receipts, )?events, legal_holds\\)`,
      ),
    ),
  });
  const field = policy().replace('by: createdAt', 'by: created_at');
  await expect(run(field)).rejects.toMatchObject({
    code: 'INVALID_INPUT',
    message: expect.stringContaining(
      `no document of ${db}.events has the field 'created_at' (fields of one document: _id, createdAt)`,
    ),
  });
  const invalid = policy().replace('by: createdAt', 'by: $createdAt');
  await expect(run(invalid)).rejects.toMatchObject({
    code: 'INVALID_INPUT',
    message: expect.stringContaining("field 'by' is '$createdAt'"),
    hint: expect.stringContaining('a field name or dotted path, not starting with $'),
  });
});

it('applies a minimum on the collection and refuses a rule shorter than it', async () => {
  const floor = `minimums:\n  - table: ${db}.events\n    keep-at-least: 35d\n`;
  const longer = policy(floor).replace('keep: 30d', 'keep: 36d');
  const plan = (await run(longer)).plan.rules[0]!;
  expect(plan.minimumSeconds).toBe(35 * 86400);
  // 36d: documents 7..10 (37..40 days old) and the held ObjectId one expired, none under the 35d floor.
  expect(plan.rows).toMatchObject({ expired: 5, protectedByHold: 1, protectedByMinimum: 0, toPurge: 4 });
  await expect(run(policy(floor))).rejects.toMatchObject({
    code: 'INVALID_INPUT',
    message: expect.stringContaining(`(30d) is shorter than the minimum for ${db}.events`),
  });
});

it('runs from the CLI: dry run prints the plan, a real run purges, retention-verify checks the chain', async () => {
  const policyPath = join(dir, 'cli.yml');
  await writeFile(policyPath, policy());
  const receipts = join(dir, 'receipts-cli');
  const url = server.url(db);
  const plan = await runCli(['retention-purge', '--policy', policyPath, '--database-url', url]);
  expect(plan.stderr).toBe('');
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('9 rows would be purged');
  expect(plan.stdout).toContain(
    '3 documents have no date in createdAt (missing, null or another type) and never expire',
  );
  expect(plan.stdout).toMatch(/analytics-events.*events.*\b11\b.*\b2\b.*\b0\b.*\b9\b/);
  expect(await events().countDocuments()).toBe(19);
  const purge = await runCli([
    'retention-purge',
    '--policy',
    policyPath,
    '--database-url',
    url,
    '--dry-run',
    'false',
    '--receipts-to',
    receipts,
    '--json',
  ]);
  expect(purge.code).toBe(0);
  expect(JSON.parse(purge.stdout).purge).toMatchObject({ outcome: 'complete', rules: [{ rows: 9, batches: 3 }] });
  expect(await events().countDocuments()).toBe(10);
  const verify = await runCli(['retention-verify', '--receipts', receipts]);
  expect(verify.code).toBe(0);
  expect(verify.stdout).toContain('1 receipts, every link intact');
});
