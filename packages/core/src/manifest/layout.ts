import { createHash, randomBytes } from 'node:crypto';
import { invalidInput } from '../errors.js';
import { EXTENSIONS, type Compression } from '../pipeline/compression.js';

/**
 * Where a backup's files sit in storage: `<name>/<id>.dump[.zst|.gz][.age]` and `<name>/<id>.manifest.json`.
 * Ids start with the UTC time, so key order is time order, and end with randomness, so they are never reused.
 */
export const MANIFEST_SUFFIX = '.manifest.json';

/** Where `dbops restore --clean` files its safety backups: `pre-restore/<name>`, apart from the scheduled ones. */
export const SAFETY_BACKUP_PREFIX = 'pre-restore/';

export function newBackupId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

const ID = String.raw`\d{8}T\d{6}Z-[0-9a-f]{6}`;
const ID_PATTERN = new RegExp(`^${ID}$`);

export function isBackupId(text: string): boolean {
  return ID_PATTERN.test(text);
}

export function parseBackupId(text: string, input = 'backup-id'): string {
  const id = text.trim();
  if (!isBackupId(id))
    throw invalidInput(
      input,
      `'${id}' is not a backup id`,
      'an id as printed by dbops backup, e.g. 20261122T020000Z-3fa9c1',
    );
  return id;
}

/** The time encoded in a backup id. */
export function backupIdTime(id: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id)!;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

export function parseBackupName(text: string, input = 'name'): string {
  const name = text.trim().replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(name)) {
    throw invalidInput(
      input,
      `'${text}' is not a valid backup name`,
      'letters, digits, ".", "_" and "-", optionally in "/"-separated segments, e.g. prod/app',
    );
  }
  // Segments are directories (at most 255 bytes on most file systems) and whole names part of S3 keys (1024 bytes).
  if (name.length > 512 || name.split('/').some((segment) => segment.length > 200)) {
    throw invalidInput(
      input,
      `is too long (${name.length} characters)`,
      'a backup name of at most 512 characters, each "/"-separated segment at most 200, e.g. prod/app',
    );
  }
  return name;
}

/**
 * A database name made safe for use as the default backup name. Names that are safe already stay as they are (so
 * existing catalogs keep their names); any other gets a short hash of the real name, so that two databases never
 * share a name ("shopü" and "shopé" would both be "shop-"), where one's backups would hide the other's staleness.
 */
export function defaultBackupName(database: string): string {
  const safe = database.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (safe === database && !isSafetyBackupName(safe)) return safe;
  const hash = createHash('sha256').update(database, 'utf8').digest('hex').slice(0, 10);
  return `${safe.replace(/-+$/, '') || 'database'}-${hash}`;
}

/** Whether a name lies in the safety backups' namespace (pre-restore, pre-restore/...), which backup must not use. */
export function isSafetyBackupName(name: string): boolean {
  return name === SAFETY_BACKUP_PREFIX.slice(0, -1) || name.startsWith(SAFETY_BACKUP_PREFIX);
}

export function objectKey(name: string, id: string, compression: Compression, encrypted: boolean): string {
  return `${name}/${id}.dump${EXTENSIONS[compression]}${encrypted ? '.age' : ''}`;
}

/** A parallel dump's file, stored as `<name>/<id>/<file>[.zst|.gz][.age]` (e.g. prod/2026…-3fa9c1/3001.dat.zst.age). */
export function partKey(name: string, id: string, file: string, compression: Compression, encrypted: boolean): string {
  return `${name}/${id}/${file}${EXTENSIONS[compression]}${encrypted ? '.age' : ''}`;
}

export function manifestKey(name: string, id: string): string {
  return `${name}/${id}${MANIFEST_SUFFIX}`;
}

/** The names of the files dbops writes for a backup: its object or parts, its manifest and its verification records. */
const COMPRESSED = Object.values(EXTENSIONS)
  .filter(Boolean)
  .map((extension) => extension.replace('.', String.raw`\.`))
  .join('|');
const OWN_FILE = new RegExp(
  String.raw`^(${ID})(?:\.(?:dump(?:${COMPRESSED})?(?:\.age)?|manifest\.json|verified-\d{8}T\d{6}Z\.json)|/[A-Za-z0-9_]+\.(?:dat|toc)(?:${COMPRESSED})?(?:\.age)?)$`,
);

/**
 * The backup id of a file name (no folder) that dbops wrote, or undefined for any other file: a copy a user
 * decrypted beside it, notes, another tool's files. Rotation deletes only files that this recognises.
 */
export function ownFileBackupId(file: string): string | undefined {
  return OWN_FILE.exec(file)?.[1];
}
