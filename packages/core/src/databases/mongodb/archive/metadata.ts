/**
 * A collection's `metadata.json`, the string each prelude entry carries: what mongodump writes and mongorestore
 * reads to recreate the collection (options), its indexes and, with --preserveUUID, its UUID.
 */
import { BSON, type Document } from 'mongodb';

/** What a collection is besides its documents, as listCollections and listIndexes describe it. */
export interface CollectionMetadata {
  /**
   * listCollections' `options` (capped, validator, collation, timeseries, clusteredIndex, viewOn, pipeline...).
   * Read them from the server with `promoteValues: false`, so an int stays an int and a double a double.
   */
  options: Document;
  /** listIndexes' documents, likewise read with `promoteValues: false`. */
  indexes: Document[];
  /** The collection's UUID as 32 hex digits (listCollections' info.uuid), when the server has one. */
  uuid?: string;
  /** 'collection', 'view' or 'timeseries', as listCollections says. */
  type: string;
}

/**
 * mongodump's form, field for field: {options, indexes, uuid, collectionName, type} in canonical Extended JSON v2,
 * options and uuid left out when empty.
 */
export function metadataJson(collection: string, metadata: CollectionMetadata): string {
  const doc: Document = {};
  if (Object.keys(metadata.options).length > 0) doc.options = metadata.options;
  doc.indexes = metadata.indexes;
  if (metadata.uuid) doc.uuid = metadata.uuid;
  doc.collectionName = collection;
  if (metadata.type) doc.type = metadata.type;
  return BSON.EJSON.stringify(doc, { relaxed: false });
}

/** Reads a metadata.json back, keeping every BSON type; an empty string (no metadata) gives undefined. */
export function parseMetadataJson(json: string): CollectionMetadata | undefined {
  if (json === '') return undefined;
  const doc = BSON.EJSON.parse(json, { relaxed: false }) as Document;
  return {
    options: (doc.options as Document | undefined) ?? {},
    indexes: (doc.indexes as Document[] | undefined) ?? [],
    ...(typeof doc.uuid === 'string' && doc.uuid ? { uuid: doc.uuid } : {}),
    type: typeof doc.type === 'string' ? doc.type : '',
  };
}

/** The UUID form mongodump writes: the 16 bytes of listCollections' info.uuid as lowercase hex. */
export function uuidHex(uuid: BSON.Binary | Uint8Array): string {
  const bytes = uuid instanceof BSON.Binary ? uuid.buffer.subarray(0, uuid.position) : uuid;
  return Buffer.from(bytes).toString('hex');
}
