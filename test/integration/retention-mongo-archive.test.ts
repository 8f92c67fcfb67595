// Archive before delete for MongoDB collection rules (issue 16, parts 4 and 8), on FerretDB (or MONGO_URL) and the
// S3 server: each batch's documents are stored as raw BSON, zstd, age, checked, then deleted. Decrypted with the age
// CLI and zstd -d, the archives hold exactly the deleted documents' bytes (local directory and S3); a run SIGKILLed
// between an archive write and its delete loses nothing and the next run finishes; an archive storage gone mid-run
// fails the run with every document that was not archived still there; retention-verify finds a missing or tampered
// archive; a run without encryption is refused.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BSON, type Document, Long, ObjectId } from 'mongodb';
import type { ArchiveManifest } from '../../packages/core/src/data-retention/archive.js';
import type { PurgeOptions } from '../../packages/core/src/data-retention/purge.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { documentRetentionFor } from '../../packages/core/src/databases/index.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { silentLogger } from '../../packages/core/src/log.js';
import { type DataRetentionOptions, dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { openStorage } from '../../packages/core/src/storage/index.js';
import { runCli } from '../harness/cli.js';
import {
  itUnless,
  type MongoServer,
  mongoTool,
  mongoToolsMissing,
  startMongo,
  uniqueDatabase,
} from '../harness/mongo.js';
import { type S3Server, s3Options, startS3Server } from '../harness/s3.js';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'packages', 'cli', 'lib', 'main.js');
const DAY = 86_400_000;
const NOW = new Date();
// Documents 1..23 are 30 + i days old (expired under keep: 30d), 24..30 young; batches of 10: 10, 10, 3.
const EXPIRED = 23;

let server: MongoServer;
let s3: S3Server;
let db: string;
let dir: string;
let identityFile: string;
let recipient: string;

const events = () => server.client.db(db).collection<{ _id: number | ObjectId } & Document>('events');

function policyText(archiveTo: string): string {
  return `version: 1
defaults: { batch-size: 10 }
data:
  - name: analytics-events
    collection: ${db}.events
    by: createdAt
    keep: 30d
    archive-to: ${archiveTo}
`;
}

/** Documents of many BSON types (those FerretDB keeps), so a decode and re-encode would show in the bytes. */
async function seed(): Promise<void> {
  await events().deleteMany({});
  await events().insertMany(
    Array.from({ length: 30 }, (_, n) => {
      const i = n + 1;
      return {
        _id: i % 3 === 0 ? new ObjectId(i.toString(16).padStart(24, '0')) : i,
        createdAt: new Date(NOW.getTime() - (i <= EXPIRED ? 30 + i : i - EXPIRED) * DAY),
        note: `note "${i}"\nline two ✓ \\ tab\t`,
        amount: i * 1.25,
        count: Long.fromNumber(2 ** 40 + i),
        flag: i % 2 === 0,
        missing: null,
        payload: { i, nested: [i, 'x', { deep: true }] },
        raw: new BSON.Binary(createHash('md5').update(String(i)).digest()),
        tags: [`a${i}`, 'b,c'],
      };
    }),
  );
}

/** The expired documents' BSON as the server sends it, oldest first: what an archive must hold, byte for byte. */
async function expiredRaw(): Promise<Buffer[]> {
  const cutoff = new Date(NOW.getTime() - 30 * DAY);
  const docs = await events()
    .find({ createdAt: { $lt: cutoff } }, { raw: true, sort: { createdAt: 1, _id: 1 } })
    .toArray();
  return docs as unknown as Buffer[];
}

async function operation(text: string, extra: Partial<DataRetentionOptions> = {}) {
  const policyPath = join(dir, 'retention.yml');
  await writeFile(policyPath, text);
  return dataRetention({
    policyPath,
    target: parseMongoTarget(server.url(db)),
    dryRun: false,
    backupGraceSeconds: 3600,
    archiveEncryption: { recipients: [recipient] },
    secrets: new Secrets(),
    log: silentLogger,
    now: NOW,
    ...extra,
  });
}

/** The purge alone through the engine's session, with hooks a test needs. */
async function purge(text: string, openArchive: (l: string) => ReturnType<typeof openStorage>, extra: PurgeOptions) {
  const target = parseMongoTarget(server.url(db));
  const policy = await parsePolicy(text, 'retention.yml');
  return documentRetentionFor(target)!(target, { log: silentLogger }, async (session) =>
    session.purge(await session.plan(policy, NOW, {}), {
      archive: {
        open: async (location) => {
          const storage = await openArchive(location);
          await storage.preflight();
          return storage;
        },
        encryption: { recipients: [recipient] },
      },
      ...extra,
    }),
  );
}

/** age -d | zstd -d, the documented load-back's first half: the archive's concatenated BSON. */
async function decrypt(file: string): Promise<Buffer> {
  const { stdout } = await run('sh', ['-c', 'age -d -i "$1" "$2" | zstd -d -q -c', 'sh', identityFile, file], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** A .bson stream split into its documents by their length prefixes; each one must parse with the driver's BSON. */
function splitBson(stream: Buffer): Buffer[] {
  const documents: Buffer[] = [];
  for (let at = 0; at < stream.length; ) {
    const length = stream.readInt32LE(at);
    const document = stream.subarray(at, at + length);
    expect(BSON.deserialize(document)).toHaveProperty('_id');
    documents.push(document);
    at += length;
  }
  return documents;
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const hex = (buffers: Buffer[]) => buffers.map((b) => b.toString('hex'));

beforeAll(async () => {
  server = await startMongo();
  s3 = await startS3Server();
  await s3.createBucket('archive');
  db = uniqueDatabase('retention_archive');
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-mongo-archive-'));
  identityFile = join(dir, 'key.txt');
  await run('age-keygen', ['-o', identityFile]);
  recipient = (await run('age-keygen', ['-y', identityFile])).stdout.trim();
}, 60_000);
beforeEach(seed);
afterAll(async () => {
  await server?.client
    .db(db)
    .dropDatabase()
    .catch(() => undefined);
  await server?.stop();
  await s3?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('archives each batch before its delete, byte for byte; manifests, receipt and retention-verify agree', async () => {
  const archiveDir = join(dir, 'local');
  const receiptsTo = join(dir, 'receipts-local');
  const expected = await expiredRaw();
  expect(expected).toHaveLength(EXPIRED);
  const result = await operation(policyText(archiveDir), { receiptsTo });
  expect(result.failure).toBeUndefined();
  const rule = result.purge!.rules[0]!;
  expect(rule).toMatchObject({ rows: EXPIRED, batches: 3, complete: true });
  expect(rule.archives.map((a) => a.rows)).toEqual([10, 10, 3]);
  expect(await events().countDocuments()).toBe(30 - EXPIRED);

  const objects = (await filesUnder(archiveDir)).filter((f) => f.endsWith('.bson.zst.age'));
  expect(objects).toEqual(rule.archives.map((a) => a.location));
  const archived: Buffer[] = [];
  for (const [i, object] of objects.entries()) {
    const documents = splitBson(await decrypt(object));
    archived.push(...documents);
    const manifest = JSON.parse(await readFile(`${object}.manifest.json`, 'utf8')) as ArchiveManifest;
    const sha256 = (await run('sha256sum', [object])).stdout.split(' ')[0];
    expect(manifest).toMatchObject({
      format: 'dbops.retention-archive/1',
      rule: 'analytics-events',
      table: `${db}.events`,
      content: 'bson',
      rows: documents.length,
      sha256,
      compression: { algorithm: 'zstd' },
      encryption: { method: 'age' },
    });
    const keyText = (d: Buffer) => {
      const id = BSON.deserialize(d)._id;
      return id instanceof ObjectId ? id.toHexString() : String(id);
    };
    expect(manifest.keyRange).toEqual({ first: keyText(documents[0]!), last: keyText(documents.at(-1)!) });
    expect(rule.archives[i]).toMatchObject({ sha256, bytes: manifest.bytes, manifest: `${object}.manifest.json` });
  }
  // The deleted documents, exactly as the server held them: no decode and re-encode on the way.
  expect(hex(archived)).toEqual(hex(expected));

  // The receipt names every archive with its checksum; retention-verify reads them all back.
  const receipt = JSON.parse(await readFile(result.receipt!.location, 'utf8'));
  expect(receipt.rules[0].archives.map((a: { location: string; sha256: string }) => [a.location, a.sha256])).toEqual(
    rule.archives.map((a) => [a.location, a.sha256]),
  );
  const verified = await runCli(['retention-verify', '--receipts', receiptsTo, '--json']);
  expect(verified.code).toBe(0);
  expect(JSON.parse(verified.stdout)).toMatchObject({ archivesChecked: 3, archiveProblems: [] });

  // A tampered object and a missing one: verify fails naming each.
  const tampered = await readFile(objects[0]!);
  tampered[100] = tampered[100]! ^ 0xff;
  await writeFile(objects[0]!, tampered);
  await unlink(objects[2]!);
  const broken = await runCli(['retention-verify', '--receipts', receiptsTo, '--json']);
  expect(broken.code).not.toBe(0);
  const problems = JSON.parse(broken.stdout).archiveProblems as Array<{ location: string; problem: string }>;
  expect(problems).toEqual([
    expect.objectContaining({ location: objects[0], problem: expect.stringContaining('a checksum mismatch') }),
    expect.objectContaining({ location: objects[2], problem: 'is missing' }),
  ]);
});

it('archives to S3: the stored objects hold the deleted documents byte for byte', async () => {
  const expected = await expiredRaw();
  const result = await operation(policyText('s3://archive/events'), {
    receiptsTo: join(dir, 'receipts-s3'),
    s3: s3Options(s3),
  });
  expect(result.failure).toBeUndefined();
  const rule = result.purge!.rules[0]!;
  expect(rule.rows).toBe(EXPIRED);
  const storage = await openStorage('s3://archive/events', { inputName: 'archive-to', s3: s3Options(s3) });
  const archived: Buffer[] = [];
  for (const archive of rule.archives) {
    expect(archive.location).toMatch(/^s3:\/\/archive\/events\/analytics-events\/.+\.bson\.zst\.age$/);
    const key = archive.location.slice('s3://archive/events/'.length);
    const body = Buffer.concat(await (await storage.get(key)).toArray());
    expect(createHash('sha256').update(body).digest('hex')).toBe(archive.sha256);
    const local = join(dir, `s3-${key.replaceAll('/', '_')}`);
    await writeFile(local, body);
    archived.push(...splitBson(await decrypt(local)));
  }
  expect(hex(archived)).toEqual(hex(expected));
  expect(await events().countDocuments()).toBe(30 - EXPIRED);
});

it('loses nothing when SIGKILLed between an archive write and its delete; the next run finishes', async () => {
  const archiveDir = join(dir, 'killed');
  const receiptsTo = join(dir, 'receipts-killed');
  const expected = await expiredRaw();
  const policyPath = join(dir, 'killed.yml');
  await writeFile(policyPath, policyText(archiveDir));
  // The second batch's delete never starts: its archive is stored and checked, then the process hangs until killed.
  const preload = join(dir, 'hang-before-delete.mjs');
  const mongodb = createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('mongodb');
  await writeFile(
    preload,
    `import { Collection } from ${JSON.stringify(pathToFileURL(mongodb).href)};
const deleteMany = Collection.prototype.deleteMany;
let calls = 0;
Collection.prototype.deleteMany = async function (...args) {
  if (this.collectionName === 'events' && ++calls === 2) {
    process.stderr.write('HANGING BEFORE DELETE\\n');
    setInterval(() => undefined, 1000);
    await new Promise(() => undefined);
  }
  return deleteMany.apply(this, args);
};
`,
  );
  const child = spawn(
    process.execPath,
    [
      CLI,
      'retention-purge',
      '--policy',
      policyPath,
      '--database-url',
      server.url(db),
      '--dry-run',
      'false',
      '--receipts-to',
      receiptsTo,
    ],
    {
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: `--import=${pathToFileURL(preload).href}`,
        DBOPS_ENCRYPT_TO: recipient,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const hanging = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('HANGING BEFORE DELETE')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the purge exited (${code}) before its second delete:\n${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await hanging;
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  expect(stderr).toContain("Rule 'analytics-events': 10 documents archived to");

  // The first batch went; the second is archived but still there, with the third.
  expect(await events().countDocuments()).toBe(30 - 10);
  const killedObjects = (await filesUnder(archiveDir)).filter((f) => f.endsWith('.bson.zst.age'));
  expect(killedObjects).toHaveLength(2);

  const next = await operation(policyText(archiveDir), { receiptsTo });
  expect(next.failure).toBeUndefined();
  expect(next.purge!.rules[0]).toMatchObject({ rows: EXPIRED - 10, complete: true });
  expect(await events().countDocuments()).toBe(30 - EXPIRED);
  // Every deleted document is in an archive: the killed run's first batch, and the next run's (which archived the
  // killed run's second batch again: the orphan object is a duplicate, never the only copy).
  const deletedArchives = [killedObjects[0]!, ...next.purge!.rules[0]!.archives.map((a) => a.location)];
  const archived: Buffer[] = [];
  for (const object of deletedArchives) archived.push(...splitBson(await decrypt(object)));
  expect(hex(archived)).toEqual(hex(expected));
  expect(hex(splitBson(await decrypt(killedObjects[1]!)))).toEqual(hex(expected.slice(10, 20)));
});

it('keeps every unarchived document when the archive directory goes away mid-run; the run fails clearly', async () => {
  // Root may write to a read-only directory: the rule's folder is replaced by a file instead, as a lost mount.
  const archiveDir = join(dir, 'gone-local');
  const moved = join(dir, 'gone-local-first-batch');
  const result = await purge(policyText(archiveDir), (l) => openStorage(l, { inputName: 'archive-to' }), {
    onBatch: async () => {
      await rename(join(archiveDir, 'analytics-events'), moved);
      await writeFile(join(archiveDir, 'analytics-events'), 'not a directory');
    },
  });
  expect(result.outcome).toBe('failed');
  expect(result.error!.message).toContain(`Rule 'analytics-events' on ${db}.events`);
  expect(result.error!.message).toContain('10 documents in 1 batches stay deleted');
  expect(result.error!.message).toContain("Input 'archive-to'");
  expect(result.rules[0]).toMatchObject({ rows: 10, batches: 1 });
  expect(result.rules[0]!.archives).toHaveLength(1);
  expect(await events().countDocuments()).toBe(30 - 10);
  expect(await filesUnder(moved)).toHaveLength(2); // the first batch's object and manifest
});

it('keeps every unarchived document when the S3 server goes away mid-run; the run fails clearly', async () => {
  const gone = await startS3Server();
  await gone.createBucket('archive');
  try {
    const options = {
      endpoint: gone.endpoint,
      region: gone.region,
      accessKeyId: gone.accessKeyId,
      secretAccessKey: gone.secretAccessKey,
    };
    const result = await purge(
      policyText('s3://archive/gone'),
      (l) => openStorage(l, { inputName: 'archive-to', s3: options }),
      { onBatch: async () => gone.kill() },
    );
    expect(result.outcome).toBe('failed');
    expect(result.error!.message).toContain(`Rule 'analytics-events' on ${db}.events`);
    expect(result.error!.message).toContain('s3://archive/gone/analytics-events/');
    expect(result.rules[0]).toMatchObject({ rows: 10, batches: 1 });
    expect(result.rules[0]!.archives).toHaveLength(1);
    expect(await events().countDocuments()).toBe(30 - 10);
  } finally {
    await gone.stop().catch(() => undefined);
  }
});

it('names the archive of a batch whose delete failed: the server may have run it', async () => {
  const expected = await expiredRaw();
  let archives = 0;
  const result = await purge(
    policyText(join(dir, 'failed-delete')),
    (l) => openStorage(l, { inputName: 'archive-to' }),
    {
      afterArchive: () => {
        if (++archives === 2) throw new Error('the delete failed');
      },
    },
  );
  expect(result.outcome).toBe('failed');
  expect(result.error!.message).toContain('the delete failed; 10 documents in 1 batches stay deleted');
  expect(result.rules[0]).toMatchObject({ rows: 10, batches: 1 });
  // Both archives are named: the first batch's, and the failed one's (its documents are still there, a duplicate).
  expect(result.rules[0]!.archives).toHaveLength(2);
  expect(hex(splitBson(await decrypt(result.rules[0]!.archives[1]!.location)))).toEqual(hex(expected.slice(10, 20)));
  expect(await events().countDocuments()).toBe(30 - 10);
});

it('refuses an archiving run without encryption before deleting anything', async () => {
  await expect(
    operation(policyText(join(dir, 'clear')), {
      receiptsTo: join(dir, 'receipts-clear'),
      archiveEncryption: undefined,
    }),
  ).rejects.toMatchObject({
    code: 'INVALID_INPUT',
    message: expect.stringContaining("Input 'encrypt-to' is required: rule 'analytics-events' archives its rows"),
  });
  expect(await events().countDocuments()).toBe(30);
});

// The documented load-back (docs/retention.md): needs mongorestore, which this machine may not have.
itUnless(mongoToolsMissing())(
  'loads an archive back with the documented age | zstd | mongorestore, and bsondump shows it',
  async () => {
    const archiveDir = join(dir, 'load-back');
    const expected = await expiredRaw();
    const result = await operation(policyText(archiveDir), { receiptsTo: join(dir, 'receipts-load-back') });
    for (const archive of result.purge!.rules[0]!.archives) {
      await run(
        'sh',
        [
          '-c',
          'age -d -i "$KEY" "$ARCHIVE" | zstd -d | "$MONGORESTORE" --uri="$URL" --db="$DB" --collection=events_copy -',
        ],
        {
          env: {
            ...process.env,
            KEY: identityFile,
            ARCHIVE: archive.location,
            MONGORESTORE: mongoTool('mongorestore')!,
            URL: server.url(),
            DB: db,
          },
        },
      );
    }
    // bsondump shows an archive's documents as Extended JSON, one per line, without a server.
    const first = result.purge!.rules[0]!.archives[0]!;
    const { stdout } = await run('sh', ['-c', 'age -d -i "$KEY" "$ARCHIVE" | zstd -d | "$BSONDUMP" --quiet', 'sh'], {
      env: { ...process.env, KEY: identityFile, ARCHIVE: first.location, BSONDUMP: mongoTool('bsondump')! },
    });
    const dumped = stdout.trim().split('\n');
    expect(dumped).toHaveLength(first.rows);
    expect(dumped.map((line) => BSON.EJSON.parse(line, { relaxed: false }))).toEqual(
      expected.slice(0, first.rows).map((d) => BSON.deserialize(d, { promoteValues: false })),
    );
    const copy = await server.client
      .db(db)
      .collection('events_copy')
      .find({}, { raw: true, sort: { createdAt: 1, _id: 1 } })
      .toArray();
    expect(hex(copy as unknown as Buffer[])).toEqual(hex(expected));
  },
);
