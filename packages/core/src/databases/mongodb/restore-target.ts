import type { Db } from 'mongodb';
import type { EngineContext, RestoreTargetSession } from '../engine.js';
import { withMongoClient } from './connection.js';
import { describeMongoServer } from './server.js';
import type { MongoTarget } from './target.js';

/** The collections and views of a database that a restore would collide with: all but the server's own. */
async function userCollections(db: Db): Promise<string[]> {
  const infos = await db.listCollections({}, { nameOnly: true }).toArray();
  return infos.map((info) => info.name).filter((name) => !name.startsWith('system.'));
}

/**
 * dbops restore's session on the target database. Any collection or view in it needs clean (invariant 6); clean
 * drops them one by one (MongoDB has no transaction over drops: a cancel may leave some), and the safety backup
 * taken before is the way back. Any server fits a backup: a MongoDB database has no encoding or locale of its own.
 */
export async function withMongoRestoreTarget<T>(
  target: MongoTarget,
  context: EngineContext,
  use: (session: RestoreTargetSession) => Promise<T>,
): Promise<T> {
  return withMongoClient(target, context, (client) => {
    const db = client.db(target.database);
    return use({
      server: () => describeMongoServer(client),
      userObjects: async () => (await userCollections(db)).length,
      checkFits: async () => undefined,
      async clear() {
        for (const name of await userCollections(db)) await db.collection(name).drop();
      },
    });
  });
}
