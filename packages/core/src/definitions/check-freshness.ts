import { DbopsError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { formatSeconds } from '../format.js';
import { listBackups, type CatalogEntry } from '../manifest/catalog.js';
import { SAFETY_BACKUP_PREFIX } from '../manifest/layout.js';
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
  description: 'Fail when the newest (verified) backup of any backup name is older than max-age: run it from a second, independent schedule.',
  inputs,
  outputs: [
    { name: 'backup-id', description: 'The newest (verified) backup of the stalest name (each backup name is checked on its own).' },
    { name: 'age-seconds', description: 'Its age in seconds.' },
    { name: 'fresh', description: 'true when every name\'s newest backup is within max-age.' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const { from, name, database } = readBackupFilter(reader);
    const maxAge = parseDuration(reader.required('max-age', 'a duration such as 26h'), 'max-age');
    const verifiedOnly = reader.boolean('verified');
    const storage = await openStorage(from, { inputName: 'from', s3: readS3Options(reader), ...(context.artifacts ? { artifacts: context.artifacts } : {}) });
    const entries = (await listBackups(storage, { ...(name ? { name } : {}), ...(database ? { database } : {}) })).filter((e) => !verifiedOnly || e.verifiedAt);
    const kind = verifiedOnly ? 'verified backup' : 'backup';
    // Each backup name is its own schedule: one that stopped must not hide behind another that runs. Safety
    // backups taken by restores are no schedule, unless asked for by name.
    const newestByName = new Map<string, CatalogEntry>();
    for (const entry of entries) {
      if (!name && entry.manifest.name.startsWith(SAFETY_BACKUP_PREFIX)) continue;
      if (!newestByName.has(entry.manifest.name)) newestByName.set(entry.manifest.name, entry); // newest first
    }
    if (newestByName.size === 0) {
      throw new DbopsError('NO_BACKUP', `No complete ${kind} in ${storage.display}`, { input: 'from', hint: verifiedOnly ? 'Run restore-test on a schedule so backups get verified.' : 'Check that the backup workflow runs and writes to this location.' });
    }
    const now = Date.now();
    const checked = [...newestByName.values()]
      .map((entry) => ({ entry, age: (now - Date.parse(entry.manifest.finishedAt)) / 1000 }))
      .sort((a, b) => b.age - a.age); // the stalest first
    const fresh = checked.every((c) => c.age <= maxAge);
    const line = (c: (typeof checked)[number]) =>
      `newest ${kind} of ${c.entry.manifest.name} (${c.entry.manifest.database}), ${c.entry.manifest.backupId}, is ${formatSeconds(c.age)} old (limit ${formatSeconds(maxAge)})`;
    const stale = checked.filter((c) => c.age > maxAge);
    const stalest = checked[0]!;
    return {
      outputs: { 'backup-id': stalest.entry.manifest.backupId, 'age-seconds': String(Math.round(stalest.age)), fresh: String(fresh) },
      summary: `### ${fresh ? '✅' : '❌'} Backups ${fresh ? 'are fresh' : 'are stale'}\n\n${checked.map((c) => `- ${c.age <= maxAge ? '✅' : '❌'} The ${line(c)}.`).join('\n')}\n`,
      json: { backupId: stalest.entry.manifest.backupId, ageSeconds: stalest.age, maxAgeSeconds: maxAge, fresh, verified: verifiedOnly, names: checked.map((c) => ({ name: c.entry.manifest.name, backupId: c.entry.manifest.backupId, ageSeconds: c.age, fresh: c.age <= maxAge })) },
      ...(fresh
        ? {}
        : { failure: new DbopsError('CHECK_FAILED', `The ${stale.map(line).join('; the ')}`, { hint: 'The backup schedule may have stopped (GitHub disables schedules in repositories without activity for 60 days) or backups are failing.' }) }),
    };
  },
};
