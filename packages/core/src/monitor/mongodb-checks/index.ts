import type { CheckDefinition } from '../check.js';
import { mongoUnusedIndexes } from './indexes.js';
import { longRunningOperations } from './operations.js';
import { mongoReplicationLag, oplogWindow, replicaSetMembers } from './replication.js';
import { asserts, mongoConnections, opcounters, queues, wiredTigerCache, wiredTigerDirty } from './server-status.js';
import { collectionSizes, mongoDatabaseSize } from './sizes.js';

/** Every MongoDB check, in the order the report lists them (urgent operational ones first). */
export const MONGODB_CHECKS: CheckDefinition[] = [
  mongoConnections,
  longRunningOperations,
  queues,
  replicaSetMembers,
  mongoReplicationLag,
  oplogWindow,
  wiredTigerCache,
  wiredTigerDirty,
  asserts,
  mongoUnusedIndexes,
  opcounters,
  mongoDatabaseSize,
  collectionSizes,
];
