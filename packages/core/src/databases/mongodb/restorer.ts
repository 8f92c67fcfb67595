import { DbopsError } from '../../errors.js';
import { formatSeconds } from '../../format.js';
import type { BackupManifest } from '../../manifest/manifest.js';
import { DBOPS_VERSION } from '../../version.js';
import type { CheckResult } from '../../restore/checks.js';
import { FULL_SCOPE } from '../dump-scope.js';
import type { Restorer } from '../engine.js';
import { loadArchive } from './archive-loader.js';
import { withMongoClient } from './connection.js';
import { readInventory, type CollectionInventory } from './inventory.js';
import { formatOplogTime } from './oplog-selection.js';
import { checkCollections } from './restore-checks.js';
import { asMongoTarget, describeMongoTarget } from './target.js';

/**
 * The restorer of MongoDB backups: dbops itself, with the driver (archive-loader.ts). mongorestore is not needed,
 * and the archive's documents reach the server as the bytes that were dumped.
 */
export function mongoRestorer(manifest: BackupManifest): Restorer {
  if (manifest.object.format !== 'mongodump-archive') {
    throw new DbopsError(
      'INVALID_INPUT',
      `Backup ${manifest.backupId} is a ${manifest.object.format} archive, which the MongoDB engine cannot read`,
      { hint: 'Restore a backup made by dbops from a mongodb:// URL.' },
    );
  }
  refuseSeveralDatabases(manifest);
  return {
    program: 'dbops (in-process)',
    version: DBOPS_VERSION,
    async restore(archivePath, target, options) {
      const into = asMongoTarget(target);
      const started = Date.now();
      const checks: CheckResult[] = [];
      const loaded = await withMongoClient(into, options, (client) => {
        const db = client.db(into.database);
        return loadArchive(archivePath, db, {
          ...(options.signal ? { signal: options.signal } : {}),
          preserveUuids: options.preserveUuids === true,
          // The manifest's counts are the collections as the dump read them: they hold before the replay, not after.
          beforeOplog: async () => {
            checks.push(countsBeforeReplay(await readInventory(db, FULL_SCOPE), manifest));
          },
        });
      });
      options.log.info(
        `Loaded ${loaded.collections} collections and views, ${loaded.documents} documents into ${describeMongoTarget(into)} in ${formatSeconds((Date.now() - started) / 1000)}`,
      );
      if (!loaded.oplog) return { checks };
      const { entries, applied, skipped, method, commands } = loaded.oplog;
      const range = manifest.mongodb?.oplog
        ? ` (${formatOplogTime(manifest.mongodb.oplog.start)} to ${formatOplogTime(manifest.mongodb.oplog.end)})`
        : '';
      const how = { applyOps: ' with applyOps', writes: ' with ordinary writes (the server has no applyOps)' };
      const skippedNote = skipped > 0 ? `, ${skipped} of other databases or no-ops skipped` : '';
      // The commands are named: they changed collections or indexes, which the checks after this compare with.
      const commandsNote = commands.length > 0 ? `; commands replayed: ${commands.join(', ')}` : '';
      const detail = `${entries} entries${range} replayed${method ? how[method] : ''}: ${applied} operations applied${skippedNote}${commandsNote}`;
      options.log.info(`Oplog: ${detail}`);
      checks.push({ name: 'oplog replayed', passed: true, detail });
      return { checks };
    },
  };
}

/**
 * The document counts of a point-in-time restore, taken after the collections are loaded and before the oplog is
 * replayed: then each collection holds what the archive holds, and the manifest's counts apply.
 */
/**
 * dbops restores one database into one target; a backup of several (databases, exclude-databases) is refused before
 * anything is downloaded or written, naming what restores it: mongorestore, which reads the archive as is.
 */
function refuseSeveralDatabases(manifest: BackupManifest): void {
  const databases = manifest.mongodb?.databases;
  if (!databases) return;
  throw new DbopsError(
    'INVALID_INPUT',
    `Backup ${manifest.backupId} holds ${databases.length} databases (${databases.join(', ')}); dbops restore and restore-test take a backup of one database`,
    {
      hint:
        `Restore it with mongorestore, each database under its own name: download the object, then ` +
        `zstd -d -c OBJECT | mongorestore --uri=URL --archive (add --nsInclude='DB.*' for one database, ` +
        `--nsFrom='DB.*' --nsTo='OTHER.*' to rename it).`,
    },
  );
}

export function countsBeforeReplay(restored: CollectionInventory[], manifest: BackupManifest): CheckResult {
  const counts = checkCollections(restored, manifest).checks.find((c) => c.name === 'document counts (exact)');
  return {
    name: 'document counts before oplog replay (exact)',
    passed: counts?.passed ?? true,
    detail: counts?.detail ?? 'no collections with documents',
  };
}
