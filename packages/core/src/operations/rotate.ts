import { DbopsError } from '../errors.js';
import type { Logger } from '../log.js';
import { readCatalog } from '../manifest/catalog.js';
import { executeRotation, planRotation, warnSetAside, type RotationPlan } from '../retention/plan.js';
import type { RetentionPolicy } from '../retention/policy.js';
import type { Storage } from '../storage/types.js';
import { openBackupSource, type BackupSource } from './backup-source.js';

/** A rotation policy with the grace period for objects without a manifest. */
export interface Rotation {
  policy: RetentionPolicy;
  graceSeconds: number;
}

export interface RotateOptions extends Rotation {
  source: BackupSource;
  /** Only this backup name; by default every name in the location. */
  name?: string;
  /** Plan only; nothing is deleted (invariant 3). */
  dryRun: boolean;
  log: Logger;
  now?: Date;
}

export interface RotateResult {
  dryRun: boolean;
  now: Date;
  plans: RotationPlan[];
  /** Deleted backups, or those a dry run would delete. */
  deletedIds: string[];
  /** Names not rotated because a manifest of theirs is damaged: nothing of theirs was deleted (fail closed). */
  skipped: Array<{ name: string; error: DbopsError }>;
  /** When a name was skipped: the run fails with this, after the other names were rotated. */
  failure?: DbopsError;
}

/** Rotates every backup name in the location (or the one asked for), each on its own. */
export async function rotate(options: RotateOptions): Promise<RotateResult> {
  const storage = await openBackupSource(options.source);
  // Names with a damaged manifest count too (by their folder): they are skipped, never silently left out.
  const catalog = options.name ? undefined : await readCatalog(storage);
  const names = options.name
    ? [options.name]
    : [...new Set([...catalog!.entries.map((e) => e.manifest.name), ...catalog!.damaged.map((d) => d.name)])].sort();
  return rotateNames(storage, names, options);
}

/** Rotates these names in an open storage: rotate() for a location, backup() for the name it has just written. */
export async function rotateNames(
  storage: Storage,
  names: string[],
  options: Rotation & { dryRun: boolean; log: Logger; now?: Date },
): Promise<RotateResult> {
  const { dryRun, log } = options;
  const now = options.now ?? new Date();
  const result: RotateResult = { dryRun, now, plans: [], deletedIds: [], skipped: [] };
  for (const name of names) {
    let plan: RotationPlan;
    try {
      plan = await planRotation(storage, name, options.policy, { now, graceSeconds: options.graceSeconds });
    } catch (error) {
      if (!(error instanceof DbopsError && error.code === 'INTEGRITY_FAILED')) throw error;
      log.warn(`Not rotating ${name}: ${error.message}`);
      result.skipped.push({ name, error });
      continue;
    }
    warnSetAside(plan, log);
    result.plans.push(plan);
    if (dryRun) result.deletedIds.push(...plan.backups.filter((b) => !b.keep).map((b) => b.id));
    else result.deletedIds.push(...(await executeRotation(storage, plan, log)).deleted);
  }
  return result.skipped.length > 0 ? { ...result, failure: skippedError(result.skipped) } : result;
}

/** The run fails when a name was skipped, after the other names were rotated: the skipped one needs a person. */
function skippedError(skipped: RotateResult['skipped']): DbopsError {
  const [first, ...others] = skipped;
  const names = others.map((s) => s.name).join(', ');
  const more = others.length > 0 ? ` (${names} not rotated either, for the same reason)` : '';
  return new DbopsError('INTEGRITY_FAILED', `${first!.name} was not rotated: ${first!.error.message}${more}`, {
    ...(first!.error.hint ? { hint: first!.error.hint } : {}),
    cause: first!.error,
  });
}
