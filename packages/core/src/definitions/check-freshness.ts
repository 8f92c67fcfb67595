import { DbopsError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { formatSeconds } from '../format.js';
import { listBackups } from '../manifest/catalog.js';
import { openStorage } from '../storage/index.js';
import { BACKUP_SOURCE_INPUTS, readBackupFilter } from './backup-source-inputs.js';
import { InputReader } from './read-inputs.js';
import { readS3Options } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...BACKUP_SOURCE_INPUTS.filter((i) => i.name !== 'backup-id'),
  { name: 'max-age', description: 'Fail when the newest backup is older than this, e.g. 26h.', required: true, type: 'duration' },
  { name: 'verified', description: 'Count only backups that passed a restore test.', default: 'false', type: 'boolean' },
];

export const checkFreshnessDefinition: ActionDefinition = {
  name: 'check-freshness',
  description: 'Fail when the newest (verified) backup is older than max-age: run it from a second, independent schedule.',
  inputs,
  outputs: [
    { name: 'backup-id', description: 'The newest (verified) backup.' },
    { name: 'age-seconds', description: 'Its age in seconds.' },
    { name: 'fresh', description: 'true when it is within max-age.' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const { from, name, database } = readBackupFilter(reader);
    const maxAge = parseDuration(reader.required('max-age', 'a duration such as 26h'), 'max-age');
    const verifiedOnly = reader.boolean('verified');
    const storage = await openStorage(from, { inputName: 'from', s3: readS3Options(reader), ...(context.artifacts ? { artifacts: context.artifacts } : {}) });
    const entries = (await listBackups(storage, { ...(name ? { name } : {}), ...(database ? { database } : {}) })).filter((e) => !verifiedOnly || e.verifiedAt);
    const kind = verifiedOnly ? 'verified backup' : 'backup';
    const newest = entries[0];
    if (!newest) {
      throw new DbopsError('NO_BACKUP', `No complete ${kind} in ${storage.display}`, { input: 'from', hint: verifiedOnly ? 'Run restore-test on a schedule so backups get verified.' : 'Check that the backup workflow runs and writes to this location.' });
    }
    const age = (Date.now() - Date.parse(newest.manifest.finishedAt)) / 1000;
    const fresh = age <= maxAge;
    const line = `newest ${kind} ${newest.manifest.backupId} of ${newest.manifest.database} is ${formatSeconds(age)} old (limit ${formatSeconds(maxAge)})`;
    return {
      outputs: { 'backup-id': newest.manifest.backupId, 'age-seconds': String(Math.round(age)), fresh: String(fresh) },
      summary: `### ${fresh ? '✅' : '❌'} Backups ${fresh ? 'are fresh' : 'are stale'}\n\nThe ${line}.\n`,
      json: { backupId: newest.manifest.backupId, ageSeconds: age, maxAgeSeconds: maxAge, fresh, verified: verifiedOnly },
      ...(fresh ? {} : { failure: new DbopsError('CHECK_FAILED', `The ${line}`, { hint: 'The backup schedule may have stopped (GitHub disables schedules in repositories without activity for 60 days) or backups are failing.' }) }),
    };
  },
};
