import { availableParallelism, tmpdir } from 'node:os';
import type { Logger } from '../log.js';
import { formatBytes, formatSeconds } from '../format.js';
import type { DatabaseTarget, RestoreOutcome, Restorer } from '../databases/engine.js';
import type { BackupManifest } from '../manifest/manifest.js';
import type { Storage } from '../storage/types.js';
import type { CheckResult } from './checks.js';
import { fetchArchive, type Decryption, type FetchedArchive } from './fetch-archive.js';

export interface RestoreBackupInput {
  storage: Storage;
  manifest: BackupManifest;
  decryption: Decryption;
  /** The database to restore into: it must exist and be empty. */
  into: DatabaseTarget;
  restorer: Restorer;
  jobs?: number;
  noOwner: boolean;
  preserveUuids?: boolean;
  env: NodeJS.ProcessEnv;
  log: Logger;
  signal?: AbortSignal;
}

/** The parallelism a restore (pg_restore -j) gets by default: the machine's cores, at least 2, at most 8. */
export function defaultJobs(): number {
  return Math.min(8, Math.max(2, availableParallelism()));
}

/**
 * Fetches, verifies, decrypts and decompresses a backup into a local archive file (in TMPDIR), before anything
 * touches a database: a wrong key, a corrupt object or a full disk fail here. The caller disposes of it.
 */
export async function fetchBackup(
  input: Pick<RestoreBackupInput, 'storage' | 'manifest' | 'decryption' | 'env' | 'log' | 'signal'>,
): Promise<FetchedArchive & { seconds: number }> {
  const started = Date.now();
  const archive = await fetchArchive(input.storage, input.manifest, input.decryption, {
    tempDir: input.env.TMPDIR || tmpdir(),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  input.log.info(
    `Fetched and verified ${formatBytes(archive.storedBytes)} (sha256 matches the manifest) → ${formatBytes(archive.rawBytes)} archive`,
  );
  return { ...archive, seconds: (Date.now() - started) / 1000 };
}

/** Restores a fetched archive into `input.into` with the engine's restore program; returns how long that took. */
export async function restoreArchive(
  archive: FetchedArchive,
  input: Omit<RestoreBackupInput, 'storage' | 'manifest' | 'decryption'>,
): Promise<{ seconds: number; checks: CheckResult[]; outcome: RestoreOutcome }> {
  const started = Date.now();
  const outcome = await input.restorer.restore(archive.path, input.into, {
    jobs: input.jobs ?? defaultJobs(),
    noOwner: input.noOwner,
    ...(input.preserveUuids ? { preserveUuids: true } : {}),
    env: input.env,
    log: input.log,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const seconds = (Date.now() - started) / 1000;
  input.log.info(`Restored in ${formatSeconds(seconds)}`);
  return { seconds, checks: outcome?.checks ?? [], outcome: outcome ?? { checks: [] } };
}

/** fetchBackup then restoreArchive: the time to recover (RTO) counts both. */
export async function restoreBackup(input: RestoreBackupInput): Promise<{
  restoredBytes: number;
  storedBytes: number;
  seconds: number;
  checks: CheckResult[];
  outcome: RestoreOutcome;
}> {
  const archive = await fetchBackup(input);
  try {
    const restored = await restoreArchive(archive, input);
    return {
      restoredBytes: archive.rawBytes,
      storedBytes: archive.storedBytes,
      seconds: archive.seconds + restored.seconds,
      checks: restored.checks,
      outcome: restored.outcome,
    };
  } finally {
    await archive.dispose();
  }
}
