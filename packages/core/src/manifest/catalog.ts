import { text } from 'node:stream/consumers';
import { DbopsError } from '../errors.js';
import type { Storage } from '../storage/types.js';
import { isBackupId, MANIFEST_SUFFIX, SAFETY_BACKUP_PREFIX } from './layout.js';
import { parseManifest, storedFiles, type BackupManifest } from './manifest.js';
import { parseVerificationKey } from './verification.js';

export interface CatalogEntry {
  manifest: BackupManifest;
  manifestKey: string;
  /** When the latest passed restore test of this backup ran; undefined when it never passed one. */
  verifiedAt?: Date;
  /** Why its stored files cannot be restored (storedFileProblem), judged from the listing; undefined when intact. */
  damage?: string;
}

export interface CatalogFilter {
  /** Only backups filed under this catalog name. */
  name?: string;
  /** Only backups of this database. */
  database?: string;
}

/** A manifest that exists but cannot be read as one (cut short, altered, from a newer dbops). */
export interface DamagedManifest {
  key: string;
  /** The catalog name it is filed under: its key's folder (what the manifest says cannot be trusted). */
  name: string;
  /** The backup id its file name carries. */
  backupId: string;
  /** INTEGRITY_FAILED, naming the file, what is wrong with it and what to do. */
  error: DbopsError;
}

export interface Catalog {
  /** Complete backups, newest first. */
  entries: CatalogEntry[];
  /**
   * Manifests that could not be read. Their backups' names fail closed (not rotated, not fresh, their newest backup
   * unknown); other names are unaffected. A database filter does not apply to them: their database is unknown.
   */
  damaged: DamagedManifest[];
}

/**
 * The complete backups in a storage location, newest first. A backup is complete only when its manifest exists
 * (docs/architecture.md invariant 1): objects without one are in flight or abandoned and never listed. Fails with the first
 * damaged manifest in the filter's scope; readCatalog() goes on past them, to fail closed for their names only.
 */
export async function listBackups(storage: Storage, filter: CatalogFilter = {}): Promise<CatalogEntry[]> {
  const { entries, damaged } = await readCatalog(storage, filter);
  if (damaged.length > 0) throw damaged[0]!.error;
  return entries;
}

/** The complete backups in a storage location, newest first, and the manifests that could not be read. */
export async function readCatalog(storage: Storage, filter: CatalogFilter = {}): Promise<Catalog> {
  const prefix = filter.name ? `${filter.name}/` : '';
  const objects = await storage.list(prefix);
  const verified = new Map<string, Date>();
  for (const o of objects) {
    const record = parseVerificationKey(o.key);
    if (!record) continue;
    const id = `${record.name}/${record.backupId}`;
    if (!verified.has(id) || verified.get(id)! < record.verifiedAt) verified.set(id, record.verifiedAt);
  }
  const manifests = objects.filter((o) => {
    if (!o.key.endsWith(MANIFEST_SUFFIX)) return false;
    const file = o.key.slice(o.key.lastIndexOf('/') + 1, -MANIFEST_SUFFIX.length);
    return isBackupId(file);
  });
  const sizes = new Map(objects.map((o) => [o.key, o.size]));
  const entries: CatalogEntry[] = [];
  const damaged: DamagedManifest[] = [];
  for (const object of manifests) {
    const folder = object.key.slice(0, object.key.lastIndexOf('/'));
    let manifest: BackupManifest;
    try {
      manifest = await readManifest(storage, object.key);
    } catch (error) {
      // Damage is a fact about this file and its name; a storage that cannot be read fails the whole call.
      if (!(error instanceof DbopsError && error.code === 'INTEGRITY_FAILED')) throw error;
      if (filter.name && folder !== filter.name) continue;
      const backupId = object.key.slice(folder.length + 1, -MANIFEST_SUFFIX.length);
      damaged.push({ key: object.key, name: folder, backupId, error });
      continue;
    }
    // A name filter means exactly that name: "prod" must not pick up "prod/app".
    if (filter.name && manifest.name !== filter.name) continue;
    if (filter.database && manifest.database !== filter.database) continue;
    const verifiedAt = verified.get(`${manifest.name}/${manifest.backupId}`);
    const damage = storedFileProblem(manifest, sizes);
    entries.push({
      manifest,
      manifestKey: object.key,
      ...(verifiedAt ? { verifiedAt } : {}),
      ...(damage ? { damage } : {}),
    });
  }
  // Ids begin with their UTC time, so reverse id order is newest first.
  return { entries: entries.sort((a, b) => (a.manifest.backupId < b.manifest.backupId ? 1 : -1)), damaged };
}

/** One error for the damaged manifests a run met: the first one's message and hint, and the keys of the others. */
export function damagedManifestsError(damaged: DamagedManifest[]): DbopsError {
  const [first, ...others] = damaged;
  const more =
    others.length > 0 ? ` (and ${others.length} more damaged manifest(s): ${others.map((d) => d.key).join(', ')})` : '';
  return new DbopsError('INTEGRITY_FAILED', `${first!.error.message}${more}`, {
    ...(first!.error.hint ? { hint: first!.error.hint } : {}),
    cause: first!.error,
  });
}

/**
 * How far after this machine's clock a backup may be dated and still count as on time: clocks of runners drift by
 * seconds, not hours. One dated later was taken on a machine whose clock was wrong (or its manifest was edited).
 */
export const CLOCK_SKEW_MS = 3600_000;

/**
 * Why a backup cannot be restored, judged from a listing of its files (key → size): its object, or a part of a
 * parallel dump, is missing or not the size its manifest recorded. Undefined when every file is there. Rotation sets
 * such a backup aside and freshness does not count it: both ask this one function.
 */
export function storedFileProblem(manifest: BackupManifest, sizes: ReadonlyMap<string, number>): string | undefined {
  for (const [i, file] of storedFiles(manifest).entries()) {
    const what = i === 0 ? 'its object' : `its part ${file.file}`;
    const size = sizes.get(file.key);
    if (size === undefined) return `${what} is missing`;
    if (size !== file.storedBytes) return `${what} has ${size} bytes, not ${file.storedBytes}`;
  }
  return undefined;
}

/** Dated after now: such a backup must not count as the newest, or it would stay "newest" until that date. */
export function isDatedInFuture(manifest: BackupManifest, now: Date): boolean {
  return Date.parse(manifest.startedAt) > now.getTime() + CLOCK_SKEW_MS;
}

/** "name prod, database app": what a filter asked for, for messages that say it found nothing ('' for none). */
export function describeFilter(filter: CatalogFilter): string {
  return [filter.name && `name ${filter.name}`, filter.database && `database ${filter.database}`]
    .filter(Boolean)
    .join(', ');
}

export async function readManifest(storage: Storage, key: string): Promise<BackupManifest> {
  return parseManifest(await text(await storage.get(key)), storage.locate(key));
}

/**
 * The backup with the given id, or the newest one matching the filter. Never "the newest": a backup dated in the
 * future, which would be restored (and restore-tested) instead of every later backup until that date; and, unless
 * its name is asked for, a restore's `pre-restore/` safety backup, which holds the state a restore replaced.
 */
export async function findBackup(
  storage: Storage,
  filter: CatalogFilter & { backupId?: string },
  now = new Date(),
): Promise<CatalogEntry> {
  const { entries, damaged } = await readCatalog(storage, filter);
  if (filter.backupId) {
    // Another backup's damaged manifest says nothing against this one.
    const entry = entries.find((e) => e.manifest.backupId === filter.backupId);
    if (entry) return entry;
    const broken = damaged.find((d) => d.backupId === filter.backupId);
    if (broken) throw broken.error;
    const incomplete = (await storage.list(filter.name ? `${filter.name}/` : '')).some((o) =>
      o.key.includes(filter.backupId!),
    );
    throw new DbopsError(
      'NO_BACKUP',
      `No complete backup with id ${filter.backupId} in ${storage.display}${incomplete ? ' (its object exists but has no manifest: the backup never completed)' : ''}`,
      {
        input: 'backup-id',
        hint: 'List the complete backups with `dbops list --from ...`.',
      },
    );
  }
  const scheduled = filter.name ? entries : entries.filter((e) => !e.manifest.name.startsWith(SAFETY_BACKUP_PREFIX));
  const newest = scheduled.find((e) => !isDatedInFuture(e.manifest, now));
  // A damaged manifest newer than the newest readable backup may be the newest backup: never restore an older one
  // in its place without being told to.
  const newerDamaged = damaged.find(
    (d) =>
      (filter.name || !d.name.startsWith(SAFETY_BACKUP_PREFIX)) && (!newest || d.backupId > newest.manifest.backupId),
  );
  if (newerDamaged) {
    throw new DbopsError('INTEGRITY_FAILED', newerDamaged.error.message, {
      input: 'backup-id',
      hint: `${newerDamaged.error.hint ?? ''} To use an older backup meanwhile, name it with backup-id (\`dbops list --from ...\` lists them).`.trim(),
      cause: newerDamaged.error,
    });
  }
  if (!newest) {
    const scope = describeFilter(filter);
    const future = scheduled.map((e) => e.manifest.backupId);
    throw new DbopsError(
      'NO_BACKUP',
      `No complete backup in ${storage.display}${scope ? ` for ${scope}` : ''}${future.length > 0 ? ` dated before now (${future.join(', ')} ${future.length === 1 ? 'is' : 'are'} dated in the future: taken with a wrong clock)` : ''}`,
      {
        input: future.length > 0 ? 'backup-id' : 'from',
        hint:
          future.length > 0
            ? 'Name the backup to use with backup-id once you have checked what it holds, and fix the clock of the machine that took it.'
            : entries.length > 0
              ? `Only restores' safety backups are there; to use one, give its name (${entries[0]!.manifest.name}) or its backup-id.`
              : 'Check the location (and name / database filters); only backups with a manifest count as complete.',
      },
    );
  }
  return newest;
}
