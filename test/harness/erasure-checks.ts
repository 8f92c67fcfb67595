/**
 * What the PostgreSQL erasure tests do around their server: take an encrypted backup into a local directory, and
 * restore-test one, reading its "erased rows absent" check (the tombstone replay).
 */
import {
  backupDefinition,
  MemoryLogger,
  restoreTestDefinition,
  Secrets,
  type ActionReport,
  type RawInputs,
} from '@dbops/core';

export interface ErasureChecks {
  /** A backup of `url` into `backups`, encrypted to `recipient`; its id. */
  takeBackup(): Promise<string>;
  /** restore-test of a backup into the server of `scratchUrl`, and its "erased rows absent" check (if it ran). */
  restoreTest(backupId: string, extra?: RawInputs): Promise<{ report: ActionReport; check: Check | undefined }>;
}

export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

export function erasureChecks(options: {
  url: () => string;
  scratchUrl: () => string;
  backups: () => string;
  key: { recipient: string; identity: string };
}): ErasureChecks {
  const context = () => ({
    log: new MemoryLogger(),
    secrets: new Secrets(),
    env: process.env,
    signal: new AbortController().signal,
  });
  return {
    async takeBackup() {
      const report = await backupDefinition.run(
        { 'database-url': options.url(), to: options.backups(), 'encrypt-to': options.key.recipient },
        context(),
      );
      if (report.failure) throw new Error(`the backup failed: ${report.failure.message}`);
      return report.outputs['backup-id']!;
    },
    async restoreTest(backupId, extra = {}) {
      const report = await restoreTestDefinition.run(
        {
          from: options.backups(),
          'backup-id': backupId,
          'target-url': options.scratchUrl(),
          'decrypt-with': options.key.identity,
          record: 'false',
          ...extra,
        },
        context(),
      );
      const json = report.json as { checks: Check[] };
      return { report, check: json.checks.find((c) => c.name === 'erased rows absent') };
    },
  };
}
