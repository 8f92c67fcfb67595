import { restore, restoreChecksFailure } from '../operations/restore.js';
import { restoreJson, restoreOutputs, restoreSummary } from '../report/restore-summary.js';
import { parseLocation } from '../storage/index.js';
import {
  BACKUP_ID_INPUT,
  backupSourceInputs,
  DATABASE_FILTER_INPUT,
  DECRYPTION_INPUTS,
  NAME_FILTER_INPUT,
  readRestoreInputs,
} from './backup-source-inputs.js';
import { connectionInputs, PG_BIN_DIR_INPUT } from './connection-inputs.js';
import { InputReader } from './read-inputs.js';
import { RESTORE_INPUTS } from './restore-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...backupSourceInputs(BACKUP_ID_INPUT, NAME_FILTER_INPUT, DATABASE_FILTER_INPUT),
  ...connectionInputs('target-url', ['DBOPS_TARGET_URL']),
  PG_BIN_DIR_INPUT,
  ...DECRYPTION_INPUTS,
  ...RESTORE_INPUTS,
];

export const restoreDefinition: ActionDefinition = {
  name: 'restore',
  description: 'Restore a backup into a database for a real recovery, with a safety backup of the target first.',
  cliOnly: true,
  inputs,
  outputs: [
    { name: 'backup-id', description: 'The backup that was restored.' },
    { name: 'safety-backup-id', description: 'The safety backup of the target taken before restoring, if any.' },
    { name: 'restore-seconds', description: 'Time to fetch, verify and restore.' },
    { name: 'rows', description: 'Rows restored.' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const safetyTo = reader.optional('safety-backup-to');
    if (safetyTo) parseLocation(safetyTo, 'safety-backup-to'); // a malformed one fails now, not after the download
    const sourceDatabase = reader.optional('source-database');
    const result = await restore({
      ...(await readRestoreInputs(reader, context)),
      clean: reader.boolean('clean') || reader.boolean('force'),
      safetyBackup: reader.boolean('safety-backup'),
      ...(safetyTo ? { safetyBackupTo: safetyTo } : {}),
      noOwner: reader.boolean('no-owner'),
      preserveUuids: reader.boolean('preserve-uuids'),
      choice: {
        ...(sourceDatabase !== undefined ? { sourceDatabase } : {}),
        allDatabases: reader.boolean('all-databases'),
      },
    });
    const failure = restoreChecksFailure(result);
    return {
      outputs: restoreOutputs(result),
      results: [restoreSummary(result)],
      json: restoreJson(result),
      ...(failure ? { failure } : {}),
    };
  },
};
