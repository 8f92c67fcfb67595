// What failed steps left, in maintenance's summary: a failed pg_repack's trigger and tables are named as pg_repack's,
// with what they cost, not as invalid indexes.
import type { StepOutcome } from '../../packages/core/src/maintenance/apply.js';
import type { MaintenanceResult } from '../../packages/core/src/operations/maintenance.js';
import { maintenanceSummary } from '../../packages/core/src/report/maintenance-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';

const summary = (outcomes: StepOutcome[]) =>
  renderSummary([maintenanceSummary({ apply: true, plan: [], outcomes } satisfies MaintenanceResult)]);

test("a failed pg_repack's objects are named as what it left, an index rebuild's as invalid indexes", () => {
  const text = summary([
    {
      kind: 'repack-table',
      object: '"public"."items"',
      statement: `pg_repack --no-kill-backend --table '"public"."items"'`,
      status: 'failed',
      reason: 'failed: pg_repack did not get its lock …',
      leftOver: ['repack.log_16390', 'type repack.pk_16390', 'repack.table_16390', 'trigger repack_trigger'],
    },
    {
      kind: 'reindex-bloated',
      object: '"public"."items_v"',
      statement: 'REINDEX INDEX CONCURRENTLY "public"."items_v"',
      status: 'skipped',
      reason: 'skipped: …',
      leftOver: ['"public"."items_v_ccnew"'],
    },
  ]);
  expect(text).toContain(
    'pg_repack failed on "public"."items" and left repack.log_16390, type repack.pk_16390, repack.table_16390, trigger repack_trigger: its trigger logs every write to the table until they are removed (the next run removes them first)',
  );
  expect(text).toContain(
    'Invalid indexes failed rebuilds left that could not be dropped (the next run drops them): "public"."items_v_ccnew"',
  );
  expect(text).not.toMatch(/Invalid indexes[^\n]*repack/);
});
