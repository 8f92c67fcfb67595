import { text } from 'node:stream/consumers';
import { DbopsError } from '../errors.js';
import type { Storage } from '../storage/types.js';
import { isBackupId, MANIFEST_SUFFIX, SAFETY_BACKUP_PREFIX } from './layout.js';
import { parseManifest, type BackupManifest } from './manifest.js';
import { parseVerificationKey } from './verification.js';

export interface CatalogEntry {
  manifest: BackupManifest;
  manifestKey: string;
  /** When the latest passed restore test of this backup ran; undefined when it never passed one. */
  verifiedAt?: Date;
}

export interface CatalogFilter {
  /** Only backups filed under this catalog name. */
  name?: string;
  /** Only backups of this database. */
  database?: string;
}

/**
 * The complete backups in a storage location, newest first. A backup is complete only when its manifest exists
 * (DESIGN.md invariant 1): objects without one are in flight or abandoned and never listed.
 */
export async function listBackups(storage: Storage, filter: CatalogFilter = {}): Promise<CatalogEntry[]> {
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
  const entries: CatalogEntry[] = [];
  for (const object of manifests) {
    const manifest = await readManifest(storage, object.key);
    // A name filter means exactly that name: "prod" must not pick up "prod/app".
    if (filter.name && manifest.name !== filter.name) continue;
    if (filter.database && manifest.database !== filter.database) continue;
    const verifiedAt = verified.get(`${manifest.name}/${manifest.backupId}`);
    entries.push({ manifest, manifestKey: object.key, ...(verifiedAt ? { verifiedAt } : {}) });
  }
  // Ids begin with their UTC time, so reverse id order is newest first.
  return entries.sort((a, b) => (a.manifest.backupId < b.manifest.backupId ? 1 : -1));
}

/**
 * How far after this machine's clock a backup may be dated and still count as on time: clocks of runners drift by
 * seconds, not hours. One dated later was taken on a machine whose clock was wrong (or its manifest was edited).
 */
export const CLOCK_SKEW_MS = 3600_000;

/** Dated after now: such a backup must not count as the newest, or it would stay "newest" until that date. */
export function isDatedInFuture(manifest: BackupManifest, now: Date): boolean {
  return Date.parse(manifest.startedAt) > now.getTime() + CLOCK_SKEW_MS;
}

/** "name prod, database app": what a filter asked for, for messages that say it found nothing ('' for none). */
export function describeFilter(filter: CatalogFilter): string {
  return [filter.name && `name ${filter.name}`, filter.database && `database ${filter.database}`].filter(Boolean).join(', ');
}

export async function readManifest(storage: Storage, key: string): Promise<BackupManifest> {
  return parseManifest(await text(await storage.get(key)), storage.locate(key));
}

/**
 * The backup with the given id, or the newest one matching the filter. Never "the newest": a backup dated in the
 * future, which would be restored (and restore-tested) instead of every later backup until that date; and, unless
 * its name is asked for, a restore's `pre-restore/` safety backup, which holds the state a restore replaced.
 */
export async function findBackup(storage: Storage, filter: CatalogFilter & { backupId?: string }, now = new Date()): Promise<CatalogEntry> {
  const entries = await listBackups(storage, filter);
  if (filter.backupId) {
    const entry = entries.find((e) => e.manifest.backupId === filter.backupId);
    if (entry) return entry;
    const incomplete = (await storage.list(filter.name ? `${filter.name}/` : '')).some((o) => o.key.includes(filter.backupId!));
    throw new DbopsError('NO_BACKUP', `No complete backup with id ${filter.backupId} in ${storage.display}${incomplete ? ' (its object exists but has no manifest: the backup never completed)' : ''}`, {
      input: 'backup-id',
      hint: 'List the complete backups with `dbops list --from ...`.',
    });
  }
  const scheduled = filter.name ? entries : entries.filter((e) => !e.manifest.name.startsWith(SAFETY_BACKUP_PREFIX));
  const newest = scheduled.find((e) => !isDatedInFuture(e.manifest, now));
  if (!newest) {
    const scope = describeFilter(filter);
    const future = scheduled.map((e) => e.manifest.backupId);
    throw new DbopsError('NO_BACKUP', `No complete backup in ${storage.display}${scope ? ` for ${scope}` : ''}${future.length > 0 ? ` dated before now (${future.join(', ')} ${future.length === 1 ? 'is' : 'are'} dated in the future: taken with a wrong clock)` : ''}`, {
      input: future.length > 0 ? 'backup-id' : 'from',
      hint: future.length > 0
        ? 'Name the backup to use with backup-id once you have checked what it holds, and fix the clock of the machine that took it.'
        : entries.length > 0
          ? `Only restores' safety backups are there; to use one, give its name (${entries[0]!.manifest.name}) or its backup-id.`
          : 'Check the location (and name / database filters); only backups with a manifest count as complete.',
    });
  }
  return newest;
}
