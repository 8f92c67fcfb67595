// The retention summary for partitioned tables and VACUUM: a plan names the partitions it would drop (with their
// row estimates and sizes, and how they are detached) and those left to rows with why; a purge names what it
// dropped and what it attached again; a VACUUM that could not get its lock is called out, not hidden.
import type { RetentionPlan, RulePlan } from '../../packages/core/src/data-retention/plan.js';
import type { PurgeResult } from '../../packages/core/src/data-retention/purge.js';
import type { DataRetentionResult } from '../../packages/core/src/operations/data-retention.js';
import { dataRetentionSummaries } from '../../packages/core/src/report/data-retention-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';

const BOUNDS = "FOR VALUES FROM ('2025-11-01 00:00:00+00') TO ('2025-12-01 00:00:00+00')";

const rule: RulePlan = {
  rule: 'page-views',
  kind: 'age',
  action: 'delete',
  table: 'page_views',
  partitioned: true,
  timeColumn: 'viewed_at',
  cutoff: '2026-03-17T00:00:00.000Z',
  effectiveCutoff: '2026-03-17T00:00:00.000Z',
  rows: { expired: 120, protectedByHold: 1, protectedByMinimum: 0, toPurge: 119, exact: true, estimatedExpired: 120 },
  dependants: [],
  partitions: {
    detach: 'with-lock-timeout',
    drop: [{ name: 'page_views_2025_11', bounds: BOUNDS, estimatedRows: 30, bytes: 49152 }],
    rows: [
      { name: 'page_views_default', bounds: 'DEFAULT', reason: 'the default partition: only its expired rows go' },
    ],
  },
};

const plan: RetentionPlan = {
  now: '2026-06-15T00:00:00.000Z',
  countLimit: 1_000_000,
  rules: [rule],
  skipped: [],
  policy: { version: 1, defaults: {} as never, holds: [], data: [], minimums: [] },
};

const base: DataRetentionResult = { dryRun: true, policyPath: 'retention.yml', policySha256: 'a'.repeat(64), plan };

test('a plan lists the partitions it would drop whole and those deleted by rows', () => {
  const text = renderSummary(dataRetentionSummaries(base));
  expect(text).toContain('1 partitions would be detached (under lock-timeout) and dropped whole');
  expect(text).toContain('page_views_2025_11 (~30 rows, 48.0 KiB)');
  expect(text).toMatch(/page_views_default.* deleted by rows: the default partition: only its expired rows go/);
});

test('a purge lists the partitions it dropped and re-attached, and a VACUUM it had to skip', () => {
  const purge: PurgeResult = {
    startedAt: plan.now,
    finishedAt: plan.now,
    now: plan.now,
    outcome: 'complete',
    skipped: [],
    lagWaitMs: 0,
    rules: [
      {
        rule: 'page-views',
        table: 'page_views',
        action: 'delete',
        cutoff: rule.cutoff,
        effectiveCutoff: rule.effectiveCutoff,
        rows: 119,
        batches: 1,
        durationMs: 10,
        complete: true,
        keysSha256: 'b'.repeat(64),
        archives: [],
        partitions: {
          dropped: [{ name: 'page_views_2025_11', bounds: BOUNDS, rows: 30, archives: [] }],
          byRows: [{ name: 'page_views_2026_01', bounds: 'x', reason: 'a legal hold names rows in it' }],
          reattached: ['page_views_2025_10'],
        },
      },
    ],
    vacuum: [{ table: 'page_views_2026_01', outcome: 'skipped', durationMs: 200, reason: 'lock held' }],
  };
  const text = renderSummary(dataRetentionSummaries({ ...base, dryRun: false, purge }));
  expect(text).toContain('1 partitions detached and dropped (30 rows): page_views_2025_11');
  expect(text).toContain('attached again after an interrupted run: page_views_2025_10');
  expect(text).toMatch(/page_views_2026_01.* deleted by rows: a legal hold names rows in it/);
  expect(text).toMatch(/VACUUM \(ANALYZE\) skipped: .*page_views_2026_01.*: lock held/);
});
