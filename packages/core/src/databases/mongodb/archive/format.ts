/**
 * The mongodump archive format (`mongodump --archive`), as mongo-tools' common/archive writes and reads it
 * (spec.md there):
 *
 *   archive   = magic, header doc, *collection-metadata doc, terminator, *(segment | eof)
 *   segment   = namespace header {db, collection, EOF: false, CRC: 0}, +document, terminator
 *   eof       = namespace header {db, collection, EOF: true, CRC: <CRC-64 of the namespace's documents>},
 *               terminator
 *
 * Every number is little-endian; a terminator is four 0xff bytes where a BSON length would be.
 */
import { BSON, type Document } from 'mongodb';

/** 0x8199e26d, the first four bytes of every archive (stored little-endian: 6d e2 99 81). */
export const MAGIC_NUMBER = 0x8199e26d;
export const TERMINATOR = 0xffffffff;
export const TERMINATOR_BYTES = Buffer.from([0xff, 0xff, 0xff, 0xff]);
/** The only archive format version mongo-tools has written. */
export const FORMAT_VERSION = '0.1';
/** mongo-tools' db.MaxBSONSize: its parser rejects any block larger than this. */
export const MAX_BSON_SIZE = 16 * 1024 * 1024;
/** An empty BSON document: a length and a trailing NUL. */
export const MIN_BSON_SIZE = 5;

/** The archive's header document. */
export interface ArchiveHeader {
  /** How many collections the writer dumped at once; mongorestore restores at least that many in parallel. */
  concurrentCollections: number;
  formatVersion: string;
  /** The source server's version; mongorestore parses it and warns when it restores into another minor version. */
  serverVersion: string;
  toolVersion: string;
}

/** What the prelude says of one namespace: collection, view or time series. */
export interface PreludeEntry {
  db: string;
  collection: string;
  /** `metadata.json` as mongodump writes it (metadata.ts): canonical Extended JSON. */
  metadata: string;
  /** Uncompressed bytes; mongodump leaves it 0. */
  size: number;
  /** '' for a collection, 'view' or 'timeseries'. */
  type: string;
}

export function encodeHeader(header: ArchiveHeader): Uint8Array {
  return BSON.serialize({
    concurrent_collections: new BSON.Int32(header.concurrentCollections),
    version: header.formatVersion,
    server_version: header.serverVersion,
    tool_version: header.toolVersion,
  });
}

export function encodePreludeEntry(entry: PreludeEntry): Uint8Array {
  // Go reads `size` into an int: int32 when it fits, as Go's driver writes it, int64 otherwise.
  const size = entry.size <= 0x7fffffff ? new BSON.Int32(entry.size) : BSON.Long.fromNumber(entry.size);
  const { db, collection, metadata, type } = entry;
  return BSON.serialize({ db, collection, metadata, size, type });
}

/**
 * A namespace header. mongorestore decodes it strictly: exactly these four fields, CRC as an int64 holding the
 * unsigned CRC's bits.
 */
export function encodeNamespaceHeader(db: string, collection: string, eof: boolean, crc: bigint): Uint8Array {
  return BSON.serialize({ db, collection, EOF: eof, CRC: BSON.Long.fromBigInt(BigInt.asIntN(64, crc)) });
}

export interface NamespaceHeader {
  db: string;
  collection: string;
  eof: boolean;
  crc: bigint;
}

/** Reads a namespace header, or says what is wrong with it. */
export function decodeNamespaceHeader(bytes: Uint8Array): NamespaceHeader | string {
  const doc = decode(bytes);
  if (typeof doc === 'string') return doc;
  const { db, collection, EOF: eof, CRC: crc } = doc;
  if (typeof db !== 'string' || typeof collection !== 'string' || typeof eof !== 'boolean') {
    return 'a namespace header lacks db, collection or EOF';
  }
  if (typeof crc !== 'bigint') return `the namespace header of ${db}.${collection} has no int64 CRC`;
  return { db, collection, eof, crc: BigInt.asUintN(64, crc) };
}

export function decodeHeader(bytes: Uint8Array): ArchiveHeader | string {
  const doc = decode(bytes);
  if (typeof doc === 'string') return doc;
  const { concurrent_collections: concurrent, version, server_version: server, tool_version: tool } = doc;
  if (typeof version !== 'string') return 'the archive header has no format version';
  return {
    concurrentCollections: typeof concurrent === 'number' ? concurrent : Number(concurrent ?? 1),
    formatVersion: version,
    serverVersion: typeof server === 'string' ? server : '',
    toolVersion: typeof tool === 'string' ? tool : '',
  };
}

export function decodePreludeEntry(bytes: Uint8Array): PreludeEntry | string {
  const doc = decode(bytes);
  if (typeof doc === 'string') return doc;
  const { db, collection, metadata, size, type } = doc;
  if (typeof db !== 'string' || typeof collection !== 'string') return 'a prelude entry lacks db or collection';
  return {
    db,
    collection,
    metadata: typeof metadata === 'string' ? metadata : '',
    size: typeof size === 'number' || typeof size === 'bigint' ? Number(size) : 0,
    type: typeof type === 'string' ? type : '',
  };
}

function decode(bytes: Uint8Array): Document | string {
  try {
    return BSON.deserialize(bytes, { useBigInt64: true });
  } catch (error) {
    return `a header is not valid BSON (${(error as Error).message})`;
  }
}

/**
 * The namespace mongodump --oplog writes the captured oplog under: database '' and collection 'oplog', listed last
 * in the prelude with empty metadata and type, its data after every collection's (mongorestore stops restoring
 * collections when it reaches it, and replays it with --oplogReplay).
 */
export const OPLOG_NAMESPACE = { db: '', collection: 'oplog' } as const;

export function isOplogNamespace(ns: { db: string; collection: string }): boolean {
  return ns.db === OPLOG_NAMESPACE.db && ns.collection === OPLOG_NAMESPACE.collection;
}
