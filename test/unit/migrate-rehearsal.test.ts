// The rehearsal's pure parts: PostgreSQL's lock-mode order, tying a sampled lock to a migration (timestamps first,
// then the query text, never a guess), folding episodes into per-table locks, the failed migration found from what a
// run left, and the same-database check on URLs.
import {
  type AttributionCandidate,
  attributeEpisodes,
  normalizeSql,
} from '../../packages/core/src/migrations/rehearsal/attribution.js';
import { describeLock, formatRows } from '../../packages/core/src/migrations/rehearsal/describe.js';
import { failedMigration } from '../../packages/core/src/migrations/rehearsal/failed-migration.js';
import { blocksWrites, lockModeFromPg, lockStrength } from '../../packages/core/src/migrations/rehearsal/lock-modes.js';
import type { LockEpisode } from '../../packages/core/src/migrations/rehearsal/lock-sampler.js';
import { foldLocks } from '../../packages/core/src/migrations/rehearsal/locks-by-migration.js';
import { scratchTarget } from '../../packages/core/src/migrations/rehearsal/scratch-target.js';

const at = (ms: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, 0, ms));

function episode(overrides: Partial<LockEpisode>): LockEpisode {
  return {
    pid: 100,
    oid: '16400',
    schema: 'public',
    table: 'orders',
    mode: 'ACCESS EXCLUSIVE',
    firstSeenAt: at(0),
    firstQuery: '',
    grantedSamples: 1,
    firstGrantedAt: at(0),
    lastGrantedAt: at(0),
    waitSamples: 0,
    ...overrides,
  };
}

test('lock modes: pg_locks spellings read, ordered as PostgreSQL orders them, SHARE and up block writes', () => {
  expect(lockModeFromPg('AccessExclusiveLock')).toBe('ACCESS EXCLUSIVE');
  expect(lockModeFromPg('ShareUpdateExclusiveLock')).toBe('SHARE UPDATE EXCLUSIVE');
  expect(lockModeFromPg('RowExclusiveLock')).toBe('ROW EXCLUSIVE');
  expect(lockModeFromPg('SIReadLock')).toBeUndefined(); // a predicate lock, not a table lock mode
  expect(lockStrength('ACCESS EXCLUSIVE')).toBeGreaterThan(lockStrength('EXCLUSIVE'));
  expect(lockStrength('SHARE')).toBeGreaterThan(lockStrength('SHARE UPDATE EXCLUSIVE'));
  expect(blocksWrites('SHARE')).toBe(true);
  expect(blocksWrites('SHARE UPDATE EXCLUSIVE')).toBe(false);
  expect(blocksWrites('ROW EXCLUSIVE')).toBe(false);
});

describe('attribution', () => {
  const files: AttributionCandidate[] = [
    { name: '1_status', sql: '-- add it\nALTER TABLE orders ADD COLUMN status text;\n' },
    { name: '2_index', sql: 'CREATE INDEX orders_status_idx ON orders (status);\n' },
    { name: '3_again', sql: 'ALTER TABLE orders ADD COLUMN status text;' },
  ];

  test('by the tool timestamps when it records them; a failed migration runs to the end', () => {
    const timed = [
      { name: 'a', startedAt: at(0), finishedAt: at(100) },
      { name: 'b', startedAt: at(200) },
    ];
    const result = attributeEpisodes(
      [episode({ firstSeenAt: at(50) }), episode({ firstSeenAt: at(5000) }), episode({ firstSeenAt: at(150) })],
      timed,
    );
    expect(result).toEqual([
      { migration: 'a', method: 'tool-timestamps' },
      { migration: 'b', method: 'tool-timestamps' },
      {}, // between the two: neither's
    ]);
  });

  test('by the query text, however the tool sent it; in order when a statement repeats; short texts say nothing', () => {
    const result = attributeEpisodes(
      [
        // node-pg-migrate sends the up section with a ";" of its own appended
        episode({
          firstSeenAt: at(10),
          firstQuery: '-- Up Migration\nCREATE INDEX orders_status_idx\n  ON orders (status);\n;',
        }),
        episode({ firstSeenAt: at(0), firstQuery: 'ALTER TABLE orders ADD COLUMN status text' }),
        episode({ firstSeenAt: at(20), firstQuery: 'ALTER TABLE orders ADD COLUMN status text;' }),
        episode({ firstSeenAt: at(30), firstQuery: 'COMMIT' }),
        episode({ firstSeenAt: at(40), firstQuery: 'LOCK TABLE orders IN ACCESS SHARE MODE' }),
      ],
      files,
    );
    expect(result.map((r) => r.migration)).toEqual(['2_index', '1_status', '3_again', undefined, undefined]);
    expect(result[0]!.method).toBe('query-text');
  });

  test('a text cut at track_activity_query_size is still found', () => {
    const long = `UPDATE orders SET note = '${'x'.repeat(2000)}';`;
    const cut = long.slice(0, 1023);
    const [found] = attributeEpisodes([episode({ firstQuery: cut })], [...files, { name: '4_long', sql: long }]);
    expect(found!.migration).toBe('4_long');
    expect(normalizeSql('/* a */ SELECT  1 ;\n -- b\n;')).toBe('SELECT 1');
  });
});

test('folding: the strongest mode per table, its longest span, waits and sizes; strongest table first', () => {
  const locks = foldLocks(
    [
      episode({ mode: 'ROW EXCLUSIVE', firstGrantedAt: at(0), lastGrantedAt: at(5000), grantedSamples: 50 }),
      episode({
        mode: 'ACCESS EXCLUSIVE',
        firstGrantedAt: at(100),
        lastGrantedAt: at(400),
        grantedSamples: 4,
        rowsEstimate: 12_000_000,
      }),
      episode({
        mode: 'ACCESS EXCLUSIVE',
        pid: 101,
        firstGrantedAt: at(1000),
        lastGrantedAt: at(1900),
        grantedSamples: 9,
      }),
      episode({
        oid: '16500',
        table: 'users',
        mode: 'SHARE',
        grantedSamples: 0,
        firstGrantedAt: undefined,
        lastGrantedAt: undefined,
        waitSamples: 3,
        firstWaitAt: at(0),
        lastWaitAt: at(200),
      }),
    ],
    new Map([['16400', 1.5 * 1024 ** 3]]),
  );
  expect(locks.map((l) => [l.relation, l.mode, l.heldMs, l.samples, l.waitedMs])).toEqual([
    ['public.orders', 'ACCESS EXCLUSIVE', 900, 13, undefined],
    ['public.users', 'SHARE', 0, 0, 200],
  ]);
  expect(describeLock(locks[0]!)).toBe('holds ACCESS EXCLUSIVE on public.orders (12 M rows, 1.5 GiB) for 900 ms');
  expect(describeLock(locks[1]!)).toBe('waited 200 ms for SHARE on public.users without getting it');
  expect(describeLock({ ...locks[0]!, samples: 1, heldMs: 0, rowsEstimate: undefined, sizeBytes: undefined })).toBe(
    'holds ACCESS EXCLUSIVE on public.orders briefly (one sample)',
  );
  expect(formatRows(950)).toBe('950 rows');
  expect(formatRows(200_000)).toBe('200 k rows');
  expect(formatRows(1_250_000)).toBe('1.3 M rows');
});

test('the failed migration: the tool record first, then the last pending name in the output, then the first pending', () => {
  const candidates = ['1_a', '2_b', '2_b_more', '3_c'];
  const diff = {
    applied: [],
    failed: [{ name: '2_b', logs: 'Database error:\nERROR: division by zero\n' }],
    stillPending: ['2_b', '3_c'],
  };
  expect(failedMigration(diff, candidates, [], 'exit 1')).toEqual({ migration: '2_b', error: 'division by zero' });
  const output = [
    '### MIGRATION 2_b (UP) ###',
    '### MIGRATION 2_b_more (UP) ###',
    'error: relation "x" does not exist',
  ];
  expect(failedMigration(undefined, candidates, output, 'The migration command exited with code 1\nmore')).toEqual({
    migration: '2_b_more',
    error: 'The migration command exited with code 1',
  });
  const none = { applied: [], failed: [], stillPending: ['2_b', '3_c'] };
  expect(failedMigration(none, candidates, ['psql: ERROR:  lock timeout'], 'x').migration).toBe('2_b');
});

test('a scratch URL naming database-url is refused; another database or port is not', () => {
  const prod = 'postgres://app:s3cret@db.internal:5432/shop';
  expect(() => scratchTarget('postgres://ci:pw@DB.internal:5432/shop', prod)).toThrow(
    expect.objectContaining({ code: 'UNSAFE_TARGET', input: 'target-url' }),
  );
  expect(() => scratchTarget('postgres://x:pw@localhost:5432/shop', 'postgres://y@127.0.0.1/shop')).toThrow(
    /target-url names the same database as database-url/,
  );
  expect(scratchTarget('postgres://ci:pw@db.internal:5432/shop_rehearsal', prod).database).toBe('shop_rehearsal');
  expect(scratchTarget('postgres://ci:pw@db.internal:5433/shop', prod).port).toBe(5433);
  expect(() => scratchTarget('mysql://x@h/db')).toThrow(expect.objectContaining({ input: 'target-url' }));
});
