// A purge that spent its time budget waiting for room on the server says in its summary what it waited for; one
// that ran out between batches says that instead.
import type { RetentionPlan } from '../../packages/core/src/data-retention/plan.js';
import type { PurgeResult } from '../../packages/core/src/data-retention/purge.js';
import { dataRetentionSummaries } from '../../packages/core/src/report/data-retention-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';

const now = '2026-06-15T00:00:00.000Z';
const plan: RetentionPlan = {
  now,
  countLimit: 1_000_000,
  rules: [],
  skipped: [],
  policy: { version: 1, defaults: {} as never, holds: [], data: [], minimums: [] },
};
const purge: PurgeResult = {
  startedAt: now,
  finishedAt: now,
  now,
  outcome: 'time-budget',
  skipped: [],
  lagWaitMs: 0,
  rules: [],
};
const summary = (p: PurgeResult) =>
  renderSummary(
    dataRetentionSummaries({
      dryRun: false,
      policyPath: 'retention.yml',
      policySha256: 'a'.repeat(64),
      plan,
      purge: p,
    }),
  );

test('the budget spent waiting names what the run waited for', () => {
  const reason = "Replication slot 'held_back' holds back 3.2 GiB of WAL (max-slot-wal 1.0 GiB)";
  const text = summary({ ...purge, slotWalWaitMs: 1500, stoppedWaitingFor: reason });
  expect(text).toContain(`The run reached max-runtime while waiting: ${reason}. The next run continues`);
  expect(text).not.toContain('between batches');
});

test('the budget spent between batches says so', () => {
  expect(summary(purge)).toContain('The run reached max-runtime between batches; the next run continues');
});

test('a MongoDB run that ran out waiting for the oplog window names it', () => {
  const reason = 'The oplog window is 1.0 s (min-oplog-window 2.0 s)';
  const text = summary({ ...purge, oplogWaitMs: 1000, stoppedWaitingFor: reason });
  expect(text).toContain(`The run reached max-runtime while waiting: ${reason}. The next run continues`);
});

test('a bound the server could not apply is a warning in the summary, never a silent pass', () => {
  const warning = 'min-oplog-window (2.0 s) does not apply: the server is not a replica set member, so it has no oplog';
  const text = summary({ ...purge, outcome: 'complete', warnings: [warning] });
  expect(text).toContain(`**Warning: **${warning}`);
  expect(text).toMatch(/^### ⚠️ /);
});
