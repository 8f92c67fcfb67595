import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  backup,
  DbopsError,
  FULL_SCOPE,
  MemoryLogger,
  openStorage,
  parseManifest,
  parsePgTarget,
  Secrets,
  writeVerificationRecord,
  type BackupResult,
} from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { mountSmallDisk, smallDiskAvailable } from '../harness/small-disk.js';

// Invariant 1 on a disk that fills up at every possible point: backups onto a tmpfs of each size from one page to
// more than a backup needs. Success means a manifest that parses and an object that matches it; any failure means
// neither exists, nor a temp file, nor an empty directory. Each size fills the disk at another point: during the
// object, during the manifest (a write the file system cuts short without an error), during the verification record.
const PAGE = 4096;
let pg: PostgresServer;

beforeAll(async () => {
  pg = await startPostgres();
  // Enough tables that the manifest spans several pages, so that a nearly full disk can store only part of it.
  for (let i = 0; i < 40; i++)
    await pg.query(
      `create table t${i} (id int primary key, note text); insert into t${i} select g, md5(g::text) from generate_series(1, 50) g`,
    );
});
afterAll(() => pg?.stop());

function runBackup(to: string): Promise<BackupResult> {
  return backup({
    target: parsePgTarget({ url: pg.url() }),
    to,
    name: 'app',
    compression: 'gzip',
    compressionLevel: 1,
    recipients: [],
    scope: FULL_SCOPE,
    pgDumpArgs: [],
    exactCountMaxBytes: 1 << 20,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
  });
}

(smallDiskAvailable ? test : test.skip)(
  'a backup onto a disk of any size is complete (manifest parses, object matches) or leaves nothing',
  async () => {
    // How much a backup takes, measured on a disk with room to spare.
    const probe = await onDisk(4 << 20, async (root) => {
      const result = await runBackup(root);
      return {
        object: result.sizeBytes,
        manifest: (await fs.stat(path.join(root, 'app', `${result.backupId}.manifest.json`))).size,
      };
    });
    const pages = (bytes: number) => Math.ceil(bytes / PAGE);
    expect(pages(probe.manifest)).toBeGreaterThan(1);
    const outcomes = new Set<string>();
    // One page more than object, manifest and a verification record need: every size fills the disk somewhere else.
    for (let size = 1; size <= pages(probe.object) + pages(probe.manifest) + 2; size++) {
      await onDisk(size * PAGE, async (root) => {
        const result = await runBackup(root).catch((error: unknown) => error as DbopsError);
        if (result instanceof Error) {
          expect(result).toBeInstanceOf(DbopsError);
          outcomes.add(
            /\.manifest\.json/.test(result.message)
              ? 'manifest failed'
              : /\.dump\.gz/.test(result.message)
                ? 'object failed'
                : result.message,
          );
          expect(await entriesUnder(root)).toEqual([]); // no object, manifest, temp file or directory
          return;
        }
        outcomes.add('complete');
        await expectCompleteBackup(root, result);
        // The record a passed restore test leaves: whole, or not there at all.
        const storage = await openStorage(root, { inputName: 'from' });
        const record = {
          backupId: result.backupId,
          verifiedAt: new Date().toISOString(),
          restoredOn: 'localhost:5432',
          restoreSeconds: 1,
          checksPassed: 1,
          checkNames: ['restore'],
          dbops: { version: 'test' },
        };
        const written = await writeVerificationRecord(storage, 'app', record).catch(
          (error: unknown) => error as DbopsError,
        );
        const records = (await entriesUnder(root)).filter((file) => file.includes('.verified-'));
        if (written instanceof Error) {
          outcomes.add('record failed');
          expect(written.code).toBe('STORAGE_FAILED');
          expect(records).toEqual([]);
        } else {
          outcomes.add('record written');
          expect(records).toEqual([path.join(root, written)]);
          expect(JSON.parse(await fs.readFile(path.join(root, written), 'utf8'))).toEqual(record);
        }
        await expectCompleteBackup(root, result); // a failed record takes nothing of the backup with it
      });
    }
    // The sweep reached every phase: the object, the manifest and the record each found the disk full at least once.
    expect([...outcomes].sort()).toEqual([
      'complete',
      'manifest failed',
      'object failed',
      'record failed',
      'record written',
    ]);
  },
);

async function onDisk<T>(bytes: number, body: (root: string) => Promise<T>): Promise<T> {
  const disk = await mountSmallDisk(bytes);
  try {
    return await body(path.join(disk.path, 'backups'));
  } finally {
    await disk.unmount();
  }
}

/** Exactly one backup: its manifest parses, and its object has the manifest's size and SHA-256. No other file. */
async function expectCompleteBackup(root: string, result: BackupResult): Promise<void> {
  const manifestFile = path.join(root, 'app', `${result.backupId}.manifest.json`);
  const manifest = parseManifest(await fs.readFile(manifestFile, 'utf8'), manifestFile);
  expect(manifest).toEqual(result.manifest);
  const object = await fs.readFile(path.join(root, manifest.object.key));
  expect(object.length).toBe(manifest.object.storedBytes);
  expect(createHash('sha256').update(object).digest('hex')).toBe(manifest.object.sha256);
  const files = (await entriesUnder(root)).filter((file) => !file.includes('.verified-'));
  expect(files.sort()).toEqual([path.join(root, 'app'), path.join(root, manifest.object.key), manifestFile].sort());
}

/** Every file and directory under root, hidden ones included. */
async function entriesUnder(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.map((entry) => path.join(entry.parentPath, entry.name));
}
