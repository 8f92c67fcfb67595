import { checksFailure, restoreTest } from '../operations/restore-test.js';
import { restoreTestJson, restoreTestOutputs, restoreTestSummary } from '../report/restore-summary.js';
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
import { RESTORE_CHECK_INPUTS, readRestoreChecks } from './restore-check-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...backupSourceInputs(BACKUP_ID_INPUT, NAME_FILTER_INPUT, DATABASE_FILTER_INPUT),
  ...connectionInputs('target-url', ['DBOPS_TARGET_URL']),
  PG_BIN_DIR_INPUT,
  ...DECRYPTION_INPUTS,
  ...RESTORE_CHECK_INPUTS,
  {
    name: 'jobs',
    description: 'pg_restore parallel jobs (default: the cores, 2 to 8).',
    type: 'integer',
    min: 1,
    max: 64,
  },
];

export const restoreTestDefinition: ActionDefinition = {
  name: 'restore-test',
  description:
    'Prove a backup restores: fetch, verify, decrypt and restore it into a scratch database, then check tables, row counts, schema, your queries, RPO and RTO.',
  inputs,
  outputs: [
    { name: 'backup-id', description: 'The backup that was tested.' },
    { name: 'restored-bytes', description: 'Size of the restored pg_dump archive.' },
    { name: 'restore-seconds', description: 'Measured time to fetch, verify and restore (the RTO).' },
    { name: 'tables', description: 'Tables restored.' },
    { name: 'rows', description: 'Rows restored.' },
    { name: 'checks-passed', description: 'Checks that passed.' },
    { name: 'checks-failed', description: 'Checks that failed.' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const result = await restoreTest({
      ...(await readRestoreInputs(reader, context)),
      ...(await readRestoreChecks(reader)),
    });
    const failure = checksFailure(result);
    return {
      outputs: restoreTestOutputs(result),
      results: [restoreTestSummary(result)],
      json: restoreTestJson(result),
      ...(failure ? { failure } : {}),
    };
  },
};
