import { DbopsError } from '../../errors.js';
import { formatSeconds } from '../../format.js';
import type { BackupManifest } from '../../manifest/manifest.js';
import { DBOPS_VERSION } from '../../version.js';
import type { CheckResult } from '../../restore/checks.js';
import { FULL_SCOPE } from '../dump-scope.js';
import type { Restorer } from '../engine.js';
import { loadArchive } from './archive-loader.js';
import type { MongoClient } from 'mongodb';
import { withMongoClient } from './connection.js';
import { readInventory, type CollectionInventory } from './inventory.js';
import { formatOplogTime } from './oplog-selection.js';
import { checkCollections } from './restore-checks.js';
import { asMongoTarget, describeMongoTarget, type MongoTarget, type RestoredDatabase } from './target.js';

/**
 * The restorer of MongoDB backups: dbops itself, with the driver (archive-loader.ts). mongorestore is not needed,
 * and the archive's documents reach the server as the bytes that were dumped. A backup of several databases loads
 * each into the database the target maps it to (restore-databases.ts).
 */
export function mongoRestorer(manifest: BackupManifest): Restorer {
  if (manifest.object.format !== 'mongodump-archive') {
    throw new DbopsError(
      'INVALID_INPUT',
      `Backup ${manifest.backupId} is a ${manifest.object.format} archive, which the MongoDB engine cannot read`,
      { hint: 'Restore a backup made by dbops from a mongodb:// URL.' },
    );
  }
  return {
    program: 'dbops (in-process)',
    version: DBOPS_VERSION,
    async restore(archivePath, target, options) {
      const into = asMongoTarget(target);
      const started = Date.now();
      const checks: CheckResult[] = [];
      const databases = severalDatabases(manifest, into);
      const loaded = await withMongoClient(into, options, (client) => {
        const db = client.db(into.database);
        return loadArchive(archivePath, db, {
          ...(databases ? { databases: new Map(databases.map(({ from, to }) => [from, client.db(to)])) } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          preserveUuids: options.preserveUuids === true,
          // The manifest's counts are the collections as the dump read them: they hold before the replay, not after.
          beforeOplog: async (duplicateIds) => {
            checks.push(await countsBeforeReplay(client, into, databases, manifest, duplicateIds));
          },
        });
      });
      options.log.info(
        `Loaded ${loaded.collections} collections and views, ${loaded.documents} documents into ${describeMongoTarget(into)} in ${formatSeconds((Date.now() - started) / 1000)}`,
      );
      const twice = readTwice(loaded.duplicateIds);
      if (twice) {
        options.log.warn(`Documents the archive holds twice: ${twice.detail}`);
        checks.unshift(twice);
      }
      const outcome = { checks, duplicateIds: loaded.duplicateIds };
      if (!loaded.oplog) return outcome;
      const { entries, applied, skipped, method, commands } = loaded.oplog;
      const { unfinishedTransactions = 0, preparedTransactions = 0 } = loaded.oplog;
      const range = manifest.mongodb?.oplog
        ? ` (${formatOplogTime(manifest.mongodb.oplog.start)} to ${formatOplogTime(manifest.mongodb.oplog.end)})`
        : '';
      const how = { applyOps: ' with applyOps', writes: ' with ordinary writes (the server has no applyOps)' };
      const skippedNote = skipped > 0 ? `, ${skipped} of other databases or no-ops skipped` : '';
      // The commands are named: they changed collections or indexes, which the checks after this compare with.
      const commandsNote = commands.length > 0 ? `; commands replayed: ${commands.join(', ')}` : '';
      const preparedNote =
        preparedTransactions > 0
          ? `; ${preparedTransactions} prepared transactions not committed by the dump's end left out, as then`
          : '';
      // A large transaction's parts without its last entry: committed writes the copy lacks. Restored, but failed.
      const unfinishedNote =
        unfinishedTransactions > 0
          ? `; ${unfinishedTransactions} large transactions not applied: the archive lacks their last entry, so the copy misses writes they committed`
          : '';
      const detail = `${entries} entries${range} replayed${method ? how[method] : ''}: ${applied} operations applied${skippedNote}${commandsNote}${preparedNote}${unfinishedNote}`;
      options.log.info(`Oplog: ${detail}`);
      checks.push({ name: 'oplog replayed', passed: unfinishedTransactions === 0, detail });
      return outcome;
    },
  };
}

/**
 * The databases of a backup of several and where each goes: the target says (restore-databases.ts, restore-test's
 * scratch server or restore's choice); undefined for a backup of one database.
 */
function severalDatabases(manifest: BackupManifest, into: MongoTarget): readonly RestoredDatabase[] | undefined {
  if (!manifest.mongodb?.databases) return undefined;
  if (!into.databases) {
    throw new DbopsError('INTERNAL', `Backup ${manifest.backupId} holds several databases, and the target maps none`, {
      hint: 'This is a bug in dbops; please report it.',
    });
  }
  return into.databases;
}

/**
 * The document counts of a point-in-time restore, taken after the collections are loaded and before the oplog is
 * replayed: then each collection holds what the archive holds, and the manifest's counts apply.
 */
async function countsBeforeReplay(
  client: MongoClient,
  into: MongoTarget,
  databases: readonly RestoredDatabase[] | undefined,
  manifest: BackupManifest,
  duplicateIds: ReadonlyMap<string, number>,
): Promise<CheckResult> {
  const restored: CollectionInventory[] = [];
  // A backup of several databases: each restored one's collections named as the backup names them (db.collection).
  for (const { from, to } of databases ?? [{ from: undefined, to: into.database }]) {
    const inventory = await readInventory(client.db(to), FULL_SCOPE, { severalDatabases: from !== undefined });
    restored.push(...inventory.map((c) => (from === undefined ? c : { ...c, database: from })));
  }
  const scope = { ...(databases ? { databases: databases.map((d) => d.from) } : {}), duplicateIds };
  const counts = checkCollections(restored, manifest, scope).checks.find((c) => c.name === 'document counts (exact)');
  return {
    name: 'document counts before oplog replay (exact)',
    passed: counts?.passed ?? true,
    detail: counts?.detail ?? 'no collections with documents',
  };
}

/**
 * The documents the archive held twice, skipped (archive-loader.ts): a document deleted and inserted again with
 * the same _id while the dump read its collection. Reported, not failed: mongorestore skips them too.
 */
function readTwice(duplicateIds: ReadonlyMap<string, number>): CheckResult | undefined {
  if (duplicateIds.size === 0) return undefined;
  const each = [...duplicateIds].map(([collection, n]) => `${collection}: ${n}`);
  const total = [...duplicateIds.values()].reduce((sum, n) => sum + n, 0);
  return {
    name: 'documents held twice',
    passed: true,
    detail: `${total} skipped, their _id already restored (the dump read them twice; the first copy is kept): ${each.slice(0, 5).join(', ')}${each.length > 5 ? `, … ${each.length - 5} more` : ''}`,
  };
}
