import { formatBytes, formatSeconds } from '../format.js';
import type { RotationPlan } from '../retention/plan.js';

/** The rotation plan as a table: every backup, kept or deleted, with the rules that keep it. */
export function renderRotation(plan: RotationPlan, dryRun: boolean, now: Date): string {
  const deleting = plan.backups.filter((b) => !b.keep);
  const freed = deleting.reduce((sum, b) => sum + b.bytes, 0);
  const verb = dryRun ? 'would delete' : 'deleted';
  const lines = [
    `### Rotation of \`${plan.name}\`${dryRun ? ' (dry run: nothing deleted)' : ''}: ${verb} ${deleting.length} of ${plan.backups.length} backups, ${formatBytes(freed)}`,
    '',
    '| Backup id | Age | Verified | Action | Kept by |',
    '|---|---|---|---|---|',
    ...plan.backups.map((b) => `| \`${b.id}\` | ${age(b.time, now)} | ${b.verifiedAt ? `✅ ${b.verifiedAt.toISOString().slice(0, 16)}Z` : '—'} | ${b.keep ? 'keep' : `**${dryRun ? 'delete' : 'deleted'}**`} | ${b.reasons.join(', ')} |`),
  ];
  const sources = [...new Set(plan.backups.map((b) => b.source))];
  if (sources.length > 1) {
    lines.push('', `These backups come from ${sources.length} sources, each rotated on its own: ${sources.join('; ')}.`);
  }
  const damaged = plan.backups.filter((b) => b.setAside?.reason === 'damaged');
  if (damaged.length > 0) {
    lines.push('', 'Damaged backups (kept, and never counted as a backup to keep others for):', '');
    for (const b of damaged) lines.push(`- \`${b.id}\`: ${b.setAside!.detail}; it cannot be restored`);
  }
  const future = plan.backups.filter((b) => b.setAside?.reason === 'future-dated');
  if (future.length > 0) {
    lines.push('', 'Backups dated in the future (kept, and never counted: the others are rotated by their own dates):', '');
    for (const b of future) lines.push(`- \`${b.id}\`: ${b.setAside!.detail}`);
  }
  if (plan.leftovers.length > 0) {
    lines.push('', 'Objects without a manifest (incomplete backups):', '');
    for (const l of plan.leftovers) lines.push(`- \`${l.backupId}\` (${formatSeconds(l.ageSeconds)} old): ${l.action === 'delete' ? (dryRun ? 'would be deleted' : 'deleted') : 'left alone: it may still be uploading'}`);
  }
  if (plan.unfinished.length > 0) {
    lines.push('', 'Uploads a killed run left unfinished (never backups; they only take space):', '');
    for (const u of plan.unfinished) lines.push(`- \`${u.upload.key}\` (${formatSeconds(u.ageSeconds)} old): ${u.action === 'delete' ? (dryRun ? 'would be discarded' : 'discarded') : 'left alone: it may still be writing'}`);
  }
  return `${lines.join('\n')}\n`;
}

function age(time: Date, now: Date): string {
  const seconds = (now.getTime() - time.getTime()) / 1000;
  return seconds < 0 ? `${formatSeconds(-seconds)} in the future` : formatSeconds(seconds);
}
