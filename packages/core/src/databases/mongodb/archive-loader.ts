import { createReadStream } from 'node:fs';
import { BSON, MongoServerError, type Db, type Document } from 'mongodb';
import { cancelled, DbopsError } from '../../errors.js';
import { ArchiveParser, readArchive, type ArchiveContents } from './archive/reader.js';
import { isOplogNamespace, type PreludeEntry } from './archive/format.js';
import { parseMetadataJson, type CollectionMetadata } from './archive/metadata.js';
import { oplogApplier, type OplogApplier } from './oplog-apply.js';
import { OplogCatalogs } from './oplog-catalog.js';
import { OplogReplayPlan } from './oplog-replay.js';
import { DECODE, namespaceDatabase } from './oplog-selection.js';
import { insertRawDocuments } from './raw-insert.js';

const COMMAND_NOT_FOUND = 59;

/** A batch is sent once it holds this many bytes or documents: well under the server's 48 MB message limit. */
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_DOCUMENTS = 1000;

export interface LoadedArchive {
  collections: number;
  documents: number;
  /**
   * Documents not inserted because a copy with their _id was already in (the dump read them twice), by collection
   * as the manifest names it (database.collection in a backup of several); only those that had any.
   */
  duplicateIds: Map<string, number>;
  /** A point-in-time archive's oplog, replayed after the collections were loaded. */
  oplog?: ReplayedOplog;
}

export interface ReplayedOplog {
  /** The archive's oplog entries. */
  entries: number;
  /** The operations applied (a transaction's count one each). */
  applied: number;
  /** Entries of another database and no-ops, not applied. */
  skipped: number;
  /** How they were applied; absent when the oplog held no entries. */
  method?: OplogApplier['method'];
  /** The commands replayed (create, drop, createIndexes...), in order, for people: "dropIndexes orders (total_1)". */
  commands: string[];
  /** Large transactions whose last entry the archive lacks: their parts were not applied (absent: none). */
  unfinishedTransactions?: number;
  /** Prepared transactions not committed by the dump's end: not applied, as at that time (absent: none). */
  preparedTransactions?: number;
}

export interface LoadOptions {
  signal?: AbortSignal;
  preserveUuids?: boolean;
  /**
   * Called once the collections are loaded, before the oplog is replayed (the counts the archive gives hold then,
   * less the documents it held twice, given as LoadedArchive.duplicateIds).
   */
  beforeOplog?: (duplicateIds: ReadonlyMap<string, number>) => Promise<void>;
  /**
   * An archive of several databases: the database each of its databases is loaded into (keyed by the archive's
   * name); those not named are skipped. Without it, the archive holds one database, loaded into `db`.
   */
  databases?: ReadonlyMap<string, Db>;
}

/**
 * Loads a mongodump archive file into `db`, whatever database its namespaces name (restore under another name,
 * as mongorestore --nsFrom/--nsTo), or each of its databases into the one `options.databases` gives: the archive is
 * read twice, first to check it end to end (every CRC, nothing truncated) so a damaged one restores nothing, then to
 * create each collection and view with its options, insert its documents as the archive's raw bytes, and build its
 * indexes once the data is in (faster, as mongorestore). With `preserveUuids`, each collection gets the UUID the
 * archive's metadata gives it (mongorestore --preserveUUID).
 */
export async function loadArchive(path: string, db: Db, options: LoadOptions = {}): Promise<LoadedArchive> {
  const { signal } = options;
  const contents = await readArchive(createReadStream(path));
  const into = options.databases ? (archiveDb: string) => options.databases!.get(archiveDb) : () => db;
  if (!options.databases) refuseSeveralDatabases(contents);
  if (signal?.aborted) throw cancelled();

  const parser = new PendingParser((archiveDb) => into(archiveDb) !== undefined);
  let collections = 0;
  /** Each target database's collections and their metadata (their indexes are built last). */
  const metadata = new Map<Db, Map<string, CollectionMetadata>>();
  let documents = 0;
  const duplicateIds = new Map<string, number>();
  const insert = async (batch: Batch) => {
    const { inserted, duplicateIds: skipped } = await insertRawDocuments(
      into(batch.db)!,
      batch.collection,
      batch.documents,
    );
    documents += inserted;
    if (skipped === 0) return;
    const name = options.databases ? `${batch.db}.${batch.collection}` : batch.collection;
    duplicateIds.set(name, (duplicateIds.get(name) ?? 0) + skipped);
  };
  const { beforeOplog, ...rest } = options;
  const replay = contents.oplog
    ? new OplogReplay(replayedDatabases(db, contents, options), metadata, {
        ...rest,
        ...(beforeOplog ? { beforeOplog: () => beforeOplog(duplicateIds) } : {}),
      })
    : undefined;
  for await (const chunk of createReadStream(path)) {
    if (signal?.aborted) throw cancelled();
    parser.write(chunk as Buffer);
    for (const entry of parser.takePrelude()) {
      const target = into(entry.db);
      if (isOplogNamespace(entry) || !target) continue;
      const meta = parseMetadataJson(entry.metadata);
      if (meta) metadataOf(metadata, target).set(entry.collection, meta);
      await createCollection(target, entry.collection, meta, options.preserveUuids === true);
      collections++;
    }
    for (const batch of parser.takeBatches()) {
      if (signal?.aborted) throw cancelled();
      await insert(batch);
    }
    // The oplog comes after every collection's data (the reader makes sure): replayed once they are all in.
    for (const entry of parser.takeOplog()) await replay!.apply(entry);
  }
  for (const batch of parser.end()) await insert(batch);
  for (const entry of parser.takeOplog()) await replay!.apply(entry);
  // Indexes after the replay, as mongorestore: the copy is only consistent once the oplog has been applied. Those
  // of the catalog as the replay's commands left it: not a dropped collection's (building them would create it
  // again), nor a dropped index, but an index created during the dump.
  const indexed = replay?.catalogs() ?? metadata;
  for (const [target, catalog] of indexed) {
    for (const [collection, meta] of catalog) {
      if (signal?.aborted) throw cancelled();
      await createIndexes(target, collection, meta.indexes);
    }
  }
  const oplog = await replay?.finish();
  return { collections, documents, duplicateIds, ...(oplog ? { oplog } : {}) };
}

function metadataOf(metadata: Map<Db, Map<string, CollectionMetadata>>, db: Db): Map<string, CollectionMetadata> {
  const of = metadata.get(db) ?? new Map<string, CollectionMetadata>();
  metadata.set(db, of);
  return of;
}

/**
 * Where an archive's oplog is replayed: each archive database loaded, into its target (a backup of several: those
 * `databases` maps, so a restore of one replays only its entries); else the archive's one database into `db`.
 */
function replayedDatabases(db: Db, contents: ArchiveContents, options: LoadOptions): Map<string, Db> {
  if (options.databases) return new Map(options.databases);
  return new Map([[contents.namespaces[0]?.db ?? db.databaseName, db]]);
}

/**
 * Replays a point-in-time archive's oplog, entry by entry, each archive database's entries into the database it is
 * loaded into (namespaces rewritten, inside applyOps too). Commands go through that database's catalog first
 * (oplog-catalog.ts): index commands change only the indexes built after the replay.
 */
class OplogReplay {
  private plan: OplogReplayPlan;
  /** The target databases by name, and the appliers of those that were written to. */
  private readonly targets: Map<string, Db>;
  private readonly appliers = new Map<string, OplogApplier>();
  /** The catalogs the replay's commands change, from the archive's metadata (all read by the first entry). */
  private catalog: OplogCatalogs | undefined;
  private entries = 0;
  private applied = 0;

  constructor(
    private readonly databases: ReadonlyMap<string, Db>,
    private readonly metadata: ReadonlyMap<Db, ReadonlyMap<string, CollectionMetadata>>,
    private readonly options: Omit<LoadOptions, 'beforeOplog'> & { beforeOplog?: () => Promise<void> },
  ) {
    this.plan = new OplogReplayPlan(new Map([...databases].map(([from, to]) => [from, to.databaseName])));
    this.targets = new Map([...databases.values()].map((to) => [to.databaseName, to]));
  }

  async apply(raw: Uint8Array): Promise<void> {
    if (this.options.signal?.aborted) throw cancelled();
    if (!this.catalog) {
      await this.options.beforeOplog?.();
      // Commands name a backup of several databases' collections as the backup does (db.collection).
      const from = new Map([...this.databases].map(([name, to]) => [to.databaseName, name]));
      this.catalog = new OplogCatalogs((target) => (this.options.databases ? from.get(target) : undefined));
      for (const to of this.targets.values()) this.catalog.add(to.databaseName, this.metadata.get(to) ?? []);
      // How the oplog is applied is known (and reported) from the first entry, whatever it holds.
      const [first] = this.targets.keys();
      if (first !== undefined) await this.applier(`${first}.$cmd`);
    }
    this.entries++;
    for (const op of this.plan.plan(BSON.deserialize(raw, DECODE))) {
      const o = op.op === 'c' ? this.catalog.apply(op.ns, op.o) : op.o;
      if (o !== undefined) await (await this.applier(op.ns)).apply({ ...op, o });
      this.applied++;
    }
  }

  /** The applier of the target database `ns` names (the plan rewrote it to one of the targets). */
  private async applier(ns: string): Promise<OplogApplier> {
    const name = namespaceDatabase(ns);
    let applier = this.appliers.get(name);
    if (!applier) {
      applier = await oplogApplier(this.targets.get(name)!);
      this.appliers.set(name, applier);
    }
    return applier;
  }

  /** Each target database's collections as the replay's commands left them; undefined before any entry. */
  catalogs(): Map<Db, ReadonlyMap<string, CollectionMetadata>> | undefined {
    if (!this.catalog) return undefined;
    return new Map(
      [...this.catalog.databases].map(([name, catalog]) => [this.targets.get(name)!, catalog.collections]),
    );
  }

  async finish(): Promise<ReplayedOplog> {
    const method = [...this.appliers.values()][0]?.method;
    const unfinished = this.plan.unfinishedTransactions;
    const prepared = this.plan.openTransactions - unfinished;
    return {
      entries: this.entries,
      applied: this.applied,
      skipped: this.plan.skipped,
      ...(method ? { method } : {}),
      commands: this.catalog?.commands ?? [],
      ...(unfinished > 0 ? { unfinishedTransactions: unfinished } : {}),
      ...(prepared > 0 ? { preparedTransactions: prepared } : {}),
    };
  }
}

/** A collection's documents, in archive order, waiting to be inserted. */
interface Batch {
  db: string;
  collection: string;
  documents: Uint8Array[];
  bytes: number;
}

/** The archive parser with its events queued, to be acted on (awaited) between chunks. */
class PendingParser {
  private prelude: PreludeEntry[] = [];
  private oplog: Uint8Array[] = [];
  private readonly full: Batch[] = [];
  /** Open batches by db and collection. */
  private readonly open = new Map<string, Batch>();
  /** `wanted`: whether a database's documents are loaded (the others are not kept). */
  constructor(private readonly wanted: (db: string) => boolean) {}
  private readonly parser = new ArchiveParser({
    prelude: (_header, entries) => {
      this.prelude = [...entries];
    },
    document: (db, collection, bson) => {
      // The parser's bytes are valid only during the call.
      if (isOplogNamespace({ db, collection })) return void this.oplog.push(Buffer.from(bson));
      if (!this.wanted(db)) return;
      const key = `${db}.${collection}`;
      let batch = this.open.get(key);
      if (!batch) {
        batch = { db, collection, documents: [], bytes: 0 };
        this.open.set(key, batch);
      }
      // The parser's bytes are valid only during the call.
      batch.documents.push(Buffer.from(bson));
      batch.bytes += bson.length;
      if (batch.bytes >= BATCH_BYTES || batch.documents.length >= BATCH_DOCUMENTS) {
        this.full.push(batch);
        this.open.delete(key);
      }
    },
    namespaceEnd: (ns) => {
      if (isOplogNamespace(ns)) return;
      const key = `${ns.db}.${ns.collection}`;
      const batch = this.open.get(key);
      if (batch) this.full.push(batch);
      this.open.delete(key);
    },
  });

  write(chunk: Uint8Array): void {
    this.parser.write(chunk);
  }

  takePrelude(): PreludeEntry[] {
    const entries = this.prelude;
    this.prelude = [];
    return entries;
  }

  /** The oplog entries parsed so far, in order. */
  takeOplog(): Uint8Array[] {
    const entries = this.oplog;
    this.oplog = [];
    return entries;
  }

  takeBatches(): Batch[] {
    return this.full.splice(0);
  }

  end(): Batch[] {
    this.parser.end();
    return [...this.takeBatches(), ...this.open.values()];
  }
}

/**
 * An archive loaded into one database holds one (a backup of several goes through `databases`); a whole-server
 * mongodump would mix several into one.
 */
function refuseSeveralDatabases(contents: ArchiveContents): void {
  const databases = [...new Set(contents.namespaces.map((ns) => ns.db))];
  if (databases.length <= 1) return;
  throw new DbopsError(
    'RESTORE_FAILED',
    `The archive holds ${databases.length} databases (${databases.slice(0, 5).join(', ')}); dbops restores one`,
    { hint: 'Restore it with mongorestore --archive --nsInclude=DATABASE.* instead.' },
  );
}

/**
 * Creates a collection or view with the options it had (capped, validator, collation, viewOn and pipeline...),
 * before its documents arrive. The server gives it a new UUID, unless `preserveUuid`: then the one of the archive
 * (a view has none), through the only command that takes one, applyOps (as mongorestore --preserveUUID does).
 */
async function createCollection(
  db: Db,
  name: string,
  meta: CollectionMetadata | undefined,
  preserveUuid: boolean,
): Promise<void> {
  if (name.startsWith('system.')) return;
  const create = { create: name, ...(meta?.options ?? {}) };
  try {
    if (preserveUuid && meta?.uuid) {
      const ui = new BSON.UUID(meta.uuid);
      await db.admin().command({ applyOps: [{ op: 'c', ns: `${db.databaseName}.$cmd`, ui, o: create }] });
    } else {
      await db.command(create);
    }
  } catch (error) {
    if (preserveUuid && error instanceof MongoServerError && error.code === COMMAND_NOT_FOUND) {
      throw new DbopsError(
        'RESTORE_FAILED',
        `Creating ${db.databaseName}.${name} with its UUID failed: the server has no applyOps, which preserve-uuids needs`,
        {
          cause: error,
          input: 'preserve-uuids',
          hint: 'Restore without preserve-uuids: the collections then get new UUIDs.',
        },
      );
    }
    throw new DbopsError('RESTORE_FAILED', `Creating ${db.databaseName}.${name} failed: ${(error as Error).message}`, {
      cause: error,
      hint: preserveUuid
        ? 'preserve-uuids needs the applyOps privilege (the restore role) and UUIDs that no collection of the server has (its source, still there?); without it the collections get new UUIDs.'
        : 'Restore into an empty database on a server that has what the collection uses (views, collations, validators).',
    });
  }
}

/**
 * The indexes of a collection as listIndexes described them at backup time, but _id_ (the server makes it) and
 * the fields the server chooses itself: `ns` (gone since MongoDB 4.4) and the index version `v` (FerretDB refuses
 * both; a current server builds v2, which reads every v1 key).
 */
async function createIndexes(db: Db, collection: string, specs: Document[]): Promise<void> {
  const indexes = specs.filter((spec) => spec.name !== '_id_').map(({ ns: _, v: __, ...spec }) => spec);
  if (indexes.length === 0) return;
  try {
    await db.command({ createIndexes: collection, indexes });
  } catch (error) {
    throw new DbopsError(
      'RESTORE_FAILED',
      `Creating the indexes of ${db.databaseName}.${collection} failed: ${(error as Error).message}`,
      { cause: error, hint: 'The target server may lack an index kind the source had (text, 2dsphere, TTL...).' },
    );
  }
}
