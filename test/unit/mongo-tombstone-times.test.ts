// restore-test's MongoDB tombstone check judges a document in a backup by when its erasure completed against when
// the backup could last have seen it (databases/mongodb/tombstone-check.ts): these are those two times.
import { completedAt, consistencyPoints } from '../../packages/core/src/databases/mongodb/tombstone-check.js';
import type { BackupManifest, MongoManifestCollection } from '../../packages/core/src/manifest/manifest.js';

const STARTED = '2026-12-01T10:00:00.000Z';

function collection(name: string, readStartedAt?: string): MongoManifestCollection {
  return {
    name,
    type: 'collection',
    documents: 1,
    bytes: 1,
    documentsBefore: 1,
    indexes: [],
    ...(readStartedAt ? { readStartedAt } : {}),
  };
}

const manifest = (mongodb: Partial<NonNullable<BackupManifest['mongodb']>>) =>
  ({
    startedAt: STARTED,
    mongodb: {
      topology: 'standalone',
      consistency: 'per-collection',
      archiveFormatVersion: '0.1',
      collections: [],
      ...mongodb,
    },
  }) as unknown as BackupManifest;

test('per-collection: each collection from when its read began; one the manifest gives no time for from the backup start', () => {
  const at = consistencyPoints(
    manifest({ collections: [collection('accounts', '2026-12-01T10:05:00.250Z'), collection('events')] }),
  );
  expect(at('accounts')).toBe(Date.parse('2026-12-01T10:05:00.250Z'));
  expect(at('events')).toBe(Date.parse(STARTED));
  expect(at('not-in-manifest')).toBe(Date.parse(STARTED));
});

test('point-in-time: every collection from the start of the oplog end’s second, whatever the read times', () => {
  const at = consistencyPoints(
    manifest({
      consistency: 'point-in-time',
      oplog: { start: { t: 1_796_000_000, i: 1 }, end: { t: 1_796_000_300, i: 7 }, entries: 9 },
      collections: [collection('accounts', '2026-12-01T10:05:00.250Z')],
    }),
  );
  expect(at('accounts')).toBe(1_796_000_300_000);
  expect(at('events')).toBe(1_796_000_300_000);
});

test('completion: the recorded time; null while the delete ran or after a crash; a legacy tombstone its erased_at', () => {
  const erased = new Date('2026-12-01T09:00:00.000Z');
  expect(completedAt({ erased_at: erased, completed_at: new Date('2026-12-01T09:00:00.040Z') })).toBe(
    '2026-12-01T09:00:00.040Z',
  );
  expect(completedAt({ erased_at: erased, completed_at: null })).toBeNull();
  expect(completedAt({ erased_at: erased })).toBe('2026-12-01T09:00:00.000Z');
});
