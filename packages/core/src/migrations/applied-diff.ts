/**
 * What a deploy changed in the tool's record: the migration status before and after the command, compared.
 */
import type { MigrationStatus } from './status.js';

export interface AppliedMigration {
  name: string;
  /** From the tool's record where it keeps start and finish (Prisma's started_at/finished_at). */
  durationMs?: number;
  startedAt?: Date;
  finishedAt?: Date;
}

export interface AppliedDiff {
  /** Migrations applied by the run, in the tool's order. */
  applied: AppliedMigration[];
  /** Migrations that failed during the run (failed after, not before), with the tool's log of the failure. */
  failed: Array<{ name: string; logs?: string }>;
  /** What is still pending after the run. */
  stillPending: string[];
}

export function appliedDiff(before: MigrationStatus, after: MigrationStatus): AppliedDiff {
  const appliedBefore = new Set(before.applied);
  const failedBefore = new Set(before.failed);
  const applied: AppliedMigration[] = [];
  const failed: AppliedDiff['failed'] = [];
  for (const entry of after.migrations) {
    const newlyApplied =
      (entry.state === 'applied' || entry.state === 'edited-after-applied') && !appliedBefore.has(entry.name);
    if (newlyApplied) {
      applied.push({
        name: entry.name,
        ...(entry.durationMs !== undefined ? { durationMs: entry.durationMs } : {}),
        ...(entry.startedAt ? { startedAt: entry.startedAt } : {}),
        ...(entry.finishedAt ? { finishedAt: entry.finishedAt } : {}),
      });
    }
    // A failure recorded again after the run is new too when its attempt started after the one seen before.
    if (entry.state === 'failed' && (!failedBefore.has(entry.name) || restarted(before, entry.name, entry.startedAt)))
      failed.push({ name: entry.name, ...(entry.logs ? { logs: entry.logs } : {}) });
  }
  return { applied, failed, stillPending: after.pending };
}

function restarted(before: MigrationStatus, name: string, startedAt: Date | undefined): boolean {
  const earlier = before.migrations.find((m) => m.name === name)?.startedAt;
  return Boolean(earlier && startedAt && startedAt.getTime() > earlier.getTime());
}
