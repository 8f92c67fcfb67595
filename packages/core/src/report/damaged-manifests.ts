import type { DamagedManifest } from '../manifest/catalog.js';

/** The manifests a run could not read, each with its name and backup, and what to do ('' when there are none). */
export function renderDamaged(damaged: DamagedManifest[]): string {
  if (damaged.length === 0) return '';
  return [
    '',
    `### ❌ ${damaged.length} damaged manifest(s): their names fail closed`,
    '',
    ...damaged.map((d) => `- \`${d.key}\` (name ${d.name}, backup \`${d.backupId}\`): ${d.error.message}`),
    '',
    damaged[0]!.error.hint ?? '',
    '',
  ].join('\n');
}
