import { DbopsError } from '../errors.js';
import type { DatabaseLocale } from '../databases/postgres/database-locale.js';
import type { FingerprintPart, SchemaFingerprint } from '../databases/postgres/fingerprint.js';
import type { Compression } from '../pipeline/compression.js';

export type { FingerprintPart, SchemaFingerprint };

export const MANIFEST_FORMAT_VERSION = 1;

export type Encryption =
  | { method: 'none' }
  | { method: 'age'; recipients: string[] /* fingerprints, never keys */ }
  | { method: 'age'; passphrase: true };

export interface GitHubRunContext {
  repository: string;
  runId: string;
  runAttempt?: string;
  workflow?: string;
  job?: string;
  sha?: string;
  ref?: string;
  actor?: string;
  runUrl?: string;
}

export interface ManifestTable {
  schema: string;
  name: string;
  /** Exact count in the dump's snapshot, present for tables up to the exact-count size limit. */
  rows?: number;
  rowEstimate: number;
  bytes: number;
  /** The archive holds no rows for this table (e.g. pg_dump --exclude-table-data): a restore has it empty. */
  dataExcluded?: true;
}

/** One MongoDB collection or view of a backup, as the archive holds it. */
export interface MongoManifestCollection {
  name: string;
  /** Its database, in a backup of several databases (absent: the URL's one database). */
  database?: string;
  type: 'collection' | 'view';
  /** Documents in the archive (counted as it streamed, CRC-checked). */
  documents: number;
  /** The documents' BSON bytes in the archive. */
  bytes: number;
  /** Documents counted before the collection was dumped; differs from `documents` if it was written meanwhile. */
  documentsBefore: number;
  /**
   * When the backup began reading the collection (ISO 8601, just before its cursor opened; absent from older
   * manifests and for views): a document deleted before this is not in the archive, which restore-test's tombstone
   * check relies on.
   */
  readStartedAt?: string;
  /** Index names and keys (the archive's metadata has the full specifications). */
  indexes: Array<{ name: string; key: Record<string, number | string>; unique?: true }>;
  /** listCollections' options in relaxed Extended JSON (capped, size, validator, collation...), when there are any. */
  options?: Record<string, unknown>;
  /**
   * The collection was dropped (or dropped and created anew) before the backup had read it whole: the archive keeps
   * its metadata and the `documents` read before the drop (none if it was dropped before its turn).
   */
  droppedDuringBackup?: true;
}

/** The oplog a point-in-time archive holds: BSON timestamps as seconds and ordinal, both ends included. */
export interface MongoManifestOplog {
  start: { t: number; i: number };
  end: { t: number; i: number };
  /** The entries in the archive: those of the backed-up collections between start and end. */
  entries: number;
  /**
   * A backup of several databases: the entries of each database (one holding operations on two, a transaction,
   * counts in both), so that a restore of one knows whether it replays any. Absent in a backup of one database.
   */
  entriesByDatabase?: Record<string, number>;
  /**
   * The commands among the entries, in order, for people ("create events", "dropIndexes orders (total_1)"): a
   * collection created or dropped, an index created or dropped, a collMod during the dump. Absent when none.
   */
  commands?: string[];
  /**
   * With commands: the collections, views and indexes as the commands leave them, which a restore (it replays
   * them) has; `collections` and the schema fingerprint describe them as dumped. In a backup of several databases,
   * those of every database (the commands name theirs: "create shop.events").
   */
  atEnd?: {
    /** In a backup of several databases each names its `database`, as `collections` do. */
    collections: Array<Pick<MongoManifestCollection, 'name' | 'database' | 'type' | 'indexes'>>;
    schemaFingerprint: SchemaFingerprint;
  };
}

/** What only a MongoDB backup has. */
export interface MongoManifestSection {
  topology: 'standalone' | 'replica-set' | 'sharded';
  replicaSet?: string;
  /** A backup of several databases (`databases`/`exclude-databases`): their names; each collection names its own. */
  databases?: string[];
  /**
   * per-collection: each collection is read on its own, so the archive is not one point in time across
   * collections (a standalone has no other way). point-in-time: the oplog entries written while the collections
   * were read are in the archive (its oplog namespace, as mongodump --oplog writes it), and a restore replays them:
   * the database as it was at `oplog.end`.
   */
  consistency: 'per-collection' | 'point-in-time';
  /** point-in-time only: the oplog captured, from the newest entry before the dump to the newest after it. */
  oplog?: MongoManifestOplog;
  /** mongodump's archive format version. */
  archiveFormatVersion: string;
  collections: MongoManifestCollection[];
}

/** One stored file of a parallel (directory-format) dump. */
export interface ManifestPart {
  /** Its name in the archive directory, e.g. 3001.dat. */
  file: string;
  key: string;
  rawBytes: number;
  storedBytes: number;
  sha256: string;
}

/** Every stored file of a backup: its object, then a parallel dump's parts. */
export function storedFiles(manifest: BackupManifest): ManifestPart[] {
  const { key, rawBytes, storedBytes, sha256 } = manifest.object;
  const file = manifest.object.format === 'pg_dump-directory' ? 'toc.dat' : key.slice(key.lastIndexOf('/') + 1);
  return [{ file, key, rawBytes, storedBytes, sha256 }, ...(manifest.parts ?? [])];
}

/** The record that makes a backup complete (docs/architecture.md invariant 1). Documented in docs/manifest.schema.json. */
export interface BackupManifest {
  formatVersion: typeof MANIFEST_FORMAT_VERSION;
  backupId: string;
  /** The catalog name backups are grouped under (defaults to the database name). */
  name: string;
  engine: 'postgresql' | 'mongodb';
  database: string;
  /** The server the backup came from, so a restore test can refuse to restore over it. */
  source: { host: string; port: number; systemIdentifier?: string };
  /** The source database's encoding and locale, which a restore test creates its database with (absent from older manifests). */
  locale?: DatabaseLocale;
  serverVersion: string;
  /** pg_dump for PostgreSQL; dbops itself for MongoDB (its mongodump-format archive writer). */
  dumpTool: { name: 'pg_dump' | 'dbops'; version: string };
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  object: {
    key: string;
    /** pg_dump-directory: `object` is the archive's toc.dat and `parts` its other files (a parallel dump). */
    format: 'pg_dump-custom' | 'pg_dump-directory' | 'mongodump-archive';
    compression: { algorithm: Compression; level: number };
    encryption: Encryption;
    rawBytes: number;
    storedBytes: number;
    sha256: string;
  };
  /**
   * A parallel dump's files other than toc.dat (one per table, and large objects'), each stored on its own,
   * compressed and encrypted like `object`: `pg_restore -j` reads the directory they make once decrypted.
   */
  parts?: ManifestPart[];
  toc: { entries: number; byType: Record<string, number> };
  /** Schemas the archive's objects need but that it does not create (a tables backup): created before a restore. */
  schemasNotInArchive?: string[];
  tables: ManifestTable[];
  /** Row counts above this table size are estimates. */
  exactCountMaxBytes: number;
  /**
   * PostgreSQL: `own` when each table's `rows` counts its own rows only (SELECT count(*) FROM ONLY), as the archive
   * holds them: an inheritance parent's children are listed with their own counts, or not at all when out of scope.
   * Absent from older manifests, whose `rows` of an inheritance parent include its children's rows.
   */
  rowCounts?: 'own';
  schemaFingerprint: SchemaFingerprint;
  verification: {
    /** The stored object was read back and found equal to what was sent: after the upload, or as it was written. */
    checksumReread: boolean;
    /**
     * How the stored bytes were checked against those sent (absent in older manifests: `reread`):
     * `reread` after the upload (SHA-256 and size), `read-behind` each write read back as it was written (local
     * storage), `part-md5` the MD5 the S3 server computed of each stored part (ETag) matched that of the part sent.
     * A parallel backup records the weakest any of its files had.
     */
    storedCheck?: 'reread' | 'read-behind' | 'part-md5';
    archiveListed: boolean;
    tableDataEntries: number;
    expectedTables: number;
  };
  /** MongoDB backups only. */
  mongodb?: MongoManifestSection;
  github?: GitHubRunContext;
  dbops: { version: string };
}

export function serializeManifest(manifest: BackupManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** What a damaged manifest stops, and what to do about it. */
const DAMAGED_MANIFEST_EFFECT =
  'until it is dealt with, backups filed under its name are not rotated and fail freshness checks (other names go on). ' +
  "Inspect it; restore it from the storage's versioning (S3 object versions, a file system snapshot) if you can, otherwise remove it and its object.";

/** Parses a manifest and checks the fields restore and rotation rely on; `where` names it in errors. */
export function parseManifest(text: string, where: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DbopsError('INTEGRITY_FAILED', `The manifest ${where} is not valid JSON`, {
      hint: `It was cut short or altered after it was written, and this backup cannot be trusted; ${DAMAGED_MANIFEST_EFFECT}`,
    });
  }
  return checkManifest(value, where);
}

/**
 * What the catalog requires of a manifest, checked on a parsed one (parseManifest) and, before it is written, on the
 * backup's own: a run never writes a manifest the catalog would call damaged. Numbers must be finite, as JSON has no
 * other kind (NaN would be written as null).
 */
export function checkManifest(value: unknown, where: string): BackupManifest {
  const m = value as Partial<BackupManifest>;
  const problems: string[] = [];
  if (m.formatVersion !== MANIFEST_FORMAT_VERSION)
    problems.push(`formatVersion ${String(m.formatVersion)} is not ${MANIFEST_FORMAT_VERSION}`);
  if (typeof m.backupId !== 'string') problems.push('backupId is missing');
  if (typeof m.object?.key !== 'string') problems.push('object.key is missing');
  if (!/^[0-9a-f]{64}$/.test(m.object?.sha256 ?? '')) problems.push('object.sha256 is not a SHA-256');
  if (!Number.isFinite(m.object?.storedBytes)) problems.push('object.storedBytes is missing');
  if (m.object?.format === 'pg_dump-directory' && !Array.isArray(m.parts)) problems.push('parts is missing');
  for (const part of Array.isArray(m.parts) ? m.parts : []) {
    // Parts become file names on restore: a name with a path in it would write outside the archive's directory.
    if (typeof part?.file !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(part.file) || part.file.startsWith('.'))
      problems.push(`part ${JSON.stringify(part?.file)} is not a file name`);
    else if (typeof part.key !== 'string' || !/^[0-9a-f]{64}$/.test(part.sha256 ?? ''))
      problems.push(`part ${part.file} has no key or SHA-256`);
    else if (!Number.isFinite(part.storedBytes)) problems.push(`part ${part.file} has no storedBytes`);
  }
  // Rotation orders backups by startedAt: an unreadable time must not make a backup "newest" or "oldest".
  if (!isUtcTimestamp(m.startedAt)) problems.push('startedAt is not an ISO 8601 UTC time');
  if (problems.length > 0) {
    throw new DbopsError('INTEGRITY_FAILED', `The manifest ${where} is not a dbops manifest: ${problems.join('; ')}`, {
      hint: `It may come from a newer dbops (use a version that reads it) or have been edited; ${DAMAGED_MANIFEST_EFFECT}`,
    });
  }
  return m as BackupManifest;
}

function isUtcTimestamp(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}
