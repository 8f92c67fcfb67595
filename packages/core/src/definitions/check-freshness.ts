import { DbopsError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { formatSeconds } from '../format.js';
import { describeFilter, isDatedInFuture, readCatalog, type CatalogEntry, type DamagedManifest } from '../manifest/catalog.js';
import { SAFETY_BACKUP_PREFIX } from '../manifest/layout.js';
import { openStorage } from '../storage/index.js';
import { backupSourceInputs, DATABASE_FILTER_INPUT, NAME_FILTER_INPUT, readBackupFilter } from './backup-source-inputs.js';
import { InputReader } from './read-inputs.js';
import { readS3Options } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...backupSourceInputs(NAME_FILTER_INPUT, DATABASE_FILTER_INPUT),
  { name: 'max-age', description: 'Fail when the newest backup is older than this, e.g. 26h.', required: true, type: 'duration' },
  { name: 'verified', description: 'Count only backups that passed a restore test: a name none of whose backups has passed one fails the check.', default: 'false', type: 'boolean' },
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
    const storage = await openStorage(from, { inputName: 'from', existing: true, s3: readS3Options(reader), ...(context.artifacts ? { artifacts: context.artifacts } : {}) });
    const { entries, damaged } = await readCatalog(storage, { ...(name ? { name } : {}), ...(database ? { database } : {}) });
    const kind = verifiedOnly ? 'verified backup' : 'backup';
    // Each backup name is its own schedule: one that stopped must not hide behind another that runs. Safety
    // backups taken by restores are no schedule, unless asked for by name.
    const byName = new Map<string, CatalogEntry[]>();
    for (const entry of entries) {
      if (!name && entry.manifest.name.startsWith(SAFETY_BACKUP_PREFIX)) continue;
      byName.set(entry.manifest.name, [...(byName.get(entry.manifest.name) ?? []), entry]); // newest first
    }
    // A damaged manifest may be the newest backup of its name: that name fails closed, the others are judged as usual.
    const damagedByName = new Map<string, DamagedManifest[]>();
    for (const d of damaged) {
      if (!name && d.name.startsWith(SAFETY_BACKUP_PREFIX)) continue;
      damagedByName.set(d.name, [...(damagedByName.get(d.name) ?? []), d]);
      if (!byName.has(d.name)) byName.set(d.name, []);
    }
    if (byName.size === 0) {
      const scope = describeFilter({ ...(name ? { name } : {}), ...(database ? { database } : {}) });
      throw new DbopsError('NO_BACKUP', `No complete backup in ${storage.display}${scope ? ` for ${scope}` : ''}`, {
        input: name ? 'name' : database ? 'database' : 'from',
        hint: scope ? 'Check the name / database filter against `dbops list --from ...`, and that the backup workflow writes there.' : 'Check that the backup workflow runs and writes to this location.',
      });
    }
    const now = new Date();
    const checked = [...byName].map(([each, backups]) => judge(each, backups, damagedByName.get(each) ?? [], { now, maxAge, verifiedOnly })).sort((a, b) => b.age - a.age); // the stalest first
    for (const c of checked) {
      if (c.future.length > 0) context.log.warn(`${c.future.join(', ')} of ${c.name} ${c.future.length === 1 ? 'is' : 'are'} dated in the future (the clock of the machine that took ${c.future.length === 1 ? 'it' : 'them'} was wrong): not counted as fresh`);
    }
    const fresh = checked.every((c) => c.fresh);
    const stale = checked.filter((c) => !c.fresh);
    const stalest = checked[0]!;
    const line = (c: Judgement) =>
      c.entry
        ? `newest ${kind} of ${c.name} (${c.database}), ${c.entry.manifest.backupId}, is ${formatSeconds(c.age)} old (limit ${formatSeconds(maxAge)})`
        : c.damaged.length > 0
          ? `newest ${kind} of ${c.name} is unknown: ${c.damaged.map((d) => d.error.message).join('; ')}`
          : `name ${c.name} (${c.database}) has no ${kind}: ${c.missing}`;
    const damagedHint = stale.find((c) => c.damaged.length > 0)?.damaged[0]!.error.hint;
    return {
      outputs: { 'backup-id': stalest.entry?.manifest.backupId ?? '', 'age-seconds': stalest.entry ? String(Math.round(stalest.age)) : '', fresh: String(fresh) },
      summary: `### ${fresh ? '✅' : '❌'} Backups ${fresh ? 'are fresh' : 'are stale'}\n\n${checked.map((c) => `- ${c.fresh ? '✅' : '❌'} The ${line(c)}.`).join('\n')}\n`,
      json: {
        backupId: stalest.entry?.manifest.backupId ?? null,
        ageSeconds: stalest.entry ? stalest.age : null,
        maxAgeSeconds: maxAge,
        fresh,
        verified: verifiedOnly,
        names: checked.map((c) => ({ name: c.name, backupId: c.entry?.manifest.backupId ?? null, ageSeconds: c.entry ? c.age : null, fresh: c.fresh, ...(c.future.length > 0 ? { datedInFuture: c.future } : {}), ...(c.damaged.length > 0 ? { damagedManifests: c.damaged.map((d) => d.key) } : {}) })),
      },
      ...(fresh
        ? {}
        : {
            failure: new DbopsError('CHECK_FAILED', `The ${stale.map(line).join('; the ')}`, {
              hint: damagedHint ?? (stale.every((c) => c.entry)
                ? 'The backup schedule may have stopped (GitHub disables schedules in repositories without activity for 60 days) or backups are failing.'
                : 'Run restore-test on a schedule for every name checked with verified: true (or check only the names that are restore-tested, with name), and fix the clock of any machine that dates backups in the future.'),
            }),
          }),
    };
  },
};

interface Judgement {
  name: string;
  database: string;
  /** The newest backup that counts: verified when asked, and not dated in the future. */
  entry?: CatalogEntry;
  /** Its age in seconds; Infinity when no backup counts. */
  age: number;
  fresh: boolean;
  /** Why no backup counts. */
  missing?: string;
  /** Ids of backups dated in the future (a wrong clock): never counted, or one would be "fresh" until its date. */
  future: string[];
  /** Manifests of this name that could not be read: the name is not fresh until they are dealt with. */
  damaged: DamagedManifest[];
}

/**
 * Judges one name's backups (newest first). A name with backups but none that counts is stale, never skipped; so is
 * one with a damaged manifest, which may have been its newest backup (fail closed).
 */
function judge(name: string, backups: CatalogEntry[], damaged: DamagedManifest[], options: { now: Date; maxAge: number; verifiedOnly: boolean }): Judgement {
  const future = backups.filter((e) => isDatedInFuture(e.manifest, options.now)).map((e) => e.manifest.backupId);
  if (damaged.length > 0) return { name, database: backups[0]?.manifest.database ?? 'database unknown', age: Infinity, fresh: false, future, damaged };
  const dated = backups.filter((e) => !isDatedInFuture(e.manifest, options.now));
  const entry = dated.find((e) => !options.verifiedOnly || e.verifiedAt);
  const database = (entry ?? backups[0]!).manifest.database;
  if (!entry) {
    const missing = dated.length > 0
      ? `none of its ${dated.length} backup${dated.length === 1 ? '' : 's'} has passed a restore test`
      : `its only backups are dated in the future (${future.join(', ')})`;
    return { name, database, age: Infinity, fresh: false, missing, future, damaged };
  }
  const age = (options.now.getTime() - Date.parse(entry.manifest.finishedAt)) / 1000;
  return { name, database, entry, age, fresh: age <= options.maxAge, future, damaged };
}
