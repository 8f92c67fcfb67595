import { invalidInput } from '../../errors.js';
import type { BackupManifest } from '../../manifest/manifest.js';
import type { RestoreChoice } from '../engine.js';
import type { MongoTarget, RestoredDatabase } from './target.js';

// Where the databases of a backup of several (databases, exclude-databases) are restored: restore-test gives each
// a scratch name of its own, restore either all under their own names or one chosen into the URL's database.

/** The longest database name every server takes (MongoDB: 63 bytes; FerretDB the same). */
const MAX_NAME = 63;

/** What every server takes in a database name (FerretDB: ASCII letters, digits, _ and - only). */
const PORTABLE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * The scratch database of each of the backup's databases: `<scratch>_<database>`, recognisable and, since the
 * scratch name is unique, colliding with nothing; `<scratch>-<n>` (a hyphen, which no `_` name has) when that
 * would be too long, or the database's name has characters not every server takes in a name (MongoDB takes
 * `café`, FerretDB does not).
 */
export function scratchDatabases(scratch: string, databases: readonly string[]): RestoredDatabase[] {
  return databases.map((from, i) => {
    const named = `${scratch}_${from}`;
    const fits = Buffer.byteLength(named) <= MAX_NAME && PORTABLE_NAME.test(from);
    return { from, to: fits ? named : `${scratch}-${i + 1}` };
  });
}

/** The databases a restore goes into: the target's mapping, or the backup's one database into the URL's. */
export function restoredDatabases(target: MongoTarget): readonly RestoredDatabase[] {
  return target.databases ?? [{ from: target.database, to: target.database }];
}

/**
 * restore's target for `manifest` with the user's choice (source-database, all-databases): a backup of several
 * databases needs one of them, a backup of one database neither. Refused with the input, what is wrong and the form.
 */
export function chooseRestoreDatabases(
  target: MongoTarget,
  manifest: BackupManifest,
  choice: RestoreChoice,
): MongoTarget {
  const databases = manifest.mongodb?.databases;
  const { sourceDatabase, allDatabases } = choice;
  if (!databases) {
    if (sourceDatabase === undefined && !allDatabases) return target;
    throw invalidInput(
      sourceDatabase !== undefined ? 'source-database' : 'all-databases',
      `applies to a backup of several databases, and backup ${manifest.backupId} is of one (${manifest.database})`,
      `no source-database or all-databases: the backup is restored into the database target-url names`,
    );
  }
  const held = `${databases.length} databases (${databases.join(', ')})`;
  const form =
    `source-database: one of ${databases.join(', ')} (restored into the database target-url names), ` +
    `or all-databases: true (each restored under its own name)`;
  if (sourceDatabase !== undefined && allDatabases) {
    throw invalidInput('all-databases', 'is given together with source-database: restore one database or all', form);
  }
  if (allDatabases) return { ...target, databases: databases.map((from) => ({ from, to: from })) };
  if (sourceDatabase === undefined) {
    throw invalidInput(
      'source-database',
      `is needed: backup ${manifest.backupId} holds ${held}, and target-url names one database (${target.database})`,
      form,
    );
  }
  if (!databases.includes(sourceDatabase)) {
    throw invalidInput(
      'source-database',
      `is ${sourceDatabase}, which backup ${manifest.backupId} does not hold (it holds ${held})`,
      form,
    );
  }
  return { ...target, databases: [{ from: sourceDatabase, to: target.database }] };
}
