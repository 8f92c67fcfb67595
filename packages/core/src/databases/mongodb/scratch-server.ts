import { randomBytes } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import { DbopsError } from '../../errors.js';
import type { EngineContext, ScratchServer } from '../engine.js';
import { openMongoClient } from './connection.js';
import { describeMongoServer } from './server.js';
import { describeMongoTarget, type MongoTarget } from './target.js';

/**
 * A unique, recognisable name for restore-test's throwaway database: dbops_restore_test_<backup time>_<random>,
 * in the characters every server takes in a database name (FerretDB: ASCII letters, digits, _ and -).
 */
export function scratchDatabaseName(backupId: string): string {
  const time = backupId
    .slice(0, 15)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');
  return `dbops_restore_test_${time}_${randomBytes(3).toString('hex')}`;
}

/**
 * restore-test's session on the target server. MongoDB creates a database on its first write, so "creating" one
 * is refusing a name that exists and returning a target for it; the target keeps the URL (and so its
 * authentication database) and changes only the database the session works in.
 */
export async function openMongoScratchServer(target: MongoTarget, context: EngineContext): Promise<ScratchServer> {
  const session = await openMongoClient(target, context);
  try {
    const server = await describeMongoServer(session.client);
    return {
      server,
      scratchName: scratchDatabaseName,
      async createDatabase(name) {
        if (await databaseExists(session.client, name)) {
          throw new DbopsError(
            'UNSAFE_TARGET',
            `The scratch database ${name} already exists on ${describeMongoTarget(target)}`,
            { input: 'target-url', hint: 'Run restore-test again: the next scratch name differs.' },
          );
        }
        const into: MongoTarget = { ...target, database: name };
        return into;
      },
      prepareForArchive: async () => undefined,
      dropDatabase: async (name) => {
        await session.client.db(name).dropDatabase();
      },
      close: session.close,
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

async function databaseExists(client: MongoClient, name: string): Promise<boolean> {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases.some((d) => d.name === name);
}
