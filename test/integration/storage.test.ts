import { execFileSync } from 'node:child_process';
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DbopsError, type ErrorCode } from '../../packages/core/src/errors.js';
import {
  LocalStorage,
  openStorage,
  putRecord,
  type S3Options,
  type Storage,
} from '../../packages/core/src/storage/index.js';
import { S3Storage } from '../../packages/core/src/storage/s3.js';
import { startS3Server, type S3Server, s3Client } from '../harness/s3.js';
import { mountNoLinkDisk, noLinkDiskUnavailable } from '../harness/no-link-disk.js';
import { mountSmallDisk, smallDiskAvailable } from '../harness/small-disk.js';

const MiB = 1024 * 1024;
const BUCKET = 'dbops-test';
/** s3rver accepts any secret with its access key id, so every S3 test can check this never shows up in an error. */
const SECRET = `secret-${randomBytes(8).toString('hex')}`;
const DATA = randomBytes(40 * MiB);

/** What the shared suite needs from a backend: a fresh, empty storage per test and a look at work in progress. */
interface Backend {
  open(): Promise<Storage>;
  /** Partial files on disk (local) or multipart uploads (S3) under the last opened storage. */
  inProgress(): Promise<string[]>;
  close(): Promise<void>;
}

async function localBackend(): Promise<Backend> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-local-'));
  let root = '';
  let count = 0;
  return {
    async open() {
      root = path.join(base, `t${++count}`);
      return openStorage(root, { inputName: 'to' });
    },
    // Hidden files are work in progress (temp files of a put); with list() empty, no file at all may remain.
    inProgress: async () => (await filesUnder(root)).filter((file) => path.basename(file).startsWith('.')),
    close: () => fs.rm(base, { recursive: true, force: true }),
  };
}

async function s3Backend(): Promise<Backend> {
  const server = await startS3Server();
  await server.createBucket(BUCKET);
  const client = rawClient(server);
  let prefix = '';
  let count = 0;
  return {
    async open() {
      prefix = `t${++count}`;
      return openStorage(`s3://${BUCKET}/${prefix}`, {
        inputName: 'to',
        s3: s3Options(server, { partSizeBytes: 5 * MiB }),
      });
    },
    async inProgress() {
      const { Uploads = [] } = await client.send(
        new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: `${prefix}/` }),
      );
      return Uploads.map((upload) => upload.Key ?? '');
    },
    async close() {
      client.destroy();
      await server.stop();
    },
  };
}

describe.each([
  ['local', localBackend],
  ['S3', s3Backend],
])('%s storage', (_name, makeBackend) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await makeBackend();
  });
  afterAll(() => backend?.close());

  test('a multipart-sized stream round-trips byte for byte', async () => {
    const storage = await backend.open();
    await storage.preflight();
    const { size } = await storage.put('db/20250101T000000Z-abcdef.dump', chunked(DATA), {
      contentType: 'application/octet-stream',
    });
    expect(size).toBe(DATA.length);
    expect(sha256(await readAll(await storage.get('db/20250101T000000Z-abcdef.dump')))).toBe(sha256(DATA));
    expect(await storage.stat('db/20250101T000000Z-abcdef.dump')).toMatchObject({
      key: 'db/20250101T000000Z-abcdef.dump',
      size: DATA.length,
    });
    expect(await backend.inProgress()).toEqual([]);
  });

  test('small streams and buffers round-trip too (single-request upload)', async () => {
    const storage = await backend.open();
    const small = DATA.subarray(0, 100_000);
    await storage.put('small.bin', chunked(small, 16 * 1024));
    await storage.put('m.json', Buffer.from('{"ok":true}'), { contentType: 'application/json' });
    await storage.put('empty', Buffer.alloc(0));
    expect(sha256(await readAll(await storage.get('small.bin')))).toBe(sha256(small));
    expect((await readAll(await storage.get('m.json'))).toString()).toBe('{"ok":true}');
    expect((await storage.stat('empty'))?.size).toBe(0);
  });

  test('put refuses to overwrite an existing key', async () => {
    const storage = await backend.open();
    await storage.put('a/key', Buffer.from('first'));
    const error = await expectError(storage.put('a/key', Buffer.from('second')), 'ALREADY_EXISTS');
    expect(error.message).toContain(storage.locate('a/key'));
    const stream = chunked(Buffer.from('third'));
    await expectError(storage.put('a/key', stream), 'ALREADY_EXISTS');
    expect(stream.destroyed).toBe(true); // a producer writing into it is not left waiting
    expect((await readAll(await storage.get('a/key'))).toString()).toBe('first');
  });

  test('a body that fails mid-way leaves nothing under the key', async () => {
    const storage = await backend.open();
    let seenInProgress: string[] = [];
    const failure = new Error('pg_dump exited with code 1');
    const body = Readable.from(
      (async function* () {
        yield* chunks(DATA.subarray(0, 30 * MiB));
        seenInProgress = await eventually(() => backend.inProgress());
        throw failure;
      })(),
      { objectMode: true, highWaterMark: 1 },
    );
    await expect(storage.put('db/broken.dump', body)).rejects.toBe(failure);
    expect(seenInProgress).toHaveLength(1); // the test really caught a put half-way
    await expectNothingLeft(storage, backend, 'db/broken.dump');
  });

  test('an abort mid-put leaves nothing under the key', async () => {
    const storage = await backend.open();
    const controller = new AbortController();
    let seenInProgress: string[] = [];
    const body = Readable.from(
      (async function* () {
        yield* chunks(DATA.subarray(0, 30 * MiB));
        seenInProgress = await eventually(() => backend.inProgress());
        controller.abort();
        yield* chunks(DATA.subarray(30 * MiB));
      })(),
      { objectMode: true, highWaterMark: 1 },
    );
    await expectError(storage.put('db/cancelled.dump', body, { signal: controller.signal }), 'CANCELLED');
    expect(seenInProgress).toHaveLength(1);
    await expectNothingLeft(storage, backend, 'db/cancelled.dump');
  });

  test('an already aborted signal stores nothing', async () => {
    const storage = await backend.open();
    await expectError(storage.put('x', Buffer.from('x'), { signal: AbortSignal.abort() }), 'CANCELLED');
    await expectNothingLeft(storage, backend, 'x');
  });

  test('list is recursive, filtered by prefix, in key order; delete removes', async () => {
    const storage = await backend.open();
    for (const key of ['b/2', 'a/1', 'b/1', 'b10', 'b/sub/3']) await storage.put(key, Buffer.from(key));
    expect((await storage.list('')).map((o) => o.key)).toEqual(['a/1', 'b/1', 'b/2', 'b/sub/3', 'b10']);
    expect((await storage.list('b/')).map((o) => o.key)).toEqual(['b/1', 'b/2', 'b/sub/3']);
    expect((await storage.list('b')).map((o) => o.key)).toEqual(['b/1', 'b/2', 'b/sub/3', 'b10']);
    expect((await storage.list('nothing/')).map((o) => o.key)).toEqual([]);
    const [first] = await storage.list('a/');
    expect(first).toMatchObject({ key: 'a/1', size: 3 });
    expect(first!.lastModified.getTime()).toBeGreaterThan(Date.now() - 60_000);

    await storage.delete('b/sub/3');
    await storage.delete('b/sub/3'); // deleting twice is fine
    expect(await storage.stat('b/sub/3')).toBeUndefined();
    expect((await storage.list('b/')).map((o) => o.key)).toEqual(['b/1', 'b/2']);
  });

  test('a missing key: stat is undefined, get fails with STORAGE_NOT_FOUND', async () => {
    const storage = await backend.open();
    expect(await storage.stat('no/such.dump')).toBeUndefined();
    const error = await expectError(storage.get('no/such.dump'), 'STORAGE_NOT_FOUND');
    expect(error.message).toContain("'to'");
  });

  test('keys that could escape the root are refused', async () => {
    const storage = await backend.open();
    for (const key of ['../escape', 'a/../../b', '/abs', 'a//b', '', 'a\\b']) {
      await expectError(storage.put(key, Buffer.from('x')), 'INTERNAL');
    }
    await expectError(storage.list('../'), 'INTERNAL');
  });
});

describe('local storage', () => {
  let base: string;
  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-local-'));
  });
  afterAll(() => fs.rm(base, { recursive: true, force: true }));

  test('display and locate are absolute paths; relative roots resolve against the working directory', async () => {
    const storage = await openStorage(path.join(base, 'x'), { inputName: 'to' });
    expect(storage).toBeInstanceOf(LocalStorage);
    expect(storage.display).toBe(path.join(base, 'x'));
    expect(storage.locate('db/1.dump')).toBe(path.join(base, 'x', 'db', '1.dump'));
    expect((await openStorage('rel/dir', { inputName: 'to' })).display).toBe(path.resolve('rel/dir'));
  });

  test('preflight creates the directory and leaves no probe behind', async () => {
    const root = path.join(base, 'new', 'nested');
    await (await openStorage(root, { inputName: 'to' })).preflight();
    expect(await fs.readdir(root)).toEqual([]);
  });

  test('a path under a regular file fails (even as root), naming the input', async () => {
    const file = path.join(base, 'a-file');
    await fs.writeFile(file, 'not a directory');
    for (const root of [file, path.join(file, 'sub')]) {
      const storage = await openStorage(root, { inputName: 'backup-to' });
      const error = await expectError(storage.preflight(), 'INVALID_INPUT');
      expect(error.input).toBe('backup-to');
      expect(error.message).toContain("'backup-to'");
      expect(error.message).toContain('is not a directory');
      await expectError(storage.put('k', Buffer.from('x')), 'INVALID_INPUT');
    }
  });

  test("a directory the file system will not create (under /proc) fails at once (Node's recursive mkdir loops for ever)", async () => {
    const error = await expectError(
      (await openStorage('/proc/dbops-backups/prod', { inputName: 'to' })).preflight(),
      'STORAGE_FAILED',
    );
    expect(error.message).toContain("Input 'to' (/proc/dbops-backups/prod)");
    expect(error.message).toContain('ENOENT');
  });

  // Root ignores permission bits: as root the directory is made immutable (chattr +i) instead.
  test('a directory without write permission is reported as not writable', async () => {
    const root = path.join(base, 'read-only');
    await fs.mkdir(root, { mode: 0o500 });
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('chattr', ['+i', root]);
    try {
      const error = await expectError(
        (await openStorage(root, { inputName: 'to' })).preflight(),
        'STORAGE_ACCESS_DENIED',
      );
      expect(error.message).toContain('is not writable');
      expect(error.hint).toContain('runner user can write');
    } finally {
      if (asRoot) execFileSync('chattr', ['-i', root]);
    }
  });

  // An exFAT volume through FUSE (test/harness/no-link-disk.ts); skipped, saying why, where it cannot be mounted.
  (noLinkDiskUnavailable ? test.skip : test)(
    `a file system without hard links (exFAT) fails preflight saying so, and a put says so too and leaves nothing${noLinkDiskUnavailable ? ` (skipped: ${noLinkDiskUnavailable})` : ''}`,
    async () => {
      const disk = await mountNoLinkDisk();
      try {
        const storage = await openStorage(path.join(disk.path, 'backups'), { inputName: 'to' });
        const refused = await expectError(storage.preflight(), 'STORAGE_FAILED');
        expect(refused.message).toBe(
          `Input 'to' (${disk.path}/backups): ${disk.path}/backups is on a file system that does not support hard links`,
        );
        expect(refused.hint).toMatch(/exFAT, FAT \(vfat\)/);
        expect(await fs.readdir(path.join(disk.path, 'backups'))).toEqual([]); // no probe left
        // A put that was not preceded by a preflight: the same cause, not "not writable by this user".
        const failed = await expectError(storage.put('db/1.dump', Buffer.from('dump')), 'STORAGE_FAILED');
        expect(failed.message).toBe(
          `Input 'to' (${disk.path}/backups): ${disk.path}/backups/db/1.dump is on a file system that does not support hard links`,
        );
        expect(await filesUnder(path.join(disk.path, 'backups'))).toEqual([]);
      } finally {
        await disk.unmount();
      }
    },
  );

  test('two racing puts of one key: exactly one wins, the other gets ALREADY_EXISTS', async () => {
    const storage = await openStorage(path.join(base, 'race'), { inputName: 'to' });
    const results = await Promise.allSettled([
      storage.put('k', chunked(DATA.subarray(0, 8 * MiB))),
      storage.put('k', chunked(DATA.subarray(8 * MiB, 16 * MiB))),
    ]);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results[1 - winner] as PromiseRejectedResult;
    expect((loser.reason as DbopsError).code).toBe('ALREADY_EXISTS');
    const expected = winner === 0 ? DATA.subarray(0, 8 * MiB) : DATA.subarray(8 * MiB, 16 * MiB);
    expect(sha256(await readAll(await storage.get('k')))).toBe(sha256(expected));
    expect(await filesUnder(path.join(base, 'race'))).toEqual([path.join(base, 'race', 'k')]);
  });

  test('list ignores partial files another run left behind', async () => {
    const root = path.join(base, 'stray');
    await fs.mkdir(path.join(root, 'db'), { recursive: true });
    await fs.writeFile(path.join(root, 'db', '.1.dump.partial-0123456789abcdef'), 'half');
    await fs.writeFile(path.join(root, 'db', '1.manifest.json'), '{}');
    const storage = await openStorage(root, { inputName: 'to' });
    expect((await storage.list('')).map((o) => o.key)).toEqual(['db/1.manifest.json']);
  });

  test('a put that fails leaves no directory it made: a failed run leaves no empty <to>/<name>/', async () => {
    const root = path.join(base, 'failed-put');
    const storage = await openStorage(root, { inputName: 'to' });
    await storage.preflight();
    await storage.put('kept/1.dump', Buffer.from('x'));
    const failing = () =>
      Readable.from(
        (async function* () {
          yield Buffer.from('half a dump');
          throw new Error('pg_dump exited with code 1');
        })(),
      );
    await expect(storage.put('prod/app/2.dump', failing())).rejects.toThrow('pg_dump exited');
    await expect(storage.put('kept/2.dump', failing())).rejects.toThrow('pg_dump exited');
    // The directories it made are gone; one that held a file already stays.
    expect(await filesUnder(root)).toEqual([path.join(root, 'kept', '1.dump')]);
    expect((await fs.readdir(root)).sort()).toEqual(['kept']);
  });

  // A nearly full tmpfs stores part of a write and says so only through the count it returns (no error).
  (smallDiskAvailable ? test : test.skip)(
    'on a nearly full disk a put is whole or fails: no short file, no temp file, no directory left',
    async () => {
      const disk = await mountSmallDisk(64 * 1024);
      try {
        const root = path.join(disk.path, 'backups');
        const storage = await openStorage(root, { inputName: 'to' });
        await storage.put('db/1.dump', randomBytes(40_000));
        const free = (await fs.statfs(disk.path)).bavail * (await fs.statfs(disk.path)).bsize;
        expect(free).toBeGreaterThan(0); // the next put really starts and is cut short, not refused at once
        const record = Buffer.from(JSON.stringify({ padding: 'x'.repeat(free + 10_000) }));
        for (const key of ['db/1.manifest.json', 'other/1.manifest.json']) {
          const error = await expectError(storage.put(key, record), 'STORAGE_FAILED');
          expect(error.message).toMatch(/no space left on the device after [\d.]+ KiB of it were written$/);
          expect(error.hint).toMatch(/Free disk space/);
        }
        expect(await filesUnder(root)).toEqual([path.join(root, 'db', '1.dump')]);
        // A Buffer body is written by a single write call: the case a loop over chunks alone would miss.
        await expectError(putRecord(storage, 'db/2.manifest.json', record), 'STORAGE_FAILED');
        expect(await filesUnder(root)).toEqual([path.join(root, 'db', '1.dump')]);
      } finally {
        await disk.unmount();
      }
    },
  );

  test('delete removes directories it leaves empty, never the root', async () => {
    const root = path.join(base, 'tidy');
    const storage = await openStorage(root, { inputName: 'to' });
    await storage.put('db/2025/1.dump', Buffer.from('x'));
    await storage.delete('db/2025/1.dump');
    expect(await fs.readdir(root)).toEqual([]);
  });
});

describe('S3 storage', () => {
  let server: S3Server;
  beforeAll(async () => {
    server = await startS3Server();
    await server.createBucket(BUCKET);
  });
  afterAll(() => server?.stop());

  test('display and locate are s3:// URLs', async () => {
    const storage = await openStorage(`s3://${BUCKET}/prod/db/`, { inputName: 'to', s3: s3Options(server) });
    expect(storage).toBeInstanceOf(S3Storage);
    expect(storage.display).toBe(`s3://${BUCKET}/prod/db`);
    expect(storage.locate('app/1.dump')).toBe(`s3://${BUCKET}/prod/db/app/1.dump`);
    expect((await openStorage(`s3://${BUCKET}`, { inputName: 'to', s3: s3Options(server) })).locate('k')).toBe(
      `s3://${BUCKET}/k`,
    );
  });

  test('the bytes s3rver stores are the bytes sent (no aws-chunked framing)', async () => {
    // A streamed body smaller than a part goes out as one PutObject: the request s3rver corrupts unless checksums
    // are only calculated when required. Read the object straight from s3rver's directory, not through S3.
    const storage = await openStorage(`s3://${BUCKET}/raw`, { inputName: 'to', s3: s3Options(server) });
    const body = DATA.subarray(0, 3 * MiB);
    await storage.put('one.bin', chunked(body, 64 * 1024));
    const onDisk = await fs.readFile(path.join(server.directory, BUCKET, 'raw', 'one.bin._S3rver_object'));
    expect(sha256(onDisk)).toBe(sha256(body));
  });

  test('a put whose object does not hold what was sent fails and leaves nothing', async () => {
    // A server that accepts an upload and keeps less of it (played here by cutting s3rver's file once it is stored).
    const storage = await openStorage(`s3://${BUCKET}/short`, { inputName: 'to', s3: s3Options(server) });
    const file = path.join(server.directory, BUCKET, 'short', 'db', '1.manifest.json._S3rver_object');
    server.beforeEach(async ({ method }) => {
      if (method === 'HEAD') await fs.truncate(file, 16 * 1024).catch(() => undefined);
    });
    try {
      const error = await expectError(storage.put('db/1.manifest.json', DATA.subarray(0, 30_000)), 'STORAGE_FAILED');
      expect(error.message).toBe(
        `Input 'to' (s3://${BUCKET}/short): s3://${BUCKET}/short/db/1.manifest.json holds 16384 bytes after 30000 bytes were uploaded`,
      );
      expect(error.hint).toContain('the object was removed');
    } finally {
      server.beforeEach(undefined);
    }
    expect(await storage.list('')).toEqual([]);
  });

  test('putRecord reads a record back: one stored with other bytes of the same size fails, and is removed', async () => {
    const storage = await openStorage(`s3://${BUCKET}/altered`, { inputName: 'to', s3: s3Options(server) });
    const file = path.join(server.directory, BUCKET, 'altered', 'db', '1.manifest.json._S3rver_object');
    const record = Buffer.from(JSON.stringify({ backupId: '1', note: 'x'.repeat(1000) }));
    server.beforeEach(async ({ method }) => {
      if (method === 'GET') await fs.writeFile(file, Buffer.alloc(record.length, 0x20)).catch(() => undefined);
    });
    try {
      const error = await expectError(putRecord(storage, 'db/1.manifest.json', record), 'STORAGE_FAILED');
      expect(error.message).toBe(
        `s3://${BUCKET}/altered/db/1.manifest.json did not store what was written: ${record.length} bytes read back, ${record.length} sent (different content)`,
      );
    } finally {
      server.beforeEach(undefined);
    }
    expect(await storage.list('')).toEqual([]);
  });

  test('uploads are signed with UNSIGNED-PAYLOAD (no SHA-256 pass per part); other requests keep the payload hash', async () => {
    const storage = await openStorage(`s3://${BUCKET}/unsigned`, {
      inputName: 'to',
      s3: s3Options(server, { partSizeBytes: 5 * MiB }),
    });
    const body = DATA.subarray(0, 12 * MiB);
    const from = server.requests.length;
    await storage.put('multi.bin', chunked(body, 64 * 1024));
    await storage.put('single.bin', DATA.subarray(0, 1024));
    await storage.stat('multi.bin');
    const sent = server.requests.slice(from);
    const bodies = sent.filter((r) => r.method === 'PUT');
    expect(bodies.filter((r) => r.query.partNumber)).toHaveLength(3); // 12 MiB in 5 MiB parts
    expect(bodies.length).toBe(4); // the three parts and the single PutObject
    for (const request of bodies) expect(request.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    const others = sent.filter((r) => r.method !== 'PUT');
    expect(others.length).toBeGreaterThan(0);
    for (const request of others) expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    const stored = await fs.readFile(path.join(server.directory, BUCKET, 'unsigned', 'multi.bin._S3rver_object'));
    expect(sha256(stored)).toBe(sha256(body));
  });

  test('a missing bucket fails preflight and put with STORAGE_NOT_FOUND naming the bucket', async () => {
    const storage = await openStorage('s3://no-such-bucket/prod', { inputName: 'to', s3: s3Options(server) });
    for (const attempt of [
      () => storage.preflight(),
      () => storage.put('k', Buffer.from('x')),
      () => storage.list(''),
    ]) {
      const error = await expectError(attempt(), 'STORAGE_NOT_FOUND');
      expect(error.message).toContain("'no-such-bucket'");
      expect(error.message).toContain("'to'");
    }
  });

  test('unknown credentials fail with STORAGE_ACCESS_DENIED and a hint, without the secret', async () => {
    const storage = await openStorage(`s3://${BUCKET}/prod`, {
      inputName: 'to',
      s3: { ...s3Options(server), accessKeyId: 'AKIAWRONGWRONGWRONG' },
    });
    for (const attempt of [
      () => storage.preflight(),
      () => storage.put('k', Buffer.from('x')),
      () => storage.get('k'),
      () => storage.list(''),
    ]) {
      const error = await expectError(attempt(), 'STORAGE_ACCESS_DENIED');
      expect(error.hint).toContain('AWS_ACCESS_KEY_ID');
      expect(error.hint).toContain('aws-actions/configure-aws-credentials');
    }
  });

  test('an endpoint that refuses connections fails clearly, naming the endpoint', async () => {
    const gone = await startS3Server();
    await gone.stop();
    const storage = await openStorage(`s3://${BUCKET}/prod`, { inputName: 'to', s3: s3Options(gone) });
    const error = await expectError(storage.preflight(), 'STORAGE_FAILED');
    expect(error.input).toBe('s3-endpoint');
    expect(error.message).toContain(gone.endpoint);
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('the endpoint going away mid-upload fails clearly and leaves no object', async () => {
    const flaky = await startS3Server();
    const client = rawClient(flaky);
    try {
      await flaky.createBucket(BUCKET);
      const storage = await openStorage(`s3://${BUCKET}/prod`, {
        inputName: 'to',
        s3: s3Options(flaky, { partSizeBytes: 5 * MiB }),
      });
      let uploadsBeforeKill: unknown[] = [];
      const body = Readable.from(
        (async function* () {
          yield* chunks(DATA.subarray(0, 20 * MiB));
          uploadsBeforeKill = await eventually(
            async () => (await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? [],
          );
          await flaky.kill();
          yield* chunks(DATA.subarray(20 * MiB));
        })(),
        { objectMode: true, highWaterMark: 1 },
      );
      const error = await expectError(storage.put('db/lost.dump', body), 'STORAGE_FAILED');
      expect(uploadsBeforeKill).toHaveLength(1); // the server went away in the middle of a multipart upload
      expect(error.input).toBe('s3-endpoint');
      expect(error.message).toContain(flaky.endpoint);
      // The upload could not be aborted while the server was away; the error says so and how it gets cleaned up.
      expect(error.hint).toContain('AbortIncompleteMultipartUpload');

      const back = await startS3Server({ port: flaky.port, directory: flaky.directory });
      const backClient = rawClient(back);
      try {
        const again = await openStorage(`s3://${BUCKET}/prod`, { inputName: 'to', s3: s3Options(back) });
        expect(await again.stat('db/lost.dump')).toBeUndefined();
        expect(await again.list('')).toEqual([]);
        // What the hint is about: the parts sent before the server went away are still held by the server.
        expect((await backClient.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads).toHaveLength(1);
      } finally {
        backClient.destroy();
        await back.stop();
      }
    } finally {
      client.destroy();
      await flaky.stop();
    }
  });

  test('S3 options are checked when the storage is opened, naming the input', async () => {
    const open = (s3: S3Options) => openStorage(`s3://${BUCKET}/p`, { inputName: 'to', s3 });
    expect((await expectError(open({ partSizeBytes: MiB }), 'INVALID_INPUT')).input).toBe('partSizeBytes');
    expect((await expectError(open({ queueSize: 0 }), 'INVALID_INPUT')).input).toBe('queueSize');
    expect((await expectError(open({ endpoint: 'localhost:9000' }), 'INVALID_INPUT')).input).toBe('s3-endpoint');
    const withUserinfo = await expectError(open({ endpoint: `http://user:${SECRET}@127.0.0.1:9000` }), 'INVALID_INPUT');
    expect(withUserinfo.input).toBe('s3-endpoint');
    expect((await expectError(open({ accessKeyId: 'AKIA' }), 'INVALID_INPUT')).input).toBe('s3-secret-access-key');
    expect((await expectError(open({ kmsKeyId: 'k', serverSideEncryption: 'AES256' }), 'INVALID_INPUT')).input).toBe(
      's3-kms-key-id',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

function s3Options(server: S3Server, extra: S3Options = {}): S3Options {
  return {
    endpoint: server.endpoint,
    region: server.region,
    accessKeyId: server.accessKeyId,
    secretAccessKey: SECRET,
    ...extra,
  };
}

function rawClient(server: S3Server): S3Client {
  return s3Client(server);
}

/** Awaits a rejection and checks it is a DbopsError with this code whose text holds no secret. */
async function expectError(promise: Promise<unknown>, code: ErrorCode): Promise<DbopsError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a ${code} error, but it succeeded`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DbopsError);
  expect(error).toMatchObject({ code });
  const { message, hint } = error as DbopsError;
  expect(`${message} ${hint}`).not.toContain(SECRET);
  return error as DbopsError;
}

async function expectNothingLeft(storage: Storage, backend: Backend, key: string): Promise<void> {
  expect(await storage.stat(key)).toBeUndefined();
  expect(await storage.list('')).toEqual([]);
  expect(await backend.inProgress()).toEqual([]);
}

/** Polls until fn returns a non-empty list (or a few seconds pass), for state another task is producing. */
async function eventually<T>(fn: () => Promise<T[]>): Promise<T[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const found = await fn();
    if (found.length > 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return [];
}

function* chunks(data: Buffer, size = MiB): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

function chunked(data: Buffer, size = MiB): Readable {
  return Readable.from(chunks(data, size));
}

async function readAll(stream: Readable): Promise<Buffer> {
  return Buffer.concat((await stream.toArray()) as Buffer[]);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
