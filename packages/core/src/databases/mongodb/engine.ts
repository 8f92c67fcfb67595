import type { DatabaseEngine } from '../engine.js';
import { withMongoClient } from './connection.js';
import { withMongoDumpSource } from './dump-source.js';
import { withMongoHealthSession } from './health-session.js';
import { withMongoMaintenanceSession } from './maintenance-session.js';
import { checkRestoredCopies } from './restore-checks.js';
import { chooseRestoreDatabases } from './restore-databases.js';
import { withMongoRestoreTarget } from './restore-target.js';
import { mongoRestorer } from './restorer.js';
import { openMongoScratchServer } from './scratch-server.js';
import { asMongoTarget, describeMongoTarget } from './target.js';
import { readServerTombstones } from './tombstone-check.js';

// retention-purge's session, loaded with the engine (one lazily loaded chunk for MongoDB in the bundle).
export { withMongoRetentionSession } from './data-retention-session.js';

/**
 * MongoDB behind the engine interface (docs/architecture.md, docs/mongodb.md). Backup writes a mongodump-format
 * archive from raw BSON, verified while it streams; restore and restore-test load it back with the driver, the
 * documents as the bytes dumped. monitor-report runs its checks
 * as read-only server commands (monitor/mongodb-checks/). retention-purge's session
 * (data-retention-session.ts) is exported beside the engine; databases/index.ts opens it.
 */
export const mongoEngine: DatabaseEngine = {
  name: 'mongodb',
  describe: (target) => describeMongoTarget(asMongoTarget(target)),
  withDumpSource: (target, settings, context, use) =>
    withMongoDumpSource(asMongoTarget(target), settings, context, use),
  openScratchServer: (target, context) => openMongoScratchServer(asMongoTarget(target), context),
  withRestoreTarget: (target, context, use) => withMongoRestoreTarget(asMongoTarget(target), context, use),
  // No client program: the restorer is dbops itself, for any server version.
  findRestorer: async (_server, manifest) => mongoRestorer(manifest),
  restoreTarget: async (target, manifest, choice) => chooseRestoreDatabases(asMongoTarget(target), manifest, choice),
  checkRestored: (into, manifest, userChecks, context, tombstones, restored) => {
    const target = asMongoTarget(into);
    return withMongoClient(target, context, (client) => {
      const copies = target.databases
        ? target.databases.map(({ from, to }) => ({ db: client.db(to), from }))
        : [{ db: client.db(target.database) }];
      return checkRestoredCopies(copies, manifest, userChecks, tombstones, restored?.duplicateIds);
    });
  },
  readTombstones: (target, manifest, context) => {
    const mongo = asMongoTarget(target);
    return withMongoClient(mongo, context, (client) =>
      readServerTombstones(client, manifest.mongodb?.databases ?? [mongo.database]),
    );
  },
  withHealthSession: (target, context, use) => withMongoHealthSession(asMongoTarget(target), context, use),
  withMaintenanceSession: (target, context, use) => withMongoMaintenanceSession(asMongoTarget(target), context, use),
};
