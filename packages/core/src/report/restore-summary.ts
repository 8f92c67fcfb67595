import { formatBytes, formatSeconds } from '../format.js';
import type { CheckResult } from '../restore/checks.js';
import type { RestoreTestResult } from '../operations/restore-test.js';
import type { RestoreResult } from '../operations/restore.js';

export function checksTable(checks: CheckResult[]): string[] {
  return [
    '| Check | Result | Detail |',
    '|---|---|---|',
    ...checks.map((c) => `| ${escape(c.name)} | ${c.passed ? '✅ pass' : '❌ fail'} | ${escape(c.detail)} |`),
  ];
}

/** The drill report: verdict first, then the figures a team tracks (backup age = RPO, restore time = RTO), then each check. */
export function renderRestoreTestSummary(result: RestoreTestResult): string {
  const failed = result.checks.filter((c) => !c.passed).length;
  const m = result.manifest;
  return [
    `### ${result.passed ? '✅' : '❌'} Restore test of \`${m.database}\` backup \`${result.backupId}\`: ${result.passed ? 'all checks passed' : `${failed} of ${result.checks.length} checks failed`}`,
    '',
    '| | |',
    '|---|---|',
    `| Backup | \`${result.backupId}\` from ${escape(result.storage)}, taken ${m.finishedAt} |`,
    `| Backup age (RPO) | ${formatSeconds(result.backupAgeSeconds)} |`,
    `| Restore time (RTO) | ${formatSeconds(result.restoreSeconds)} (fetch, verify, decrypt, decompress, pg_restore) |`,
    `| Restored | ${formatBytes(result.restoredBytes)} archive, ${result.tables} tables, ${result.rows.toLocaleString('en-US')} rows |`,
    `| Scratch database | \`${result.scratchDatabase}\` (${result.kept ? 'kept' : 'dropped'}) |`,
    '',
    ...checksTable(result.checks),
    '',
  ].join('\n');
}

export function renderRestoreSummary(result: RestoreResult): string {
  return [
    `### ${result.passed ? '✅' : '⚠️'} Restored backup \`${result.backupId}\` into \`${escape(result.target)}\``,
    '',
    '| | |',
    '|---|---|',
    `| Backup | \`${result.backupId}\` of ${result.manifest.database}, taken ${result.manifest.finishedAt} |`,
    `| Safety backup | ${result.safetyBackup ? `\`${result.safetyBackup.backupId}\` at \`${result.safetyBackup.location}\`` : 'none (the target was empty, or safety-backup: false)'} |`,
    `| Restore time | ${formatSeconds(result.restoreSeconds)} |`,
    `| Restored | ${formatBytes(result.restoredBytes)} archive, ${result.rows.toLocaleString('en-US')} rows |`,
    '',
    ...checksTable(result.checks),
    '',
  ].join('\n');
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
