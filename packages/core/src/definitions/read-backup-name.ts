import { invalidInput } from '../errors.js';
import { isSafetyBackupName, parseBackupName } from '../manifest/layout.js';
import type { InputReader } from './read-inputs.js';

/**
 * The catalog name a backup is filed under, from `input` (backup's name, migrate-deploy's backup-name); pre-restore/
 * belongs to the safety backups that restore takes, which rotation keeps apart.
 */
export function readBackupName(reader: InputReader, input = 'name'): { name?: string } {
  const text = reader.optional(input);
  if (text === undefined) return {};
  const name = parseBackupName(text, input);
  if (isSafetyBackupName(name)) {
    throw invalidInput(
      input,
      `'${name}' is in pre-restore/, where restores file their safety backups`,
      'another name, e.g. prod/app; pre-restore/<name> is only for dbops restore',
    );
  }
  return { name };
}
