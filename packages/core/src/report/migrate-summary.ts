import { relative } from 'node:path';
import { formatSeconds } from '../format.js';
import type { MigrateResult } from '../operations/migrate-deploy.js';
import type { MigrationEntry } from '../migrations/status.js';
import { type Block, code, type Result, type ResultStatus, type Text } from './result.js';

/** What migrate-deploy shows: status, blockers and their steps, lint findings, and, after a deploy, what changed. */
export function migrateSummary(result: MigrateResult, projectDir: string): Result {
  const status: ResultStatus = result.failure
    ? 'failure'
    : result.lint.some((f) => f.severity === 'warning')
      ? 'warning'
      : 'ok';
  return {
    status,
    title: title(result),
    text: sentence(result),
    blocks: [
      ...statusBlocks(result, projectDir),
      ...blockerBlocks(result),
      ...lintBlocks(result, projectDir),
      ...rehearsalBlocks(result),
      ...deployBlocks(result),
    ],
  };
}

/** The action's outputs. */
export function migrateOutputs(result: MigrateResult): Record<string, string> {
  const applied = result.applied?.applied.map((m) => m.name) ?? [];
  const pending = result.applied ? result.applied.stillPending : result.status.pending;
  return {
    'pending-count': String(pending.length),
    pending: pending.join('\n'),
    failed: (result.applied?.failed.map((m) => m.name) ?? result.status.failed).join('\n'),
    applied: applied.join('\n'),
    'backup-id': result.backup?.backupId ?? '',
    'lint-errors': String(result.lint.filter((f) => f.severity === 'error').length),
    'lint-warnings': String(result.lint.filter((f) => f.severity === 'warning').length),
  };
}

function title(result: MigrateResult): Text {
  if (result.mode === 'check') return result.failure ? 'Migration check failed' : 'Migration check passed';
  if (result.mode === 'status') return result.failure ? 'Migrations cannot deploy' : 'Migration status';
  if (result.failure) return result.run || result.applied ? 'Migration deploy failed' : 'Migration deploy stopped';
  const applied = result.applied?.applied.length ?? 0;
  return applied > 0 ? `Applied ${applied} migration(s)` : 'Nothing to apply';
}

function sentence(result: MigrateResult): string {
  const s = result.status;
  const base = `${s.pending.length} pending, ${s.applied.length} applied, ${s.failed.length} failed (${result.source.tool}).`;
  return result.failure ? `${base} ${result.failure.message}` : base;
}

const STATE_STATUS: Partial<Record<MigrationEntry['state'], ResultStatus>> = {
  applied: 'ok',
  failed: 'failure',
  'edited-after-applied': 'failure',
  'missing-from-repository': 'failure',
  pending: 'info',
  'rolled-back': 'info',
};

function statusBlocks(result: MigrateResult, projectDir: string): Block[] {
  const s = result.status;
  const blocks: Block[] = [
    {
      kind: 'facts',
      rows: [
        ['Tool', result.source.tool],
        ['Folder', code(relative(projectDir, result.source.folder) || '.')],
        [
          'Record',
          result.source.tracking.table ? code(result.source.tracking.table) : (result.source.tracking.reason ?? ''),
        ],
        ...(result.command ? ([['Command', code(result.command)]] as const) : []),
      ],
    },
  ];
  // Applied migrations are the long, unremarkable part: the table shows the rest, the applied count is a fact.
  const shown = s.migrations.filter((m) => m.state !== 'applied');
  if (shown.length > 0) {
    blocks.push({
      kind: 'table',
      columns: ['', 'Migration', 'State'],
      rows: shown.map((m) => [{ status: STATE_STATUS[m.state] ?? 'unknown' }, code(m.name), m.state]),
    });
  }
  blocks.push({ kind: 'note', text: `${s.applied.length} migration(s) already applied.` });
  return blocks;
}

function blockerBlocks(result: MigrateResult): Block[] {
  return result.blockers.flatMap((b): Block[] => [
    { kind: 'heading', text: [`Blocked: `, code(b.migration)], status: 'failure' },
    { kind: 'note', text: b.message },
    { kind: 'list', items: b.steps },
  ]);
}

function lintBlocks(result: MigrateResult, projectDir: string): Block[] {
  const blocks: Block[] = [];
  if (result.lint.length > 0) {
    blocks.push({ kind: 'heading', text: `Lint: ${result.lint.length} finding(s)` });
    blocks.push({
      kind: 'table',
      columns: ['', 'Where', 'Rule', 'Why', 'Safe rewrite'],
      rows: result.lint.map((f) => [
        { status: f.severity === 'error' ? 'failure' : f.severity === 'warning' ? 'warning' : 'info' },
        code(`${relative(projectDir, f.file)}:${f.line}`),
        code(f.rule),
        f.reason,
        f.fix,
      ]),
    });
  }
  if (result.notLinted.length > 0)
    blocks.push({ kind: 'note', text: `Not linted (JavaScript migrations): ${result.notLinted.join(', ')}.` });
  return blocks;
}

function deployBlocks(result: MigrateResult): Block[] {
  const blocks: Block[] = [];
  if (result.backup) {
    blocks.push({
      kind: 'facts',
      rows: [
        ['Backup before migrating', code(result.backup.backupId)],
        ['Backup location', code(result.backup.location)],
      ],
    });
  }
  if (result.applied && result.applied.applied.length > 0) {
    blocks.push({
      kind: 'table',
      columns: ['Applied', 'Duration'],
      rows: result.applied.applied.map((m) => [
        code(m.name),
        m.durationMs === undefined ? 'not recorded' : formatSeconds(m.durationMs / 1000),
      ]),
    });
  }
  if (result.applied && result.applied.failed.length > 0) {
    blocks.push({
      kind: 'table',
      columns: ['Failed', 'Database error'],
      rows: result.applied.failed.map((m) => [code(m.name), firstErrorLine(m.logs) ?? 'see the command output']),
    });
  }
  if (result.schemaChanges) {
    blocks.push({ kind: 'heading', text: 'Schema changes' });
    blocks.push(
      result.schemaChanges.length === 0
        ? { kind: 'note', text: 'None: the schema is exactly as before.' }
        : {
            kind: 'table',
            columns: ['Change', 'Kind', 'Object', 'Definition'],
            rows: result.schemaChanges.map((c) => [
              c.change,
              c.kind,
              code(c.name),
              c.definition ? code(c.definition) : '',
            ]),
          },
    );
  }
  if (result.explanation) blocks.push(...failureBlocks(result));
  if (result.run) {
    blocks.push({
      kind: 'folded',
      title: `Command output (last ${result.run.lastLines.length} lines, ${formatSeconds(result.run.durationMs / 1000)})`,
      blocks: [{ kind: 'list', items: result.run.lastLines.map((line) => code(line)) }],
    });
  }
  return blocks;
}

/** check mode: each pending migration's rehearsal on the scratch copy: its duration and strongest lock. */
function rehearsalBlocks(result: MigrateResult): Block[] {
  const r = result.rehearsal;
  if (!r) return [];
  const from = result.scratch?.backupId
    ? ['a copy of backup ', code(result.scratch.backupId)]
    : ['an empty database (the migrations built the schema)'];
  return [
    { kind: 'heading', text: 'Rehearsal', status: r.passed ? 'ok' : 'failure' },
    { kind: 'note', text: ['On ', ...from, '; the scratch database is dropped.'] },
    {
      kind: 'table',
      columns: ['', 'Migration', 'Outcome', 'Duration', 'Strongest lock'],
      rows: r.migrations.map((m) => [
        { status: m.violations.length > 0 || m.outcome === 'failed' ? 'failure' : 'ok' },
        code(m.name),
        m.outcome,
        m.durationMs === undefined ? '' : formatSeconds(m.durationMs / 1000),
        m.summary,
      ]),
    },
    ...(r.violations.length > 0 ? [{ kind: 'list', items: r.violations.map((v) => v.message) } as Block] : []),
    {
      kind: 'note',
      text: `Locks sampled every ${r.sampling.intervalMs} ms (${r.sampling.samples} samples); a lock held for less may be missed.`,
    },
  ];
}

/** The failed migration explained, then each way out with its exact commands. */
function failureBlocks(result: MigrateResult): Block[] {
  const e = result.explanation!;
  return [
    { kind: 'heading', text: e.migration ? ['Failed: ', code(e.migration.name)] : 'Failed', status: 'failure' },
    { kind: 'list', items: e.lines.slice(0, e.lines.length - e.routes.length) },
    ...(result.resolved
      ? [
          {
            kind: 'note',
            text: [code(result.resolved), ' is marked rolled back (resolve-failed): the next deploy runs it again.'],
          } as Block,
        ]
      : []),
    ...e.routes.flatMap((route): Block[] => [
      { kind: 'heading', text: route.title },
      { kind: 'note', text: route.when },
      { kind: 'list', items: [...route.steps, ...route.commands.map((c) => code(c))] },
    ]),
  ];
}

function firstErrorLine(logs: string | undefined): string | undefined {
  return logs
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => /ERROR|error/.test(l));
}
