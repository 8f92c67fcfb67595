/**
 * Archive before delete (issue 16 parts 4 and 8): a batch's rows, as JSON Lines (one `to_jsonb` row per line) or,
 * for MongoDB, as the documents' raw BSON concatenated (the .bson format mongorestore and bsondump read), compressed
 * with zstd and encrypted with age exactly like a backup, stored, read back and checked by SHA-256, and described by
 * a small manifest, all before the batch's delete. The caller deletes (commits) only once archiveBatch returns;
 * a crash in between leaves the rows in the table and an archive object that no receipt names (the next run archives
 * the rows again under a new name: duplicates are possible, loss is not). docs/retention.md shows the load-back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { createAgeEncryptStream, recipientFingerprint } from '../crypto/age/index.js';
import { DbopsError, invalidInput } from '../errors.js';
import { createCompressor, LEVELS } from '../pipeline/compression.js';
import { putRecord } from '../storage/put-record.js';
import type { Storage } from '../storage/types.js';

export const ARCHIVE_MANIFEST_FORMAT = 'dbops.retention-archive/1';

/** How a run encrypts its archives: age recipients (public keys) or a passphrase, as the backup's encrypt-to. */
export interface ArchiveEncryption {
  recipients: string[];
  passphrase?: string;
}

/** One stored archive object, as receipts list it: no row data, no secret. */
export interface ArchiveRecord {
  /** Where the object is (storage.locate). */
  location: string;
  /** Where its manifest is. */
  manifest: string;
  rows: number;
  bytes: number;
  /** SHA-256 of the stored (encrypted) object, read back from the storage. */
  sha256: string;
  /** Rows ON DELETE CASCADE deleted with the batch: their table (not in receipts, which list every archive alike). */
  cascaded?: string;
}

/** The manifest stored next to each archive object (`<object>.manifest.json`). */
export interface ArchiveManifest {
  format: typeof ARCHIVE_MANIFEST_FORMAT;
  rule: string;
  table: string;
  /** The batch's first and last key (key text, as receipts hash it); for cascaded rows, the rule's table's keys. */
  keyRange: { first: string; last: string };
  /** Rows ON DELETE CASCADE deleted with the batch: the foreign keys from the rule's table to `table`, in order. */
  via?: string[];
  rows: number;
  bytes: number;
  sha256: string;
  createdAt: string;
  content: ArchiveContent;
  compression: { algorithm: 'zstd'; level: number };
  /** Recipients by fingerprint, never the passphrase: `{ method: 'age', passphrase: true }` says one was used. */
  encryption: { method: 'age'; recipients?: string[]; passphrase?: true };
}

/** jsonl: PostgreSQL rows, one JSON text per line; bson: MongoDB documents, their raw BSON back to back. */
export type ArchiveContent = 'jsonl' | 'bson';

export type ArchiveBatch = {
  rule: string;
  /** The table, or a collection's `database.collection`. */
  table: string;
  /** 1, 2, ... within the rule and run. */
  batch: number;
  /**
   * 1, 2, ... for the tries of one batch (a batch retried after lock_timeout archives anew): a retry's object gets a
   * name of its own (`000003-2...`), since an object is never overwritten and storage refuses a second put.
   */
  attempt?: number;
  keyRange: { first: string; last: string };
  /** Rows cascaded with the batch: which path (named in the key: `000003.c1-order_items...`) and its foreign keys. */
  cascade?: { part: number; via: string[] };
} & (
  | {
      content?: 'jsonl';
      /** Each row as its JSON text (one line each: jsonb's text form has no raw newline). */
      rows: string[];
    }
  | {
      content: 'bson';
      /** Each document's BSON exactly as the server sent it (the driver's raw mode): never decoded and re-encoded. */
      rows: Buffer[];
    }
);

/** Refuses a run that would archive in the clear: archives hold exactly the personal data being purged. */
export function checkArchiveEncryption(encryption: ArchiveEncryption | undefined, rule: string): ArchiveEncryption {
  if (!encryption || (encryption.recipients.length === 0 && !encryption.passphrase))
    throw invalidInput(
      'encrypt-to',
      `is required: rule '${rule}' archives its rows (archive-to) and archives are always encrypted`,
      'one or more age1... recipients (public keys), or encrypt-passphrase',
    );
  return encryption;
}

/** Names one run's archives apart from any other run's: a rerun's duplicate of a batch never overwrites. */
export function archiveRunId(startedAt: Date): string {
  return `${startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

const LEVEL = LEVELS.zstd.default;

export async function archiveBatch(
  storage: Storage,
  encryption: ArchiveEncryption,
  runId: string,
  batch: ArchiveBatch,
  signal?: AbortSignal,
): Promise<ArchiveRecord> {
  const content = batch.content ?? 'jsonl';
  const attempt = (batch.attempt ?? 1) > 1 ? `-${batch.attempt}` : '';
  const part = batch.cascade ? `.c${batch.cascade.part}-${safeSegment(batch.table)}` : '';
  const key = `${safeSegment(batch.rule)}/${runId}/${String(batch.batch).padStart(6, '0')}${attempt}${part}.${content}.zst.age`;
  const body = await seal(
    batch.content === 'bson' ? batch.rows : batch.rows.map((row) => `${row}\n`),
    encryption,
    signal,
  );
  const sha256 = createHash('sha256').update(body).digest('hex');
  const options = { contentType: 'application/octet-stream', ...(signal ? { signal } : {}) };
  await storage.put(key, body, options);
  await verifyStored(storage, key, body.length, sha256, signal);
  const manifest: ArchiveManifest = {
    format: ARCHIVE_MANIFEST_FORMAT,
    rule: batch.rule,
    table: batch.table,
    keyRange: batch.keyRange,
    ...(batch.cascade ? { via: batch.cascade.via } : {}),
    rows: batch.rows.length,
    bytes: body.length,
    sha256,
    createdAt: new Date().toISOString(),
    content,
    compression: { algorithm: 'zstd', level: LEVEL },
    encryption: encryption.passphrase
      ? { method: 'age', passphrase: true }
      : { method: 'age', recipients: encryption.recipients.map(recipientFingerprint) },
  };
  const manifestKey = `${key}.manifest.json`;
  await putRecord(storage, manifestKey, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), {
    contentType: 'application/json',
    ...(signal ? { signal } : {}),
  });
  return {
    location: storage.locate(key),
    manifest: storage.locate(manifestKey),
    rows: batch.rows.length,
    bytes: body.length,
    sha256,
    ...(batch.cascade ? { cascaded: batch.table } : {}),
  };
}

/**
 * Rows → zstd → age, in memory: a batch is bounded by batch-size, and the rows cascaded with it by max-cascade-rows
 * (data-retention-batch.ts), and its put is then one plain write.
 */
async function seal(
  chunks: Array<string | Buffer>,
  encryption: ArchiveEncryption,
  signal?: AbortSignal,
): Promise<Buffer> {
  const compressor = createCompressor('zstd', LEVEL, signal ? { signal } : {})!;
  const encryptor = createAgeEncryptStream({
    recipients: encryption.recipients,
    ...(encryption.passphrase ? { passphrase: encryption.passphrase } : {}),
  });
  const sealed: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    compressor,
    encryptor,
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) sealed.push(chunk);
    },
    signal ? { signal } : {},
  );
  return Buffer.concat(sealed);
}

/** Reads the object back whole: a storage that kept something else must not let the rows be deleted. */
async function verifyStored(storage: Storage, key: string, bytes: number, sha256: string, signal?: AbortSignal) {
  let stored: Buffer;
  try {
    stored = await buffer(await storage.get(key, signal ? { signal } : {}));
  } catch (error) {
    await storage.delete(key).catch(() => undefined);
    throw error;
  }
  const actual = createHash('sha256').update(stored).digest('hex');
  if (stored.length !== bytes || actual !== sha256) {
    await storage.delete(key).catch(() => undefined);
    throw new DbopsError(
      'VERIFY_FAILED',
      `The archive ${storage.locate(key)} does not match what was sent (${stored.length} bytes, sha256 ${actual.slice(0, 12)}…; expected ${bytes} bytes, ${sha256.slice(0, 12)}…)`,
      {
        hint: 'It was removed and the batch was not deleted. Check the archive storage (full disk, quota, a server that alters uploads).',
      },
    );
  }
}

/** A rule name as one key segment: rule names are the policy's own, but a key must not climb out of its folder. */
function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'rule';
}
