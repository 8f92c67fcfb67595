import { DbopsError } from '../errors.js';
import { formatSeconds } from '../format.js';
import type { Logger } from '../log.js';
import {
  describeFilter,
  isDatedInFuture,
  readCatalog,
  type CatalogEntry,
  type CatalogFilter,
  type DamagedManifest,
} from '../manifest/catalog.js';
import { SAFETY_BACKUP_PREFIX } from '../manifest/layout.js';
import { openBackupSource, type BackupSource } from './backup-source.js';

export interface FreshnessOptions {
  source: BackupSource;
  filter: CatalogFilter;
  maxAgeSeconds: number;
  /** Count only backups that passed a restore test. */
  verifiedOnly: boolean;
  log: Logger;
  now?: Date;
}

/** One name's verdict. */
export interface Judgement {
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
  /**
   * Backups whose object (or a part) is missing or cut short (storedFileProblem, as rotation judges them): never
   * counted. When the newest backup is one of them, the name is not fresh (fail closed).
   */
  unrestorable: Array<{ backupId: string; problem: string }>;
  /** The newest backup, when it is unrestorable: the name is stale whatever older backups there are. */
  newestUnrestorable?: { backupId: string; problem: string };
}

export interface FreshnessResult {
  maxAgeSeconds: number;
  verifiedOnly: boolean;
  fresh: boolean;
  /** Every name checked, the stalest first. */
  names: Judgement[];
  /** When a name is stale: the error the run fails with, naming each stale name. */
  failure?: DbopsError;
}

/**
 * Judges each backup name's newest (verified) backup against max-age. Each backup name is its own schedule: one that
 * stopped must not hide behind another that runs. Safety backups taken by restores are no schedule, unless asked
 * for by name. Fails with NO_BACKUP when nothing matches.
 */
export async function checkFreshness(options: FreshnessOptions): Promise<FreshnessResult> {
  const { filter, log } = options;
  const storage = await openBackupSource(options.source);
  const { entries, damaged } = await readCatalog(storage, filter);
  const counted = (name: string) => filter.name !== undefined || !name.startsWith(SAFETY_BACKUP_PREFIX);
  const byName = new Map<string, CatalogEntry[]>();
  for (const entry of entries.filter((e) => counted(e.manifest.name))) {
    byName.set(entry.manifest.name, [...(byName.get(entry.manifest.name) ?? []), entry]); // newest first
  }
  // A damaged manifest may be the newest backup of its name: that name fails closed, the others are judged as usual.
  const damagedByName = new Map<string, DamagedManifest[]>();
  for (const d of damaged.filter((d) => counted(d.name))) {
    damagedByName.set(d.name, [...(damagedByName.get(d.name) ?? []), d]);
    if (!byName.has(d.name)) byName.set(d.name, []);
  }
  if (byName.size === 0) {
    const scope = describeFilter(filter);
    throw new DbopsError('NO_BACKUP', `No complete backup in ${storage.display}${scope ? ` for ${scope}` : ''}`, {
      input: filter.name ? 'name' : filter.database ? 'database' : 'from',
      hint: scope
        ? 'Check the name / database filter against `dbops list --from ...`, and that the backup workflow writes there.'
        : 'Check that the backup workflow runs and writes to this location.',
    });
  }
  const now = options.now ?? new Date();
  const names = [...byName]
    .map(([each, backups]) => judge(each, backups, damagedByName.get(each) ?? [], { ...options, now }))
    .sort((a, b) => b.age - a.age);
  for (const c of names) {
    for (const u of c.unrestorable) {
      log.warn(`Backup ${c.name}/${u.backupId} is damaged: ${u.problem}. Not counted as fresh; look into it.`);
    }
  }
  for (const c of names.filter((c) => c.future.length > 0)) {
    const one = c.future.length === 1;
    log.warn(
      `${c.future.join(', ')} of ${c.name} ${one ? 'is' : 'are'} dated in the future (the clock of the machine ` +
        `that took ${one ? 'it' : 'them'} was wrong): not counted as fresh`,
    );
  }
  const fresh = names.every((c) => c.fresh);
  const { maxAgeSeconds, verifiedOnly } = options;
  const result: FreshnessResult = { maxAgeSeconds, verifiedOnly, fresh, names };
  return fresh ? result : { ...result, failure: staleError(result) };
}

/** What the check found for one name, as a sentence after "The ". */
export function describeJudgement(
  c: Judgement,
  result: Pick<FreshnessResult, 'maxAgeSeconds' | 'verifiedOnly'>,
): string {
  const kind = result.verifiedOnly ? 'verified backup' : 'backup';
  if (c.entry) {
    return (
      `newest ${kind} of ${c.name} (${c.database}), ${c.entry.manifest.backupId}, is ${formatSeconds(c.age)} old ` +
      `(limit ${formatSeconds(result.maxAgeSeconds)})`
    );
  }
  if (c.damaged.length > 0) {
    return `newest ${kind} of ${c.name} is unknown: ${c.damaged.map((d) => d.error.message).join('; ')}`;
  }
  if (c.newestUnrestorable) {
    const { backupId, problem } = c.newestUnrestorable;
    return `newest backup of ${c.name} (${c.database}), ${backupId}, cannot be restored: ${problem}`;
  }
  return `name ${c.name} (${c.database}) has no ${kind}: ${c.missing}`;
}

function staleError(result: FreshnessResult): DbopsError {
  const stale = result.names.filter((c) => !c.fresh);
  const hint =
    stale.find((c) => c.damaged.length > 0)?.damaged[0]?.error.hint ??
    (stale.some((c) => c.newestUnrestorable)
      ? 'The newest backup lost stored bytes (an upload cut short, or files deleted or truncated in the store): take a ' +
        'new backup, then look into the damaged one and delete it by hand.'
      : stale.every((c) => c.entry)
        ? 'The backup schedule may have stopped (GitHub disables schedules in repositories without activity for 60 ' +
          'days) or backups are failing.'
        : 'Run restore-test on a schedule for every name checked with verified: true (or check only the names that are ' +
          'restore-tested, with name), and fix the clock of any machine that dates backups in the future.');
  return new DbopsError('CHECK_FAILED', `The ${stale.map((c) => describeJudgement(c, result)).join('; the ')}`, {
    hint,
  });
}

/**
 * Judges one name's backups (newest first). A name with backups but none that counts is stale, never skipped; so is
 * one with a damaged manifest, which may have been its newest backup, and one whose newest backup's stored files are
 * missing or cut short (fail closed). Older such backups are skipped.
 */
function judge(
  name: string,
  backups: CatalogEntry[],
  damaged: DamagedManifest[],
  options: { now: Date; maxAgeSeconds: number; verifiedOnly: boolean },
): Judgement {
  const future = backups.filter((e) => isDatedInFuture(e.manifest, options.now)).map((e) => e.manifest.backupId);
  const unrestorable = backups
    .filter((e) => e.damage !== undefined)
    .map((e) => ({ backupId: e.manifest.backupId, problem: e.damage! }));
  if (damaged.length > 0) {
    const database = backups[0]?.manifest.database ?? 'database unknown';
    return { name, database, age: Infinity, fresh: false, future, damaged, unrestorable };
  }
  const dated = backups.filter((e) => !isDatedInFuture(e.manifest, options.now));
  const newest = dated[0];
  if (newest?.damage) {
    const newestUnrestorable = { backupId: newest.manifest.backupId, problem: newest.damage };
    const database = newest.manifest.database;
    return { name, database, age: Infinity, fresh: false, future, damaged, unrestorable, newestUnrestorable };
  }
  const entry = dated.find((e) => !e.damage && (!options.verifiedOnly || e.verifiedAt));
  const database = (entry ?? backups[0]!).manifest.database;
  if (!entry) {
    const missing =
      dated.length > 0
        ? `none of its ${dated.length} backup${dated.length === 1 ? '' : 's'} has passed a restore test`
        : `its only backups are dated in the future (${future.join(', ')})`;
    return { name, database, age: Infinity, fresh: false, missing, future, damaged, unrestorable };
  }
  const age = (options.now.getTime() - Date.parse(entry.manifest.finishedAt)) / 1000;
  return { name, database, entry, age, fresh: age <= options.maxAgeSeconds, future, damaged, unrestorable };
}
