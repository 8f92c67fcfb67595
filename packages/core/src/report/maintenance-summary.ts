import { formatBytes, formatSeconds } from '../format.js';
import type { StepOutcome } from '../maintenance/apply.js';
import type { MaintenanceResult } from '../operations/maintenance.js';
import { type Block, code, type Result, type ResultStatus, type Text } from './result.js';

/** What maintenance shows: the plan (why, lock, estimate, gain) and, after an apply, each step's outcome. */
export function maintenanceSummary(result: MaintenanceResult): Result {
  const counts = maintenanceCounts(result);
  const closed = result.apply && result.window && !result.window.open && counts.planned > 0;
  const status: ResultStatus = result.failure ? 'failure' : closed || counts.skipped > 0 ? 'warning' : 'ok';
  return {
    status,
    title: title(result, counts, Boolean(closed)),
    text: `${counts.planned} step(s) to apply, ${counts.reported} to decide by hand; ${counts.applied} applied, ${counts.skipped} skipped, ${counts.failed} failed.`,
    blocks: [
      ...windowBlocks(result, Boolean(closed)),
      ...monitorBlocks(result),
      ...planBlocks(result),
      ...outcomeBlocks(result.outcomes),
    ],
  };
}

/** The action's outputs. */
export function maintenanceOutputs(result: MaintenanceResult): Record<string, string> {
  const counts = maintenanceCounts(result);
  return {
    'steps-planned': String(counts.planned),
    'steps-applied': String(counts.applied),
    'steps-skipped': String(counts.skipped),
    'steps-failed': String(counts.failed),
    'next-window': result.window ? result.window.next.start.toISOString() : '',
  };
}

function maintenanceCounts(result: MaintenanceResult) {
  const count = (status: StepOutcome['status']) => result.outcomes.filter((o) => o.status === status).length;
  return {
    planned: result.plan.filter((s) => s.mode === 'apply').length,
    reported: result.plan.filter((s) => s.mode === 'report').length,
    applied: count('applied'),
    skipped: count('skipped'),
    failed: count('failed'),
  };
}

function title(result: MaintenanceResult, counts: ReturnType<typeof maintenanceCounts>, closed: boolean): Text {
  if (!result.apply) return `Maintenance plan (dry run): ${counts.planned} step(s) to apply`;
  if (closed) return 'Maintenance not applied: outside the window';
  if (result.failure) return 'Maintenance failed';
  return `Maintenance applied ${counts.applied} of ${counts.planned} step(s)`;
}

function windowBlocks(result: MaintenanceResult, closed: boolean): Block[] {
  const w = result.window;
  if (!w) return [];
  const state = w.open
    ? `open until ${w.next.end.toISOString()}`
    : `closed; opens next at ${w.next.start.toISOString()}`;
  const blocks: Block[] = [{ kind: 'facts', rows: [['Window', [code(w.text), ` ${state}`]]] }];
  if (closed) blocks.push({ kind: 'note', text: `Nothing was applied: steps start only inside the window.` });
  return blocks;
}

function monitorBlocks(result: MaintenanceResult): Block[] {
  const m = result.monitor;
  if (!m) return [];
  const blocks: Block[] = [
    {
      kind: 'facts',
      rows: [
        [
          'Monitor report',
          [code(m.file), ` of ${m.generatedAt}: ${m.used} finding(s) named a step, ${m.ignored.length} none`],
        ],
      ],
    },
  ];
  if (m.ignored.length) blocks.push({ kind: 'note', text: `Findings no step answers: ${m.ignored.join('; ')}` });
  return blocks;
}

function planBlocks(result: MaintenanceResult): Block[] {
  if (result.plan.length === 0) return [{ kind: 'note', text: 'Nothing to do: no finding passed its threshold.' }];
  return [
    { kind: 'heading', text: 'Plan' },
    {
      kind: 'table',
      columns: ['Statement', 'Mode', 'Why', 'Lock', 'Estimate', 'Expected gain'],
      rows: result.plan.map((s) => [
        code(s.statement),
        s.mode,
        s.why,
        s.lock,
        formatSeconds(s.estimatedSeconds),
        s.expectedGain,
      ]),
    },
  ];
}

function outcomeBlocks(outcomes: readonly StepOutcome[]): Block[] {
  if (outcomes.length === 0) return [];
  const size = (o: StepOutcome) =>
    o.before && o.after ? `${formatBytes(o.before.bytes)} → ${formatBytes(o.after.bytes)}` : '';
  const blocks: Block[] = [
    { kind: 'heading', text: 'Applied' },
    {
      kind: 'table',
      columns: ['Statement', 'Outcome', 'Size', 'Duration', 'Reason or result'],
      rows: outcomes.map((o) => [
        code(o.statement),
        [{ status: o.status === 'applied' ? 'ok' : o.status === 'skipped' ? 'warning' : 'failure' }, ` ${o.status}`],
        size(o),
        o.seconds === undefined ? '' : formatSeconds(o.seconds),
        o.reason ?? o.result ?? '',
      ]),
    },
  ];
  const cleaned = outcomes.filter((o) => o.kind !== 'drop-repack-leftovers').flatMap((o) => o.cleanedUp ?? []);
  const left = outcomes.filter((o) => o.kind !== 'repack-table').flatMap((o) => o.leftOver ?? []);
  if (cleaned.length)
    blocks.push({ kind: 'note', text: `Dropped invalid indexes failed rebuilds left: ${cleaned.join(', ')}` });
  if (left.length)
    blocks.push({
      kind: 'note',
      text: `Invalid indexes failed rebuilds left that could not be dropped (the next run drops them): ${left.join(', ')}`,
    });
  for (const o of outcomes.filter((o) => o.kind === 'repack-table' && o.leftOver?.length))
    blocks.push({
      kind: 'note',
      text: `pg_repack failed on ${o.object} and left ${o.leftOver!.join(', ')}: its trigger logs every write to the table until they are removed (the next run removes them first)`,
    });
  return blocks;
}
