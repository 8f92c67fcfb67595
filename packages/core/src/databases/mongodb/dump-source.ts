import { BSON, MongoError, type Document, type MongoClient } from 'mongodb';
import { DbopsError } from '../../errors.js';
import type { MongoManifestCollection, MongoManifestOplog } from '../../manifest/manifest.js';
import { DBOPS_VERSION } from '../../version.js';
import type { DumpConsistency, DumpRecord, DumpSettings, DumpSource, DumpStream, EngineContext } from '../engine.js';
import type { ArchiveContents } from './archive/reader.js';
import type { WrittenNamespace } from './archive/writer.js';
import { FORMAT_VERSION, isOplogNamespace } from './archive/format.js';
import { readTopology, scrub, serverVersion, withMongoClient, type Topology } from './connection.js';
import { startMongoDumpStream, writerReaderMismatch, type DroppedCollection } from './dump-stream.js';
import { mongoFingerprint } from './fingerprint.js';
import { OplogCatalogs } from './oplog-catalog.js';
import { checkNoRollOver, oplogEnd, oplogEntries, oplogStart } from './oplog-capture.js';
import { OplogReplayPlan } from './oplog-replay.js';
import { formatOplogTime, namespaceDatabase, type OplogScope, type OplogTime } from './oplog-selection.js';
import { isMultiDatabase, selectDatabases } from './database-selection.js';
import { qualifiedName, readInventory, scopeSelectsIn, type CollectionInventory } from './inventory.js';
import { describeMongoTarget, type MongoTarget } from './target.js';

/**
 * The backup's view of a MongoDB database (or of several: databases, exclude-databases). Each collection is read
 * by its own cursor, one after another. On a replica set member whose oplog can be read, the dump is point-in-time
 * (consistency auto or point-in-time): the oplog's newest entry is noted before the inventory, and the entries of
 * the backed-up databases written until the last collection was read are appended as the archive's oplog
 * namespace, as `mongodump --oplog` does; a restore replays them. Elsewhere
 * (a standalone, FerretDB without an oplog, consistency per-collection) the archive is consistent per collection.
 * The manifest says which.
 */
export async function withMongoDumpSource<T>(
  target: MongoTarget,
  settings: DumpSettings,
  context: EngineContext,
  use: (source: DumpSource) => Promise<T>,
): Promise<T> {
  return withMongoClient(target, context, async (client) => {
    const db = client.db(target.database);
    const several = isMultiDatabase(settings.scope);
    const { version, topology, start, databases, collections } = await (async () => {
      const version = await serverVersion(client);
      const topology = await readTopology(client);
      const databases = several ? await selectDatabases(client, settings.scope) : undefined;
      // Before the inventory, as mongodump: a collection changed after this is replayed from the oplog.
      const start = await captureStart(client, topology, settings.consistency ?? 'auto', target, context);
      if (databases) {
        const collections: CollectionInventory[] = [];
        for (const name of databases) {
          collections.push(...(await readInventory(client.db(name), settings.scope, { severalDatabases: true })));
        }
        return { version, topology, start, databases, collections };
      }
      return { version, topology, start, databases, collections: await readInventory(db, settings.scope) };
    })().catch((error: unknown) => {
      throw readError(target, target.database, error);
    });
    if (collections.length === 0) throw nothingToDump(target, settings, databases);
    context.log.info(
      `MongoDB ${version.text} (${topology.kind}) at ${describeMongoTarget(target)}: ` +
        `${collections.length} collections and views to dump` +
        (databases ? ` from ${databases.length} databases (${databases.join(', ')})` : '') +
        ', each on its own' +
        (start
          ? `, with the oplog from ${formatOplogTime(start)} (point-in-time consistency)`
          : ' (per-collection consistency)'),
    );
    const identity = topology.replicaSet ? { systemIdentifier: `replicaSet:${topology.replicaSet}` } : {};
    const origin: DumpRecord['origin'] = {
      source: { host: target.host, port: target.port, ...identity },
      serverVersion: version.text,
      dumpTool: { name: 'dbops', version: DBOPS_VERSION },
    };
    const dataBytes = collections.reduce((sum, c) => sum + c.bytes, 0);
    return use({
      server: { product: 'MongoDB', version: version.text, major: version.major, ...identity },
      // The documents' BSON size is the archive's size but for headers; room to spare for sizes collStats lacks.
      sizeHint: 2 * dataBytes + 1024 * 1024,
      async startDump({ compression, level, signal }): Promise<DumpStream> {
        // The backup's databases, and the collections its scope selects in each (created during the dump too).
        const scope: OplogScope = {
          databases: databases ?? [target.database],
          selects: scopeSelectsIn(settings.scope, several),
        };
        let captured: MongoManifestOplog | undefined;
        const oplog = start
          ? async function* (): AsyncGenerator<Uint8Array> {
              try {
                const end = await oplogEnd(client);
                await checkNoRollOver(client, start);
                let entries = 0;
                const byDatabase = new Map((databases ?? []).map((name) => [name, 0]));
                // The commands among the entries change the catalog a replay restores: followed as a restore will.
                const catalogs = new OplogCatalogs((name) => (several ? name : undefined));
                for (const name of databases ?? [target.database]) {
                  catalogs.add(
                    name,
                    collections
                      .filter((c) => (c.database ?? target.database) === name)
                      .map((c) => [c.name, c.metadata]),
                  );
                }
                const plan = new OplogReplayPlan(new Map(scope.databases.map((name) => [name, name])));
                const observe = (entry: Document) => {
                  for (const name of entryDatabases(entry)) {
                    if (byDatabase.has(name)) byDatabase.set(name, byDatabase.get(name)! + 1);
                  }
                  for (const op of plan.plan(entry)) if (op.op === 'c') catalogs.apply(op.ns, op.o);
                };
                for await (const entry of oplogEntries(client, { start, end }, scope, observe)) {
                  entries++;
                  yield entry;
                }
                // Again after the read, as mongodump: the oplog may have rolled over while it was read.
                await checkNoRollOver(client, start);
                captured = {
                  start,
                  end,
                  entries,
                  ...(several ? { entriesByDatabase: Object.fromEntries(byDatabase) } : {}),
                  ...catalogAtEnd(catalogs, several),
                };
                context.log.info(
                  `Captured ${entries} oplog entries of ${scope.databases.join(', ')} from ${formatOplogTime(start)} to ${formatOplogTime(end)}`,
                );
              } catch (error) {
                throw readError(target, 'local.oplog.rs', error);
              }
            }
          : undefined;
        const dump = startMongoDumpStream({
          db,
          dbNamed: (name) => client.db(name),
          collections,
          serverVersion: version.text,
          toolVersion: `dbops ${DBOPS_VERSION}`,
          compression,
          level,
          signal,
          explain: (error, collection) =>
            readError(target, several ? collection : `${target.database}.${collection}`, error),
          onDropped: ({ collection, documents }) =>
            context.log.warn(
              `${several ? collection : `${target.database}.${collection}`} was dropped during the backup: the archive keeps the ` +
                `${documents} documents read before the drop, and the manifest marks it droppedDuringBackup`,
            ),
          ...(oplog ? { oplog } : {}),
        });
        return {
          source: dump.source,
          stages: dump.stages,
          rawBytes: dump.rawBytes,
          verify: async () =>
            dumpRecord(
              databases ?? target.database,
              origin,
              topology,
              await dump.archive,
              dump,
              collections,
              settings,
              captured,
            ),
          dispose: async () => undefined,
        };
      },
      explainFailure: async (error) =>
        error instanceof DbopsError ? error : readError(target, target.database, error),
      release: async () => undefined,
    });
  });
}

/**
 * A database with no collections is almost always a wrong database name (MongoDB creates databases on first
 * write, so any name "exists"); a scope that selects none is a wrong pattern. Either way there is nothing to back up.
 */
function nothingToDump(target: MongoTarget, settings: DumpSettings, databases: string[] | undefined): DbopsError {
  const input = target.urlInput ?? 'database-url';
  const where = databases ? `the databases ${databases.join(', ')}` : target.database;
  if (settings.scope.tables.length > 0 || settings.scope.excludeTables.length > 0) {
    return new DbopsError('DUMP_FAILED', `The tables and exclude-tables patterns select no collection of ${where}`, {
      input: 'tables',
      hint: databases
        ? 'With databases, patterns match whole db.collection names: * any run of characters, ? one (e.g. shop.orders, *.events).'
        : 'Patterns match whole collection names: * any run of characters, ? one (e.g. events.*).',
    });
  }
  if (databases) {
    return new DbopsError(
      'DUMP_FAILED',
      `The databases ${databases.join(', ')} have no collections: nothing to back up`,
      {
        input: 'databases',
        hint: 'Check the databases and exclude-databases patterns.',
      },
    );
  }
  return new DbopsError(
    'DUMP_FAILED',
    `The database ${target.database} at ${describeMongoTarget(target)} has no collections: nothing to back up`,
    { input, hint: `Check the database name in ${input} (the path after the host: .../DATABASE).` },
  );
}

/** A driver error while dumping, named for people; the URL and password never in it. */
function readError(target: MongoTarget, what: string, error: unknown): unknown {
  if (error instanceof DbopsError || !(error instanceof MongoError)) return error;
  return new DbopsError(
    'DUMP_FAILED',
    `Reading ${what} from ${describeMongoTarget(target)} failed: ${scrub(target, error.message)}`,
    { cause: error, hint: 'The server went away or refused the read; nothing was recorded as a backup.' },
  );
}

/**
 * Checks the archive the reader parsed against the inventory and the writer (every collection present with its
 * EOF block, the same documents on both sides of the stream; an empty dump of a non-empty database fails), and
 * returns what the manifest records of it.
 */
function dumpRecord(
  database: string | string[],
  origin: DumpRecord['origin'],
  topology: Topology,
  archive: ArchiveContents,
  {
    written,
    dropped,
    readStarted,
  }: { written: WrittenNamespace[]; dropped: DroppedCollection[]; readStarted: Map<string, Date> },
  collections: CollectionInventory[],
  settings: DumpSettings,
  oplog: MongoManifestOplog | undefined,
): DumpRecord {
  const several = Array.isArray(database);
  // Keyed as the inventory's qualifiedName: db.collection in a backup of several databases.
  const byName = new Map(archive.namespaces.map((ns) => [several ? `${ns.db}.${ns.collection}` : ns.collection, ns]));
  checkOplog(archive, written, oplog);
  const droppedNames = new Set(dropped.map((d) => d.collection));
  const missing = collections.filter((c) => !byName.has(qualifiedName(c)));
  if (missing.length > 0) {
    const names = missing.slice(0, 5).map(qualifiedName);
    throw new DbopsError(
      'VERIFY_FAILED',
      `The archive lacks ${missing.length} of ${collections.length} collections (${names.join(', ')}${missing.length > 5 ? ', …' : ''})`,
      { hint: 'The dump is incomplete; nothing was recorded as a backup.' },
    );
  }
  for (const w of written.filter((w) => !isOplogNamespace(w))) {
    const read = byName.get(several ? `${w.db}.${w.collection}` : w.collection)!;
    if (read.documents !== w.documents || read.crc !== w.crc) throw writerReaderMismatch(read.db, w, read);
  }
  const kept = collections.filter((c) => c.metadata.type !== 'view' && !droppedNames.has(qualifiedName(c)));
  if (droppedNames.size > 0 && kept.length === 0) {
    // Not one temporary collection gone, but all of them: the database itself was dropped (or emptied) meanwhile.
    throw new DbopsError(
      'DUMP_FAILED',
      `Every collection of ${several ? database.join(', ') : database} was dropped during the backup (${[...droppedNames].slice(0, 5).join(', ')}${droppedNames.size > 5 ? ', …' : ''})`,
      { hint: 'The database was dropped or replaced while it was read; nothing was recorded as a backup.' },
    );
  }
  const before = kept.reduce((sum, c) => sum + c.documents, 0);
  const dumped = archive.namespaces.reduce((sum, ns) => sum + ns.documents, 0);
  if (before > 0 && dumped === 0) {
    throw new DbopsError(
      'VERIFY_FAILED',
      `The archive holds no documents, but the database had ${before} in ${kept.filter((c) => c.documents > 0).length} collections`,
      {
        hint: "The dump is empty; nothing was recorded as a backup. Check the user's read privileges and the include/exclude filters.",
      },
    );
  }
  const manifestCollections = collections.map((c): MongoManifestCollection => {
    const key = qualifiedName(c);
    const ns = byName.get(key)!;
    const options = BSON.EJSON.serialize(c.metadata.options, { relaxed: true }) as Record<string, unknown>;
    return {
      name: c.name,
      ...(c.database !== undefined ? { database: c.database } : {}),
      type: c.metadata.type === 'view' ? 'view' : 'collection',
      documents: ns.documents,
      bytes: ns.bytes,
      documentsBefore: c.documents,
      ...(readStarted.has(key) ? { readStartedAt: readStarted.get(key)!.toISOString() } : {}),
      indexes: c.metadata.indexes.map(indexSummary),
      ...(Object.keys(options).length > 0 ? { options } : {}),
      ...(droppedNames.has(key) ? { droppedDuringBackup: true as const } : {}),
    };
  });
  const views = collections.filter((c) => c.metadata.type === 'view').length;
  return {
    origin,
    format: 'mongodump-archive',
    contents: {
      toc: {
        entries: archive.namespaces.length + (archive.oplog ? 1 : 0),
        byType: { collection: collections.length - views, view: views },
      },
      // Collections in the manifest's tables (schema: the database): catalog, rotation and reports read them.
      tables: manifestCollections
        .filter((c) => c.type === 'collection')
        .map((c) => ({
          schema: c.database ?? (database as string),
          name: c.name,
          rows: c.documents,
          rowEstimate: c.documentsBefore,
          bytes: c.bytes,
        })),
      exactCountMaxBytes: settings.exactCountMaxBytes,
      schemaFingerprint: mongoFingerprint(collections),
      mongodb: {
        topology: topology.kind,
        ...(topology.replicaSet ? { replicaSet: topology.replicaSet } : {}),
        ...(several ? { databases: database } : {}),
        ...(oplog ? { consistency: 'point-in-time' as const, oplog } : { consistency: 'per-collection' as const }),
        archiveFormatVersion: archive.header.formatVersion || FORMAT_VERSION,
        collections: manifestCollections,
      },
    },
    verification: {
      archiveListed: true,
      tableDataEntries: archive.namespaces.filter((ns) => ns.documents > 0).length,
      expectedTables: collections.length - views,
    },
  };
}

/**
 * The oplog's capture agrees on both sides of the stream: what the writer wrote and the reader checked (CRC,
 * entries in order) as the archive's oplog namespace, and the count the capture ended with.
 */
function checkOplog(
  archive: ArchiveContents,
  written: WrittenNamespace[],
  oplog: MongoManifestOplog | undefined,
): void {
  const wrote = written.find(isOplogNamespace);
  if (!oplog && !wrote && !archive.oplog) return;
  const read = archive.oplog;
  if (!oplog || !wrote || !read || read.documents !== wrote.documents || read.crc !== wrote.crc) {
    throw new DbopsError(
      'VERIFY_FAILED',
      `The archive's oplog does not match the capture: ${read?.documents ?? 'no'} entries read, ${wrote?.documents ?? 'none'} written, ${oplog?.entries ?? 'no'} captured`,
      { hint: 'The archive was altered between the writer and storage; nothing was recorded as a backup.' },
    );
  }
}

/** The databases an archived entry touches: its namespace's, or those of the operations inside its applyOps. */
function entryDatabases(entry: Document): Set<string> {
  const o = (entry.o ?? {}) as Document;
  if (entry.op === 'c' && Array.isArray(o.applyOps)) {
    return new Set((o.applyOps as Document[]).flatMap((inner) => [...entryDatabases(inner)]));
  }
  return new Set([namespaceDatabase(String(entry.ns ?? ''))]);
}

/**
 * Where the oplog capture starts, or undefined for a per-collection dump: `auto` captures when the oplog can be
 * read (else says why not), `point-in-time` fails where it cannot.
 */
async function captureStart(
  client: MongoClient,
  topology: Topology,
  consistency: DumpConsistency,
  target: MongoTarget,
  context: EngineContext,
): Promise<OplogTime | undefined> {
  if (consistency === 'per-collection') return undefined;
  const probe = await oplogStart(client, topology);
  if ('start' in probe) return probe.start;
  if (consistency === 'point-in-time') {
    throw new DbopsError(
      'INVALID_INPUT',
      `consistency is point-in-time, but ${describeMongoTarget(target)} cannot give one: ${probe.unavailable}`,
      {
        input: 'consistency',
        hint: 'point-in-time needs a replica set member whose oplog (local.oplog.rs) the user can read; set consistency to auto or per-collection to back up per collection.',
      },
    );
  }
  context.log.info(`Consistency: per-collection, since ${probe.unavailable}`);
  return undefined;
}

/**
 * What the manifest records of the oplog's commands: each, and the catalog they leave (its collections' indexes
 * and its fingerprint), which a restore's checks compare with. Nothing when the oplog holds no command.
 */
function catalogAtEnd(catalogs: OplogCatalogs, several: boolean): Pick<MongoManifestOplog, 'commands' | 'atEnd'> {
  if (catalogs.commands.length === 0) return {};
  const collections: CollectionInventory[] = [...catalogs.databases]
    .flatMap(([database, catalog]) =>
      [...catalog.collections].map(([name, metadata]) => ({
        name,
        ...(several ? { database } : {}),
        metadata,
        documents: 0,
        bytes: 0,
      })),
    )
    .sort((a, b) => (qualifiedName(a) < qualifiedName(b) ? -1 : qualifiedName(a) > qualifiedName(b) ? 1 : 0));
  return {
    commands: [...catalogs.commands],
    atEnd: {
      collections: collections.map((c) => ({
        name: c.name,
        ...(c.database !== undefined ? { database: c.database } : {}),
        type: c.metadata.type === 'view' ? ('view' as const) : ('collection' as const),
        indexes: c.metadata.indexes.map(indexSummary),
      })),
      schemaFingerprint: mongoFingerprint(collections),
    },
  };
}

/** An index as the manifest lists it: name, key and uniqueness. */
export function indexSummary(spec: Document): MongoManifestCollection['indexes'][number] {
  const key = Object.fromEntries(
    Object.entries((spec.key as Document | undefined) ?? {}).map(([field, kind]) => [
      field,
      typeof kind === 'string' ? kind : kind instanceof BSON.Long ? kind.toNumber() : Number(kind),
    ]),
  );
  return { name: String(spec.name), key, ...(spec.unique === true ? { unique: true as const } : {}) };
}
