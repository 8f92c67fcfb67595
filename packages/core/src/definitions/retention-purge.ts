import { invalidInput } from '../errors.js';
import { rotate } from '../operations/rotate.js';
import { rotateSummaries } from '../report/rotation-summary.js';
import { backupSourceInputs, NAME_FILTER_INPUT } from './backup-source-inputs.js';
import { connectionInputs } from './connection-inputs.js';
import { DATA_RETENTION_INPUTS, DATA_RETENTION_OUTPUTS, runDataRetention } from './data-retention-inputs.js';
import { readBackupSource } from './read-backup-source.js';
import { InputReader } from './read-inputs.js';
import { readRetentionPolicy, RETENTION_INPUTS } from './retention-inputs.js';
import { commentRetentionPlan, RETENTION_PR_COMMENT_INPUTS } from './retention-pr-comment.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  // from is required for rotation by keep-* inputs only; a policy names its backups in its backups: section.
  ...backupSourceInputs(NAME_FILTER_INPUT).map((i) =>
    i.name === 'from' ? { ...i, required: false, description: `${i.description} Required without policy.` } : i,
  ),
  ...RETENTION_INPUTS,
  {
    name: 'dry-run',
    description: 'Only show what would be deleted, with reasons. Set to false to delete.',
    default: 'true',
    type: 'boolean',
  },
  ...DATA_RETENTION_INPUTS,
  ...RETENTION_PR_COMMENT_INPUTS,
  ...connectionInputs(),
];

export const retentionPurgeDefinition: ActionDefinition = {
  name: 'retention-purge',
  aliases: ['rotate'],
  description:
    'Enforce a data-retention policy (expired rows purged in gentle batches, hash-chained receipts) or rotate backups with restic-style keep rules; a dry run unless dry-run: false.',
  inputs,
  outputs: [
    { name: 'deleted-count', description: 'Backups deleted (or that would be, in a dry run).' },
    { name: 'kept-count', description: 'Backups kept.' },
    { name: 'deleted-ids', description: 'Ids of the deleted backups, comma-separated.' },
    { name: 'dry-run', description: 'Whether this was a dry run.' },
    ...DATA_RETENTION_OUTPUTS,
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const dryRun = reader.boolean('dry-run');
    // Checked before anything is purged: an invalid value found after it would lose the report of what was deleted.
    const comment = reader.boolean('comment-on-pr');
    if (reader.optional('policy')) {
      const report = await runDataRetention(reader, context, dryRun);
      if (comment) await commentRetentionPlan(reader, report, context, dryRun);
      return report;
    }
    const { source, filter } = readBackupSource(reader, context);
    const { policy, graceSeconds, any } = readRetentionPolicy(reader);
    if (!any) {
      throw invalidInput(
        'keep-daily',
        'and every other keep rule keep nothing (unset or 0)',
        'at least one of ' +
          'keep-last, keep-hourly, keep-daily, keep-weekly, keep-monthly, keep-yearly (a count of 1 or more) or keep-within, or a policy file',
      );
    }
    const name = filter.name ? { name: filter.name } : {};
    const result = await rotate({ source, ...name, policy, graceSeconds, dryRun, log: context.log });
    const { plans, skipped, deletedIds } = result;
    return {
      outputs: {
        'deleted-count': String(deletedIds.length),
        'kept-count': String(plans.flatMap((p) => p.backups).filter((b) => b.keep).length),
        'deleted-ids': deletedIds.join(','),
        'dry-run': String(dryRun),
      },
      results: rotateSummaries(result),
      json: {
        dryRun,
        plans,
        ...(skipped.length > 0 ? { skipped: skipped.map((s) => ({ name: s.name, error: s.error.message })) } : {}),
      },
      ...(result.failure ? { failure: result.failure } : {}),
    };
  },
};
