import { DbopsError } from '../errors.js';
import type { Logger } from '../log.js';
import { formatBytes, formatSeconds } from '../format.js';
import { backupIdTime, MANIFEST_SUFFIX, ownFileBackupId } from '../manifest/layout.js';
import { CLOCK_SKEW_MS, isDatedInFuture, readManifest, storedFileProblem } from '../manifest/catalog.js';
import type { BackupManifest } from '../manifest/manifest.js';
import { parseVerificationKey } from '../manifest/verification.js';
import type { IncompleteUpload, Storage, StoredObject } from '../storage/types.js';
import { applyRetention, type RetentionDecision, type RetentionPolicy } from './policy.js';

export interface PlannedBackup extends RetentionDecision {
  /** The database and server it came from: each source's backups under a name are rotated on their own. */
  source: string;
  /** Every object of the backup: its archive, manifest and verification records. */
  keys: string[];
  bytes: number;
  verifiedAt?: Date;
  /**
   * Why the backup is kept out of the policy: kept, reported, and never counted. 'damaged': its object is missing
   * or the wrong size, so it cannot be restored. 'future-dated': a wrong clock dated it after now; counted, it would
   * be the newest (and anchor keep-within) until that date, and the backups really taken since could be deleted.
   */
  setAside?: { reason: 'damaged' | 'future-dated'; detail: string };
}

export interface Leftover {
  backupId: string;
  keys: string[];
  ageSeconds: number;
  /** Old enough to be an abandoned upload (delete), or young enough to still be uploading (wait). */
  action: 'delete' | 'wait';
}

/** A put that a killed run left unfinished (a local temp file, an S3 multipart upload): invisible, but it takes space. */
export interface Unfinished {
  upload: IncompleteUpload;
  ageSeconds: number;
  /** Silent longer than the grace period (discard), or possibly still being written (wait). */
  action: 'delete' | 'wait';
}

export interface RotationPlan {
  name: string;
  backups: PlannedBackup[];
  leftovers: Leftover[];
  unfinished: Unfinished[];
  /** Why unfinished uploads could not be listed (the rotation goes on without them). */
  unfinishedUnlisted?: string;
  /** Uploads silent since before this are abandoned; one written to after it is still being written. */
  idleSince: Date;
}

/**
 * Plans a rotation of the backups filed under exactly `name` (never a sibling or nested name: invariant 3).
 * Only complete backups (with a manifest) are subject to the policy; objects without one are leftovers, deleted
 * once older than the grace period, as are uploads a killed run left unfinished. Only files dbops writes count:
 * another tool's, or a user's copy beside a backup, are never touched. Backups of different databases or servers
 * that share a name (two services' `app` databases backed up to one bucket) are separate histories: each keeps its
 * own newest, buckets and verified minimum. Damaged and future-dated backups are set aside: kept and reported, never
 * counted.
 */
export async function planRotation(
  storage: Storage,
  name: string,
  policy: RetentionPolicy,
  options: { now: Date; graceSeconds: number },
): Promise<RotationPlan> {
  const byId = new Map<string, StoredObject[]>();
  for (const object of await storage.list(`${name}/`)) {
    const id = ownFileBackupId(object.key.slice(name.length + 1));
    if (!id) continue;
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
    const verifiedAt = keys
      .map(parseVerificationKey)
      .filter((r) => r !== undefined)
      .map((r) => r!.verifiedAt)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    const setAside = problemOf(manifest, objects, options.now);
    complete.push({
      id,
      source: sourceOf(manifest),
      time: new Date(manifest.startedAt),
      verified: verifiedAt !== undefined,
      keep: setAside !== undefined,
      reasons: setAside ? [setAside.reason] : [],
      keys,
      bytes: objects.reduce((sum, o) => sum + o.size, 0),
      ...(verifiedAt ? { verifiedAt } : {}),
      ...(setAside ? { setAside } : {}),
    });
  }
  const decisions = new Map<string, RetentionDecision>();
  for (const source of new Set(complete.map((b) => b.source))) {
    const history = complete.filter((b) => b.source === source && !b.setAside);
    for (const decision of applyRetention(history, policy)) decisions.set(decision.id, decision);
  }
  const backups = complete
    .map((b) => (b.setAside ? b : { ...b, keep: decisions.get(b.id)!.keep, reasons: decisions.get(b.id)!.reasons }))
    .sort((a, b) => b.time.getTime() - a.time.getTime());
  const incomplete = await storage.listIncomplete(`${name}/`);
  // Only dbops's own uploads of this name's backups: never another name's, nor another tool's in the same place.
  const unfinished = incomplete.uploads
    .filter((upload) => ownFileBackupId(upload.key.slice(name.length + 1)) !== undefined)
    .map((upload): Unfinished => {
      const ageSeconds = (options.now.getTime() - upload.since.getTime()) / 1000;
      return { upload, ageSeconds, action: ageSeconds > options.graceSeconds ? 'delete' : 'wait' };
    })
    .sort((a, b) => (a.upload.key < b.upload.key ? 1 : -1));
  return {
    name,
    backups,
    leftovers: leftovers.sort((a, b) => (a.backupId < b.backupId ? 1 : -1)),
    unfinished,
    ...(incomplete.unlisted ? { unfinishedUnlisted: incomplete.unlisted } : {}),
    idleSince: new Date(options.now.getTime() - options.graceSeconds * 1000),
  };
}

/** The database a backup is of, on which server: the cluster's system identifier when known, else host:port. */
function sourceOf(manifest: BackupManifest): string {
  const source = manifest.source as BackupManifest['source'] | undefined; // absent from hand-made manifests
  const server = source?.systemIdentifier
    ? `cluster ${source.systemIdentifier}`
    : source
      ? `${source.host}:${source.port}`
      : 'an unknown server';
  return `${manifest.database} on ${server}`;
}

function problemOf(manifest: BackupManifest, objects: StoredObject[], now: Date): PlannedBackup['setAside'] {
  // An object or part missing or cut short: the test check-freshness applies too.
  const damage = storedFileProblem(manifest, new Map(objects.map((o) => [o.key, o.size])));
  if (damage) return { reason: 'damaged', detail: damage };
  if (isDatedInFuture(manifest, now)) {
    const ahead = formatSeconds((Date.parse(manifest.startedAt) - now.getTime()) / 1000);
    return {
      reason: 'future-dated',
      detail: `it is dated ${manifest.startedAt}, ${ahead} after this run's clock (more than ${formatSeconds(CLOCK_SKEW_MS / 1000)} of skew: the clock of the machine that took it was wrong)`,
    };
  }
  return undefined;
}

/** Set-aside backups need a person, and unfinished uploads that could not be listed are never cleaned: warn for each. */
export function warnSetAside(plan: RotationPlan, log: Logger): void {
  if (plan.unfinishedUnlisted) {
    log.warn(
      `Unfinished uploads under ${plan.name}/ were not looked for: ${plan.unfinishedUnlisted}. Grant it, or set an AbortIncompleteMultipartUpload lifecycle rule on the bucket.`,
    );
  }
  for (const b of plan.backups) {
    if (b.setAside?.reason === 'damaged') {
      log.warn(
        `Backup ${plan.name}/${b.id} is damaged: ${b.setAside.detail}. It is kept and not counted as a backup; look into it and delete it by hand.`,
      );
    } else if (b.setAside) {
      log.warn(
        `Backup ${plan.name}/${b.id} is dated in the future: ${b.setAside.detail}. It is kept and not counted as a backup; fix that clock, and delete the backup by hand once you know what it holds.`,
      );
    }
  }
}

/**
 * Deletes what the plan selects. A backup's manifest goes first, so an interrupted rotation never leaves a
 * backup that looks complete without its object; the remains are then ordinary leftovers.
 */
export async function executeRotation(
  storage: Storage,
  plan: RotationPlan,
  log: Logger,
): Promise<{ deleted: string[]; freedBytes: number }> {
  const deleted: string[] = [];
  let freedBytes = 0;
  for (const backup of plan.backups.filter((b) => !b.keep)) {
    const ordered = [
      ...backup.keys.filter((k) => k.endsWith(MANIFEST_SUFFIX)),
      ...backup.keys.filter((k) => !k.endsWith(MANIFEST_SUFFIX)),
    ];
    for (const key of ordered) await storage.delete(key);
    deleted.push(backup.id);
    freedBytes += backup.bytes;
    log.info(`Deleted backup ${backup.id} (${formatBytes(backup.bytes)})`);
  }
  for (const leftover of plan.leftovers.filter((l) => l.action === 'delete')) {
    const manifest = `${plan.name}/${leftover.backupId}${MANIFEST_SUFFIX}`;
    // A backup that was still finishing when the plan was made may have written its manifest since.
    if (await storage.stat(manifest)) {
      log.info(`Left ${leftover.backupId} alone: its manifest appeared after the plan was made`);
      continue;
    }
    for (const key of leftover.keys) await storage.delete(key);
    // The check above and these deletes are not one step: a backup that finished in between (one that took longer
    // than the grace period: an S3 multipart object is dated when its upload began) has lost its objects.
    if (await storage.stat(manifest)) throw finishedWhileDeleted(storage, plan.name, leftover.backupId, manifest);
    log.info(
      `Deleted incomplete leftover ${leftover.backupId} (no manifest, ${formatSeconds(leftover.ageSeconds)} old)`,
    );
  }
  for (const { upload, ageSeconds } of plan.unfinished.filter((u) => u.action === 'delete')) {
    // Checked again: a run may have written to it since the plan was made (it is not abandoned then).
    if (await storage.discardIncomplete(upload, plan.idleSince)) {
      log.info(`Discarded the unfinished upload of ${upload.key} (nothing written for ${formatSeconds(ageSeconds)})`);
    } else {
      log.info(
        `Left the unfinished upload of ${upload.key} alone: it was written to after the plan was made, or is gone`,
      );
    }
  }
  return { deleted, freedBytes };
}

/** A leftover whose backup wrote its manifest while rotation deleted its objects: that backup cannot be restored. */
function finishedWhileDeleted(storage: Storage, name: string, backupId: string, manifest: string): DbopsError {
  return new DbopsError(
    'CONFLICT',
    `Backup ${name}/${backupId} finished while rotation deleted its objects as a leftover: its manifest ${storage.locate(manifest)} now describes objects that are gone`,
    {
      hint: `That backup cannot be restored: take a new one, then delete ${storage.locate(manifest)}. Make grace-period longer than a backup takes (an S3 multipart object is dated when its upload began).`,
    },
  );
}
