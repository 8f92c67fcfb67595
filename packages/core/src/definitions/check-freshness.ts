import { parseDuration } from '../duration.js';
import { checkFreshness } from '../operations/check-freshness.js';
import { freshnessSummary } from '../report/freshness-summary.js';
import { backupSourceInputs, DATABASE_FILTER_INPUT, NAME_FILTER_INPUT } from './backup-source-inputs.js';
import { readBackupSource } from './read-backup-source.js';
import { InputReader } from './read-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...backupSourceInputs(NAME_FILTER_INPUT, DATABASE_FILTER_INPUT),
  {
    name: 'max-age',
    description: 'Fail when the newest backup is older than this, e.g. 26h.',
    required: true,
    type: 'duration',
  },
  {
    name: 'verified',
    description:
      'Count only backups that passed a restore test: a name none of whose backups has passed one fails the check.',
    default: 'false',
    type: 'boolean',
  },
];

export const checkFreshnessDefinition: ActionDefinition = {
  name: 'check-freshness',
  description:
    'Fail when the newest (verified) backup of any backup name is older than max-age: run it from a second, independent schedule.',
  inputs,
  outputs: [
    {
      name: 'backup-id',
      description: 'The newest (verified) backup of the stalest name (each backup name is checked on its own).',
    },
    { name: 'age-seconds', description: 'Its age in seconds.' },
    { name: 'fresh', description: "true when every name's newest backup is within max-age." },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const result = await checkFreshness({
      ...readBackupSource(reader, context),
      maxAgeSeconds: parseDuration(reader.required('max-age', 'a duration such as 26h'), 'max-age'),
      verifiedOnly: reader.boolean('verified'),
      log: context.log,
    });
    const stalest = result.names[0]!;
    const backupId = stalest.entry?.manifest.backupId;
    return {
      outputs: {
        'backup-id': backupId ?? '',
        'age-seconds': backupId ? String(Math.round(stalest.age)) : '',
        fresh: String(result.fresh),
      },
      results: [freshnessSummary(result)],
      json: {
        backupId: backupId ?? null,
        ageSeconds: backupId ? stalest.age : null,
        maxAgeSeconds: result.maxAgeSeconds,
        fresh: result.fresh,
        verified: result.verifiedOnly,
        names: result.names.map((c) => ({
          name: c.name,
          backupId: c.entry?.manifest.backupId ?? null,
          ageSeconds: c.entry ? c.age : null,
          fresh: c.fresh,
          ...(c.future.length > 0 ? { datedInFuture: c.future } : {}),
          ...(c.damaged.length > 0 ? { damagedManifests: c.damaged.map((d) => d.key) } : {}),
          ...(c.unrestorable.length > 0 ? { damagedBackups: c.unrestorable } : {}),
        })),
      },
      ...(result.failure ? { failure: result.failure } : {}),
    };
  },
};
