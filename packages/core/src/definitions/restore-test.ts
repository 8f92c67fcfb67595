import { DbopsError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { restoreTest, type RestoreTestResult } from '../operations/restore-test.js';
import { readChecksFile } from '../restore/checks.js';
import { restoreTestSummary } from '../report/restore-summary.js';
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
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...backupSourceInputs(BACKUP_ID_INPUT, NAME_FILTER_INPUT, DATABASE_FILTER_INPUT),
  ...connectionInputs('target-url', ['DBOPS_TARGET_URL']),
  PG_BIN_DIR_INPUT,
  ...DECRYPTION_INPUTS,
  { name: 'max-age', description: 'Fail when the backup is older than this (the RPO), e.g. 26h.', type: 'duration' },
  {
    name: 'max-restore-time',
    description: 'Fail when fetching and restoring takes longer (the RTO), e.g. 15m.',
    type: 'duration',
  },
  {
    name: 'checks',
    description:
      'A .sql file of checks: "-- name: ..." then one query (run read-only) returning true or a non-zero count.',
    type: 'string',
  },
  {
    name: 'keep',
    description: 'Keep the scratch database after the test (to inspect it).',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'record',
    description:
      'When every check passes, write a verification record beside the manifest (rotation counts verified backups). Needs write access to from.',
    default: 'true',
    type: 'boolean',
  },
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
    const maxAge = reader.optional('max-age');
    const maxRestoreTime = reader.optional('max-restore-time');
    const checksFile = reader.optional('checks');
    const result = await restoreTest({
      ...readRestoreInputs(reader, context),
      ...(maxAge ? { maxAgeSeconds: parseDuration(maxAge, 'max-age') } : {}),
      ...(maxRestoreTime ? { maxRestoreSeconds: parseDuration(maxRestoreTime, 'max-restore-time') } : {}),
      checks: checksFile ? await readChecksFile(checksFile) : [],
      keep: reader.boolean('keep'),
      record: reader.boolean('record'),
    });
    const failed = result.checks.filter((c) => !c.passed);
    return {
      outputs: restoreTestOutputs(result),
      results: [restoreTestSummary(result)],
      json: {
        ...result,
        manifest: undefined,
        backup: {
          name: result.manifest.name,
          database: result.manifest.database,
          finishedAt: result.manifest.finishedAt,
        },
      },
      ...(failed.length > 0
        ? {
            failure: new DbopsError(
              'CHECK_FAILED',
              `${failed.length} of ${result.checks.length} restore checks failed: ${failed.map((c) => c.name).join(', ')}`,
              { hint: "See the table in the job summary for each check's detail." },
            ),
          }
        : {}),
    };
  },
};

function restoreTestOutputs(result: RestoreTestResult): Record<string, string> {
  return {
    'backup-id': result.backupId,
    'restored-bytes': String(result.restoredBytes),
    'restore-seconds': result.restoreSeconds.toFixed(1),
    tables: String(result.tables),
    rows: String(result.rows),
    'checks-passed': String(result.checks.filter((c) => c.passed).length),
    'checks-failed': String(result.checks.filter((c) => !c.passed).length),
  };
}
