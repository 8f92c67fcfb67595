import { DbopsError } from '../../errors.js';
import { formatSeconds } from '../../format.js';
import type { BackupManifest } from '../../manifest/manifest.js';
import { DBOPS_VERSION } from '../../version.js';
import type { Restorer } from '../engine.js';
import { loadArchive } from './archive-loader.js';
import { withMongoClient } from './connection.js';
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
  return {
    program: 'dbops (in-process)',
    version: DBOPS_VERSION,
    async restore(archivePath, target, options) {
      const into = asMongoTarget(target);
      const started = Date.now();
      const loaded = await withMongoClient(into, options, (client) =>
        loadArchive(archivePath, client.db(into.database), {
          ...(options.signal ? { signal: options.signal } : {}),
          preserveUuids: options.preserveUuids === true,
        }),
      );
      options.log.info(
        `Loaded ${loaded.collections} collections and views, ${loaded.documents} documents into ${describeMongoTarget(into)} in ${formatSeconds((Date.now() - started) / 1000)}`,
      );
    },
  };
}
