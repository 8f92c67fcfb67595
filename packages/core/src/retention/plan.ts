import type { Logger } from '../log.js';
import { formatBytes, formatSeconds } from '../format.js';
import { backupIdTime, isBackupId, MANIFEST_SUFFIX } from '../manifest/layout.js';
import { readManifest } from '../manifest/catalog.js';
import { parseVerificationKey } from '../manifest/verification.js';
import type { Storage, StoredObject } from '../storage/types.js';
import { applyRetention, type RetentionDecision, type RetentionPolicy } from './policy.js';

export interface PlannedBackup extends RetentionDecision {
  /** Every object of the backup: its archive, manifest and verification records. */
  keys: string[];
  bytes: number;
  verifiedAt?: Date;
}

export interface Leftover {
  backupId: string;
  keys: string[];
  ageSeconds: number;
  /** Old enough to be an abandoned upload (delete), or young enough to still be uploading (wait). */
  action: 'delete' | 'wait';
}

export interface RotationPlan {
  name: string;
  backups: PlannedBackup[];
  leftovers: Leftover[];
}

/**
 * Plans a rotation of the backups filed under exactly `name` (never a sibling or nested name: invariant 3).
 * Only complete backups (with a manifest) are subject to the policy; objects without one are leftovers, deleted
 * once older than the grace period.
 */
export async function planRotation(storage: Storage, name: string, policy: RetentionPolicy, options: { now: Date; graceSeconds: number }): Promise<RotationPlan> {
  const byId = new Map<string, StoredObject[]>();
  for (const object of await storage.list(`${name}/`)) {
    const file = object.key.slice(name.length + 1);
    if (file.includes('/')) continue;
    const id = file.slice(0, file.indexOf('.') === -1 ? file.length : file.indexOf('.'));
    if (!isBackupId(id)) continue;
    byId.set(id, [...(byId.get(id) ?? []), object]);
  }

  const complete: PlannedBackup[] = [];
  const leftovers: Leftover[] = [];
  for (const [id, objects] of byId) {
    const keys = objects.map((o) => o.key).sort();
    const manifestKey = keys.find((k) => k.endsWith(MANIFEST_SUFFIX));
    if (!manifestKey) {
      const newest = Math.max(...objects.map((o) => o.lastModified.getTime()), backupIdTime(id).getTime());
      const ageSeconds = (options.now.getTime() - newest) / 1000;
      leftovers.push({ backupId: id, keys, ageSeconds, action: ageSeconds > options.graceSeconds ? 'delete' : 'wait' });
      continue;
    }
    const manifest = await readManifest(storage, manifestKey);
    if (manifest.name !== name) continue;
    const verifiedAt = keys.map(parseVerificationKey).filter((r) => r !== undefined).map((r) => r!.verifiedAt).sort((a, b) => b.getTime() - a.getTime())[0];
    complete.push({
      id,
      time: new Date(manifest.startedAt),
      verified: verifiedAt !== undefined,
      keep: false,
      reasons: [],
      keys,
      bytes: objects.reduce((sum, o) => sum + o.size, 0),
      ...(verifiedAt ? { verifiedAt } : {}),
    });
  }
  const decisions = new Map(applyRetention(complete, policy).map((d) => [d.id, d]));
  const backups = complete
    .map((b) => ({ ...b, keep: decisions.get(b.id)!.keep, reasons: decisions.get(b.id)!.reasons }))
    .sort((a, b) => b.time.getTime() - a.time.getTime());
  return { name, backups, leftovers: leftovers.sort((a, b) => (a.backupId < b.backupId ? 1 : -1)) };
}

/**
 * Deletes what the plan selects. A backup's manifest goes first, so an interrupted rotation never leaves a
 * backup that looks complete without its object; the remains are then ordinary leftovers.
 */
export async function executeRotation(storage: Storage, plan: RotationPlan, log: Logger): Promise<{ deleted: string[]; freedBytes: number }> {
  const deleted: string[] = [];
  let freedBytes = 0;
  for (const backup of plan.backups.filter((b) => !b.keep)) {
    const ordered = [...backup.keys.filter((k) => k.endsWith(MANIFEST_SUFFIX)), ...backup.keys.filter((k) => !k.endsWith(MANIFEST_SUFFIX))];
    for (const key of ordered) await storage.delete(key);
    deleted.push(backup.id);
    freedBytes += backup.bytes;
    log.info(`Deleted backup ${backup.id} (${formatBytes(backup.bytes)})`);
  }
  for (const leftover of plan.leftovers.filter((l) => l.action === 'delete')) {
    for (const key of leftover.keys) await storage.delete(key);
    log.info(`Deleted incomplete leftover ${leftover.backupId} (no manifest, ${formatSeconds(leftover.ageSeconds)} old)`);
  }
  return { deleted, freedBytes };
}
