import { MongoServerError, type BSON, type Db, type Document } from 'mongodb';
import { DbopsError, invalidInput } from '../../errors.js';
import type { DumpScope } from '../dump-scope.js';
import { uuidHex, type CollectionMetadata } from './archive/metadata.js';

/** One collection or view the dump covers, as the server described it before the dump. */
export interface CollectionInventory {
  name: string;
  /** Its database, in a backup of several databases (`databases`/`exclude-databases`); else the URL's one. */
  database?: string;
  /** What mongodump's prelude carries: options, indexes, UUID and type, with BSON types kept. */
  metadata: CollectionMetadata;
  /** Documents counted before the dump (countDocuments); 0 for a view. */
  documents: number;
  /** The documents' uncompressed BSON size (collStats size); 0 when the server does not say. */
  bytes: number;
}

/** db.collection in a backup of several databases; the bare name in one of the URL's database, as always. */
export function qualifiedName(c: Pick<CollectionInventory, 'name' | 'database'>): string {
  return c.database === undefined ? c.name : `${c.database}.${c.name}`;
}

/** The namespaces a dump never covers: the server's own (system.profile, system.views, system.js...). */
function isSystemCollection(name: string): boolean {
  return name.startsWith('system.');
}

/**
 * Whether the scope selects a collection of that name: not a system collection, matched by a `tables` pattern
 * (when there are any) and by no `exclude-tables` one. Also a collection created after the inventory (its oplog
 * entries belong to a point-in-time archive).
 */
export function scopeSelects(scope: DumpScope): (collection: string) => boolean {
  refuseDatabasePatterns(scope);
  const include = scope.tables.map(globPattern);
  const exclude = scope.excludeTables.map(globPattern);
  return (name) =>
    !isSystemCollection(name) &&
    (include.length === 0 || include.some((p) => p.test(name))) &&
    !exclude.some((p) => p.test(name));
}

/**
 * scopeSelects for a collection of a named database: in a backup of several databases the table patterns match
 * db.collection (a system collection never); else the collection's name alone.
 */
export function scopeSelectsIn(
  scope: DumpScope,
  severalDatabases: boolean,
): (database: string, collection: string) => boolean {
  const selectsName = scopeSelects(scope);
  return severalDatabases
    ? (database, name) => !isSystemCollection(name) && selectsName(`${database}.${name}`)
    : (_database, name) => selectsName(name);
}

/**
 * The collections and views of `db` that the scope selects, in name order, with their metadata, counts and sizes.
 * Scope: `tables`/`exclude-tables` are collection name patterns (`*` any run of characters, `?` one; a dot is a
 * dot, since collection names hold dots). A dump covers the URL's one database, so database patterns are refused.
 */
export async function readInventory(
  db: Db,
  scope: DumpScope,
  { severalDatabases = false }: { severalDatabases?: boolean } = {},
): Promise<CollectionInventory[]> {
  const selectsIn = scopeSelectsIn(scope, severalDatabases);
  const selects = (name: string) => selectsIn(db.databaseName, name);
  const infos = await db.listCollections({}, { nameOnly: false, promoteValues: false }).toArray();
  const selected = infos
    .filter((info) => selects(info.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const collections: CollectionInventory[] = [];
  for (const info of selected) {
    const type = typeof info.type === 'string' ? info.type : 'collection';
    if (type === 'timeseries') {
      throw new DbopsError('DUMP_FAILED', `${db.databaseName}.${info.name} is a time series collection`, {
        hint: 'dbops does not back up MongoDB time series collections yet; leave it out with exclude-tables.',
      });
    }
    const uuid = (info.info as Document | undefined)?.uuid as BSON.Binary | undefined;
    const isView = type === 'view';
    const indexes = isView ? [] : await listIndexes(db, info.name);
    // Dropped between listCollections and now: as if dropped before the backup began, it is not part of it.
    if (indexes === undefined) continue;
    collections.push({
      name: info.name,
      ...(severalDatabases ? { database: db.databaseName } : {}),
      metadata: {
        options: (info.options as Document | undefined) ?? {},
        indexes,
        ...(uuid ? { uuid: uuidHex(uuid) } : {}),
        type,
      },
      documents: isView ? 0 : await db.collection(info.name).countDocuments({}),
      bytes: isView ? 0 : await collectionBytes(db, info.name),
    });
  }
  return collections;
}

/** The collection's index specifications (BSON types kept); undefined when it no longer exists. */
async function listIndexes(db: Db, name: string): Promise<Document[] | undefined> {
  try {
    return await db.collection(name).listIndexes({ promoteValues: false }).toArray();
  } catch (error) {
    if (error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND) return undefined;
    throw error;
  }
}

const NAMESPACE_NOT_FOUND = 26;

/**
 * Whether the collection the inventory described is still there: the same name and, where the server gives
 * collection UUIDs, the same UUID (a collection dropped and created again under its name is another collection).
 */
export async function stillExists(db: Db, collection: CollectionInventory): Promise<boolean> {
  const [info] = await db
    .listCollections({ name: collection.name }, { nameOnly: false, promoteValues: false })
    .toArray();
  if (!info) return false;
  const uuid = (info.info as Document | undefined)?.uuid as BSON.Binary | undefined;
  return !collection.metadata.uuid || !uuid || uuidHex(uuid) === collection.metadata.uuid;
}

/** collStats' size (the documents' BSON bytes); 0 where the server does not answer it. */
async function collectionBytes(db: Db, name: string): Promise<number> {
  try {
    const stats = await db.command({ collStats: name });
    const size = Number(stats.size ?? 0);
    return Number.isFinite(size) && size > 0 ? size : 0;
  } catch {
    return 0;
  }
}

function refuseDatabasePatterns(scope: DumpScope): void {
  const [input, patterns] =
    scope.schemas.length > 0 ? ['schemas', scope.schemas] : ['exclude-schemas', scope.excludeSchemas];
  if (patterns.length === 0) return;
  throw invalidInput(
    input,
    'does not apply to MongoDB: a MongoDB backup covers the one database its URL names',
    'no schemas for a mongodb:// URL; choose collections with tables and exclude-tables (patterns such as events.*)',
  );
}

/** A collection name pattern as an anchored expression: `*` any run of characters, `?` one, all else literal. */
export function globPattern(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'su');
}
