/**
 * The ways out of a failed migration, each with its exact commands, in the project's own command style, and the
 * restore of the pre-deploy backup with what it would lose. Nothing here runs anything: restoring is never automatic.
 */
import { invalidInput } from '../../errors.js';
import type { MigrationTool } from '../source.js';

export interface RecoveryRoute {
  /** One line: which way this is. */
  title: string;
  /** When to take it. */
  when: string;
  /** What to do, in order. */
  steps: string[];
  /** The commands those steps name, ready to copy. */
  commands: string[];
}

export interface RestoreAdvice {
  backupId: string;
  location: string;
  takenAt: Date;
  /** dbops restore --from ... --backup-id ... --target-url "$DATABASE_URL" --clean */
  command: string;
  /** "every write since 2026-12-06T03:00:00.000Z" */
  loses: string;
}

export interface PreDeployBackup {
  id: string;
  /** The backup-to location it was stored in (s3://bucket/prefix or a directory). */
  location: string;
  /** When it was taken: a restore loses every write after it. */
  takenAt: Date;
  /** Encrypted with age, to recipients (the restore needs an identity) or with a passphrase (it needs that). */
  encryption?: 'recipients' | 'passphrase';
}

/** How the project runs Prisma's CLI: the part of its deploy command before `migrate deploy`, and flags after it. */
export interface PrismaCommand {
  prefix: string;
  /** Flags after `migrate deploy` (--schema, --config), which `migrate resolve` takes too. */
  flags: string;
}

/**
 * `npx prisma migrate deploy --schema db/schema.prisma` → `npx prisma` and ` --schema db/schema.prisma`. An explicit
 * `prismaCommand` (e.g. `pnpm exec prisma`) wins; a deploy command that does not say `migrate deploy`
 * (`npm run db:deploy`) needs one.
 */
export function prismaCommandOf(command: string, prismaCommand?: string): PrismaCommand {
  if (prismaCommand?.trim()) return { prefix: prismaCommand.trim(), flags: '' };
  const found = /^(.*\S)\s+migrate\s+deploy(\s.*)?$/s.exec(command.trim());
  if (!found) {
    throw invalidInput(
      'command',
      `(\`${command}\`) does not say \`migrate deploy\`, so how to run \`prisma migrate resolve\` is not known`,
      "Prisma's own deploy command, as the project runs the CLI: e.g. `npx prisma migrate deploy` or " +
        '`pnpm exec prisma migrate deploy --schema db/schema.prisma` (a script such as `npm run db:deploy` hides it).',
    );
  }
  return { prefix: found[1]!, flags: (found[2] ?? '').trimEnd() };
}

export function prismaResolveCommand(prisma: PrismaCommand, mark: 'rolled-back' | 'applied', name: string): string {
  return `${prisma.prefix} migrate resolve --${mark} "${name}"${prisma.flags}`;
}

export interface RouteContext {
  tool: MigrationTool;
  migration: string;
  /** The file, as the user sees it (relative to the project). */
  file: string;
  /** "line 7: division by zero", when known. */
  where?: string;
  /** The deploy command as the user wrote it. */
  command: string;
  prisma?: PrismaCommand;
  /** Whether the failure left nothing of the migration (proven), or what it left. */
  nothingLeft: boolean;
  /** What it left, one line each (when not nothingLeft). */
  left: string[];
  /** The tool's table (node-pg-migrate), to record a migration finished by hand. */
  table?: string;
}

export function recoveryRoutes(context: RouteContext): RecoveryRoute[] {
  const fix = `Fix ${context.file}${context.where ? ` (${context.where})` : ''}.`;
  const undo = context.nothingLeft
    ? []
    : [
        `Undo what it left (or check: it is not proven that nothing remains): ${context.left.length > 0 ? context.left.join('; ') : 'rows written before the failure'}.`,
      ];
  const deploy = `Deploy again: \`${context.command}\`.`;
  if (context.tool === 'prisma') {
    const prisma = context.prisma ?? { prefix: 'npx prisma', flags: '' };
    const rolledBack = prismaResolveCommand(prisma, 'rolled-back', context.migration);
    const applied = prismaResolveCommand(prisma, 'applied', context.migration);
    return [
      {
        title: 'Fix the migration and deploy it again',
        when: context.nothingLeft
          ? 'Nothing of it was applied: this is the usual way.'
          : 'After undoing what it left, so that it can run again from the start.',
        steps: [
          ...undo,
          fix,
          `Mark the failed attempt rolled back: \`${rolledBack}\` (resolve-failed: rolled-back does this when nothing of it was applied).`,
          deploy,
        ],
        commands: [rolledBack, context.command],
      },
      {
        title: 'Finish it by hand and mark it applied',
        when: 'When you complete what the migration does yourself, so the database has all of it.',
        steps: [
          `Run the rest of ${context.file} yourself${context.nothingLeft ? ' (all of it: nothing was applied)' : ''}.`,
          `Mark it applied: \`${applied}\`; the next deploy goes on with the migrations after it.`,
        ],
        commands: [applied],
      },
    ];
  }
  const rerun: RecoveryRoute = {
    title: 'Fix the migration and run it again',
    when: context.nothingLeft
      ? `Nothing of it was applied${context.tool === 'node-pg-migrate' ? ' and node-pg-migrate recorded nothing' : ''}: this is the usual way.`
      : 'After undoing what it left, so that it can run again from the start.',
    steps: [...undo, fix, deploy],
    commands: [context.command],
  };
  if (context.tool === 'node-pg-migrate' && context.table) {
    const record = `INSERT INTO ${context.table} (name, run_on) VALUES ('${context.migration.replace(/'/g, "''")}', now());`;
    return [
      rerun,
      {
        title: 'Finish it by hand and record it',
        when: 'When you complete what the migration does yourself.',
        steps: [`Run the rest of ${context.file} yourself.`, `Record it as run: \`${record}\`.`],
        commands: [record],
      },
    ];
  }
  return [rerun];
}

export function restoreAdvice(backup: PreDeployBackup): RestoreAdvice {
  // The restore's own inputs: decrypt-with for an identity; decrypt-passphrase through its environment variable, so
  // the passphrase stays out of the command line.
  const identity = backup.encryption === 'recipients' ? ' --decrypt-with "$BACKUP_AGE_IDENTITY"' : '';
  const passphrase = backup.encryption === 'passphrase' ? 'DBOPS_DECRYPT_PASSPHRASE="$BACKUP_PASSPHRASE" ' : '';
  const command =
    `${passphrase}dbops restore --from ${shellWord(backup.location)} --backup-id ${shellWord(backup.id)} ` +
    `--target-url "$DATABASE_URL" --clean${identity}`;
  return {
    backupId: backup.id,
    location: backup.location,
    takenAt: backup.takenAt,
    command,
    loses: `every write since ${backup.takenAt.toISOString()}`,
  };
}

export function restoreRoute(advice: RestoreAdvice): RecoveryRoute {
  return {
    title: 'Restore the backup taken before the deploy (never done automatically)',
    when: `Only when the database cannot be repaired otherwise: a restore loses ${advice.loses}, when backup ${advice.backupId} was taken.`,
    steps: [
      `Stop the application's writes, then restore: \`${advice.command}\` (it backs up the current database first).`,
      'Fix the migration and deploy again: the restored database has no record of the failed attempt.',
    ],
    commands: [advice.command],
  };
}

function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
