import type { DbopsError } from '../errors.js';
import { formatBytes, formatSeconds } from '../format.js';
import type { RotateResult } from '../operations/rotate.js';
import type { RotationPlan } from '../retention/plan.js';
import { code, strong, type Block, type Result, type Text } from './result.js';

/** The rotation plan as a table: every backup, kept or deleted, with the rules that keep it. */
export function rotationSummary(plan: RotationPlan, dryRun: boolean, now: Date): Result {
  const deleting = plan.backups.filter((b) => !b.keep);
  const freed = deleting.reduce((sum, b) => sum + b.bytes, 0);
  const verb = dryRun ? 'would delete' : 'deleted';
  const verified = (at?: Date) => (at ? `✅ ${at.toISOString().slice(0, 16)}Z` : '—');
  const blocks: Block[] = [
    {
      kind: 'table',
      columns: ['Backup id', 'Age', 'Verified', 'Action', 'Kept by'],
      rows: plan.backups.map((b) => [
        code(b.id),
        age(b.time, now),
        verified(b.verifiedAt),
        b.keep ? 'keep' : strong(dryRun ? 'delete' : 'deleted'),
        b.reasons.join(', '),
      ]),
    },
  ];
  const sources = [...new Set(plan.backups.map((b) => b.source))];
  if (sources.length > 1) {
    const text = `These backups come from ${sources.length} sources, each rotated on its own: ${sources.join('; ')}.`;
    blocks.push({ kind: 'note', text });
  }
  const list = (title: string, items: Text[]) => {
    if (items.length > 0) blocks.push({ kind: 'note', text: title }, { kind: 'list', items });
  };
  const setAside = (reason: string) => plan.backups.filter((b) => b.setAside?.reason === reason);
  list(
    'Damaged backups (kept, and never counted as a backup to keep others for):',
    setAside('damaged').map((b) => [code(b.id), `: ${b.setAside!.detail}; it cannot be restored`]),
  );
  list(
    'Backups dated in the future (kept, and never counted: the others are rotated by their own dates):',
    setAside('future-dated').map((b) => [code(b.id), `: ${b.setAside!.detail}`]),
  );
  const fate = (what: { action: string; ageSeconds: number }, done: string, wait: string) =>
    ` (${formatSeconds(what.ageSeconds)} old): ${what.action === 'delete' ? done : wait}`;
  list(
    'Objects without a manifest (incomplete backups):',
    plan.leftovers.map((l) => [
      code(l.backupId),
      fate(l, dryRun ? 'would be deleted' : 'deleted', 'left alone: it may still be uploading'),
    ]),
  );
  list(
    'Uploads a killed run left unfinished (never backups; they only take space):',
    plan.unfinished.map((u) => [
      code(u.upload.key),
      fate(u, dryRun ? 'would be discarded' : 'discarded', 'left alone: it may still be writing'),
    ]),
  );
  const dry = dryRun ? ' (dry run: nothing deleted)' : '';
  const what = `${dry}: ${verb} ${deleting.length} of ${plan.backups.length} backups, ${formatBytes(freed)}`;
  return { status: 'info', title: ['Rotation of ', code(plan.name), what], blocks };
}

function age(time: Date, now: Date): string {
  const seconds = (now.getTime() - time.getTime()) / 1000;
  return seconds < 0 ? `${formatSeconds(-seconds)} in the future` : formatSeconds(seconds);
}

/** A rotation's results: each name's plan, then each name skipped for a damaged manifest. */
export function rotateSummaries(result: RotateResult): Result[] {
  return [
    ...result.plans.map((p) => rotationSummary(p, result.dryRun, result.now)),
    ...result.skipped.map(skippedSummary),
  ];
}

function skippedSummary({ name, error }: { name: string; error: DbopsError }): Result {
  const blocks: Block[] = [{ kind: 'note', text: error.message }];
  if (error.hint) blocks.push({ kind: 'note', text: error.hint });
  return { status: 'failure', title: [code(name), ' not rotated: nothing of it was deleted'], blocks };
}

/** The rotation a backup ran after itself: its results, or a warning that it failed (the backup stands). */
export function backupRotationSummaries(rotation: RotateResult | { error: Error } | undefined): Result[] {
  if (!rotation) return [];
  if ('error' in rotation) {
    return [{ status: 'warning', title: `Rotation failed: ${rotation.error.message}`, blocks: [] }];
  }
  return rotateSummaries(rotation);
}
