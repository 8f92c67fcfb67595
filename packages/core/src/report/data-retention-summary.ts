import type { RulePlan } from '../data-retention/plan.js';
import { policyCommitText } from '../data-retention/policy-commit.js';
import type { RulePurge } from '../data-retention/purge.js';
import { formatBytes } from '../format.js';
import type { DataRetentionResult } from '../operations/data-retention.js';
import { code, strong, type Block, type Result, type Text } from './result.js';
import { rotateSummaries } from './rotation-summary.js';

/** retention-purge with a policy: the data plan (or what was purged) per rule, then the backups: rotation. */
export function dataRetentionSummaries(result: DataRetentionResult): Result[] {
  return [dataSummary(result), ...(result.rotation ? rotateSummaries(result.rotation) : [])];
}

function dataSummary(result: DataRetentionResult): Result {
  const { plan, purge } = result;
  const purged = new Map((purge?.rules ?? []).map((r) => [r.rule, r]));
  const blocks: Block[] = [
    {
      kind: 'table',
      columns: [
        'Rule',
        'Table',
        'Cutoff',
        'Expired',
        'Held',
        'Under a minimum',
        purge ? 'Purged' : 'To purge',
        'Batches',
        'FK dependants',
      ],
      rows: plan.rules.map((rule) => ruleRow(rule, purged.get(rule.rule), !purge)),
    },
  ];
  const notes: Text[] = [];
  if (plan.rules.some((r) => !r.rows.exact))
    notes.push(`Counts marked ≥ are lower bounds: more than ${plan.countLimit} rows expired.`);
  for (const s of plan.skipped) notes.push([code(s.rule), `: not purged, ${s.reason}`]);
  notes.push(...archiveNotes(result));
  for (const rule of plan.rules)
    if (rule.rows.withoutTime)
      notes.push([
        code(rule.rule),
        `: ${rule.rows.withoutTime} documents have no date in ${rule.timeColumn} (missing, null or another type) and never expire`,
      ]);
  notes.push(...partitionNotes(result));
  notes.push(...vacuumNotes(result));
  if (result.receipt)
    notes.push([
      'Receipt ',
      String(result.receipt.sequence),
      ' stored at ',
      code(result.receipt.location),
      ` (SHA-256 ${result.receipt.sha256})`,
      ...(result.receipt.table ? [' and in ', code(result.receipt.table)] : []),
    ]);
  for (const warning of purge?.warnings ?? []) notes.push([strong('Warning: '), warning]);
  if (purge?.error) notes.push([strong('Stopped: '), purge.error.message]);
  if (purge && purge.outcome === 'time-budget')
    notes.push(
      purge.stoppedWaitingFor
        ? `The run reached max-runtime while waiting: ${purge.stoppedWaitingFor}. The next run continues where this one stopped.`
        : 'The run reached max-runtime between batches; the next run continues where this one stopped.',
    );
  for (const text of notes) blocks.push({ kind: 'note', text });
  blocks.push({
    kind: 'facts',
    rows: [
      ['Policy', [code(result.policyPath), ` (SHA-256 ${result.policySha256.slice(0, 12)}…)`]],
      ['Policy commit', policyCommitText(result.policyCommit)],
      ['Cutoffs taken at', plan.now],
    ],
  });
  const total = purge
    ? purge.rules.reduce((sum, r) => sum + r.rows, 0)
    : plan.rules.reduce((sum, r) => sum + r.rows.toPurge, 0);
  const title: Text = purge
    ? ['Data retention: ', strong(`${total} rows purged`), ` in ${plan.rules.length} rules (${purge.outcome})`]
    : [
        'Data retention plan (dry run: nothing was deleted): ',
        strong(`${total} rows would be purged`),
        ` in ${plan.rules.length} rules`,
      ];
  const status = result.failure
    ? 'failure'
    : purge && (purge.outcome !== 'complete' || purge.warnings?.length)
      ? 'warning'
      : 'info';
  return { status, title, blocks };
}

/** Per rule with archive-to: where its batches go, or went (only committed batches' archives count). */
function archiveNotes(result: DataRetentionResult): Text[] {
  const planned = new Set(result.plan.rules.map((r) => r.rule));
  return result.plan.policy.data
    .filter((rule) => rule.archiveTo !== undefined && planned.has(rule.name))
    .map((rule): Text => {
      const purged = result.purge?.rules.find((r) => r.rule === rule.name);
      if (!purged)
        return [code(rule.name), ': each batch is archived to ', code(rule.archiveTo!), ' before it is deleted'];
      // The rule's own rows apart from those ON DELETE CASCADE took with them: the rule's figure is its table's.
      const sum = (cascaded: boolean) =>
        purged.archives.filter((a) => (a.cascaded !== undefined) === cascaded).reduce((n, a) => n + a.rows, 0);
      const cascaded = sum(true);
      const withThem = cascaded > 0 ? ` and ${cascaded} rows ON DELETE CASCADE deleted with them` : '';
      return [
        code(rule.name),
        `: ${purged.archives.length} archive objects (${sum(false)} rows${withThem}, encrypted, checksums verified and in the receipt) in `,
        code(rule.archiveTo!),
      ];
    });
}

/** Age rules on partitioned tables: partitions dropped whole (or to be), and those whose expired rows go in batches. */
function partitionNotes(result: DataRetentionResult): Text[] {
  const notes: Text[] = [];
  for (const rule of result.plan.rules) {
    const planned = rule.partitions;
    if (!planned) continue;
    const purged = result.purge?.rules.find((r) => r.rule === rule.rule)?.partitions;
    if (planned.unsuitable) {
      notes.push([code(rule.rule), `: no partition is dropped whole (${rule.table} is ${planned.unsuitable})`]);
      continue;
    }
    if (purged) {
      const rows = purged.dropped.reduce((sum, p) => sum + p.rows, 0);
      notes.push([
        code(rule.rule),
        `: ${purged.dropped.length} partitions detached and dropped (${rows} rows)`,
        ...(purged.dropped.length > 0 ? [': ', purged.dropped.map((p) => p.name).join(', ')] : []),
      ]);
      if (purged.reattached.length > 0)
        notes.push([code(rule.rule), ': attached again after an interrupted run: ', purged.reattached.join(', ')]);
    } else {
      const detach = planned.detach === 'concurrently' ? 'CONCURRENTLY' : 'under lock-timeout';
      const drops = planned.drop.map((p) => `${p.name} (~${p.estimatedRows} rows, ${formatBytes(p.bytes)})`);
      notes.push([
        code(rule.rule),
        `: ${planned.drop.length} partitions would be detached (${detach}) and dropped whole`,
        ...(drops.length > 0 ? [': ', drops.join(', ')] : []),
      ]);
    }
    for (const p of purged?.byRows ?? planned.rows)
      notes.push([code(rule.rule), ': ', code(p.name), ` deleted by rows: ${p.reason}`]);
  }
  return notes;
}

/** VACUUM (ANALYZE) after the purge: a table that could not get its lock is named, the purge itself stands. */
function vacuumNotes(result: DataRetentionResult): Text[] {
  const vacuum = result.purge?.vacuum ?? [];
  const done = vacuum.filter((v) => v.outcome === 'vacuumed').map((v) => v.table);
  const notes: Text[] = done.length > 0 ? [`VACUUM (ANALYZE) ran on ${done.join(', ')}.`] : [];
  for (const v of vacuum.filter((x) => x.outcome === 'skipped'))
    notes.push([strong('VACUUM (ANALYZE) skipped: '), code(v.table), `: ${v.reason}; autovacuum will get to it`]);
  return notes;
}

function ruleRow(rule: RulePlan, purged: RulePurge | undefined, dryRun: boolean): Text[] {
  const n = (value: number) => `${rule.rows.exact ? '' : '≥ '}${value}`;
  const verb = rule.action === 'delete' ? '' : ' (anonymize)';
  const bytes = rule.estimatedBytes === undefined ? '' : `, ~${formatBytes(rule.estimatedBytes)}`;
  const done =
    dryRun || !purged
      ? `${n(rule.rows.toPurge)}${verb}${bytes}`
      : `${purged.rows}${verb}${purged.complete ? '' : ' (not finished)'}`;
  const minimum = rule.minimumSeconds === undefined ? '' : ` (minimum, effective ${rule.effectiveCutoff.slice(0, 10)})`;
  return [
    code(rule.rule),
    code(rule.table),
    `${rule.cutoff.slice(0, 19)}Z${minimum}`,
    n(rule.rows.expired),
    n(rule.rows.protectedByHold),
    n(rule.rows.protectedByMinimum),
    done,
    dryRun || !purged ? '—' : String(purged.batches),
    rule.dependants.map((d) => `${d.table} (${d.onDelete})`).join(', ') || '—',
  ];
}

/** The action's outputs with a policy (the rotation's, when the policy has a backups: section, as without one). */
export function dataRetentionOutputs(result: DataRetentionResult): Record<string, string> {
  const rows = result.purge
    ? result.purge.rules.reduce((sum, r) => sum + r.rows, 0)
    : result.plan.rules.reduce((sum, r) => sum + r.rows.toPurge, 0);
  const rotation = result.rotation;
  return {
    'dry-run': String(result.dryRun),
    'rows-purged': String(rows),
    rules: result.plan.rules.map((r) => r.rule).join(','),
    outcome: result.purge ? result.purge.outcome : 'planned',
    receipt: result.receipt?.location ?? '',
    ...(rotation
      ? {
          'deleted-count': String(rotation.deletedIds.length),
          'kept-count': String(rotation.plans.flatMap((p) => p.backups).filter((b) => b.keep).length),
          'deleted-ids': rotation.deletedIds.join(','),
        }
      : {}),
  };
}
