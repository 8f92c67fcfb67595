import { formatBytes, formatSeconds } from '../format.js';
import type { BackupManifest } from '../manifest/manifest.js';

export function renderCatalog(location: string, manifests: BackupManifest[], now: Date): string {
  if (manifests.length === 0) return `### No complete backups in \`${location}\`\n`;
  return [
    `### ${manifests.length} complete backup(s) in \`${location}\`, newest first`,
    '',
    '| Backup id | Name | Database | Age | Size | Encryption | Tables |',
    '|---|---|---|---|---|---|---|',
    ...manifests.map((m) => {
      const age = formatSeconds((now.getTime() - Date.parse(m.finishedAt)) / 1000);
      return `| \`${m.backupId}\` | ${m.name} | ${m.database} | ${age} | ${formatBytes(m.object.storedBytes)} | ${m.object.encryption.method} | ${m.tables.length} |`;
    }),
    '',
  ].join('\n');
}
