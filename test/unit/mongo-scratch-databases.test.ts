// restore-test's scratch databases for a MongoDB backup of several databases: one per database, named after it where
// every server takes the name (length, characters), numbered otherwise.
import { scratchDatabases } from '../../packages/core/src/databases/mongodb/restore-databases.js';

const SCRATCH = 'dbops_restore_test_20261207t1200_a1b2c3';

test('a portable name keeps the database in it; a long or non-ASCII one is numbered by its place', () => {
  expect(scratchDatabases(SCRATCH, ['shop', 'billing-eu', 'café', 'x'.repeat(40), 'a.b'])).toEqual([
    { from: 'shop', to: `${SCRATCH}_shop` },
    { from: 'billing-eu', to: `${SCRATCH}_billing-eu` },
    { from: 'café', to: `${SCRATCH}-3` },
    { from: 'x'.repeat(40), to: `${SCRATCH}-4` },
    { from: 'a.b', to: `${SCRATCH}-5` },
  ]);
});

test('the names never collide, whatever the databases are called', () => {
  const names = ['a', 'a-1', '1', 'b', 'é', 'ü', `${'y'.repeat(30)}`, `${'y'.repeat(30)}z`];
  const to = scratchDatabases(SCRATCH, names).map((d) => d.to);
  expect(new Set(to).size).toBe(names.length);
  for (const name of to) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
});
