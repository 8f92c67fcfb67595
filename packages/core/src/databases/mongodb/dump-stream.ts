import { Readable, type Duplex } from 'node:stream';
import { MongoServerError, type Db } from 'mongodb';
import { DbopsError } from '../../errors.js';
import { createCompressor, type Compression } from '../../pipeline/compression.js';
import { OPLOG_NAMESPACE } from './archive/format.js';
import { ArchiveParser, type ArchiveContents } from './archive/reader.js';
import { ArchiveWriter, type WrittenNamespace } from './archive/writer.js';
import { qualifiedName, stillExists, type CollectionInventory } from './inventory.js';

export interface MongoDumpStreamOptions {
  db: Db;
  /** A backup of several databases: the database of each collection that names one (`database`). */
  dbNamed?: (name: string) => Db;
  collections: CollectionInventory[];
  serverVersion: string;
  toolVersion: string;
  compression: Compression;
  level: number;
  signal: AbortSignal;
  /** A failed read as the error users should see (the server went away while dumping a collection). */
  explain: (error: unknown, collection: string) => unknown;
  /** A collection of the inventory was dropped before or while it was read; `documents` were read before. */
  onDropped?: (dropped: DroppedCollection) => void;
  /**
   * A point-in-time dump: the oplog entries written while the collections were read, asked for once the last
   * collection is done and written as the archive's oplog namespace, after every collection (as mongodump --oplog).
   */
  oplog?: () => AsyncIterable<Uint8Array>;
}

/** A collection of the inventory that was dropped (or dropped and created anew) before the dump had read it whole. */
export interface DroppedCollection {
  /** Its name (db.collection in a backup of several databases). */
  collection: string;
  /** The documents read before the drop, which the archive holds (0: dropped before its turn). */
  documents: number;
}

export interface MongoDumpStream {
  /** The archive, uncompressed; piped through `stages` it is the compressed archive. */
  source: Readable;
  stages: Duplex[];
  rawBytes: Promise<number>;
  /** What the archive reader found, once the stream has ended: every frame and CRC checked. */
  archive: Promise<ArchiveContents>;
  /** What the writer wrote, complete once the stream has ended. */
  written: WrittenNamespace[];
  /** The collections dropped during the dump, complete once the stream has ended. */
  dropped: DroppedCollection[];
  /** When each collection's read began (just before its cursor opened), complete once the stream has ended. */
  readStarted: Map<string, Date>;
}

/**
 * The mongodump archive of `collections`, written from raw BSON (the driver's raw mode: the server's bytes, never
 * decoded and re-encoded), with the archive reader tapped on the stream: every chunk that goes on to compression
 * has been parsed and its namespaces' CRC-64s checked. Collections are read one after another, one cursor at a
 * time, only as fast as storage takes the bytes, so memory stays flat (at most one 16 MB document and a chunk).
 */
export function startMongoDumpStream(options: MongoDumpStreamOptions): MongoDumpStream {
  const { db, signal } = options;
  const dropped: DroppedCollection[] = [];
  const readStarted = new Map<string, Date>();
  const onDropped = (collection: DroppedCollection) => {
    dropped.push(collection);
    options.onDropped?.(collection);
  };
  const writer = new ArchiveWriter(
    [
      ...options.collections.map((c) => ({
        db: c.database ?? db.databaseName,
        collection: c.name,
        metadata: c.metadata,
        size: c.bytes,
        ...(c.metadata.type === 'view' ? {} : { documents: () => rawDocuments(options, c, onDropped, readStarted) }),
      })),
      ...(options.oplog ? [{ ...OPLOG_NAMESPACE, documents: options.oplog }] : []),
    ],
    { serverVersion: options.serverVersion, toolVersion: options.toolVersion },
  );
  const parser = new ArchiveParser();
  let settle: { resolve: (contents: ArchiveContents) => void; reject: (error: unknown) => void };
  const archive = new Promise<ArchiveContents>((resolve, reject) => (settle = { resolve, reject }));
  // Awaited once the stream has ended; handled now so that an early failure is not reported as unhandled meanwhile.
  archive.catch(() => undefined);
  const rawBytes = archive.then((contents) => contents.bytes);
  rawBytes.catch(() => undefined);

  async function* tapped(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of writer.chunks()) {
        if (signal.aborted) throw signal.reason;
        parser.write(chunk);
        yield chunk;
      }
      settle.resolve(parser.end());
    } catch (error) {
      settle.reject(error);
      throw error;
    }
  }
  const compressor = createCompressor(options.compression, options.level, { signal });
  return {
    // Two ~1 MiB chunks ahead of the consumer, not Readable.from's default sixteen: memory stays small.
    source: Readable.from(tapped(), { highWaterMark: 2 }),
    stages: compressor ? [compressor] : [],
    rawBytes,
    archive,
    written: writer.namespaces,
    dropped,
    readStarted,
  };
}

const BATCH_DOCUMENTS = 1000;
/** What one batch of a cursor may hold, by the collection's average document: the driver holds a whole batch. */
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * A cursor's batch size for `collection`: at most 1000 documents and about 4 MiB. MongoDB caps a batch at 16 MB
 * itself; FerretDB does not (it sends 101 documents of any size in a first batch, then as many as batchSize asks
 * for), and the driver holds a whole batch (a 1000-document batch of 64 KiB documents is 64 MB, twice over while
 * the reply is split into documents), so without this a collection of large documents made memory grow with it.
 */
export function batchSizeFor(collection: Pick<CollectionInventory, 'documents' | 'bytes'>): number {
  if (collection.documents <= 0 || collection.bytes <= 0) return BATCH_DOCUMENTS;
  const average = collection.bytes / collection.documents;
  return Math.max(1, Math.min(BATCH_DOCUMENTS, Math.floor(BATCH_BYTES / average)));
}

/**
 * A collection's documents as the server sent them, natural order, one cursor closed when the writer moves on.
 * A collection dropped before its turn reads as empty (a find on a missing collection is no error), and one dropped
 * while it is read ends its cursor with a server error (MongoDB: QueryPlanKilled; FerretDB: CursorNotFound); either
 * way the collection is no longer there once the cursor has ended. Then the archive keeps what was read, and the
 * drop is reported rather than failing the backup: a temporary collection that goes away must not cost the night's
 * backup. Any other failure fails it.
 */
async function* rawDocuments(
  options: MongoDumpStreamOptions,
  collection: CollectionInventory,
  onDropped: (dropped: DroppedCollection) => void,
  readStarted: Map<string, Date>,
): AsyncGenerator<Uint8Array> {
  // Before the cursor opens: a document deleted before this time cannot be in what it reads.
  const name = qualifiedName(collection);
  readStarted.set(name, new Date());
  const db = collection.database !== undefined && options.dbNamed ? options.dbNamed(collection.database) : options.db;
  const cursor = db.collection(collection.name).find({}, { raw: true, batchSize: batchSizeFor(collection) });
  let documents = 0;
  let failure: unknown;
  try {
    for await (const document of cursor as unknown as AsyncIterable<Uint8Array>) {
      documents++;
      yield document;
    }
  } catch (error) {
    // A cancel, the network or the server gone: nothing to ask the server, the read failed.
    if (options.signal.aborted || !(error instanceof MongoServerError)) throw options.explain(error, name);
    failure = error;
  } finally {
    await cursor.close().catch(() => undefined);
  }
  const exists = await stillExists(db, collection).catch((error: unknown) => {
    throw options.explain(failure ?? error, name);
  });
  if (!exists) return onDropped({ collection: name, documents });
  if (failure !== undefined) throw options.explain(failure, name);
}

/** The archive's documents per collection disagree with what the writer sent: the stream was altered on its way. */
export function writerReaderMismatch(db: string, written: WrittenNamespace, read: { documents: number }): DbopsError {
  return new DbopsError(
    'VERIFY_FAILED',
    `The archive holds ${read.documents} documents of ${db}.${written.collection}, but ${written.documents} were written`,
    { hint: 'The archive was altered between the writer and storage; nothing was recorded as a backup.' },
  );
}
