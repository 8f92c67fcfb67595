import type { MongoClient } from 'mongodb';
import type { DatabaseServer } from '../engine.js';
import { readTopology, serverVersion } from './connection.js';

/**
 * The server a client reached, as the operations describe it. A replica set's name stands for PostgreSQL's system
 * identifier (as the backup's manifest records it), so restore-test knows the set a backup came from; a standalone
 * server has none, and is recognised by host and port.
 */
export async function describeMongoServer(client: MongoClient): Promise<DatabaseServer> {
  const version = await serverVersion(client);
  const topology = await readTopology(client);
  const identity = topology.replicaSet ? { systemIdentifier: `replicaSet:${topology.replicaSet}` } : {};
  return { product: 'MongoDB', version: version.text, major: version.major, ...identity };
}
