// The pure part of monitor findings as plan input: which steps a finding names, and the order they run in.
import { attachFindings } from '../../packages/core/src/maintenance/monitor-findings.js';
import type { MaintenanceStep } from '../../packages/core/src/maintenance/step.js';
import type { Finding } from '../../packages/core/src/monitor/types.js';

const step = (kind: MaintenanceStep['kind'], object: string): MaintenanceStep => ({
  kind,
  object,
  statement: `${kind} ${object}`,
  mode: 'apply',
  why: 'the plan’s reason',
  figures: {},
  lock: 'none',
  estimatedSeconds: 1,
  expectedGain: 'some',
});
const finding = (check: string, severity: Finding['severity'], subject: string): Finding => ({
  check,
  severity,
  subject,
  value: 0.6,
  threshold: 0.2,
  unit: 'ratio',
});

it('names each step’s findings; leftovers first, then critical, then warning, then the rest in plan order', () => {
  const steps = [
    step('vacuum-analyze', '"public"."a"'),
    step('vacuum-analyze', '"public"."b"'),
    step('reindex-bloated', '"public"."b_idx"'),
    step('drop-repack-leftovers', '"public"."c"'),
    step('vacuum-freeze', '"public"."d"'),
  ];
  const byObject = new Map([
    ['"public"."b"', [finding('dead-tuples', 'warning', 'public.b')]],
    // A freeze step answers wraparound and dead-tuple findings alike.
    [
      '"public"."d"',
      [finding('xid-wraparound', 'critical', 'public.d'), finding('dead-tuples', 'warning', 'public.d')],
    ],
    // No step answers a bloated index's table-bloat finding: it is returned as unused.
    ['"public"."b_idx"', [finding('table-bloat', 'warning', 'public.b_idx')]],
  ]);
  const { steps: ordered, unused } = attachFindings(steps, byObject, '2026-12-06T01:00:00.000Z');
  expect(ordered.map((s) => [s.object, s.findings])).toEqual([
    ['"public"."c"', undefined],
    ['"public"."d"', ['xid-wraparound critical', 'dead-tuples warning']],
    ['"public"."b"', ['dead-tuples warning']],
    ['"public"."a"', undefined],
    ['"public"."b_idx"', undefined],
  ]);
  expect(ordered[1]!.why).toBe(
    'the plan’s reason; monitor-report of 2026-12-06T01:00:00.000Z: xid-wraparound critical (0.6 past 0.2), dead-tuples warning (0.6 past 0.2)',
  );
  expect(unused.map((f) => f.check)).toEqual(['table-bloat']);
  // The plan's own steps are not changed in place.
  expect(steps[1]!.why).toBe('the plan’s reason');
});
