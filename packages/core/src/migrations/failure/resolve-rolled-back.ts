/**
 * `resolve-failed: rolled-back`: marks a failed Prisma migration rolled back, so the next deploy runs it again, and
 * only when the failure is proven to have left nothing of it (explainFailure's state) and the schema has not changed
 * since that proof. It runs the project's own Prisma CLI (`<prisma> migrate resolve --rolled-back "<name>"`) through
 * runMigrationCommand, so the URL reaches it in DATABASE_URL, never argv. Anything else is refused with the reason and
 * the steps to take by hand: marking a half-applied migration rolled back would run its first half twice.
 */
import type pg from 'pg';
import { takeSchemaSnapshot } from '../schema-snapshot.js';
import { DbopsError, invalidInput } from '../../errors.js';
import type { Secrets } from '../../secrets.js';
import { type MigrationCommandResult, runMigrationCommand } from '../run-command.js';
import type { MigrationSource } from '../source.js';
import { type MigrationStatus, readMigrationStatus } from '../status.js';
import type { FailureExplanation } from './explain-failure.js';
import { prismaCommandOf, prismaResolveCommand } from './recovery.js';

export interface ResolveRolledBackOptions {
  explanation: FailureExplanation;
  source: MigrationSource;
  /** A connection to the target: the schema is fingerprinted again, and the status read after. */
  client: pg.Client;
  /** The deploy command as the user wrote it (`npx prisma migrate deploy`): the Prisma CLI is taken from it. */
  command: string;
  /** How the project runs Prisma's CLI, when the command does not show it. */
  prismaCommand?: string;
  /** runMigrationCommand's: the project folder, the target, the secret register, the environment. */
  cwd: string;
  databaseUrl: string;
  secrets: Secrets;
  lockTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
}

export interface ResolveRolledBackResult {
  migration: string;
  /** The command that ran (no secret in it: the URL is in its environment). */
  command: string;
  result: MigrationCommandResult;
  /** The status read after: the migration is rolled back, so pending again. */
  status: MigrationStatus;
}

export async function resolveRolledBack(options: ResolveRolledBackOptions): Promise<ResolveRolledBackResult> {
  const { explanation, source } = options;
  if (source.tool !== 'prisma') {
    throw invalidInput(
      'resolve-failed',
      `is for Prisma migrations only; this project's migrations are ${source.tool}'s, which keeps no failed record to resolve`,
      `leave resolve-failed unset; ${source.tool === 'node-pg-migrate' ? 'node-pg-migrate rolls a failed file back and records nothing, so fix it and run again' : 'fix the migration and run the command again'}`,
    );
  }
  const name = explanation.migration?.name;
  if (!name) {
    throw new DbopsError('CHECK_FAILED', 'resolve-failed: rolled-back found no failed migration to resolve', {
      input: 'resolve-failed',
      hint: 'The run failed before a migration was recorded as failed; read its error and run again.',
    });
  }
  const manual = explanation.routes.flatMap((r) => [`${r.title}:`, ...r.steps.map((s) => `  - ${s}`)]).join('\n');
  if (explanation.state.kind !== 'nothing-applied') {
    throw new DbopsError(
      'CHECK_FAILED',
      `resolve-failed: rolled-back refused to mark ${name} rolled back: it is not proven that nothing of it was ` +
        `applied (${explanation.state.kind}: ${explanation.state.reason})`,
      { input: 'resolve-failed', hint: `Do it by hand:\n${manual}` },
    );
  }
  // The proof is about the schema as it was right after the failure; a change since then voids it.
  const now = await takeSchemaSnapshot(options.client);
  if (now.fingerprint.digest !== explanation.fingerprints.after) {
    throw new DbopsError(
      'CHECK_FAILED',
      `resolve-failed: rolled-back refused to mark ${name} rolled back: the schema changed since the failure was ` +
        'explained, so the proof that nothing of it was applied no longer holds',
      { input: 'resolve-failed', hint: `Check what changed, then do it by hand:\n${manual}` },
    );
  }
  const before = await readMigrationStatus(source, options.client);
  if (!before.failed.includes(name)) {
    throw new DbopsError('CHECK_FAILED', `resolve-failed: rolled-back found ${name} no longer failed`, {
      input: 'resolve-failed',
      hint: `Its state is now ${before.migrations.find((m) => m.name === name)?.state ?? 'unknown'}: someone resolved it already.`,
    });
  }

  const command = prismaResolveCommand(prismaCommandOf(options.command, options.prismaCommand), 'rolled-back', name);
  const result = await runMigrationCommand({
    command,
    cwd: options.cwd,
    databaseUrl: options.databaseUrl,
    secrets: options.secrets,
    lockTimeoutMs: options.lockTimeoutMs ?? 0,
    ...(options.env ? { env: options.env } : {}),
    ...(options.onLine ? { onLine: options.onLine } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const status = await readMigrationStatus(source, options.client);
  const state = status.migrations.find((m) => m.name === name)?.state;
  if (state !== 'rolled-back') {
    throw new DbopsError(
      'CHECK_FAILED',
      `\`${command}\` exited 0, but ${name} is ${state ?? 'gone'}, not rolled back`,
      {
        input: 'resolve-failed',
        hint: 'Run `prisma migrate status` to see what the database records.',
      },
    );
  }
  return { migration: name, command, result, status };
}
