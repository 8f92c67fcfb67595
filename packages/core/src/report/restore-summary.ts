import { formatBytes, formatSeconds } from '../format.js';
import type { CheckResult } from '../restore/checks.js';
import type { RestoreTestResult } from '../operations/restore-test.js';
import type { RestoreResult } from '../operations/restore.js';
import { code, type Block, type Result } from './result.js';

function checksTable(checks: CheckResult[]): Block {
  const rows = checks.map((c) => [c.name, c.passed ? '✅ pass' : '❌ fail', c.detail]);
  return { kind: 'table', columns: ['Check', 'Result', 'Detail'], rows };
}

/**
 * The drill report: verdict first, then the figures a team tracks (backup age = RPO, restore time = RTO), then each
 * check.
 */
export function restoreTestSummary(result: RestoreTestResult): Result {
  const failed = result.checks.filter((c) => !c.passed).length;
  const m = result.manifest;
  const verdict = result.passed ? 'all checks passed' : `${failed} of ${result.checks.length} checks failed`;
  return {
    status: result.passed ? 'ok' : 'failure',
    title: ['Restore test of ', code(m.database), ' backup ', code(result.backupId), `: ${verdict}`],
    blocks: [
      {
        kind: 'facts',
        rows: [
          ['Backup', [code(result.backupId), ` from ${result.storage}, taken ${m.finishedAt}`]],
          ['Backup age (RPO)', formatSeconds(result.backupAgeSeconds)],
          [
            'Restore time (RTO)',
            `${formatSeconds(result.restoreSeconds)} (fetch, verify, decrypt, decompress, pg_restore)`,
          ],
          [
            'Restored',
            `${formatBytes(result.restoredBytes)} archive, ${result.tables} tables, ${rows(result.rows)} rows`,
          ],
          ['Scratch database', [code(result.scratchDatabase), ` (${result.kept ? 'kept' : 'dropped'})`]],
        ],
      },
      checksTable(result.checks),
    ],
  };
}

export function restoreSummary(result: RestoreResult): Result {
  const safety = result.safetyBackup;
  return {
    status: result.passed ? 'ok' : 'warning',
    title: ['Restored backup ', code(result.backupId), ' into ', code(result.target)],
    blocks: [
      {
        kind: 'facts',
        rows: [
          ['Backup', [code(result.backupId), ` of ${result.manifest.database}, taken ${result.manifest.finishedAt}`]],
          [
            'Safety backup',
            safety
              ? [code(safety.backupId), ' at ', code(safety.location)]
              : 'none (the target was empty, or safety-backup: false)',
          ],
          ['Restore time', formatSeconds(result.restoreSeconds)],
          ['Restored', `${formatBytes(result.restoredBytes)} archive, ${rows(result.rows)} rows`],
        ],
      },
      checksTable(result.checks),
    ],
  };
}

function rows(count: number): string {
  return count.toLocaleString('en-US');
}

/** The action's outputs: the same result, as the strings a workflow's later steps read. */
export function restoreTestOutputs(result: RestoreTestResult): Record<string, string> {
  return {
    'backup-id': result.backupId,
    'restored-bytes': String(result.restoredBytes),
    'restore-seconds': result.restoreSeconds.toFixed(1),
    tables: String(result.tables),
    rows: String(result.rows),
    'checks-passed': String(result.checks.filter((c) => c.passed).length),
    'checks-failed': String(result.checks.filter((c) => !c.passed).length),
  };
}

/** The machine-readable result (--json): the result without its manifest, and the backup it tested in brief. */
export function restoreTestJson(result: RestoreTestResult): unknown {
  const { name, database, finishedAt } = result.manifest;
  return { ...result, manifest: undefined, backup: { name, database, finishedAt } };
}

/** restore's outputs, as the strings a later step reads. */
export function restoreOutputs(result: RestoreResult): Record<string, string> {
  return {
    'backup-id': result.backupId,
    'safety-backup-id': result.safetyBackup?.backupId ?? '',
    'restore-seconds': result.restoreSeconds.toFixed(1),
    rows: String(result.rows),
  };
}

/** restore's machine-readable result (--json): without the manifest, the safety backup in brief. */
export function restoreJson(result: RestoreResult): unknown {
  const safety = result.safetyBackup;
  return {
    ...result,
    manifest: undefined,
    safetyBackup: safety ? { backupId: safety.backupId, location: safety.location } : undefined,
  };
}
