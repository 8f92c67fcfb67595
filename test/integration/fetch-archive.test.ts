import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backup,
  DbopsError,
  FULL_SCOPE,
  generateIdentity,
  MemoryLogger,
  openStorage,
  parsePgTarget,
  Secrets,
  storedFiles,
  type BackupResult,
} from '@dbops/core';
import { fetchArchive } from '../../packages/core/src/restore/fetch-archive.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

// What a restore calls an object that does not match its manifest: "truncated" only when that is proven (age
// authenticates every chunk under the file's key, so an encrypted object whose end is missing was cut short); an
// object of another size is otherwise "replaced or damaged", e.g. a smaller, valid backup copied over it.
let pg: PostgresServer;
let dir: string;
let tempDir: string;
const key = generateIdentity();
const backups: Record<string, BackupResult> = {};

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase('small_db');
  await pg.createDatabase('big_db');
  await pg.query('create table t as select g from generate_series(1, 10) g', [], 'small_db');
  await pg.query('create table t as select g, md5(g::text) as note from generate_series(1, 20000) g', [], 'big_db');
  dir = await mkdtemp(join(tmpdir(), 'dbops-fetch-'));
  tempDir = await mkdtemp(join(tmpdir(), 'dbops-fetch-temp-'));
  for (const database of ['small_db', 'big_db']) {
    for (const encrypted of [true, false]) {
      backups[`${database}${encrypted ? '' : '-plain'}`] = await backup({
        target: parsePgTarget({ url: pg.url(database) }),
        to: dir,
        name: `${database}${encrypted ? '' : '-plain'}`,
        compression: 'zstd',
        compressionLevel: 3,
        recipients: encrypted ? [key.recipient] : [],
        scope: FULL_SCOPE,
        pgDumpArgs: [],
        exactCountMaxBytes: 1 << 30,
        env: process.env,
        secrets: new Secrets(),
        log: new MemoryLogger(),
      });
    }
  }
});
afterAll(async () => {
  await pg?.stop();
  await Promise.all([dir, tempDir].map((d) => d && rm(d, { recursive: true, force: true })));
});

async function fetchError(name: string): Promise<DbopsError> {
  const storage = await openStorage(dir, { inputName: 'from' });
  const error = await fetchArchive(storage, backups[name]!.manifest, { identities: [key.identity] }, { tempDir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbopsError);
  expect(await readdir(tempDir)).toEqual([]); // nothing of the download is left
  return error as DbopsError;
}

test.each([
  ['encrypted', ''],
  ['unencrypted', '-plain'],
])(
  'an %s object replaced by a smaller, valid backup is "replaced or damaged", never "truncated"',
  async (_label, kind) => {
    const big = backups[`big_db${kind}`]!;
    const original = await readFile(big.location);
    await copyFile(backups[`small_db${kind}`]!.location, big.location);
    try {
      const error = await fetchError(`big_db${kind}`);
      expect(error.code).toBe('INTEGRITY_FAILED');
      const size = backups[`small_db${kind}`]!.sizeBytes;
      expect(error.message).toBe(
        `Backup ${big.backupId} does not match its manifest: ${big.location} has ${size} bytes, the manifest says ${big.sizeBytes} (the object was replaced or damaged)`,
      );
      expect(error.hint).toMatch(/replaced or damaged/);
      expect(`${error.message} ${error.hint}`).not.toMatch(/truncated|cut short/);
    } finally {
      await writeFile(big.location, original);
    }
  },
);

test('an encrypted object cut short is "truncated": its chunks authenticate up to where it ends', async () => {
  const big = backups.big_db!;
  const original = await readFile(big.location);
  for (const length of [Math.floor(original.length / 2), original.length - 1000]) {
    await writeFile(big.location, original.subarray(0, length));
    try {
      const error = await fetchError('big_db');
      expect(error.code).toBe('INTEGRITY_FAILED');
      expect(error.message).toBe(
        `Backup ${big.backupId} is truncated: ${length} of ${big.sizeBytes} bytes at ${big.location}`,
      );
    } finally {
      await writeFile(big.location, original);
    }
  }
});

test('a jobs: 2 backup of several tables is fetched with storedBytes the sum of its files, fetched side by side', async () => {
  await pg.createDatabase('several_db');
  for (const table of ['a', 'b', 'c', 'd', 'e'])
    await pg.query(`create table ${table} as select g from generate_series(1, 1000) g`, [], 'several_db');
  const made = await backup({
    target: parsePgTarget({ url: pg.url('several_db') }),
    to: dir,
    name: 'several_db',
    compression: 'zstd',
    compressionLevel: 3,
    recipients: [],
    scope: FULL_SCOPE,
    pgDumpArgs: [],
    jobs: 2,
    exactCountMaxBytes: 1 << 30,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
  });
  const files = storedFiles(made.manifest);
  expect(files.length).toBeGreaterThan(5); // toc.dat and a file per table
  const storage = await openStorage(dir, { inputName: 'from' });
  const archive = await fetchArchive(storage, made.manifest, { identities: [] }, { tempDir });
  try {
    expect(archive.storedBytes).toBe(files.reduce((sum, f) => sum + f.storedBytes, 0));
  } finally {
    await archive.dispose();
  }
});

describe('a failure of this run is not called a damaged backup, nor a damaged backup a wrong key', () => {
  // A zstd that may write only 32 blocks: the real zstd, killed by SIGXFSZ at the file size limit while it writes
  // the archive, as by any local failure (a killed process, a failing temp disk) in the middle of a good backup.
  let bin: string;
  let path: string | undefined;
  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'dbops-fetch-bin-'));
    await writeFile(join(bin, 'zstd'), `#!/bin/sh\nulimit -f 32\nexec ${zstdPath()} "$@"\n`, { mode: 0o755 });
  });
  afterEach(() => {
    if (path !== undefined) process.env.PATH = path;
    path = undefined;
  });
  afterAll(() => rm(bin, { recursive: true, force: true }));

  test.each([
    ['encrypted', ''],
    ['unencrypted', '-plain'],
  ])(
    'an intact %s backup whose zstd is killed mid-archive: RESTORE_FAILED naming zstd, not corrupt',
    async (_label, kind) => {
      path = process.env.PATH;
      process.env.PATH = `${bin}:${path}`;
      const error = await fetchError(`big_db${kind}`);
      expect(error.code).toBe('RESTORE_FAILED');
      expect(error.message).toMatch(/zstd was killed by SIGXFSZ/);
      expect(error.message).toMatch(/its stored object is intact/);
      expect(`${error.message} ${error.hint}`).not.toMatch(/corrupt|altered|checksum/i);
    },
  );

  test('a byte changed in the age header: INTEGRITY_FAILED, though the decryptor can only say no key matches', async () => {
    const big = backups.big_db!;
    const original = await readFile(big.location);
    // The X25519 stanza's body (the wrapped file key) is the header's third line; its first character changed is
    // still base64, so the header parses and only the unwrap fails: "wrong key", as the decryptor sees it.
    const body = original.indexOf('\n', original.indexOf('\n') + 1) + 1;
    const changed = Buffer.from(original);
    changed[body] = changed[body] === 0x41 ? 0x42 : 0x41;
    await writeFile(big.location, changed);
    try {
      const error = await fetchError('big_db');
      expect(error.code).toBe('INTEGRITY_FAILED');
      expect(error.message).toBe(
        `Backup ${big.backupId} is corrupt: ${big.location} does not match the SHA-256 in its manifest (reading it: age decryption failed: none of the given identities matches a recipient of this file (wrong key))`,
      );
    } finally {
      await writeFile(big.location, original);
    }
  });

  /** The backup folder's storage, counting the reads of each object. */
  async function countingStorage() {
    const storage = await openStorage(dir, { inputName: 'from' });
    const reads: string[] = [];
    const get: typeof storage.get = (key, options) => {
      reads.push(key);
      return storage.get(key, options);
    };
    const counting = new Proxy(storage, {
      get(target, property) {
        if (property === 'get') return get;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return { storage: counting, reads };
  }

  // The manifest lists the recipients' fingerprints: a key that is none of them is said to be wrong at once, not
  // after the whole object is read again (hours for a large backup).
  test.each([
    ['an identity that is not a recipient', () => ({ identities: [generateIdentity().identity] })],
    ['only a passphrase, for a backup encrypted to recipients', () => ({ identities: [], passphrase: 'not it' })],
  ])(
    'a wrong key for an intact backup stays a wrong key, said without reading the object again: %s',
    async (_label, keys) => {
      const { storage, reads } = await countingStorage();
      const big = backups.big_db!;
      const error = (await fetchArchive(storage, big.manifest, keys(), { tempDir }).catch(
        (e: unknown) => e,
      )) as DbopsError;
      expect(error).toBeInstanceOf(DbopsError);
      expect(error.code).toBe('DECRYPTION_FAILED');
      expect(error.message).toMatch(/wrong key|passphrase/);
      expect(reads).toEqual([big.manifest.object.key]);
    },
  );

  test('a manifest that records no recipients: a wrong key is checked against the object before it is said', async () => {
    const { storage, reads } = await countingStorage();
    const big = backups.big_db!;
    const manifest = {
      ...big.manifest,
      object: { ...big.manifest.object, encryption: { method: 'age', recipients: [] } },
    };
    const error = (await fetchArchive(
      storage,
      manifest as typeof big.manifest,
      { identities: [generateIdentity().identity] },
      { tempDir },
    ).catch((e: unknown) => e)) as DbopsError;
    expect(error.code).toBe('DECRYPTION_FAILED');
    expect(reads).toEqual([big.manifest.object.key, big.manifest.object.key]);
  });
});

function zstdPath(): string {
  const found = (process.env.PATH ?? '')
    .split(':')
    .map((d) => join(d, 'zstd'))
    .find((p) => existsSync(p));
  if (!found) throw new Error('zstd is not on PATH');
  return found;
}
