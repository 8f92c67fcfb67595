import { formatBytes, formatRate, formatSeconds } from '../format.js';
import type { BackupResult } from '../operations/backup.js';

/** The job summary of a backup: what a person checks after a nightly run, in one table. */
export function renderBackupSummary(result: BackupResult): string {
  const m = result.manifest;
  const ratio = result.sizeBytes > 0 ? (result.rawBytes / result.sizeBytes).toFixed(2) : 'n/a';
  const encryption =
    m.object.encryption.method === 'none'
      ? '⚠️ none: anyone who can read the storage can read this backup (set encrypt-to)'
      : 'passphrase' in m.object.encryption
        ? 'age (passphrase)'
        : `age, ${m.object.encryption.recipients.length} recipient(s)`;
  const exact = m.tables.filter((t) => t.rows !== undefined).length;
  const rows: Array<[string, string]> = [
    ['Database', `${m.database} (PostgreSQL ${m.serverVersion}, pg_dump ${m.dumpTool.version})`],
    ['Backup id', `\`${m.backupId}\``],
    ['Stored at', `\`${result.location}\``],
    ['Size', `${formatBytes(result.sizeBytes)} stored, ${formatBytes(result.rawBytes)} dumped (ratio ${ratio}, ${m.object.compression.algorithm} level ${m.object.compression.level})`],
    ['Encryption', encryption],
    ['Duration', `${formatSeconds(result.durationSeconds)} (${formatRate(result.rawBytes, result.durationSeconds)})`],
    ['Tables', `${m.tables.length} (${exact} with exact row counts)`],
    ['Verification', `✅ archive lists data for ${m.verification.tableDataEntries} tables (expected ${m.verification.expectedTables}); stored SHA-256 re-read and matched`],
    ['SHA-256', `\`${result.sha256}\``],
  ];
  return [
    `### ✅ Backup of \`${m.database}\` complete`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
    '',
  ].join('\n');
}
