import { randomBytes } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import { DbopsError } from '../../errors.js';
import type { EngineContext, ScratchServer } from '../engine.js';
import { openMongoClient } from './connection.js';
import { scratchDatabases } from './restore-databases.js';
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
 * authentication database) and changes only the database the session works in. A backup of several databases gets
 * a scratch database for each (restore-databases.ts), all refused when one exists and all dropped with the scratch.
 */
export async function openMongoScratchServer(target: MongoTarget, context: EngineContext): Promise<ScratchServer> {
  const session = await openMongoClient(target, context);
  /** The scratch databases of each scratch name (several for a backup of several databases). */
  const created = new Map<string, string[]>();
  try {
    const server = await describeMongoServer(session.client);
    return {
      server,
      scratchName: scratchDatabaseName,
      async createDatabase(name, manifest) {
        const several = manifest.mongodb?.databases;
        const databases = several ? scratchDatabases(name, several) : undefined;
        const names = databases?.map((d) => d.to) ?? [name];
        const existing = await existingDatabases(session.client);
        const taken = names.find((n) => existing.has(n));
        if (taken) {
          throw new DbopsError(
            'UNSAFE_TARGET',
            `The scratch database ${taken} already exists on ${describeMongoTarget(target)}`,
            { input: 'target-url', hint: 'Run restore-test again: the next scratch name differs.' },
          );
        }
        created.set(name, names);
        if (databases) {
          context.log.info(
            `Scratch databases of the backup's ${databases.length}: ${databases.map((d) => `${d.from} → ${d.to}`).join(', ')}`,
          );
        }
        const into: MongoTarget = { ...target, database: name, ...(databases ? { databases } : {}) };
        return into;
      },
      dropDatabase: async (name) => {
        for (const db of created.get(name) ?? [name]) await session.client.db(db).dropDatabase();
      },
      close: session.close,
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

async function existingDatabases(client: MongoClient): Promise<Set<string>> {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  return new Set(databases.map((d) => d.name));
}
