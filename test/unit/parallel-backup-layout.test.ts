// Parallel backups' parts (docs/parallel-backups.md): rotation must recognise them as the backup's own files, a
// manifest must not name a part that would be written outside the restore directory, and pg_dump gets the
// directory format with its jobs and --verbose (whose "finished item" lines hand parts over).
import { pgDumpArgs } from '../../packages/core/src/databases/postgres/dump.js';
import type { DbopsError } from '../../packages/core/src/errors.js';
import { ownFileBackupId, partKey } from '../../packages/core/src/manifest/layout.js';
import { parseManifest } from '../../packages/core/src/manifest/manifest.js';

const ID = '20261206T020000Z-3fa9c1';
const SHA = 'a'.repeat(64);

test.each([
  [`${ID}/toc.dat.zst.age`, ID],
  [`${ID}/3301.dat.zst.age`, ID],
  [`${ID}/3301.dat.gz`, ID],
  [`${ID}/3301.dat`, ID],
  [`${ID}/blob_16397.dat.zst.age`, ID],
  [`${ID}/blobs.toc.zst.age`, ID],
  [`${ID}.dump.zst.age`, ID],
  // Not dbops's: another tool's file in the folder, a nested backup name, a decrypted copy.
  [`${ID}/notes.txt`, undefined],
  [`${ID}/sub/3301.dat.zst.age`, undefined],
  [`${ID}/3301.dat.zst.age.decrypted`, undefined],
])('ownFileBackupId(%s) is %s', (file, id) => {
  expect(ownFileBackupId(file)).toBe(id);
});

test('a part is stored under the backup id, with the compression and encryption suffixes', () => {
  expect(partKey('prod/app', ID, '3301.dat', 'zstd', true)).toBe(`prod/app/${ID}/3301.dat.zst.age`);
  expect(partKey('prod', ID, 'toc.dat', 'none', false)).toBe(`prod/${ID}/toc.dat`);
});

function manifestWith(parts: unknown, format = 'pg_dump-directory'): string {
  return JSON.stringify({
    formatVersion: 1,
    backupId: ID,
    startedAt: '2026-12-06T02:00:00Z',
    object: { key: `prod/${ID}/toc.dat.zst.age`, format, storedBytes: 10, sha256: SHA },
    ...(parts === undefined ? {} : { parts }),
  });
}

test('a directory manifest with well-formed parts parses', () => {
  const part = { file: '3301.dat', key: `prod/${ID}/3301.dat.zst.age`, rawBytes: 5, storedBytes: 9, sha256: SHA };
  expect(parseManifest(manifestWith([part]), 'm').parts).toEqual([part]);
});

test.each([
  [undefined, /parts is missing/],
  [[{ file: '../../etc/passwd', key: 'k', storedBytes: 1, sha256: SHA }], /is not a file name/],
  [[{ file: '.hidden', key: 'k', storedBytes: 1, sha256: SHA }], /is not a file name/],
  [[{ file: '3301.dat', key: 'k', storedBytes: 1, sha256: 'nope' }], /has no key or SHA-256/],
  [[{ file: '3301.dat', key: 'k', sha256: SHA }], /has no storedBytes/],
])('a directory manifest with parts %j is damaged', (parts, problem) => {
  let error: DbopsError | undefined;
  try {
    parseManifest(manifestWith(parts), 'm');
  } catch (e) {
    error = e as DbopsError;
  }
  expect(error?.code).toBe('INTEGRITY_FAILED');
  expect(error?.message).toMatch(problem);
});

test('pg_dump gets the directory format, its jobs, the output directory and --verbose; the custom format none', () => {
  const base = { scope: { schemas: [], excludeSchemas: [], tables: [], excludeTables: [] }, extraArgs: ['--no-owner'] };
  expect(pgDumpArgs({ ...base, snapshot: 'S', directory: { path: '/tmp/d/archive', jobs: 4 } })).toEqual([
    '--format=directory',
    '--jobs=4',
    '--file=/tmp/d/archive',
    '--verbose',
    '--compress=0',
    '--no-password',
    '--snapshot=S',
    '--no-owner',
  ]);
  expect(pgDumpArgs(base)).toEqual(['--format=custom', '--compress=0', '--no-password', '--no-owner']);
});
