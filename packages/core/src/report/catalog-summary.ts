import { formatBytes, formatSeconds } from '../format.js';
import type { CatalogEntry } from '../manifest/catalog.js';

export function renderCatalog(location: string, entries: CatalogEntry[], now: Date): string {
  if (entries.length === 0) return `### No complete backups in \`${location}\`\n`;
  const ago = (iso: string | Date) => formatSeconds((now.getTime() - new Date(iso).getTime()) / 1000);
  const verified = entries.filter((e) => e.verifiedAt).length;
  return [
    `### ${entries.length} complete backup(s) in \`${location}\`, newest first; ${verified} passed a restore test`,
    '',
    '| Backup id | Name | Database | Age | Size | Encryption | Tables | Restore test |',
    '|---|---|---|---|---|---|---|---|',
    ...entries.map(({ manifest: m, verifiedAt }) => {
      // Only a passed test leaves a record: without one the backup was never tested, or never passed.
      const tested = verifiedAt ? `✅ passed ${ago(verifiedAt)} ago` : 'never passed';
      return `| \`${m.backupId}\` | ${m.name} | ${m.database} | ${ago(m.finishedAt)} | ${formatBytes(m.object.storedBytes)} | ${m.object.encryption.method} | ${m.tables.length} | ${tested} |`;
    }),
    '',
  ].join('\n');
}
