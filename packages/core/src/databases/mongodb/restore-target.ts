import type { Db } from 'mongodb';
import { FULL_SCOPE, type EngineContext, type RestoreTargetSession } from '../engine.js';
import { withMongoClient } from './connection.js';
import { restoredDatabases } from './restore-databases.js';
import { describeMongoServer } from './server.js';
import type { MongoTarget } from './target.js';

/** The collections and views of a database that a restore would collide with: all but the server's own. */
async function userCollections(db: Db): Promise<string[]> {
  const infos = await db.listCollections({}, { nameOnly: true }).toArray();
  return infos.map((info) => info.name).filter((name) => !name.startsWith('system.'));
}

/**
 * dbops restore's session on the target database, or on each database a backup of several is restored into
 * (restore-databases.ts). Any collection or view in them needs clean (invariant 6); clean drops them one by one
 * (MongoDB has no transaction over drops: a cancel may leave some), and the safety backup taken before (of each
 * such database) is the way back. Any server fits a backup: a MongoDB database has no encoding or locale of its own.
 */
export async function withMongoRestoreTarget<T>(
  target: MongoTarget,
  context: EngineContext,
  use: (session: RestoreTargetSession) => Promise<T>,
): Promise<T> {
  return withMongoClient(target, context, (client) => {
    const dbs = restoredDatabases(target).map(({ to }) => client.db(to));
    const holding = async () => {
      const found: Array<{ db: Db; collections: string[] }> = [];
      for (const db of dbs) found.push({ db, collections: await userCollections(db) });
      return found.filter((d) => d.collections.length > 0);
    };
    return use({
      server: () => describeMongoServer(client),
      userObjects: async () => (await holding()).reduce((n, d) => n + d.collections.length, 0),
      checkFits: async () => undefined,
      async clear() {
        for (const { db, collections } of await holding()) {
          for (const name of collections) await db.collection(name).drop();
        }
      },
      ...(target.databases
        ? {
            safetyScope: async () => ({ ...FULL_SCOPE, databases: (await holding()).map((d) => d.db.databaseName) }),
          }
        : {}),
    });
  });
}
