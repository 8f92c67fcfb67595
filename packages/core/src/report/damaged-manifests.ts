import type { DamagedManifest } from '../manifest/catalog.js';
import { code, type Result } from './result.js';

/** The manifests a run could not read, each with its name and backup, and what to do (none when all were read). */
export function damagedSummary(damaged: DamagedManifest[]): Result[] {
  if (damaged.length === 0) return [];
  const items = damaged.map((d) => [
    code(d.key),
    ` (name ${d.name}, backup `,
    code(d.backupId),
    `): ${d.error.message}`,
  ]);
  const hint = damaged[0]!.error.hint;
  return [
    {
      status: 'failure',
      title: `${damaged.length} damaged manifest(s): their names fail closed`,
      blocks: [{ kind: 'list', items }, ...(hint ? [{ kind: 'note' as const, text: hint }] : [])],
    },
  ];
}
