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
import { readInventory, type CollectionInventory } from './inventory.js';

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

function expectedCatalog(manifest: BackupManifest, afterReplay: boolean): ExpectedCatalog {
  const atEnd = afterReplay ? manifest.mongodb?.oplog?.atEnd : undefined;
  if (atEnd) {
    const commands = manifest.mongodb?.oplog?.commands?.length ?? 0;
    const as = `as the oplog's ${commands} ${commands === 1 ? 'command leaves' : 'commands leave'} them`;
    return { collections: atEnd.collections, fingerprint: atEnd.schemaFingerprint, as, dumped: false };
  }
  // After an oplog replay, a collection dropped during the dump is gone again, as it was at the dump's end.
  const collections = (manifest.mongodb?.collections ?? []).filter((c) => !(afterReplay && c.droppedDuringBackup));
  return { collections, fingerprint: manifest.schemaFingerprint, as: 'in the backup', dumped: true };
}

/** Every collection and view of the manifest is there, each collection with the documents the archive held. */
export function checkCollections(
  restored: CollectionInventory[],
  manifest: BackupManifest,
  options: { afterReplay?: boolean } = {},
): { checks: CheckResult[]; rows: number } {
  const expected = expectedCatalog(manifest, options.afterReplay === true).collections;
  const byName = new Map(restored.map((c) => [c.name, c]));
  const missing = expected.filter((c) => !byName.has(c.name)).map((c) => c.name);
  const counts: string[] = [];
  let rows = 0;
  let counted = 0;
  for (const c of expected) {
    const here = byName.get(c.name);
    if (!here || c.type === 'view') continue;
    counted++;
    rows += here.documents;
    if (here.documents !== c.documents && c.documents !== undefined)
      counts.push(`${c.name}: ${here.documents} documents, backup had ${c.documents}`);
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
      detail: counts.length === 0 ? `${counted} collections match the archive's counts` : preview(counts),
    });
  }
  return { checks, rows };
}

/** Each collection has the indexes the manifest lists (name, key, uniqueness), and no other. */
export function checkIndexes(
  restored: CollectionInventory[],
  manifest: BackupManifest,
  options: { afterReplay?: boolean } = {},
): CheckResult {
  const expected = expectedCatalog(manifest, options.afterReplay === true);
  const byName = new Map(restored.map((c) => [c.name, c]));
  const differ: string[] = [];
  let total = 0;
  for (const c of expected.collections) {
    const here = byName.get(c.name);
    if (!here) continue;
    total += c.indexes.length;
    const want = listed(c.indexes);
    const have = listed(here.metadata.indexes.map(indexSummary));
    if (want !== have) differ.push(`${c.name}: ${have} (${expected.dumped ? 'backup' : "at the dump's end"}: ${want})`);
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
  options: { afterReplay?: boolean } = {},
): CheckResult {
  const expected = expectedCatalog(manifest, options.afterReplay === true);
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

/**
 * The user's checks: pipeline checks (pipeline-checks.ts) run; a SQL check (restore/checks.ts), which MongoDB
 * cannot run, is reported failed rather than passed unrun.
 */
export async function runUserChecks(db: Db, checks: UserCheck[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (isPipelineCheck(check)) results.push(...(await runPipelineChecks(db, [check])));
    else
      results.push({
        name: check.name,
        passed: false,
        detail: 'not run: a SQL check, which a MongoDB database cannot run (write MongoDB checks as pipelines)',
      });
  }
  return results;
}

/** All of the above on a restored database. */
export async function checkRestoredDatabase(
  db: Db,
  manifest: BackupManifest,
  userChecks: UserCheck[],
  /** Erased documents to look for; without them, the copy's own tombstones when it has them. */
  tombstones?: TombstoneSet,
): Promise<{ checks: CheckResult[]; rows: number }> {
  const restored = await readInventory(db, FULL_SCOPE);
  const afterReplay = replaysOplog(manifest);
  const collections = checkCollections(restored, manifest, { afterReplay });
  const erased = await checkMongoTombstones(db, manifest, tombstones);
  return {
    checks: [
      ...collections.checks,
      checkIndexes(restored, manifest, { afterReplay }),
      checkFingerprint(restored, manifest, { afterReplay }),
      ...(erased ? [erased] : []),
      ...(await runUserChecks(db, userChecks)),
    ],
    rows: collections.rows,
  };
}

/** A point-in-time backup whose archive holds oplog entries: its restore replays them (archive-loader.ts). */
export function replaysOplog(manifest: BackupManifest): boolean {
  return manifest.mongodb?.consistency === 'point-in-time' && (manifest.mongodb.oplog?.entries ?? 0) > 0;
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
