import { invalidInput } from '../errors.js';
import { rotate } from '../operations/rotate.js';
import { rotateSummaries } from '../report/rotation-summary.js';
import { backupSourceInputs, NAME_FILTER_INPUT } from './backup-source-inputs.js';
import { readBackupSource } from './read-backup-source.js';
import { InputReader } from './read-inputs.js';
import { readRetentionPolicy, RETENTION_INPUTS } from './retention-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...backupSourceInputs(NAME_FILTER_INPUT),
  ...RETENTION_INPUTS,
  {
    name: 'dry-run',
    description: 'Only show what would be deleted, with reasons. Set to false to delete.',
    default: 'true',
    type: 'boolean',
  },
];

export const retentionPurgeDefinition: ActionDefinition = {
  name: 'retention-purge',
  aliases: ['rotate'],
  description:
    'Rotate backups with restic-style keep rules (a dry run unless dry-run: false), never below keep-min-verified verified backups.',
  inputs,
  outputs: [
    { name: 'deleted-count', description: 'Backups deleted (or that would be, in a dry run).' },
    { name: 'kept-count', description: 'Backups kept.' },
    { name: 'deleted-ids', description: 'Ids of the deleted backups, comma-separated.' },
    { name: 'dry-run', description: 'Whether this was a dry run.' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const { source, filter } = readBackupSource(reader, context);
    const { policy, graceSeconds, any } = readRetentionPolicy(reader);
    if (!any) {
      throw invalidInput(
        'keep-daily',
        'and every other keep rule keep nothing (unset or 0)',
        'at least one of ' +
          'keep-last, keep-hourly, keep-daily, keep-weekly, keep-monthly, keep-yearly (a count of 1 or more) or keep-within',
      );
    }
    const dryRun = reader.boolean('dry-run');
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
