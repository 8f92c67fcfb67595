// MongoDB's maintenance plan, per collection: validate (with { full: true } when validate-full is on) for every
// collection, and compact where the storage engine holds much free space that the collection's file keeps
// (deletes and updates free it for reuse; compact gives it back to the file system), and index rebuilds where an
// index's file keeps much free space and no compact is planned (compact rewrites the indexes too). A replica set
// primary gets neither a compact nor a validate that would lock its collections (planCollections, validateMode).
import type { Db, Document } from 'mongodb';
import type { DocumentMaintenanceSettings } from '../engine.js';
import type { MaintenanceStep } from '../../maintenance/step.js';
import { mb, pct, seconds } from '../../maintenance/step-figures.js';
import { type IndexStorage, listIndexSpecs, planIndexRebuilds, readIndexes } from './maintenance-indexes.js';
import { type Leases, leftoverSteps, type StandIn, standInsOf } from './maintenance-leftovers.js';
import { LEASE_COLLECTION } from './lease.js';

// Rough throughputs, for an order of magnitude: validate reads every document and index entry, full also the storage
// engine's structures; compact rewrites the collection.
const VALIDATE_BYTES_PER_S = 100 * 1024 * 1024;
const VALIDATE_FULL_BYTES_PER_S = 30 * 1024 * 1024;
const COMPACT_BYTES_PER_S = 30 * 1024 * 1024;

export interface CollectionStorage {
  name: string;
  /** Bytes the collection's data takes on disk (storageSize), free space included. */
  storageBytes: number;
  /** Bytes the file holds for reuse (freeStorageSize, or WiredTiger's "file bytes available for reuse"). */
  freeBytes: number;
  indexBytes: number;
  documents: number;
  /** Its indexes a rebuild can handle (readIndexes); empty where only the figures were read. */
  indexes: IndexStorage[];
  /** Stand-ins interrupted rebuilds left (standInsOf); empty where only the figures were read. */
  standIns: StandIn[];
}

/**
 * The database's collections (not views, not system.*, not dbops's leases) and their storage figures, each command
 * under maxTimeMS.
 */
export async function collectionStorage(db: Db, maxTimeMS: number): Promise<CollectionStorage[]> {
  const listed = await db.listCollections({}, { nameOnly: false, maxTimeMS } as never).toArray();
  const names = listed
    .filter(
      (c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.') && c.name !== LEASE_COLLECTION,
    )
    .map((c) => c.name)
    .sort();
  const out: CollectionStorage[] = [];
  for (const name of names) {
    const stats = await readStats(db, name, maxTimeMS);
    if (!stats) continue;
    const specs = await listIndexSpecs(db, name, maxTimeMS);
    out.push({ ...storageOf(name, stats), indexes: readIndexes(specs, stats), standIns: standInsOf(specs, stats) });
  }
  return out;
}

/** One collection's figures; undefined when it does not exist (dropped since it was listed). */
export async function readStorage(db: Db, name: string, maxTimeMS: number): Promise<CollectionStorage | undefined> {
  const stats = await readStats(db, name, maxTimeMS);
  return stats && { ...storageOf(name, stats), indexes: [], standIns: [] };
}

/** collStats' answer; undefined when the collection does not exist. */
async function readStats(db: Db, name: string, maxTimeMS: number): Promise<Document | undefined> {
  let stats: Document;
  try {
    stats = await db.command({ collStats: name, maxTimeMS });
  } catch (error) {
    if ((error as { code?: number }).code === 26) return undefined; // NamespaceNotFound
    throw error;
  }
  if (stats.ok !== 1 || (stats.storageSize === undefined && stats.count === undefined)) return undefined;
  return stats;
}

function storageOf(name: string, stats: Document): Omit<CollectionStorage, 'indexes' | 'standIns'> {
  const reuse = stats.wiredTiger?.['block-manager']?.['file bytes available for reuse'];
  return {
    name,
    storageBytes: Number(stats.storageSize ?? 0),
    freeBytes: Number(stats.freeStorageSize ?? reuse ?? 0),
    indexBytes: Number(stats.totalIndexSize ?? 0),
    documents: Number(stats.count ?? 0),
  };
}

/** What the plan needs to know of the server, as plain facts. */
export interface MaintenanceServerFacts {
  /** A unique stand-in refuses duplicates (not on FerretDB: maintenance-indexes.ts). */
  uniqueStandIn: boolean;
  /** A replica set's writable primary (hello.isWritablePrimary with a setName); a standalone and FerretDB are not. */
  replicaSetPrimary: boolean;
  /** The server's [major, minor] version (buildInfo.versionArray). */
  version: readonly [number, number];
}

/**
 * The steps for the collections of `database`: first what interrupted rebuilds left (maintenance-leftovers.ts), then
 * in name order each collection's validate, then its compact, or else its index rebuilds. On a replica set primary
 * compact is only reported (MongoDB refuses it there without force: true, through 8.0), so the index rebuilds are
 * planned beside it: otherwise a primary's bloated indexes would never be rebuilt.
 */
export function planCollections(
  database: string,
  collections: readonly CollectionStorage[],
  settings: DocumentMaintenanceSettings,
  server: MaintenanceServerFacts,
  leases: Leases,
): MaintenanceStep[] {
  const steps = collections.flatMap((c) => leftoverSteps(database, c.name, c.standIns, leases));
  for (const c of collections) {
    const object = `${database}.${c.name}`;
    const name = JSON.stringify(c.name);
    const bytes = c.storageBytes + c.indexBytes;
    const figures = {
      storageBytes: c.storageBytes,
      freeBytes: c.freeBytes,
      indexBytes: c.indexBytes,
      documents: c.documents,
    };
    const validate = validateMode(name, settings.validateFull, server);
    steps.push({
      kind: 'validate-collection',
      object,
      ...validate,
      why:
        `checks ${c.documents} documents and their indexes (${mb(bytes)})${settings.validateFull ? ', and the storage engine’s structures (validate-full)' : ''}` +
        (validate.mode === 'report' ? `; ${VALIDATE_NOT_ON_PRIMARY}` : ''),
      figures,
      estimatedSeconds: seconds(bytes, settings.validateFull ? VALIDATE_FULL_BYTES_PER_S : VALIDATE_BYTES_PER_S),
      expectedGain: 'finds corrupt documents or index entries before a backup or a read does',
    });
    // FerretDB reports free space beside the storage, not within it: the ratio is of the larger.
    const freeRatio = c.freeBytes / Math.max(c.storageBytes, c.freeBytes, 1);
    if (freeRatio < settings.minFreeRatio || c.storageBytes < settings.minStorageBytes || c.freeBytes === 0) {
      steps.push(...planIndexRebuilds(database, c.name, c.indexes, settings, server));
      continue;
    }
    steps.push({
      kind: 'compact-collection',
      object,
      statement: `db.runCommand({ compact: ${name} })`,
      mode: server.replicaSetPrimary ? 'report' : 'apply',
      why:
        `${mb(c.freeBytes)} of its storage is free for reuse (${pct(freeRatio)}, ≥ ${pct(settings.minFreeRatio)}; storage ${mb(c.storageBytes)})` +
        (server.replicaSetPrimary ? `; ${COMPACT_NOT_ON_PRIMARY}` : ''),
      figures,
      lock: 'MongoDB 4.4 and later: reads and writes continue, DDL on the collection waits; earlier versions block the database',
      estimatedSeconds: seconds(bytes, COMPACT_BYTES_PER_S),
      expectedGain: `up to ${mb(c.freeBytes)} given back to the file system`,
    });
    if (server.replicaSetPrimary) steps.push(...planIndexRebuilds(database, c.name, c.indexes, settings, server));
  }
  return steps;
}

const COMPACT_NOT_ON_PRIMARY =
  'not applied: this server is a replica set primary, where MongoDB refuses compact without force: true; run it on each secondary (then on this one once it has stepped down), or with force: true in a quiet hour';
const VALIDATE_NOT_ON_PRIMARY =
  'not applied: this server is a replica set primary, where this validate would hold an exclusive lock on the collection (background validation needs MongoDB 4.4 and cannot be full); run it on a secondary, or in a window when the collection may wait';

/**
 * validate's statement, mode and lock. A plain validate takes an exclusive lock on the collection: on a primary that
 * stops the application's reads and writes of it, so there it runs with background: true (MongoDB 4.4 and later,
 * not with full: it checks a checkpoint's snapshot under intent locks), or is only reported where that is not
 * possible. Elsewhere (a secondary, a standalone server, FerretDB) it runs as before.
 */
export function validateMode(
  name: string,
  full: boolean,
  server: Pick<MaintenanceServerFacts, 'replicaSetPrimary' | 'version'>,
): Pick<MaintenanceStep, 'statement' | 'mode' | 'lock'> {
  const [major, minor] = server.version;
  const background = server.replicaSetPrimary && !full && (major > 4 || (major === 4 && minor >= 4));
  return {
    statement: `db.runCommand({ validate: ${name}${full ? ', full: true' : ''}${background ? ', background: true' : ''} })`,
    mode: server.replicaSetPrimary && !background ? 'report' : 'apply',
    lock: background
      ? 'intent locks only: reads and writes of the collection go on (background validation checks the last checkpoint)'
      : 'an exclusive lock on the collection while it runs: its reads and writes wait',
  };
}
