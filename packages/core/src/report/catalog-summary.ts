import { formatBytes, formatSeconds } from '../format.js';
import type { CatalogEntry } from '../manifest/catalog.js';
import { storedFiles } from '../manifest/manifest.js';
import { code, type Result } from './result.js';

/** The complete backups in a location, newest first, with whether each passed a restore test. */
export function catalogSummary(location: string, entries: CatalogEntry[], now: Date): Result {
  if (entries.length === 0) return { status: 'info', title: ['No complete backups in ', code(location)], blocks: [] };
  const ago = (iso: string | Date) => formatSeconds((now.getTime() - new Date(iso).getTime()) / 1000);
  const verified = entries.filter((e) => e.verifiedAt).length;
  const rows = entries.map(({ manifest: m, verifiedAt }) => {
    // Only a passed test leaves a record: without one the backup was never tested, or never passed.
    const tested = verifiedAt ? `✅ passed ${ago(verifiedAt)} ago` : 'never passed';
    const { encryption } = m.object;
    const storedBytes = storedFiles(m).reduce((sum, file) => sum + file.storedBytes, 0); // a parallel dump's parts too
    return [
      code(m.backupId),
      m.name,
      m.database,
      ago(m.finishedAt),
      formatBytes(storedBytes),
      encryption.method,
      String(m.tables.length),
      tested,
    ];
  });
  const columns = ['Backup id', 'Name', 'Database', 'Age', 'Size', 'Encryption', 'Tables', 'Restore test'];
  return {
    status: 'info',
    title: [
      `${entries.length} complete backup(s) in `,
      code(location),
      `, newest first; ${verified} passed a restore test`,
    ],
    blocks: [{ kind: 'table', columns, rows }],
  };
}
