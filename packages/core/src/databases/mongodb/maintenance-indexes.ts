// MongoDB index rebuilds: which indexes keep much reusable space in their files (collStats indexSizes, and WiredTiger's
// "file bytes available for reuse" per index in indexDetails), and the rebuild itself, done so that the collection is
// never without the index.
//
// MongoDB (and FerretDB) refuse a second index with the same key under another name (IndexOptionsConflict), and
// cannot rename an index. So the stand-in is the same key plus one trailing field no document has: it serves every
// query the original serves (the original key is its prefix) and, unique, it refuses the same duplicates (the extra
// field is null for every document). Then the original is dropped, built again under its own name (names are what
// hint() and people use), and the stand-in dropped. FerretDB (SQLite) does not index a missing field as one null:
// its stand-in lets duplicates in (measured on v1.24.2), so there a unique index's rebuild is only reported.
import type { Db, Document } from 'mongodb';
import type { DocumentMaintenanceSettings } from '../engine.js';
import type { MaintenanceStep } from '../../maintenance/step.js';
import { mb, pct, REINDEX_BYTES_PER_S, seconds } from '../../maintenance/step-figures.js';
import { type IndexLeaseRecord, IndexStepRefused, withIndexLease } from './maintenance-lease.js';

/** The trailing key field of the stand-in and the suffix of its name. */
export const STAND_IN_FIELD = '__dbops_rebuild';
export const standInName = (index: string) => `${index}${STAND_IN_FIELD}`;

export interface IndexStorage {
  name: string;
  /** The index's spec as listIndexes gives it (key, name, unique, sparse, partialFilterExpression, collation…). */
  spec: Document;
  bytes: number;
  /** WiredTiger's "file bytes available for reuse" in the index's file; 0 where the server does not say (FerretDB). */
  freeBytes: number;
}

/** The collection's index specs, as listIndexes gives them; none when it was dropped since it was listed. */
export async function listIndexSpecs(db: Db, collection: string, maxTimeMS: number): Promise<Document[]> {
  return db
    .collection(collection)
    .listIndexes({ maxTimeMS } as never)
    .toArray()
    .catch((error: unknown) => {
      if ((error as { code?: number }).code === 26) return [] as Document[]; // NamespaceNotFound
      throw error;
    });
}

const plainKey = (key: Document) => Object.values(key).every((v) => v === 1 || v === -1);

/**
 * Whether an index is a rebuild's stand-in: its name is another's plus the suffix AND its key ends with the trailing
 * field (an ascending/descending key before it). A user's index whose name merely ends the same way is not one.
 */
export function isStandIn(spec: Document): boolean {
  const name = String(spec.name);
  const fields = Object.entries(spec.key as Document);
  const last = fields.at(-1);
  return (
    name.length > STAND_IN_FIELD.length &&
    name.endsWith(STAND_IN_FIELD) &&
    fields.length >= 2 &&
    last?.[0] === STAND_IN_FIELD &&
    last[1] === 1 &&
    plainKey(Object.fromEntries(fields.slice(0, -1))) &&
    fields.slice(0, -1).every(([field]) => field !== STAND_IN_FIELD)
  );
}

/**
 * A collection's indexes that a rebuild can handle: ascending/descending keys only (text, 2dsphere, hashed… have key
 * rules a stand-in could break), never `_id_` (it cannot be dropped: compact rebuilds it), never a name that ends
 * with the stand-in's suffix (a stand-in left over is maintenance-leftovers.ts' job; a user's index so named is left
 * as it is).
 */
export function readIndexes(specs: readonly Document[], stats: Document): IndexStorage[] {
  const out: IndexStorage[] = [];
  for (const spec of specs) {
    const name = String(spec.name);
    if (name === '_id_' || name.endsWith(STAND_IN_FIELD) || !plainKey(spec.key as Document)) continue;
    out.push({ name, spec, ...indexFigures(stats, name) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** An index's size and WiredTiger's reusable bytes in its file (0 where the server does not say) from collStats. */
export function indexFigures(stats: Document, name: string) {
  const reuse = stats.indexDetails?.[name]?.['block-manager']?.['file bytes available for reuse'];
  return { bytes: Number(stats.indexSizes?.[name] ?? 0), freeBytes: Number(reuse ?? 0) };
}

/** The collection's rebuild-index steps: free space ≥ index-bloat-percent of the index, index ≥ min-index-size. */
export function planIndexRebuilds(
  database: string,
  collection: string,
  indexes: readonly IndexStorage[],
  settings: DocumentMaintenanceSettings,
  server: { uniqueStandIn: boolean },
): MaintenanceStep[] {
  const steps: MaintenanceStep[] = [];
  for (const index of indexes) {
    const freeRatio = index.freeBytes / Math.max(index.bytes, index.freeBytes, 1);
    if (freeRatio < settings.minIndexFreeRatio || index.bytes < settings.minIndexBytes) continue;
    const unsafe = index.spec.unique === true && !server.uniqueStandIn;
    steps.push({
      kind: 'rebuild-index',
      object: `${database}.${collection}`,
      index: index.name,
      statement: rebuildStatements(collection, index.spec).join('; '),
      mode: unsafe ? 'report' : 'apply',
      why:
        `index ${JSON.stringify(index.name)}: ${mb(index.freeBytes)} of its file is free for reuse (${pct(freeRatio)}, ≥ ${pct(settings.minIndexFreeRatio)}; index ${mb(index.bytes)}, ≥ ${mb(settings.minIndexBytes)})` +
        (unsafe
          ? '; not applied: this server (FerretDB) does not keep a unique stand-in unique, so duplicates could get in while the index is rebuilt'
          : ''),
      figures: { indexBytes: index.bytes, freeBytes: index.freeBytes },
      lock: 'each build holds an exclusive lock on the collection only at its start and end (MongoDB 4.2 and later); a stand-in with the same leading key serves queries and keeps uniqueness while the index is rebuilt',
      // Two builds: the stand-in and the index again.
      estimatedSeconds: seconds(2 * index.bytes, REINDEX_BYTES_PER_S),
      expectedGain: `up to ${mb(index.freeBytes)} given back to the file system; a compact index`,
    });
  }
  return steps;
}

/** The spec createIndexes takes back: listIndexes' answer without what the server sets itself. */
export function buildSpec(spec: Document): Document {
  const { v: _v, ns: _ns, ...rest } = spec;
  return rest;
}

/** The stand-in: the same key plus the trailing field, the same options; no TTL (only single-field indexes have it). */
function standInSpec(spec: Document): Document {
  const { expireAfterSeconds: _ttl, ...rest } = buildSpec(spec);
  return { ...rest, key: { ...(spec.key as Document), [STAND_IN_FIELD]: 1 }, name: standInName(String(spec.name)) };
}

/** The four commands, in order, as a person would type them. */
function rebuildCommands(collection: string, spec: Document): Document[] {
  const name = String(spec.name);
  return [
    { createIndexes: collection, indexes: [standInSpec(spec)] },
    { dropIndexes: collection, index: name },
    { createIndexes: collection, indexes: [buildSpec(spec)] },
    { dropIndexes: collection, index: standInName(name) },
  ];
}

function rebuildStatements(collection: string, spec: Document): string[] {
  return rebuildCommands(collection, spec).map((c) => `db.runCommand(${JSON.stringify(c)})`);
}

export class IndexGone extends IndexStepRefused {
  constructor(object: string, index: string) {
    super(`${object} index ${JSON.stringify(index)} no longer exists (dropped after the plan was made)`);
  }
}

/**
 * Rebuilds `index` of `collection` from its current spec, each command under what is left of `timeoutMs`, holding
 * the index's lease (maintenance-lease.ts) throughout: IndexBusy when another run holds it. When a command after the
 * original's drop fails, the error says the stand-in is still there in its place.
 */
export function rebuildIndex(db: Db, collection: string, index: string, object: string, timeoutMs: number) {
  return withIndexLease(db, collection, index, object, timeoutMs, (lease) =>
    rebuild(db, collection, index, object, timeoutMs, lease),
  );
}

async function rebuild(
  db: Db,
  collection: string,
  index: string,
  object: string,
  timeoutMs: number,
  lease: IndexLeaseRecord,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, Math.round(deadline - Date.now()));
  const specs = await db
    .collection(collection)
    .listIndexes({ maxTimeMS: left() } as never)
    .toArray();
  const spec = specs.find((s) => s.name === index);
  if (!spec) throw new IndexGone(object, index);
  // For the run after this one, should this one be killed once the original is dropped (its TTL, if any).
  await lease.recordSpec(buildSpec(spec));
  const commands = rebuildCommands(collection, spec);
  for (const [i, command] of commands.entries()) {
    try {
      await db.command({ ...command, maxTimeMS: left() });
    } catch (error) {
      if (i === 0) throw error; // nothing changed yet
      const [name, standIn] = [JSON.stringify(index), JSON.stringify(standInName(index))];
      // What stands after each command's failure; the next run's plan cleans up (maintenance-leftovers.ts).
      const state = [
        '',
        `the stand-in ${standIn} is left beside ${name}: the next run drops it`,
        `the stand-in ${standIn} is in place of ${name}: the next run builds ${name} again from it`,
        `the index was rebuilt but its stand-in ${standIn} is left: the next run drops it`,
      ][i];
      throw new Error(`${(error as Error).message} (${state})`, { cause: error });
    }
  }
}
