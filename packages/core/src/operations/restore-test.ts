import { cancelled, DbopsError, invalidInput } from '../errors.js';
import { timed, type Logger } from '../log.js';
import type { Secrets } from '../secrets.js';
import { engineForBackup, urlForms } from '../databases/index.js';
import type { TombstoneSet } from '../data-retention/tombstones.js';
import type { DatabaseEngine, DatabaseServer, DatabaseTarget } from '../databases/engine.js';
import type { BackupManifest } from '../manifest/manifest.js';
import { checkFreshness, checkRestoreTime, type CheckResult, type UserCheck } from '../restore/checks.js';
import { restoreBackup } from '../restore/restore-backup.js';
import { selectBackup, type BackupSelection } from '../restore/select-backup.js';
import { writeVerificationRecord } from '../manifest/verification.js';
import { DBOPS_VERSION } from '../version.js';

export interface RestoreTestOptions extends BackupSelection {
  /** A server to restore on; a scratch database is created there. */
  target: DatabaseTarget;
  maxAgeSeconds?: number;
  maxRestoreSeconds?: number;
  checks: UserCheck[];
  keep: boolean;
  /**
   * The live database whose tombstones (erased rows, as salted hashes) are replayed on the restored copy: it knows
   * erasures newer than the backup. Without it, the copy's own tombstone table is replayed when it has one.
   */
  tombstonesFrom?: DatabaseTarget;
  /** Write a verification record beside the manifest when every check passes (rotation counts them). */
  record: boolean;
  jobs?: number;
  pgBinDir?: string;
  env: NodeJS.ProcessEnv;
  secrets: Secrets;
  log: Logger;
  signal?: AbortSignal;
  clock?: () => Date;
}

export interface RestoreTestResult {
  backupId: string;
  manifest: BackupManifest;
  storage: string;
  scratchDatabase: string;
  kept: boolean;
  restoredBytes: number;
  restoreSeconds: number;
  backupAgeSeconds: number;
  tables: number;
  rows: number;
  checks: CheckResult[];
  passed: boolean;
  /** Location of the verification record written for a passed test. */
  verificationRecord?: string;
}

/**
 * Proves a backup restores: fetch and verify it, restore it into a fresh scratch database on the target server,
 * then compare tables, row counts and the schema fingerprint with the manifest, run the user's checks, and hold
 * the result against the RPO (max-age) and RTO (max-restore-time). The scratch database is dropped afterwards.
 */
export async function restoreTest(options: RestoreTestOptions): Promise<RestoreTestResult> {
  const { log, secrets } = options;
  const now = (options.clock ?? (() => new Date()))();
  const { storage, manifest } = await selectBackup(options, secrets);
  log.info(
    `Testing backup ${manifest.backupId} of ${manifest.database} (${manifest.finishedAt}) from ${storage.display}`,
  );

  const engine = engineForBackup(manifest, options.target);
  const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
  // Read before the restore: an unreadable tombstones-from fails the run before minutes of restoring.
  const tombstones =
    options.tombstonesFrom && (await liveTombstones(options.tombstonesFrom, engine, manifest, secrets, context));
  const admin = await engine.openScratchServer(options.target, context);
  const scratch = admin.scratchName(manifest.backupId);
  let created = false;
  // The scratch database as created, for the messages: a backup of several databases has one per database.
  let scratchText = `scratch database ${scratch}`;
  // Once, from the catch of a cancel (its message says whether the drop worked) or from finally.
  let dropping: Promise<boolean> | undefined;
  const dropScratch = () =>
    (dropping ??= timed(log, 'Dropped the scratch database', () => admin.dropDatabase(scratch)).then(
      () => true,
      (error: unknown) => {
        log.warn(`Could not drop ${scratchText}: ${(error as Error).message}`);
        return false;
      },
    ));
  try {
    refuseSourceDatabase(engine, admin.server, options.target, manifest, log);
    const server = admin.server;
    const tools = { ...(options.pgBinDir ? { binDir: options.pgBinDir } : {}), env: options.env };
    const restorer = await engine.findRestorer(server, manifest, tools);

    const into = await timed(log, 'Created the scratch database', () => admin.createDatabase(scratch, manifest));
    created = true;
    scratchText = `scratch ${engine.describe(into)}`;
    log.info(
      `Restoring into ${scratchText} (${server.product} ${server.version}) with ${restorer.program} ${restorer.version}`,
    );
    const restored = await restoreBackup({
      storage,
      manifest,
      decryption: options.decryption,
      into,
      restorer,
      ...(options.jobs ? { jobs: options.jobs } : {}),
      noOwner: true,
      env: options.env,
      log,
      ...(options.signal ? { signal: options.signal } : {}),
    });

    const restoredChecks = await engine.checkRestored(
      into,
      manifest,
      options.checks,
      context,
      tombstones,
      restored.outcome,
    );
    const checks: CheckResult[] = [
      {
        name: 'integrity',
        passed: true,
        detail: `size and SHA-256 match the manifest (${manifest.object.sha256.slice(0, 12)}…)`,
      },
      { name: 'restore', passed: true, detail: `${restorer.program} completed without errors` },
      ...restored.checks,
      ...restoredChecks.checks,
    ];
    const rows = restoredChecks.rows;
    if (options.signal?.aborted) throw cancelled();
    if (options.maxAgeSeconds !== undefined) checks.push(checkFreshness(manifest, options.maxAgeSeconds, now));
    if (options.maxRestoreSeconds !== undefined)
      checks.push(checkRestoreTime(restored.seconds, options.maxRestoreSeconds));
    const passed = checks.every((c) => c.passed);
    let verificationRecord: string | undefined;
    if (passed && options.record) {
      try {
        const key = await writeVerificationRecord(storage, manifest.name, {
          backupId: manifest.backupId,
          verifiedAt: new Date().toISOString(),
          restoredOn: `${options.target.host}:${options.target.port}`,
          restoreSeconds: restored.seconds,
          checksPassed: checks.length,
          checkNames: checks.map((c) => c.name),
          dbops: { version: DBOPS_VERSION },
        });
        verificationRecord = storage.locate(key);
      } catch (error) {
        // The proof stands even when the record cannot be written (e.g. read-only credentials); say so.
        log.warn(`Could not write the verification record: ${(error as Error).message}`);
      }
    }

    return {
      backupId: manifest.backupId,
      manifest,
      storage: storage.display,
      scratchDatabase: scratch,
      kept: options.keep,
      restoredBytes: restored.restoredBytes,
      restoreSeconds: restored.seconds,
      backupAgeSeconds: (now.getTime() - Date.parse(manifest.finishedAt)) / 1000,
      tables: manifest.tables.length,
      rows,
      checks,
      passed,
      ...(verificationRecord ? { verificationRecord } : {}),
    };
  } catch (error) {
    if (options.signal?.aborted) {
      const unchanged = 'The backup is unchanged';
      if (!created) throw cancelled(`${unchanged} and no verification record was written.`);
      if (options.keep)
        throw cancelled(`${unchanged} and no verification record was written; ${scratchText} is kept (keep: true).`);
      // Said after the drop, as it went: a scratch database left behind is a full copy of the data.
      throw cancelled(
        (await dropScratch())
          ? `${unchanged}, no verification record was written, and the scratch database is dropped.`
          : `${unchanged} and no verification record was written, but ${scratchText} could not be dropped (see the warning): drop it by hand.`,
      );
    }
    throw error;
  } finally {
    if (created && !options.keep) {
      await dropScratch();
    } else if (created) {
      log.info(`Kept ${scratchText} (keep: true)`);
    }
    await admin.close().catch(() => undefined);
  }
}

/** docs/architecture.md invariant 6: a restore test never runs against the database the backup was taken from. */
function refuseSourceDatabase(
  engine: DatabaseEngine,
  server: DatabaseServer,
  target: DatabaseTarget,
  manifest: BackupManifest,
  log: Logger,
): void {
  const id = server.systemIdentifier;
  const sameCluster =
    id && manifest.source.systemIdentifier
      ? id === manifest.source.systemIdentifier
      : target.host === manifest.source.host && target.port === manifest.source.port;
  if (sameCluster && target.database !== manifest.database) {
    log.warn(
      `target-url is on the server backup ${manifest.backupId} came from: the test restores a full copy there (load, disk). Prefer a separate, disposable server.`,
    );
  }
  if (sameCluster && target.database === manifest.database) {
    throw new DbopsError(
      'UNSAFE_TARGET',
      `target-url points at ${engine.describe(target)}, the database backup ${manifest.backupId} was taken from`,
      {
        input: 'target-url',
        hint: 'Point target-url at a separate, disposable server (e.g. a postgres service container); restore-test creates its own scratch database there.',
      },
    );
  }
}

/** The error a run fails with when a check failed (the summary shows each one's detail); none when all passed. */
export function checksFailure(result: RestoreTestResult): DbopsError | undefined {
  const failed = result.checks.filter((c) => !c.passed);
  if (failed.length === 0) return undefined;
  return new DbopsError(
    'CHECK_FAILED',
    `${failed.length} of ${result.checks.length} restore checks failed: ${failed.map((c) => c.name).join(', ')}`,
    { hint: "See the table in the job summary for each check's detail." },
  );
}

/**
 * The tombstones of the live database (none yet: an empty set, so the check still says it looked). It must be a
 * server of the backup's engine: PostgreSQL's tombstones name tables, MongoDB's collections.
 */
async function liveTombstones(
  target: DatabaseTarget,
  engine: DatabaseEngine,
  manifest: BackupManifest,
  secrets: Secrets,
  context: { log: Logger; signal?: AbortSignal },
): Promise<TombstoneSet> {
  secrets.add(target.password);
  if (target.engine !== engine.name)
    throw invalidInput(
      'tombstones-from',
      `names a ${target.engine} server, but backup ${manifest.backupId} is a ${engine.name} backup`,
      `the live database the backup was taken from: a URL starting with ${urlForms(engine.name)}`,
    );
  const set = await engine.readTombstones(target, manifest, context);
  context.log.info(`Tombstones from ${target.host}: ${set ? set.tables.reduce((n, t) => n + t.hashes.length, 0) : 0}`);
  return set ?? { salt: '', tables: [] };
}
