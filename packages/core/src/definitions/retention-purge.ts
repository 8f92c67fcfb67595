import { DbopsError, invalidInput } from '../errors.js';
import { readCatalog } from '../manifest/catalog.js';
import { openStorage } from '../storage/index.js';
import { executeRotation, planRotation, warnSetAside, type RotationPlan } from '../retention/plan.js';
import { renderRotation } from '../report/rotation-summary.js';
import { backupSourceInputs, NAME_FILTER_INPUT, readBackupFilter } from './backup-source-inputs.js';
import { InputReader } from './read-inputs.js';
import { readRetentionPolicy, RETENTION_INPUTS } from './retention-inputs.js';
import { readS3Options } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...backupSourceInputs(NAME_FILTER_INPUT),
  ...RETENTION_INPUTS,
  { name: 'dry-run', description: 'Only show what would be deleted, with reasons. Set to false to delete.', default: 'true', type: 'boolean' },
];

export const retentionPurgeDefinition: ActionDefinition = {
  name: 'retention-purge',
  aliases: ['rotate'],
  description: 'Rotate backups with restic-style keep rules (a dry run unless dry-run: false), never below keep-min-verified verified backups.',
  inputs,
  outputs: [
    { name: 'deleted-count', description: 'Backups deleted (or that would be, in a dry run).' },
    { name: 'kept-count', description: 'Backups kept.' },
    { name: 'deleted-ids', description: 'Ids of the deleted backups, comma-separated.' },
    { name: 'dry-run', description: 'Whether this was a dry run.' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const { from, name } = readBackupFilter(reader);
    const { policy, graceSeconds, any } = readRetentionPolicy(reader);
    if (!any) throw invalidInput('keep-daily', 'and every other keep rule keep nothing (unset or 0)', 'at least one of keep-last, keep-hourly, keep-daily, keep-weekly, keep-monthly, keep-yearly (a count of 1 or more) or keep-within');
    const dryRun = reader.boolean('dry-run');
    const storage = await openStorage(from, { inputName: 'from', existing: true, s3: readS3Options(reader), ...(context.artifacts ? { artifacts: context.artifacts } : {}) });
    // Names with a damaged manifest count too (by their folder): they are skipped, never silently left out.
    const catalog = name ? undefined : await readCatalog(storage);
    const names = name ? [name] : [...new Set([...catalog!.entries.map((e) => e.manifest.name), ...catalog!.damaged.map((d) => d.name)])].sort();
    const now = new Date();
    const plans: RotationPlan[] = [];
    const deletedIds: string[] = [];
    /** Names not rotated because a manifest of theirs is damaged: nothing of theirs is deleted (fail closed). */
    const skipped: Array<{ name: string; error: DbopsError }> = [];
    for (const each of names) {
      let plan: RotationPlan;
      try {
        plan = await planRotation(storage, each, policy, { now, graceSeconds });
      } catch (error) {
        if (!(error instanceof DbopsError && error.code === 'INTEGRITY_FAILED')) throw error;
        context.log.warn(`Not rotating ${each}: ${error.message}`);
        skipped.push({ name: each, error });
        continue;
      }
      warnSetAside(plan, context.log);
      plans.push(plan);
      if (dryRun) deletedIds.push(...plan.backups.filter((b) => !b.keep).map((b) => b.id));
      else deletedIds.push(...(await executeRotation(storage, plan, context.log)).deleted);
    }
    return {
      outputs: {
        'deleted-count': String(deletedIds.length),
        'kept-count': String(plans.flatMap((p) => p.backups).filter((b) => b.keep).length),
        'deleted-ids': deletedIds.join(','),
        'dry-run': String(dryRun),
      },
      summary: [...plans.map((p) => renderRotation(p, dryRun, now)), ...skipped.map(renderSkipped)].join('\n'),
      json: { dryRun, plans, ...(skipped.length > 0 ? { skipped: skipped.map((s) => ({ name: s.name, error: s.error.message })) } : {}) },
      ...(skipped.length > 0 ? { failure: skippedError(skipped) } : {}),
    };
  },
};

function renderSkipped({ name, error }: { name: string; error: DbopsError }): string {
  return `### ❌ \`${name}\` not rotated: nothing of it was deleted\n\n${error.message}\n\n${error.hint ?? ''}\n`;
}

/** The run fails when a name was skipped, after the other names were rotated: the skipped one needs a person. */
function skippedError(skipped: Array<{ name: string; error: DbopsError }>): DbopsError {
  const [first, ...others] = skipped;
  const more = others.length > 0 ? ` (${others.map((s) => s.name).join(', ')} not rotated either, for the same reason)` : '';
  return new DbopsError('INTEGRITY_FAILED', `${first!.name} was not rotated: ${first!.error.message}${more}`, { ...(first!.error.hint ? { hint: first!.error.hint } : {}), cause: first!.error });
}
