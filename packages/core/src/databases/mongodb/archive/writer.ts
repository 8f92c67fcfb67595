/**
 * Writes a mongodump archive (format.ts) from collections' metadata and their documents as raw BSON, so that
 * `mongorestore --archive` restores it (invariant 4). Documents pass through as the bytes the server sent: no
 * decode and re-encode. Collections are written one after another, each as one segment and its EOF block.
 */
import { DbopsError } from '../../../errors.js';
import { Crc64 } from './crc64.js';
import {
  encodeHeader,
  encodeNamespaceHeader,
  encodePreludeEntry,
  FORMAT_VERSION,
  MAGIC_NUMBER,
  MAX_BSON_SIZE,
  MIN_BSON_SIZE,
  TERMINATOR_BYTES,
} from './format.js';
import { metadataJson, type CollectionMetadata } from './metadata.js';

export interface CollectionSource {
  db: string;
  collection: string;
  /** Absent for the oplog namespace, which mongodump lists with empty metadata and type. */
  metadata?: CollectionMetadata;
  /** The collection's size in bytes, for mongorestore's progress (mongodump writes 0). */
  size?: number;
  /**
   * The documents, each a whole BSON document (the driver's `raw: true`). Called once, when the writer reaches
   * this collection, so that only one cursor is open at a time. A view has none.
   */
  documents?: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface ArchiveWriterOptions {
  /** The source server's version ("7.0.14"): mongorestore parses it. */
  serverVersion: string;
  toolVersion: string;
  /** Bytes gathered before a chunk is handed on (default 1 MiB): few large chunks keep the pipeline cheap. */
  chunkBytes?: number;
}

/** What the writer put in the archive for one namespace. */
export interface WrittenNamespace {
  db: string;
  collection: string;
  documents: number;
  /** The documents' BSON bytes. */
  bytes: number;
  crc: bigint;
}

export class ArchiveWriter {
  /** Filled in as the archive is written; complete once chunks() has finished. */
  readonly namespaces: WrittenNamespace[] = [];
  private readonly chunkBytes: number;

  constructor(
    private readonly collections: CollectionSource[],
    private readonly options: ArchiveWriterOptions,
  ) {
    this.chunkBytes = options.chunkBytes ?? 1024 * 1024;
  }

  /** The archive's bytes, in chunks of about chunkBytes; documents are read only as the consumer asks for more. */
  async *chunks(): AsyncGenerator<Buffer> {
    const out = new ChunkBuilder(this.chunkBytes);
    yield* out.add(this.prelude());
    for (const source of this.collections) {
      const { db, collection } = source;
      const written: WrittenNamespace = { db, collection, documents: 0, bytes: 0, crc: 0n };
      const crc = new Crc64();
      for await (const document of source.documents?.() ?? []) {
        checkDocument(document, source);
        if (written.documents === 0) yield* out.add(encodeNamespaceHeader(source.db, source.collection, false, 0n));
        crc.update(document);
        written.documents++;
        written.bytes += document.length;
        yield* out.add(document);
      }
      if (written.documents > 0) yield* out.add(TERMINATOR_BYTES);
      written.crc = crc.digest();
      yield* out.add(encodeNamespaceHeader(source.db, source.collection, true, written.crc));
      yield* out.add(TERMINATOR_BYTES);
      this.namespaces.push(written);
    }
    yield* out.flush();
  }

  private prelude(): Buffer {
    const magic = Buffer.alloc(4);
    magic.writeUInt32LE(MAGIC_NUMBER);
    const header = encodeHeader({
      concurrentCollections: 1,
      formatVersion: FORMAT_VERSION,
      serverVersion: this.options.serverVersion,
      toolVersion: this.options.toolVersion,
    });
    const entries = this.collections.map((source) =>
      encodePreludeEntry({
        db: source.db,
        collection: source.collection,
        metadata: source.metadata ? metadataJson(source.collection, source.metadata) : '',
        size: source.size ?? 0,
        type: source.metadata?.type ?? '',
      }),
    );
    return Buffer.concat([magic, header, ...entries, TERMINATOR_BYTES]);
  }
}

/** A document mongorestore would reject (or misread as a terminator) is a bug upstream: fail before writing it. */
function checkDocument(document: Uint8Array, source: CollectionSource): void {
  const length = document.length >= 4 ? Buffer.from(document.buffer, document.byteOffset, 4).readInt32LE(0) : -1;
  const problem =
    length !== document.length
      ? `its length prefix says ${length} bytes, but it has ${document.length}`
      : length < MIN_BSON_SIZE
        ? 'it is shorter than an empty document'
        : length > MAX_BSON_SIZE
          ? `it has ${length} bytes, over mongorestore's limit of ${MAX_BSON_SIZE}`
          : document[length - 1] !== 0
            ? 'it does not end with a NUL byte'
            : undefined;
  if (problem) {
    const where = `${source.db}.${source.collection}`;
    throw new DbopsError('DUMP_FAILED', `A document of ${where} is not one BSON document: ${problem}`, {
      hint: "Documents must be read in the driver's raw mode, one buffer per document.",
    });
  }
}

/** Gathers small pieces into chunks of about `size` bytes. */
class ChunkBuilder {
  private pieces: Uint8Array[] = [];
  private length = 0;

  constructor(private readonly size: number) {}

  *add(piece: Uint8Array): Generator<Buffer> {
    this.pieces.push(piece);
    this.length += piece.length;
    if (this.length >= this.size) yield* this.flush();
  }

  *flush(): Generator<Buffer> {
    if (this.length === 0) return;
    const chunk = Buffer.concat(this.pieces, this.length);
    this.pieces = [];
    this.length = 0;
    yield chunk;
  }
}
