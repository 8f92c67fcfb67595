import type { Readable } from 'node:stream';

export interface StoredObject {
  /** Key relative to the storage root (the local directory, or the S3 prefix). Always '/'-separated. */
  key: string;
  size: number;
  lastModified: Date;
}

/** A put() that a killed run neither finished nor removed: a local temp file, or an S3 multipart upload. */
export interface IncompleteUpload {
  /** The key it was writing. */
  key: string;
  /** When it was last written to: the temp file's mtime, or the multipart upload's newest part (or its start). */
  since: Date;
  /** What discardIncomplete() removes: the temp file's name, or the multipart upload's id. */
  handle: string;
}

export interface IncompleteUploads {
  uploads: IncompleteUpload[];
  /** Why they could not be listed (credentials without the permission, a server without the call). */
  unlisted?: string;
}

export interface PutOptions {
  signal?: AbortSignal;
  contentType?: string;
  /** An upper estimate of the size, so multipart uploads can pick parts small enough for memory, big enough for S3's part limit. */
  sizeHint?: number;
  /**
   * Check, while the bytes are stored, that the storage holds exactly what was sent; put() then says how in
   * `checked`. A storage that cannot (or, for this object, could not) leaves `checked` out: the caller reads back.
   */
  check?: boolean;
}

/**
 * How a put() checked that the stored object is what was sent, with no read after the upload:
 * - `read-behind`: each write was read back from the file right after it was written and compared byte for byte
 *   (local storage);
 * - `part-md5`: the MD5 that the S3 server computed of every part it stored (its ETag) equals the MD5 of the bytes
 *   sent for that part, the completed object's ETag is what those parts (or the whole bytes sent) give, and the
 *   object's size is the size sent (s3-part-check.ts).
 */
export type StoredCheck = 'read-behind' | 'part-md5';

export interface PutResult {
  size: number;
  checked?: StoredCheck;
}

/**
 * Where backups live. Implementations keep invariants 1 and 2 of docs/architecture.md: an object is visible under its key
 * only once every byte is stored; a failed or aborted put leaves nothing under the key (partial files removed,
 * multipart uploads aborted); an existing key is never overwritten.
 */
export interface Storage {
  /** Human-readable location without credentials: "s3://bucket/prefix" or an absolute directory path. */
  readonly display: string;
  /** Checks the location is usable before a long job starts: bucket exists and credentials work, or the directory is writable. */
  preflight(): Promise<void>;
  /** Streams body to key. Fails with ALREADY_EXISTS if key exists. Returns the number of bytes stored. */
  put(key: string, body: Readable | Buffer, options?: PutOptions): Promise<PutResult>;
  /** Streams an object. Fails with STORAGE_NOT_FOUND if it does not exist. */
  get(key: string, options?: { signal?: AbortSignal }): Promise<Readable>;
  /** undefined when the key does not exist. */
  stat(key: string): Promise<StoredObject | undefined>;
  /** Every object whose key starts with prefix (recursive), in key order. */
  list(prefix: string): Promise<StoredObject[]>;
  delete(key: string): Promise<void>;
  /** Puts under prefix (recursive) that a killed run left: never visible to list(), but they take space. */
  listIncomplete(prefix: string): Promise<IncompleteUploads>;
  /**
   * Removes an incomplete upload (deletes the temp file, aborts the multipart upload) unless it was written to after
   * `idleSince`, which means a run is still writing it. Returns whether it was removed.
   */
  discardIncomplete(upload: IncompleteUpload, idleSince: Date): Promise<boolean>;
  /** Full URL of a key, for display and manifests ("s3://bucket/prefix/key" or "/dir/key"). */
  locate(key: string): string;
}
