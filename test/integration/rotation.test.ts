import { CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backup,
  checkFreshnessDefinition,
  DbopsError,
  executeRotation,
  findBackup,
  FULL_SCOPE,
  listDefinition,
  planRotation,
  listBackups,
  MemoryLogger,
  openStorage,
  parsePgTarget,
  restoreTestDefinition,
  retentionPurgeDefinition,
  Secrets,
  writeVerificationRecord,
  type RawInputs,
  type S3Options,
  type Storage,
  renderSummary,
} from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startS3Server, type S3Server, s3Client } from '../harness/s3.js';

// Rotation against real storage: real backups (taken with a clock set in the past, so their ids span months),
// a dry run that says what it would delete, then a run that deletes exactly that and nothing of other names.
let pg: PostgresServer;
let s3: S3Server;
let localDir: string;
const log = new MemoryLogger();
const context = () => ({ log, secrets: new Secrets(), env: process.env, signal: new AbortController().signal });

const DAYS = ['2026-01-05', '2026-01-20', '2026-02-03', '2026-02-17', '2026-03-01', '2026-03-02', '2026-03-03'];

/** A real backup of `database` into `to` as if taken at `at` (its id, manifest times and age follow the clock). */
function backupAt(
  to: string,
  name: string,
  at: Date,
  options: { database?: string; s3?: S3Options; jobs?: number } = {},
) {
  return backup({
    target: parsePgTarget({ url: pg.url(options.database) }),
    to,
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.jobs ? { jobs: options.jobs } : {}),
    name,
    compression: 'gzip',
    compressionLevel: 1,
    recipients: [],
    scope: FULL_SCOPE,
    pgDumpArgs: [],
    exactCountMaxBytes: 1 << 20,
    env: process.env,
    secrets: new Secrets(),
    log,
    clock: () => at,
  });
}

async function seed(location: string, s3Options?: S3Options): Promise<Storage> {
  const make = (name: string, day: string) =>
    backupAt(location, name, new Date(`${day}T02:00:00Z`), s3Options ? { s3: s3Options } : {});
  for (const day of DAYS) await make('prod', day);
  await make('prod/app', '2026-01-01'); // a nested name: never touched when rotating "prod"
  await make('staging', '2026-01-01'); // another name
  const storage = await openStorage(location, { inputName: 'from', ...(s3Options ? { s3: s3Options } : {}) });
  // A leftover of an abandoned upload (no manifest) from long ago, and one that may still be uploading.
  await storage.put('prod/20251201T020000Z-aaaaaa.dump.gz', Buffer.from('partial'));
  await storage.put(
    `prod/${new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, 'Z')}-bbbbbb.dump.gz`,
    Buffer.from('in flight'),
  );
  // Files of the user's that are named after backups but that dbops never writes: never leftovers.
  for (const key of USERS_FILES) await storage.put(key, Buffer.from("the user's own"));
  return storage;
}

const USERS_FILES = ['prod/20251201T020000Z-aaaaaa.sql', 'prod/20251201T020000Z-cccccc.dump.gz.notes'];

const ids = async (storage: Storage, name: string) =>
  (await listBackups(storage, { name })).map((e) => e.manifest.backupId.slice(0, 8));

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3Server()]);
  await pg.query('create table t as select g from generate_series(1, 100) g');
  await s3.createBucket('rotation');
  localDir = await mkdtemp(join(tmpdir(), 'dbops-rotation-'));
});
afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  await rm(localDir, { recursive: true, force: true });
});

describe.each(['local', 's3'])('rotation on %s storage', (kind) => {
  let location: string;
  let storage: Storage;
  let s3Inputs: RawInputs;

  beforeAll(async () => {
    s3Inputs =
      kind === 's3'
        ? {
            's3-endpoint': s3.endpoint,
            's3-access-key-id': s3.accessKeyId,
            's3-secret-access-key': s3.secretAccessKey,
            's3-region': s3.region,
          }
        : {};
    location = kind === 's3' ? 's3://rotation/backups' : localDir;
    const s3Options: S3Options | undefined =
      kind === 's3'
        ? { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, region: s3.region }
        : undefined;
    storage = await seed(location, s3Options);
    // The March 2 backup passed a restore test.
    const march2 = (await listBackups(storage, { name: 'prod' })).find((e) =>
      e.manifest.backupId.startsWith('20260302'),
    )!;
    await writeVerificationRecord(storage, 'prod', {
      backupId: march2.manifest.backupId,
      verifiedAt: '2026-03-02T05:00:00.000Z',
      restoredOn: 'localhost:5432',
      restoreSeconds: 1,
      checksPassed: 5,
      checkNames: [],
      dbops: { version: 'test' },
    });
  });

  const rotate = (extra: RawInputs) =>
    retentionPurgeDefinition.run({ from: location, name: 'prod', ...s3Inputs, ...extra }, context());

  test('a dry run (the default) deletes nothing and says what it would delete, with reasons', async () => {
    const before = (await storage.list('')).map((o) => o.key);
    const report = await rotate({ 'keep-daily': '2', 'keep-monthly': '2' });
    expect(report.outputs['dry-run']).toBe('true');
    expect(
      report.outputs['deleted-ids']!.split(',')
        .map((id) => id.slice(0, 8))
        .sort(),
    ).toEqual(['20260105', '20260120', '20260203', '20260301']);
    expect(renderSummary(report.results)).toContain('dry run: nothing deleted');
    expect(renderSummary(report.results)).toMatch(
      /20260303T020000Z-[0-9a-f]{6}` \| .* \| keep \| daily, monthly, newest/,
    );
    expect((await storage.list('')).map((o) => o.key)).toEqual(before);
  });

  test('keep-min-verified holds back deletions until enough newer verified backups are kept', async () => {
    const report = await rotate({ 'keep-last': '1', 'keep-min-verified': '1' });
    // Only March 2 is verified: it is held (min-verified) and only what is older than it may go.
    expect(
      report.outputs['deleted-ids']!.split(',')
        .map((id) => id.slice(0, 8))
        .sort(),
    ).toEqual(['20260105', '20260120', '20260203', '20260217', '20260301']);
    const none = await rotate({ 'keep-last': '1', 'keep-min-verified': '2' });
    expect(none.outputs['deleted-count']).toBe('0');
  });

  test('a real run deletes exactly what the plan said: objects, manifests and old leftovers; nothing of other names', async () => {
    const plan = await rotate({ 'keep-daily': '2', 'keep-monthly': '2' });
    const planned = plan.outputs['deleted-ids']!.split(',');
    const report = await rotate({ 'keep-daily': '2', 'keep-monthly': '2', 'dry-run': 'false' });
    expect(report.outputs['deleted-ids']!.split(',')).toEqual(planned);
    // keep-daily 2: March 3 and 2; keep-monthly 2: March (the 3rd) and February (the 17th).
    expect(await ids(storage, 'prod')).toEqual(['20260303', '20260302', '20260217']);
    expect(await ids(storage, 'prod/app')).toEqual(['20260101']);
    expect(await ids(storage, 'staging')).toEqual(['20260101']);
    const keys = (await storage.list('prod/')).map((o) => o.key).filter((k) => !k.startsWith('prod/app/'));
    for (const id of planned) expect(keys.filter((k) => k.includes(id))).toEqual([]);
    // Objects without a manifest written moments ago may belong to a run still verifying: left alone.
    expect(keys.filter((k) => /aaaaaa|bbbbbb/.test(k) && !USERS_FILES.includes(k))).toHaveLength(2);
    expect(keys.some((k) => /\.verified-\d{8}T\d{6}Z\.json$/.test(k))).toBe(true); // the kept backup keeps its record
  });

  test('objects without a manifest are deleted once older than the grace period, never before', async () => {
    const policy = { last: 10 };
    const now = new Date();
    const young = await planRotation(storage, 'prod', policy, { now, graceSeconds: 3600 });
    expect(young.leftovers.map((l) => l.action)).toEqual(['wait', 'wait']);
    const later = await planRotation(storage, 'prod', policy, {
      now: new Date(now.getTime() + 2 * 3600_000),
      graceSeconds: 3600,
    });
    expect(later.leftovers.map((l) => [l.backupId.slice(-6), l.action]).sort()).toEqual([
      ['aaaaaa', 'delete'],
      ['bbbbbb', 'delete'],
    ]);
    expect(later.backups.every((b) => b.keep)).toBe(true);
    await executeRotation(storage, later, log);
    const keys = (await storage.list('prod/')).map((o) => o.key);
    expect(keys.filter((k) => /aaaaaa|bbbbbb/.test(k))).toEqual(USERS_FILES.slice(0, 1));
    expect(keys.filter((k) => USERS_FILES.includes(k))).toEqual(USERS_FILES);
    expect(await ids(storage, 'prod')).toEqual(['20260303', '20260302', '20260217']);
  });

  /** What a SIGKILLed backup leaves behind: the temp file beside its object, or a multipart upload never completed. */
  async function leaveUnfinished(key: string): Promise<void> {
    if (kind === 'local') {
      const dir = join(localDir, ...key.split('/').slice(0, -1));
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `.${key.split('/').pop()}.partial-${randomBytes(8).toString('hex')}`), 'half a dump');
      return;
    }
    const client = s3Client(s3);
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: 'rotation', Key: `backups/${key}` }),
    );
    await client.send(
      new UploadPartCommand({
        Bucket: 'rotation',
        Key: `backups/${key}`,
        UploadId,
        PartNumber: 1,
        Body: Buffer.from('half a dump'),
      }),
    );
    client.destroy();
  }

  test('uploads a killed run left unfinished are discarded once silent longer than the grace period, never before', async () => {
    const key = 'prod/20260304T020000Z-eeeeee.dump.gz';
    const nested = 'prod/app/20260304T020000Z-ffffff.dump.gz'; // another name's: never touched when rotating "prod"
    await leaveUnfinished(key);
    await leaveUnfinished(nested);
    const backupsBefore = await ids(storage, 'prod');
    const now = new Date();
    const young = await planRotation(storage, 'prod', { last: 10 }, { now, graceSeconds: 3600 });
    expect(young.unfinished.map((u) => [u.upload.key, u.action])).toEqual([[key, 'wait']]);
    const report = await rotate({ 'keep-last': '10', 'dry-run': 'false' });
    expect(renderSummary(report.results)).toContain(`\`${key}\``);
    expect(renderSummary(report.results)).toContain('left alone: it may still be writing');
    expect((await storage.listIncomplete('prod/')).uploads.map((u) => u.key).sort()).toEqual([key, nested]);

    const later = await planRotation(
      storage,
      'prod',
      { last: 10 },
      { now: new Date(now.getTime() + 2 * 3600_000), graceSeconds: 3600 },
    );
    expect(later.unfinished.map((u) => [u.upload.key, u.action])).toEqual([[key, 'delete']]);
    await executeRotation(storage, later, log);
    expect((await storage.listIncomplete('prod/')).uploads.map((u) => u.key)).toEqual([nested]);
    expect(log.lines).toContainEqual(
      expect.stringMatching(`^info: Discarded the unfinished upload of ${key} \\(nothing written for 2 h 0 min\\)$`),
    );
    expect(await ids(storage, 'prod')).toEqual(backupsBefore);
  });

  test('the catalog shows which backups are verified', async () => {
    const entries = await listBackups(storage, { name: 'prod' });
    expect(entries.map((e) => [e.manifest.backupId.slice(0, 8), e.verifiedAt?.toISOString()])).toEqual([
      ['20260303', undefined],
      ['20260302', '2026-03-02T05:00:00.000Z'],
      ['20260217', undefined],
    ]);
  });

  test('check-freshness fails on stale backups and passes within max-age', async () => {
    const stale = await checkFreshnessDefinition.run(
      { from: location, name: 'prod', 'max-age': '26h', ...s3Inputs },
      context(),
    );
    expect(stale.outputs.fresh).toBe('false');
    expect((stale.failure as DbopsError).code).toBe('CHECK_FAILED');
    const fresh = await checkFreshnessDefinition.run(
      { from: location, name: 'prod', 'max-age': '10000d', verified: 'true', ...s3Inputs },
      context(),
    );
    expect(fresh.failure).toBeUndefined();
    expect(fresh.outputs['backup-id']!.slice(0, 8)).toBe('20260302');
  });
});

test('an S3 upload begun long ago but still receiving parts is not unfinished business: rotation leaves it alone', async () => {
  const storage = await openStorage('s3://rotation/long-upload', {
    inputName: 'from',
    s3: { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, region: s3.region },
  });
  const key = 'app/20260304T020000Z-abcdef.dump.zst';
  const client = s3Client(s3);
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: 'rotation', Key: `long-upload/${key}` }),
  );
  // A backup that began three hours ago (s3rver dates an upload by its key file) and sent a part just now.
  const threeHoursAgo = new Date(Date.now() - 3 * 3600_000);
  await utimes(join(s3.directory, 'rotation', '._S3rver_uploads', UploadId!, 'key'), threeHoursAgo, threeHoursAgo);
  await client.send(
    new UploadPartCommand({
      Bucket: 'rotation',
      Key: `long-upload/${key}`,
      UploadId,
      PartNumber: 1,
      Body: Buffer.from('still streaming'),
    }),
  );
  client.destroy();
  const plan = await planRotation(storage, 'app', { last: 1 }, { now: new Date(), graceSeconds: 3600 });
  expect(plan.unfinished.map((u) => [u.upload.key, u.action])).toEqual([[key, 'wait']]);
  // Planned an hour later, it is abandoned: but a part that arrives before the discard keeps it.
  const later = await planRotation(
    storage,
    'app',
    { last: 1 },
    { now: new Date(Date.now() + 2 * 3600_000), graceSeconds: 3600 },
  );
  expect(later.unfinished.map((u) => u.action)).toEqual(['delete']);
  await executeRotation(storage, { ...later, idleSince: new Date(Date.now() - 60_000) }, log);
  expect((await storage.listIncomplete('app/')).uploads.map((u) => u.key)).toEqual([key]);
  expect(log.lines).toContainEqual(
    `info: Left the unfinished upload of ${key} alone: it was written to after the plan was made, or is gone`,
  );
});

test.each([
  [403, 'AccessDenied', 'the credentials lack s3:ListBucketMultipartUploads'],
  [501, 'NotImplemented', 'the S3 server does not implement ListMultipartUploads'],
])('a store that answers %i %s to listing uploads: rotation warns and still rotates', async (status, code, reason) => {
  const location = `s3://rotation/no-uploads-${status}`;
  const s3Inputs = {
    's3-endpoint': s3.endpoint,
    's3-access-key-id': s3.accessKeyId,
    's3-secret-access-key': s3.secretAccessKey,
    's3-region': s3.region,
  };
  const s3Options = {
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    region: s3.region,
  };
  const old = await backupAt(location, 'app', new Date('2026-03-01T02:00:00Z'), { s3: s3Options });
  await backupAt(location, 'app', new Date('2026-03-02T02:00:00Z'), { s3: s3Options });
  s3.beforeEach(async (request) =>
    'uploads' in request.query && request.method === 'GET' ? { status, code } : undefined,
  );
  try {
    const report = await retentionPurgeDefinition.run(
      { from: location, name: 'app', 'keep-last': '1', 'dry-run': 'false', ...s3Inputs },
      context(),
    );
    expect(report.outputs['deleted-ids']).toBe(old.backupId);
    expect(log.lines).toContainEqual(
      `warn: Unfinished uploads under app/ were not looked for: ${reason}. Grant it, or set an AbortIncompleteMultipartUpload lifecycle rule on the bucket.`,
    );
  } finally {
    s3.beforeEach(undefined);
  }
});

describe('rotation never loses a history to another one, or to a damaged backup', () => {
  let dir: string;
  let storage: Storage;
  const take = (database: string, name: string, at: string) => backupAt(dir, name, new Date(at), { database });
  const record = (name: string, backupId: string) =>
    writeVerificationRecord(storage, name, {
      backupId,
      verifiedAt: '2026-04-01T00:00:00.000Z',
      restoredOn: 'localhost:5432',
      restoreSeconds: 1,
      checksPassed: 1,
      checkNames: [],
      dbops: { version: 'test' },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbops-rotation-sources-'));
    storage = await openStorage(dir, { inputName: 'from' });
    await pg.createDatabase('other_app');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('two databases backed up under one name are rotated apart: each keeps its own newest days', async () => {
    // Both services call their backups "app"; the other one's backups run an hour later every day.
    for (const day of ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']) {
      await take('postgres', 'app', `${day}T02:00:00Z`);
      await take('other_app', 'app', `${day}T03:00:00Z`);
    }
    const plan = await planRotation(
      storage,
      'app',
      { daily: 2 },
      { now: new Date('2026-03-05T00:00:00Z'), graceSeconds: 3600 },
    );
    const kept = plan.backups
      .filter((b) => b.keep)
      .map((b) => `${b.source.split(' ')[0]} ${b.id.slice(0, 8)}`)
      .sort();
    expect(kept).toEqual(['other_app 20260303', 'other_app 20260304', 'postgres 20260303', 'postgres 20260304']);
    const report = await retentionPurgeDefinition.run({ from: dir, name: 'app', 'keep-daily': '2' }, context());
    expect(renderSummary(report.results)).toMatch(
      /come from 2 sources, each rotated on its own: .*other_app on .*postgres on /,
    );
  });

  test('a manifest whose object is gone is kept as damaged and never stands in for a verified backup', async () => {
    const oldest = await take('postgres', 'damaged', '2026-03-01T02:00:00Z');
    const middle = await take('postgres', 'damaged', '2026-03-02T02:00:00Z');
    const newest = await take('postgres', 'damaged', '2026-03-03T02:00:00Z');
    await record('damaged', oldest.backupId);
    await record('damaged', newest.backupId);
    await storage.delete(newest.manifest.object.key);
    const report = await retentionPurgeDefinition.run(
      { from: dir, name: 'damaged', 'keep-last': '1', 'keep-min-verified': '1', 'dry-run': 'false' },
      context(),
    );
    // Counting the damaged newest as the verified keeper would have deleted the only restorable verified backup.
    expect(report.outputs['deleted-count']).toBe('0');
    const plan = await planRotation(
      storage,
      'damaged',
      { last: 1, minVerified: 1 },
      { now: new Date(), graceSeconds: 3600 },
    );
    expect(plan.backups.map((b) => [b.id, b.reasons])).toEqual([
      [newest.backupId, ['damaged']],
      [middle.backupId, ['last', 'newest']],
      [oldest.backupId, ['min-verified']],
    ]);
    expect(plan.backups[0]!.setAside).toEqual({ reason: 'damaged', detail: 'its object is missing' });
    expect(renderSummary(report.results)).toContain(
      `\`${newest.backupId}\`: its object is missing; it cannot be restored`,
    );
    expect(log.lines).toContainEqual(
      expect.stringMatching(`^warn: Backup damaged/${newest.backupId} is damaged: its object is missing`),
    );
  });

  test('check-freshness does not count a backup whose object or part is missing or cut short, as rotation does not', async () => {
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();
    const check = async (name: string, verified = 'false') => {
      const from = log.lines.length;
      const report = await checkFreshnessDefinition.run({ from: dir, name, 'max-age': '26h', verified }, context());
      return { report, warnings: log.lines.slice(from).filter((l) => l.startsWith('warn:')) };
    };

    // The newest backup's object lost its tail: the name is stale (fail closed), whatever older backups there are.
    await take('postgres', 'short', hoursAgo(3));
    const short = await take('postgres', 'short', hoursAgo(1));
    const bytes = short.manifest.object.storedBytes;
    await truncate(join(dir, short.manifest.object.key), bytes - 1);
    const cut = await check('short');
    expect(cut.report.outputs.fresh).toBe('false');
    expect(cut.report.failure?.message).toBe(
      `The newest backup of short (postgres), ${short.backupId}, cannot be restored: its object has ${bytes - 1} bytes, not ${bytes}`,
    );
    expect((cut.report.failure as DbopsError | undefined)?.hint).toMatch(/take a new backup/);

    // A parallel backup whose part is gone: the same test rotation sets it aside with.
    const parallel = await backupAt(dir, 'parts', new Date(hoursAgo(1)), { jobs: 2 });
    const part = parallel.manifest.parts![0]!;
    await storage.delete(part.key);
    const lost = await check('parts');
    expect(lost.report.outputs.fresh).toBe('false');
    expect(lost.report.failure?.message).toContain(
      `${parallel.backupId}, cannot be restored: its part ${part.file} is missing`,
    );
    const plan = await planRotation(storage, 'parts', { last: 1 }, { now: new Date(), graceSeconds: 3600 });
    expect(plan.backups[0]!.setAside).toEqual({ reason: 'damaged', detail: `its part ${part.file} is missing` });

    // An older damaged backup is skipped, and said so: the only verified one, its object gone, does not count.
    const tested = await take('postgres', 'tested-gone', hoursAgo(3));
    await record('tested-gone', tested.backupId);
    await take('postgres', 'tested-gone', hoursAgo(1));
    await storage.delete(tested.manifest.object.key);
    const skipped = await check('tested-gone', 'true');
    expect(skipped.report.outputs.fresh).toBe('false');
    expect(skipped.report.failure?.message).toMatch(/tested-gone .* has no verified backup: none of its 2 backups/);
    expect(skipped.warnings).toEqual([
      `warn: Backup tested-gone/${tested.backupId} is damaged: its object is missing. Not counted as fresh; look into it.`,
    ]);
    expect((await check('tested-gone')).report.outputs.fresh).toBe('true'); // the newest, intact, counts
  });

  test('an object whose manifest appears between the plan and the deletion is left alone', async () => {
    await storage.put('late/20251201T020000Z-cccccc.dump.gz', Buffer.from('finishing'));
    const plan = await planRotation(
      storage,
      'late',
      { last: 1 },
      { now: new Date(Date.now() + 2 * 3600_000), graceSeconds: 3600 },
    );
    expect(plan.leftovers.map((l) => l.action)).toEqual(['delete']);
    await storage.put('late/20251201T020000Z-cccccc.manifest.json', Buffer.from('{}')); // the backup finished meanwhile
    await executeRotation(storage, plan, log);
    expect((await storage.list('late/')).map((o) => o.key).sort()).toEqual([
      'late/20251201T020000Z-cccccc.dump.gz',
      'late/20251201T020000Z-cccccc.manifest.json',
    ]);
  });

  test('a backup that finishes between the manifest check and the deletes fails the rotation, naming it', async () => {
    const object = 'racing/20251201T020000Z-dddddd.dump.gz';
    const manifest = 'racing/20251201T020000Z-dddddd.manifest.json';
    await storage.put(object, Buffer.from('finishing'));
    const plan = await planRotation(
      storage,
      'racing',
      { last: 1 },
      { now: new Date(Date.now() + 2 * 3600_000), graceSeconds: 3600 },
    );
    expect(plan.leftovers.map((l) => l.action)).toEqual(['delete']);
    // The real storage, except that the backup writes its manifest just after rotation's first look finds none.
    let finished = false;
    const racing: Storage = Object.assign(Object.create(storage) as Storage, {
      async stat(key: string) {
        const found = await storage.stat(key);
        if (key === manifest && !finished) {
          finished = true;
          await storage.put(manifest, Buffer.from('{}'));
        }
        return found;
      },
    });
    const error = await executeRotation(racing, plan, log).catch((e: unknown) => e);
    expect(finished).toBe(true);
    expect(error).toBeInstanceOf(DbopsError);
    expect(error).toMatchObject({ code: 'CONFLICT' });
    expect((error as DbopsError).message).toMatch(
      /^Backup racing\/20251201T020000Z-dddddd finished while rotation deleted its objects as a leftover/,
    );
    expect((await storage.list('racing/')).map((o) => o.key)).toEqual([manifest]);
  });

  test('a manifest with an unreadable startedAt stops the rotation of its name instead of reordering it', async () => {
    const good = await take('postgres', 'odd-time', '2026-03-01T02:00:00Z');
    const manifestKey = `odd-time/${good.backupId}.manifest.json`;
    const manifest = JSON.parse(await streamText(await storage.get(manifestKey))) as Record<string, unknown>;
    await storage.put(
      `odd-time/20260302T020000Z-dddddd.manifest.json`,
      Buffer.from(JSON.stringify({ ...manifest, backupId: '20260302T020000Z-dddddd', startedAt: 'yesterday' })),
    );
    const error = await planRotation(storage, 'odd-time', { last: 1 }, { now: new Date(), graceSeconds: 3600 }).catch(
      (e: unknown) => e,
    );
    expect((error as DbopsError).code).toBe('INTEGRITY_FAILED');
    expect((error as DbopsError).message).toContain('startedAt is not an ISO 8601 UTC time');
  });
});

test('check-freshness judges each backup name on its own, and safety backups are no schedule', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-freshness-'));
  try {
    const take = (name: string, hoursAgo: number) => backupAt(dir, name, new Date(Date.now() - hoursAgo * 3600_000));
    const stopped = await take('app', 240); // this schedule stopped ten days ago...
    await take('other', 1); // ...while another name's runs on
    await take('pre-restore/app', 1); // and a restore took a safety backup an hour ago
    const report = await checkFreshnessDefinition.run({ from: dir, 'max-age': '26h' }, context());
    expect(report.outputs.fresh).toBe('false');
    expect(report.outputs['backup-id']).toBe(stopped.backupId);
    expect((report.failure as DbopsError).code).toBe('CHECK_FAILED');
    expect((report.failure as DbopsError).message).toMatch(
      new RegExp(
        `^The newest backup of app \\(postgres\\), ${stopped.backupId}, is 240 h \\d+ min old \\(limit 26 h 0 min\\)$`,
      ),
    );
    expect(renderSummary(report.results)).toContain('✅ The newest backup of other');
    expect(renderSummary(report.results)).not.toContain('pre-restore/app');
    // Asked for by name, a safety backup's freshness is checked like any other.
    const safety = await checkFreshnessDefinition.run(
      { from: dir, name: 'pre-restore/app', 'max-age': '26h' },
      context(),
    );
    expect(safety.outputs.fresh).toBe('true');
    // A name with no backup at all (a typo?) says which filter found nothing.
    const typo = await checkFreshnessDefinition
      .run({ from: dir, name: 'ap', 'max-age': '26h' }, context())
      .catch((e: unknown) => e);
    expect(typo).toMatchObject({
      code: 'NO_BACKUP',
      input: 'name',
      message: `No complete backup in ${dir} for name ap`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describe('a backup dated in the future (taken with a wrong clock) steers nothing', () => {
  const DAY = 86_400_000;
  let dir: string;
  let storage: Storage;
  const take = (name: string, offsetMs: number) => backupAt(dir, name, new Date(Date.now() + offsetMs));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbops-future-'));
    storage = await openStorage(dir, { inputName: 'from' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('rotation sets it aside: keep-within is measured from the newest backup really taken', async () => {
    const old = await take('clock', -10 * DAY);
    const yesterday = await take('clock', -2 * DAY);
    const today = await take('clock', -1 * DAY);
    const future = await take('clock', 365 * DAY);
    // Anchored at the future backup, keep-within 2d would delete every backup really taken.
    const report = await retentionPurgeDefinition.run(
      { from: dir, name: 'clock', 'keep-within': '2d', 'dry-run': 'false' },
      context(),
    );
    expect(report.outputs['deleted-ids']).toBe(old.backupId);
    const plan = await planRotation(
      storage,
      'clock',
      { withinSeconds: 2 * 86_400 },
      { now: new Date(), graceSeconds: 3600 },
    );
    expect(plan.backups.map((b) => [b.id, b.reasons])).toEqual([
      [future.backupId, ['future-dated']],
      [today.backupId, ['within', 'newest']],
      [yesterday.backupId, ['within']],
    ]);
    expect(plan.backups[0]!.setAside).toEqual({
      reason: 'future-dated',
      detail: expect.stringMatching(/^it is dated \d{4}-.*after this run's clock/),
    });
    expect(renderSummary(report.results)).toContain('Backups dated in the future');
    expect(renderSummary(report.results)).toMatch(/in the future \| — \| keep \| future-dated \|/);
    expect(log.lines).toContainEqual(
      expect.stringMatching(`^warn: Backup clock/${future.backupId} is dated in the future`),
    );
  });

  test('restores never take it for the newest backup, and name it when it is the only one', async () => {
    const real = await take('restore-clock', -1 * DAY);
    const future = await take('restore-clock', 30 * DAY);
    expect((await findBackup(storage, { name: 'restore-clock' })).manifest.backupId).toBe(real.backupId);
    expect((await findBackup(storage, { name: 'restore-clock', backupId: future.backupId })).manifest.backupId).toBe(
      future.backupId,
    );
    await take('only-future', 30 * DAY);
    const error = await findBackup(storage, { name: 'only-future' }).catch((e: unknown) => e);
    expect((error as DbopsError).code).toBe('NO_BACKUP');
    expect((error as DbopsError).input).toBe('backup-id');
    expect((error as DbopsError).message).toMatch(
      /dated before now \(\d{8}T\d{6}Z-[0-9a-f]{6} is dated in the future: taken with a wrong clock\)$/,
    );
  });

  test('check-freshness does not count it: a stopped schedule is stale whatever the wrong clock said', async () => {
    const stopped = await take('fresh-clock', -10 * DAY);
    const future = await take('fresh-clock', 365 * DAY);
    const report = await checkFreshnessDefinition.run({ from: dir, name: 'fresh-clock', 'max-age': '26h' }, context());
    expect(report.outputs.fresh).toBe('false');
    expect(report.outputs['backup-id']).toBe(stopped.backupId);
    expect((report.failure as DbopsError).code).toBe('CHECK_FAILED');
    expect((report.json as { names: unknown[] }).names).toEqual([
      expect.objectContaining({ backupId: stopped.backupId, fresh: false, datedInFuture: [future.backupId] }),
    ]);
    expect(log.lines).toContainEqual(
      expect.stringMatching(`^warn: ${future.backupId} of fresh-clock is dated in the future`),
    );
  });
});

test('check-freshness with verified fails a name none of whose backups has passed a restore test', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-freshness-verified-'));
  try {
    const tested = await backupAt(dir, 'tested', new Date(Date.now() - 3600_000));
    await backupAt(dir, 'untested', new Date(Date.now() - 3600_000));
    await backupAt(dir, 'untested', new Date(Date.now() - 7200_000));
    const storage = await openStorage(dir, { inputName: 'from' });
    await writeVerificationRecord(storage, 'tested', {
      backupId: tested.backupId,
      verifiedAt: new Date().toISOString(),
      restoredOn: 'localhost:5432',
      restoreSeconds: 1,
      checksPassed: 1,
      checkNames: [],
      dbops: { version: 'test' },
    });
    const report = await checkFreshnessDefinition.run({ from: dir, 'max-age': '26h', verified: 'true' }, context());
    expect(report.outputs).toEqual({ 'backup-id': '', 'age-seconds': '', fresh: 'false' });
    expect((report.failure as DbopsError).message).toBe(
      'The name untested (postgres) has no verified backup: none of its 2 backups has passed a restore test',
    );
    expect(renderSummary(report.results)).toContain(
      `✅ The newest verified backup of tested (postgres), ${tested.backupId}`,
    );
    // Checked by name, the tested one passes alone.
    expect(
      (await checkFreshnessDefinition.run({ from: dir, name: 'tested', 'max-age': '26h', verified: 'true' }, context()))
        .outputs.fresh,
    ).toBe('true');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// A manifest cut short (as a full disk once left one) stops its own name, fail closed, and nothing else.
test('a damaged manifest stops only its own name: list, check-freshness, rotation and restore-test go on for the others', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-damaged-'));
  try {
    await pg.createDatabase('damage_src');
    const take = (name: string, daysAgo: number) =>
      backupAt(dir, name, new Date(Date.now() - daysAgo * 86_400_000), { database: 'damage_src' });
    const good = [await take('good', 3), await take('good', 2), await take('good', 1)];
    const bad = [await take('bad', 3), await take('bad', 2)];
    const damagedKey = `bad/${bad[1]!.backupId}.manifest.json`;
    const damagedFile = join(dir, 'bad', `${bad[1]!.backupId}.manifest.json`);
    const text = await readFile(damagedFile);
    await writeFile(damagedFile, text.subarray(0, Math.floor(text.length / 2)));
    const namesFile = (error: unknown) => {
      expect(error).toBeInstanceOf(DbopsError);
      expect((error as DbopsError).code).toBe('INTEGRITY_FAILED');
      expect((error as DbopsError).message).toContain(damagedFile);
      expect((error as DbopsError).hint).toMatch(
        /not rotated and fail freshness checks \(other names go on\).*restore it from the storage's versioning/,
      );
    };

    // list: every readable backup, the damaged file named, and a failed run (the list is incomplete).
    const listed = await listDefinition.run({ from: dir }, context());
    expect(listed.outputs.count).toBe('4');
    expect(listed.outputs['newest-backup-id']).toBe(good[2]!.backupId);
    expect(renderSummary(listed.results)).toContain(damagedKey);
    namesFile(listed.failure);
    expect((await listDefinition.run({ from: dir, name: 'good' }, context())).failure).toBeUndefined();

    // check-freshness: the other name is judged (fresh); the damaged one fails closed, naming the file.
    const freshness = await checkFreshnessDefinition.run({ from: dir, 'max-age': '30d' }, context());
    expect(freshness.outputs.fresh).toBe('false');
    expect(
      (freshness.json as { names: Array<{ name: string; fresh: boolean }> }).names.map((n) => [n.name, n.fresh]),
    ).toEqual([
      ['bad', false],
      ['good', true],
    ]);
    expect((freshness.failure as DbopsError).message).toContain(damagedFile);
    expect((freshness.failure as DbopsError).hint).toContain("storage's versioning");
    expect(
      (await checkFreshnessDefinition.run({ from: dir, name: 'good', 'max-age': '30d' }, context())).outputs.fresh,
    ).toBe('true');

    // rotation: the other name is rotated; nothing of the damaged one's is deleted, and the run fails saying why.
    const before = (await readdir(join(dir, 'bad'))).sort();
    const rotated = await retentionPurgeDefinition.run({ from: dir, 'keep-last': '1', 'dry-run': 'false' }, context());
    expect(rotated.outputs['deleted-ids']!.split(',').sort()).toEqual([good[0]!.backupId, good[1]!.backupId].sort());
    expect((await readdir(join(dir, 'bad'))).sort()).toEqual(before);
    namesFile((rotated.failure as DbopsError).cause);
    expect((rotated.failure as DbopsError).message).toMatch(/^bad was not rotated: /);
    expect(renderSummary(rotated.results)).toContain('`bad` not rotated: nothing of it was deleted');

    // restore-test: a named good backup restores whatever else is damaged; the newest of the damaged name is unknown.
    const storage = await openStorage(dir, { inputName: 'from' });
    const restored = await restoreTestDefinition.run(
      { from: dir, 'backup-id': bad[0]!.backupId, 'target-url': pg.url('postgres') },
      context(),
    );
    expect(restored.failure).toBeUndefined();
    expect(restored.outputs['backup-id']).toBe(bad[0]!.backupId);
    expect((await findBackup(storage, { name: 'good' })).manifest.backupId).toBe(good[2]!.backupId);
    namesFile(await findBackup(storage, { name: 'bad' }).catch((e: unknown) => e));
    namesFile(await findBackup(storage, { backupId: bad[1]!.backupId }).catch((e: unknown) => e));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

test.each([
  [{ 'keep-daily': '-1' }, 'keep-daily'],
  [{ 'keep-weekly': 'two' }, 'keep-weekly'],
  [{ 'keep-within': '3 days' }, 'keep-within'],
  [{ 'keep-last': '1e3' }, 'keep-last'],
  [{ 'keep-last': '0' }, 'keep-daily'],
  [{ 'keep-daily': '7', 'keep-min-verified': '-2' }, 'keep-min-verified'],
  [{}, 'keep-daily'],
])('bad keep rules are refused before anything is read: %p', async (inputs, input) => {
  const error = await retentionPurgeDefinition
    .run({ from: join(localDir, 'nowhere'), ...inputs }, context())
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DbopsError);
  expect((error as DbopsError).code).toBe('INVALID_INPUT');
  expect((error as DbopsError).input).toBe(input);
});
