import type { CheckDefinition } from '../check.js';
import { blockingLocks } from './blocking-locks.js';
import { cacheHitRatio } from './cache-hit-ratio.js';
import { connections } from './connections.js';
import { tableBloat } from './bloat.js';
import { duplicateIndexes, invalidIndexes, missingIndexes, unusedIndexes } from './indexes.js';
import { analyzeStaleness, deadTuples, vacuumStaleness } from './maintenance.js';
import { tablesWithoutPrimaryKey } from './primary-keys.js';
import { replicationLag, replicationSlots } from './replication.js';
import { sequenceExhaustion } from './sequences.js';
import { idleInTransaction, longRunningQueries, longTransactions } from './sessions.js';
import { settings } from './settings.js';
import { databaseSize, tableSizes } from './sizes.js';
import { slowStatements } from './slow-statements.js';
import { multixactWraparound, xidWraparound } from './wraparound.js';

/** Every PostgreSQL check, in the order the report lists them (urgent operational ones first). */
export const POSTGRES_CHECKS: CheckDefinition[] = [
  connections,
  longRunningQueries,
  idleInTransaction,
  longTransactions,
  blockingLocks,
  xidWraparound,
  multixactWraparound,
  sequenceExhaustion,
  replicationLag,
  replicationSlots,
  cacheHitRatio,
  tableBloat,
  deadTuples,
  vacuumStaleness,
  analyzeStaleness,
  unusedIndexes,
  duplicateIndexes,
  invalidIndexes,
  missingIndexes,
  slowStatements,
  tablesWithoutPrimaryKey,
  settings,
  databaseSize,
  tableSizes,
];
