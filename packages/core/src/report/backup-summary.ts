import { formatBytes, formatRate, formatSeconds } from '../format.js';
import type { MongoManifestSection } from '../manifest/manifest.js';
import type { BackupResult } from '../operations/backup.js';
import { code, type Inline, type Result, type Text } from './result.js';

const PRODUCTS = { postgresql: 'PostgreSQL', mongodb: 'MongoDB' } as const;

/** A backup's result: what a person checks after a nightly run, in one table. */
export function backupSummary(result: BackupResult): Result {
  const m = result.manifest;
  const ratio = result.sizeBytes > 0 ? (result.rawBytes / result.sizeBytes).toFixed(2) : 'n/a';
  const encryption =
    m.object.encryption.method === 'none'
      ? '⚠️ none: anyone who can read the storage can read this backup (set encrypt-to)'
      : 'passphrase' in m.object.encryption
        ? 'age (passphrase)'
        : `age, ${m.object.encryption.recipients.length} recipient(s)`;
  const exact = m.tables.filter((t) => t.rows !== undefined).length;
  const { compression } = m.object;
  const verified = m.verification;
  const rows: Array<[string, Text]> = [
    ['Database', `${m.database} (${PRODUCTS[m.engine]} ${m.serverVersion}, ${m.dumpTool.name} ${m.dumpTool.version})`],
    ['Backup id', code(m.backupId)],
    ['Stored at', code(result.location)],
    [
      'Size',
      `${formatBytes(result.sizeBytes)} stored, ${formatBytes(result.rawBytes)} dumped ` +
        `(ratio ${ratio}, ${compression.algorithm} level ${compression.level})`,
    ],
    ['Encryption', encryption],
    ['Duration', `${formatSeconds(result.durationSeconds)} (${formatRate(result.rawBytes, result.durationSeconds)})`],
    m.mongodb
      ? ['Collections', `${m.mongodb.collections.length} (consistency: ${mongoConsistency(m.mongodb)})`]
      : ['Tables', `${m.tables.length} (${exact} with exact row counts)`],
    [
      'Verification',
      `✅ archive lists data for ${verified.tableDataEntries} ${m.mongodb ? 'collections' : 'tables'} (expected ` +
        `${verified.expectedTables}); stored SHA-256 re-read and matched`,
    ],
    ['SHA-256', code(result.sha256)],
  ];
  const dropped = m.mongodb?.collections.filter((c) => c.droppedDuringBackup) ?? [];
  const title = ['Backup of ', code(m.database), ' complete'];
  if (dropped.length === 0) return { status: 'ok', title, blocks: [{ kind: 'facts', rows }] };
  // Complete, but not quite what was there when it began: say which collections went away meanwhile.
  const note: Inline[] = [
    'Dropped during the backup (the archive keeps what was read before the drop): ',
    ...dropped.flatMap((c, i): Inline[] => [...(i > 0 ? [', '] : []), code(c.name), ` (${c.documents} documents)`]),
  ];
  return {
    status: 'warning',
    title,
    blocks: [
      { kind: 'facts', rows },
      { kind: 'note', text: note },
    ],
  };
}

/** The action's outputs: the same result, as the strings a workflow's later steps read. */
export function backupOutputs(result: BackupResult): Record<string, string> {
  return {
    'backup-id': result.backupId,
    location: result.location,
    manifest: result.manifestLocation,
    size: String(result.sizeBytes),
    sha256: result.sha256,
    'duration-seconds': result.durationSeconds.toFixed(1),
    ...(result.rotation && 'deletedIds' in result.rotation
      ? { 'deleted-ids': result.rotation.deletedIds.join(',') }
      : {}),
  };
}

/** "per-collection", or "point-in-time as of 2026-12-06T23:01:24Z, 12 oplog entries from 1796598081:3 to 1796598084:43". */
function mongoConsistency(section: MongoManifestSection): string {
  const { consistency, oplog } = section;
  if (consistency !== 'point-in-time' || !oplog) return consistency;
  const time = (ts: { t: number; i: number }) => `${ts.t}:${ts.i}`;
  const asOf = new Date(oplog.end.t * 1000).toISOString().replace('.000Z', 'Z');
  return `point-in-time as of ${asOf}, ${oplog.entries} oplog ${oplog.entries === 1 ? 'entry' : 'entries'} from ${time(oplog.start)} to ${time(oplog.end)}`;
}
