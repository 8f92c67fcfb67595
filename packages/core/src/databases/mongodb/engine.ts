import { DbopsError } from '../../errors.js';
import type { DatabaseEngine } from '../engine.js';
import { withMongoDumpSource } from './dump-source.js';
import { asMongoTarget, describeMongoTarget } from './target.js';

/**
 * MongoDB behind the engine interface (docs/architecture.md, docs/mongodb.md). Backup exists: a mongodump-format
 * archive written by dbops from raw BSON and verified while it streams. Restore, restore-test and monitor-report
 * are not written yet and refuse clearly rather than half work.
 */
export const mongoEngine: DatabaseEngine = {
  name: 'mongodb',
  describe: (target) => describeMongoTarget(asMongoTarget(target)),
  withDumpSource: (target, settings, context, use) =>
    withMongoDumpSource(asMongoTarget(target), settings, context, use),
  openScratchServer: async () => notYet('restore-test of MongoDB backups'),
  withRestoreTarget: async () => notYet('restore of MongoDB backups'),
  findRestorer: async () => notYet('restore of MongoDB backups'),
  checkRestored: async () => notYet('restore-test of MongoDB backups'),
  withHealthSession: async () => notYet('monitor-report for MongoDB'),
};

function notYet(what: string): never {
  throw new DbopsError('INVALID_INPUT', `${what} is not supported yet by this dbops`, {
    hint:
      'MongoDB backups restore with plain mongorestore: decrypt (age -d), decompress (zstd -d), then ' +
      'mongorestore --archive. See docs/mongodb.md.',
  });
}
