/**
 * What stops a deploy before anything runs, each with the steps and exact commands that clear it. A deploy with a
 * blocker would fail anyway (Prisma's P3009), or would run on a database the repository does not describe.
 */
import { relative } from 'node:path';
import type { MigrationEntry, MigrationStatus } from './status.js';

export type BlockerKind = 'failed' | 'edited-after-applied' | 'missing-from-repository';

export interface MigrationBlocker {
  kind: BlockerKind;
  migration: string;
  /** One line: what is wrong. */
  message: string;
  /** What to do, in order, as sentences. */
  steps: string[];
  /** The commands those steps name, ready to copy. */
  commands: string[];
}

export interface BlockerOptions {
  /** How the project runs the Prisma CLI. */
  prismaCommand?: string;
  /** For paths in the commands: the project's root (commands run there). */
  projectDir?: string;
}

export function migrationBlockers(status: MigrationStatus, options: BlockerOptions = {}): MigrationBlocker[] {
  const blockers: MigrationBlocker[] = [];
  for (const entry of status.migrations) {
    if (entry.state === 'failed') blockers.push(failed(status, entry, options));
    if (entry.state === 'edited-after-applied') blockers.push(edited(status, entry, options));
    if (entry.state === 'missing-from-repository') blockers.push(missing(status, entry, options));
  }
  return blockers;
}

function failed(_status: MigrationStatus, entry: MigrationEntry, options: BlockerOptions): MigrationBlocker {
  const prisma = options.prismaCommand ?? 'npx prisma';
  const rolledBack = `${prisma} migrate resolve --rolled-back "${entry.name}"`;
  const applied = `${prisma} migrate resolve --applied "${entry.name}"`;
  const error = entry.logs ? `: ${databaseError(entry.logs)}` : '';
  return {
    kind: 'failed',
    migration: entry.name,
    message:
      `Migration ${entry.name} failed${when(entry.startedAt)}${error}; ` +
      'no migration can be deployed until it is resolved (P3009)',
    steps: [
      `Find out what ${entry.name} left in the database: PostgreSQL runs a migration.sql without COMMIT or ` +
        'CONCURRENTLY as one transaction, so a failed one normally left nothing.',
      `If nothing of it remains (or you undid it): fix ${fileOf(entry, options)}, run \`${rolledBack}\`, ` +
        'then deploy again; the deploy runs it anew.',
      `If you finished it by hand, so the database now has everything it does: run \`${applied}\`.`,
    ],
    commands: [rolledBack, applied],
  };
}

function edited(status: MigrationStatus, entry: MigrationEntry, options: BlockerOptions): MigrationBlocker {
  const file = fileOf(entry, options);
  const history = `git log --follow -p -- ${shellWord(file)}`;
  return {
    kind: 'edited-after-applied',
    migration: entry.name,
    message:
      `${file} was changed after migration ${entry.name} was applied${when(entry.finishedAt)}: ` +
      'the database holds what the earlier version did, and the change would never run',
    steps: [
      `Put back the version that was applied (find it with \`${history}\`, ` +
        `restore it with \`git checkout <commit> -- ${shellWord(file)}\`).`,
      status.tool === 'prisma'
        ? `Move the change into a new migration (\`${options.prismaCommand ?? 'npx prisma'} migrate dev ` +
          '--create-only`), so it is deployed like any other.'
        : 'Move the change into a new migration, so it is deployed like any other.',
    ],
    commands: [history],
  };
}

function missing(status: MigrationStatus, entry: MigrationEntry, options: BlockerOptions): MigrationBlocker {
  const folder = options.projectDir ? relative(options.projectDir, status.folder) || '.' : status.folder;
  const history = `git log --all --stat -- ${shellWord(`${folder}/${entry.name}*`)}`;
  const table = status.tracking.table;
  const column = status.tool === 'prisma' ? 'migration_name' : 'name';
  const forget = table ? `DELETE FROM ${table} WHERE ${column} = ${sqlString(entry.name)};` : undefined;
  return {
    kind: 'missing-from-repository',
    migration: entry.name,
    message:
      `The database has migration ${entry.name} applied${when(entry.finishedAt)}, but the repository has no such ` +
      'migration: this checkout is behind the database, or the migration was renamed or deleted',
    steps: [
      `Deploy from a checkout that has ${entry.name} (merge the branch that added it); ` +
        `\`${history}\` shows where it went.`,
      'If it was renamed, give it back its applied name.',
      ...(forget
        ? [
            'Only if its changes now live in another migration (a squash or a new baseline): ' +
              `remove its record with \`${forget}\`.`,
          ]
        : []),
    ],
    commands: [history, ...(forget ? [forget] : [])],
  };
}

/** The database error in Prisma's log of a failed migration (the first line that names one). */
function databaseError(logs: string): string {
  const lines = logs
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /ERROR:|Database error|db error/i.test(line)) ?? lines[0] ?? '';
}

function fileOf(entry: MigrationEntry, options: BlockerOptions): string {
  if (!entry.file) return entry.name;
  return options.projectDir ? relative(options.projectDir, entry.file) : entry.file;
}

function when(date: Date | undefined): string {
  return date ? ` (${date.toISOString()})` : '';
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
