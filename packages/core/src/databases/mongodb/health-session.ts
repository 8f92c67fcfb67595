import { MongoServerError, type Document, type MongoClient } from 'mongodb';
import type { EngineContext, HealthCommands, HealthSession } from '../engine.js';
import { withMongoClient } from './connection.js';
import { describeMongoServer } from './server.js';
import type { MongoTarget } from './target.js';

/**
 * Server error codes that mean the server lacks a command or stage, not that it failed: the check is skipped
 * (FerretDB answers several of MongoDB's monitoring commands so; docs/mongodb.md lists which).
 */
const NOT_SUPPORTED = new Set([
  59, // CommandNotFound: replSetGetStatus on FerretDB
  115, // CommandNotSupported
  238, // NotImplemented: $indexStats on FerretDB
  76, // NoReplicationEnabled: replSetGetStatus on a standalone mongod
]);
const UNAUTHORIZED = 13;
const TIME_LIMIT = 50; // MaxTimeMSExpired

/**
 * monitor-report's session on MongoDB: one client, each check's commands bounded by maxTimeMS. Commands are reads
 * only (serverStatus, dbStats, collStats, $currentOp, $indexStats, replSetGetStatus, the oplog's ends): nothing a
 * check sends can write, so no read-only transaction is needed.
 */
export function withMongoHealthSession<T>(
  target: MongoTarget,
  context: EngineContext,
  use: (session: HealthSession) => Promise<T>,
): Promise<T> {
  return withMongoClient(target, context, async (client) => {
    const server = await describeMongoServer(client);
    const hello = await client.db('admin').command({ hello: 1 });
    const standby = hello.isWritablePrimary !== true && hello.secondary === true;
    return use({
      // Whether the role sees other users' operations is known only per check ($currentOp allUsers fails).
      server: { ...server, standby, seesAllSessions: true },
      inCheckTransaction: async () => {
        throw new Error('MongoDB has no SQL: its checks run through inCheckCommands');
      },
      inCheckCommands: (timeoutMs, run) => run(healthCommands(client, target.database, timeoutMs)),
      explainCheckFailure,
    });
  });
}

function healthCommands(client: MongoClient, database: string, timeoutMs: number): HealthCommands {
  const maxTimeMS = Math.max(1, Math.round(timeoutMs));
  return {
    database,
    command: async (db, command) => plain(await client.db(db).command({ ...command, maxTimeMS })),
    aggregate: async (db, collection, pipeline) => {
      const target = collection === undefined ? client.db(db) : client.db(db).collection(collection);
      return (await target.aggregate(pipeline, { maxTimeMS }).toArray()).map(plain);
    },
    naturalEnd: async (db, collection, order) => {
      const found = await client
        .db(db)
        .collection(collection)
        .find({}, { sort: { $natural: order }, limit: 1, maxTimeMS })
        .toArray();
      return found[0] ? plain(found[0]) : undefined;
    },
  };
}

function plain(document: Document): Record<string, unknown> {
  return document as Record<string, unknown>;
}

function explainCheckFailure(error: unknown, timeoutMs: number): { status: 'skipped' | 'unknown'; reason: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof MongoServerError) {
    const code = Number(error.code);
    if (NOT_SUPPORTED.has(code))
      return { status: 'skipped', reason: `the server does not support it (${error.codeName ?? code}: ${message})` };
    if (code === UNAUTHORIZED)
      return {
        status: 'unknown',
        reason: `this user lacks a privilege (${message}); grant it the clusterMonitor role`,
      };
    if (code === TIME_LIMIT)
      return {
        status: 'unknown',
        reason: `a command took longer than ${Math.round(timeoutMs)} ms and was stopped (raise statement-timeout)`,
      };
  }
  return { status: 'unknown', reason: `the check failed: ${message}` };
}
