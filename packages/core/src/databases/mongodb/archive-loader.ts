import { createReadStream } from 'node:fs';
import { BSON, MongoServerError, type Db, type Document } from 'mongodb';
import { cancelled, DbopsError } from '../../errors.js';
import { ArchiveParser, readArchive, type ArchiveContents } from './archive/reader.js';
import { isOplogNamespace, type PreludeEntry } from './archive/format.js';
import { parseMetadataJson, type CollectionMetadata } from './archive/metadata.js';
import { oplogApplier, type OplogApplier } from './oplog-apply.js';
import { OplogCatalog } from './oplog-catalog.js';
import { OplogReplayPlan } from './oplog-replay.js';
import { DECODE } from './oplog-selection.js';
import { insertRawDocuments } from './raw-insert.js';

const COMMAND_NOT_FOUND = 59;

/** A batch is sent once it holds this many bytes or documents: well under the server's 48 MB message limit. */
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_DOCUMENTS = 1000;

export interface LoadedArchive {
  collections: number;
  documents: number;
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
}

export interface LoadOptions {
  signal?: AbortSignal;
  preserveUuids?: boolean;
  /** Called once the collections are loaded, before the oplog is replayed (the counts the archive gives hold then). */
  beforeOplog?: () => Promise<void>;
}

/**
 * Loads a mongodump archive file into `db`, whatever database its namespaces name (restore under another name,
 * as mongorestore --nsFrom/--nsTo): the archive is read twice, first to check it end to end (every CRC, nothing
 * truncated) so a damaged one restores nothing, then to create each collection and view with its options, insert
 * its documents as the archive's raw bytes, and build its indexes once the data is in (faster, as mongorestore).
 * With `preserveUuids`, each collection gets the UUID the archive's metadata gives it (mongorestore --preserveUUID).
 */
export async function loadArchive(path: string, db: Db, options: LoadOptions = {}): Promise<LoadedArchive> {
  const { signal } = options;
  const contents = await readArchive(createReadStream(path));
  refuseSeveralDatabases(contents);
  if (signal?.aborted) throw cancelled();

  const parser = new PendingParser();
  const created = new Set<string>();
  const metadata = new Map<string, CollectionMetadata>();
  let documents = 0;
  const replay = contents.oplog ? new OplogReplay(db, contents, metadata, options) : undefined;
  for await (const chunk of createReadStream(path)) {
    if (signal?.aborted) throw cancelled();
    parser.write(chunk as Buffer);
    for (const entry of parser.takePrelude()) {
      if (isOplogNamespace(entry)) continue;
      const meta = parseMetadataJson(entry.metadata);
      if (meta) metadata.set(entry.collection, meta);
      await createCollection(db, entry.collection, meta, options.preserveUuids === true);
      created.add(entry.collection);
    }
    for (const batch of parser.takeBatches()) {
      if (signal?.aborted) throw cancelled();
      await insertRawDocuments(db, batch.collection, batch.documents);
      documents += batch.documents.length;
    }
    // The oplog comes after every collection's data (the reader makes sure): replayed once they are all in.
    for (const entry of parser.takeOplog()) await replay!.apply(entry);
  }
  for (const batch of parser.end()) {
    await insertRawDocuments(db, batch.collection, batch.documents);
    documents += batch.documents.length;
  }
  for (const entry of parser.takeOplog()) await replay!.apply(entry);
  // Indexes after the replay, as mongorestore: the copy is only consistent once the oplog has been applied. Those
  // of the catalog as the replay's commands left it: not a dropped collection's (building them would create it
  // again), nor a dropped index, but an index created during the dump.
  for (const [collection, meta] of replay?.catalog?.collections ?? metadata) {
    if (signal?.aborted) throw cancelled();
    await createIndexes(db, collection, meta.indexes);
  }
  const oplog = await replay?.finish();
  return { collections: created.size, documents, ...(oplog ? { oplog } : {}) };
}

/**
 * Replays a point-in-time archive's oplog into `db`, entry by entry, rewriting its database to `db`'s. Commands
 * go through the catalog first (oplog-catalog.ts): index commands change only the indexes built after the replay.
 */
class OplogReplay {
  private plan: OplogReplayPlan;
  private applier: OplogApplier | undefined;
  /** The catalog the replay's commands change, from the archive's metadata (all read by the first entry). */
  catalog: OplogCatalog | undefined;
  private entries = 0;
  private applied = 0;

  constructor(
    private readonly db: Db,
    contents: ArchiveContents,
    private readonly metadata: ReadonlyMap<string, CollectionMetadata>,
    private readonly options: LoadOptions,
  ) {
    const source = contents.namespaces[0]?.db ?? db.databaseName;
    this.plan = new OplogReplayPlan(source, db.databaseName);
  }

  async apply(raw: Uint8Array): Promise<void> {
    if (this.options.signal?.aborted) throw cancelled();
    if (!this.applier) {
      await this.options.beforeOplog?.();
      this.applier = await oplogApplier(this.db);
      this.catalog = new OplogCatalog(this.metadata);
    }
    this.entries++;
    for (const op of this.plan.plan(BSON.deserialize(raw, DECODE))) {
      const o = op.op === 'c' ? this.catalog!.apply(op.o) : op.o;
      if (o !== undefined) await this.applier.apply({ ...op, o });
      this.applied++;
    }
  }

  async finish(): Promise<ReplayedOplog> {
    return {
      entries: this.entries,
      applied: this.applied,
      skipped: this.plan.skipped,
      ...(this.applier ? { method: this.applier.method } : {}),
      commands: this.catalog?.commands ?? [],
    };
  }
}

/** A collection's documents, in archive order, waiting to be inserted. */
interface Batch {
  collection: string;
  documents: Uint8Array[];
  bytes: number;
}

/** The archive parser with its events queued, to be acted on (awaited) between chunks. */
class PendingParser {
  private prelude: PreludeEntry[] = [];
  private oplog: Uint8Array[] = [];
  private readonly full: Batch[] = [];
  private readonly open = new Map<string, Batch>();
  private readonly parser = new ArchiveParser({
    prelude: (_header, entries) => {
      this.prelude = [...entries];
    },
    document: (db, collection, bson) => {
      // The parser's bytes are valid only during the call.
      if (isOplogNamespace({ db, collection })) return void this.oplog.push(Buffer.from(bson));
      let batch = this.open.get(collection);
      if (!batch) {
        batch = { collection, documents: [], bytes: 0 };
        this.open.set(collection, batch);
      }
      // The parser's bytes are valid only during the call.
      batch.documents.push(Buffer.from(bson));
      batch.bytes += bson.length;
      if (batch.bytes >= BATCH_BYTES || batch.documents.length >= BATCH_DOCUMENTS) {
        this.full.push(batch);
        this.open.delete(collection);
      }
    },
    namespaceEnd: (ns) => {
      if (isOplogNamespace(ns)) return;
      const batch = this.open.get(ns.collection);
      if (batch) this.full.push(batch);
      this.open.delete(ns.collection);
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

/** A dbops archive holds one database; a whole-server mongodump would mix several into one. */
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
