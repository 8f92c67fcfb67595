import type { TombstoneSet } from '../../data-retention/tombstones.js';
import { checkMongoTombstones } from './tombstone-check.js';
import type { Db } from 'mongodb';
import type { BackupManifest, FingerprintPart, MongoManifestCollection } from '../../manifest/manifest.js';
import type { CheckResult, UserCheck } from '../../restore/checks.js';
import { FULL_SCOPE } from '../dump-scope.js';
import { indexSummary } from './dump-source.js';
import { mongoFingerprint } from './fingerprint.js';
import { isPipelineCheck } from '../../restore/pipeline-checks.js';
import { runPipelineChecks } from './pipeline-checks.js';
import { qualifiedName, readInventory, type CollectionInventory } from './inventory.js';

// What a restore is checked by in a restored MongoDB database: collections and their document counts, indexes,
// the fingerprint of collections, options, validators, views and index specifications. After an oplog replay
// whose commands changed them (a collection or index created or dropped during the dump), the collections,
// indexes and fingerprint are compared with the catalog as those commands leave it (the manifest's oplog.atEnd),
// not with the collections as dumped: like with like.

/** The catalog a restored copy should have: the dumped one, or after a replay the one its commands leave. */
interface ExpectedCatalog {
  collections: Array<Pick<MongoManifestCollection, 'name' | 'type' | 'indexes'> & { documents?: number }>;
  fingerprint: BackupManifest['schemaFingerprint'];
  /** How the detail names it: "in the backup". */
  as: string;
  /** Whether it is the catalog as dumped. */
  dumped: boolean;
}

/** Which checks apply: after an oplog replay; the databases restored of a backup of several (absent: all). */
export interface CheckScope {
  afterReplay?: boolean;
  databases?: readonly string[];
  /** Documents the archive held twice, skipped on restore (RestoreOutcome.duplicateIds): not in the copy. */
  duplicateIds?: ReadonlyMap<string, number>;
}

function expectedCatalog(manifest: BackupManifest, { afterReplay = false, databases }: CheckScope): ExpectedCatalog {
  const restored = (c: { database?: string }) =>
    databases === undefined || (c.database !== undefined && databases.includes(c.database));
  const atEnd = afterReplay ? manifest.mongodb?.oplog?.atEnd : undefined;
  if (atEnd) {
    const commands = manifest.mongodb?.oplog?.commands?.length ?? 0;
    const as = `as the oplog's ${commands} ${commands === 1 ? 'command leaves' : 'commands leave'} them`;
    // A backup of several databases: the catalog of every database, of which those restored are compared.
    const collections = atEnd.collections.filter(restored);
    return { collections, fingerprint: atEnd.schemaFingerprint, as, dumped: false };
  }
  // After an oplog replay, a collection dropped during the dump is gone again, as it was at the dump's end.
  const collections = (manifest.mongodb?.collections ?? []).filter(
    (c) => !(afterReplay && c.droppedDuringBackup) && restored(c),
  );
  return { collections, fingerprint: manifest.schemaFingerprint, as: 'in the backup', dumped: true };
}

/**
 * Every collection and view of the manifest is there, each collection with the documents the archive held. In a
 * backup of several databases, `restored` names each collection's database as the backup does, and so do the details.
 */
export function checkCollections(
  restored: CollectionInventory[],
  manifest: BackupManifest,
  options: CheckScope = {},
): { checks: CheckResult[]; rows: number } {
  const expected = expectedCatalog(manifest, options).collections;
  const byName = new Map(restored.map((c) => [qualifiedName(c), c]));
  const missing = expected.filter((c) => !byName.has(qualifiedName(c))).map(qualifiedName);
  const counts: string[] = [];
  let rows = 0;
  let counted = 0;
  for (const c of expected) {
    const here = byName.get(qualifiedName(c));
    if (!here || c.type === 'view') continue;
    counted++;
    rows += here.documents;
    if (c.documents === undefined) continue;
    // The manifest counts what the dump wrote, a document read twice twice; the copy holds it once.
    const twice = options.duplicateIds?.get(qualifiedName(c)) ?? 0;
    if (here.documents !== c.documents - twice) {
      const skipped = twice > 0 ? ` (${twice} of them a second copy of an _id, skipped)` : '';
      counts.push(`${qualifiedName(c)}: ${here.documents} documents, backup had ${c.documents}${skipped}`);
    }
  }
  const checks: CheckResult[] = [
    {
      name: 'collections present',
      passed: missing.length === 0,
      detail:
        missing.length === 0
          ? `${expected.length} of ${expected.length} collections and views`
          : `${missing.length} missing: ${preview(missing)}`,
    },
  ];
  // After a replay the counts are those at the dump's end: the restorer checked the manifest's before it.
  if (counted > 0 && !options.afterReplay) {
    checks.push({
      name: 'document counts (exact)',
      passed: counts.length === 0,
      detail:
        counts.length === 0
          ? `${counted} collections match the archive's counts${twiceNote(options.duplicateIds)}`
          : preview(counts),
    });
  }
  return { checks, rows };
}

/** " (less 3 documents the archive held twice)", or nothing. */
function twiceNote(duplicateIds: ReadonlyMap<string, number> | undefined): string {
  const total = [...(duplicateIds?.values() ?? [])].reduce((sum, n) => sum + n, 0);
  return total === 0 ? '' : ` (less ${total} ${total === 1 ? 'document' : 'documents'} the archive held twice)`;
}

/** Each collection has the indexes the manifest lists (name, key, uniqueness), and no other. */
export function checkIndexes(
  restored: CollectionInventory[],
  manifest: BackupManifest,
  options: CheckScope = {},
): CheckResult {
  const expected = expectedCatalog(manifest, options);
  const byName = new Map(restored.map((c) => [qualifiedName(c), c]));
  const differ: string[] = [];
  let total = 0;
  for (const c of expected.collections) {
    const here = byName.get(qualifiedName(c));
    if (!here) continue;
    total += c.indexes.length;
    const want = listed(c.indexes);
    const have = listed(here.metadata.indexes.map(indexSummary));
    if (want !== have)
      differ.push(`${qualifiedName(c)}: ${have} (${expected.dumped ? 'backup' : "at the dump's end"}: ${want})`);
  }
  return {
    name: 'indexes',
    passed: differ.length === 0,
    detail: differ.length === 0 ? `${total} indexes ${expected.as}` : preview(differ),
  };
}

/** The restored database's fingerprint equals the one recorded at backup time, part by part. */
export function checkFingerprint(
  restored: CollectionInventory[],
  manifest: BackupManifest,
  options: CheckScope = {},
): CheckResult {
  const expected = expectedCatalog(manifest, options);
  const fingerprint = mongoFingerprint(restored);
  const recorded = expected.fingerprint;
  const differences = (Object.keys(recorded.parts) as FingerprintPart[]).filter(
    (part) => recorded.parts[part] !== fingerprint.parts[part],
  );
  const after = expected.dumped ? '' : ` ${expected.as}`;
  if (differences.length === 0)
    return { name: 'schema fingerprint', passed: true, detail: `equal${after} (${fingerprint.digest.slice(0, 12)})` };
  return { name: 'schema fingerprint', passed: false, detail: `differs in ${differences.join(', ')}${after}` };
}

/** A restored database and, in a backup of several, its name there (undefined: the backup's one database). */
export interface RestoredCopy {
  db: Db;
  from?: string;
}

/**
 * The user's checks: pipeline checks (pipeline-checks.ts) run; a SQL check (restore/checks.ts), which MongoDB
 * cannot run, is reported failed rather than passed unrun. In a backup of several databases a check names its
 * collection as database.collection, the database as the backup names it.
 */
export async function runUserChecks(copies: RestoredCopy[], checks: UserCheck[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (!isPipelineCheck(check)) {
      results.push({
        name: check.name,
        passed: false,
        detail: 'not run: a SQL check, which a MongoDB database cannot run (write MongoDB checks as pipelines)',
      });
      continue;
    }
    const copy = copies.length === 1 && copies[0]!.from === undefined ? copies[0] : copyOf(copies, check.collection);
    if (!copy) {
      const names = copies.map((c) => c.from).join(', ');
      results.push({
        name: check.name,
        passed: false,
        detail: `not run: its collection ${check.collection} names none of the databases restored (${names}); write it as DATABASE.COLLECTION`,
      });
      continue;
    }
    const collection = copy.from === undefined ? check.collection : check.collection.slice(copy.from.length + 1);
    results.push(...(await runPipelineChecks(copy.db, [{ ...check, collection }])));
  }
  return results;
}

/** The copy whose database begins `collection` (database.collection): the longest such name, as names hold dots. */
function copyOf(copies: RestoredCopy[], collection: string): RestoredCopy | undefined {
  return copies
    .filter((c) => c.from !== undefined && collection.startsWith(`${c.from}.`))
    .sort((a, b) => b.from!.length - a.from!.length)[0];
}

/** All of the above on a restored database. */
export function checkRestoredDatabase(
  db: Db,
  manifest: BackupManifest,
  userChecks: UserCheck[],
  /** Erased documents to look for; without them, the copy's own tombstones when it has them. */
  tombstones?: TombstoneSet,
): Promise<{ checks: CheckResult[]; rows: number }> {
  return checkRestoredCopies([{ db }], manifest, userChecks, tombstones);
}

/**
 * All of the above on the restored databases of a backup: its one, or those of a backup of several, each
 * collection compared with the manifest's of its database. The fingerprint covers all of a backup's databases:
 * compared when all were restored.
 */
export async function checkRestoredCopies(
  copies: RestoredCopy[],
  manifest: BackupManifest,
  userChecks: UserCheck[],
  tombstones?: TombstoneSet,
  duplicateIds?: ReadonlyMap<string, number>,
): Promise<{ checks: CheckResult[]; rows: number }> {
  const restored: CollectionInventory[] = [];
  for (const { db, from } of copies) {
    const inventory = await readInventory(db, FULL_SCOPE, { severalDatabases: from !== undefined });
    restored.push(...(from === undefined ? inventory : inventory.map((c) => ({ ...c, database: from }))));
  }
  const databases = copies.flatMap((c) => (c.from === undefined ? [] : [c.from]));
  const scope: CheckScope = {
    afterReplay: replaysOplog(manifest, databases.length > 0 ? databases : undefined),
    ...(databases.length > 0 ? { databases } : {}),
    ...(duplicateIds ? { duplicateIds } : {}),
  };
  const whole = databases.length === (manifest.mongodb?.databases?.length ?? 0);
  const collections = checkCollections(restored, manifest, scope);
  const erased = await checkMongoTombstones(copies, manifest, tombstones);
  return {
    checks: [
      ...collections.checks,
      checkIndexes(restored, manifest, scope),
      ...(whole ? [checkFingerprint(restored, manifest, scope)] : []),
      ...(erased ? [erased] : []),
      ...(await runUserChecks(copies, userChecks)),
    ],
    rows: collections.rows,
  };
}

/**
 * A point-in-time backup whose archive holds oplog entries (of the `databases` restored, in a backup of several
 * that counts them per database): its restore replays them (archive-loader.ts).
 */
export function replaysOplog(manifest: BackupManifest, databases?: readonly string[]): boolean {
  const oplog = manifest.mongodb?.consistency === 'point-in-time' ? manifest.mongodb.oplog : undefined;
  if (!oplog) return false;
  const byDatabase = oplog.entriesByDatabase;
  if (!byDatabase || !databases) return oplog.entries > 0;
  return databases.some((name) => (byDatabase[name] ?? 0) > 0);
}

function listed(indexes: MongoManifestCollection['indexes']): string {
  return JSON.stringify(
    indexes
      .map((i) => ({ name: i.name, key: i.key, ...(i.unique ? { unique: true } : {}) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  );
}

function preview(items: string[]): string {
  return items.slice(0, 5).join('; ') + (items.length > 5 ? `; … ${items.length - 5} more` : '');
}
