import { backup } from '../operations/backup.js';
import { backupOutputs, backupSummary } from '../report/backup-summary.js';
import { backupRotationSummaries } from '../report/rotation-summary.js';
import { connectionInputs, PG_BIN_DIR_INPUT, readConnection } from './connection-inputs.js';
import { COMPRESSION_INPUTS, DUMP_SCOPE_INPUTS, readDumpOptions, readStatementTimeout } from './dump-inputs.js';
import { DUMP_JOBS_INPUT, readDumpJobs } from './dump-jobs-input.js';
import { ENCRYPTION_INPUTS, readEncryption } from './encryption-inputs.js';
import { operationContext } from './operation-context.js';
import { readBackupName } from './read-backup-name.js';
import { InputReader } from './read-inputs.js';
import { readRetentionPolicy, RETENTION_INPUTS } from './retention-inputs.js';
import { readS3Options, S3_INPUTS } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...connectionInputs(),
  PG_BIN_DIR_INPUT,
  {
    name: 'to',
    description: 'Where backups go: s3://bucket/prefix or a local directory.',
    type: 'string',
    required: true,
    env: ['DBOPS_TO'],
  },
  {
    name: 'name',
    description: 'Catalog name the backup is filed under (<to>/<name>/<backup-id>...). Defaults to the database name.',
    type: 'string',
  },
  ...COMPRESSION_INPUTS,
  ...ENCRYPTION_INPUTS,
  ...DUMP_SCOPE_INPUTS,
  DUMP_JOBS_INPUT,
  ...S3_INPUTS,
  {
    name: 'artifact-retention-days',
    description: 'With to: artifact://NAME, days GitHub keeps the backup artifact (1-90; rotation for artifacts).',
    type: 'integer',
    min: 1,
    max: 90,
  },
  ...RETENTION_INPUTS,
];

export const backupDefinition: ActionDefinition = {
  name: 'backup',
  description:
    'Back up a PostgreSQL or MongoDB database: pg_dump, or a mongodump-format archive, streamed through zstd and age encryption to S3 or a directory, verified, with a manifest.',
  inputs,
  outputs: [
    { name: 'backup-id', description: 'Id of the new backup (sortable, unique).' },
    { name: 'location', description: 'Full location of the backup object.' },
    { name: 'manifest', description: 'Full location of the manifest.' },
    { name: 'size', description: 'Stored size in bytes.' },
    { name: 'sha256', description: 'SHA-256 of the stored object.' },
    { name: 'duration-seconds', description: 'How long the backup took.' },
    { name: 'deleted-ids', description: 'Backups deleted by rotation after this backup (when a keep rule is set).' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const target = { ...(await readConnection(reader)), ...readStatementTimeout(reader) };
    const retention = readRetentionPolicy(reader);
    const result = await backup({
      ...(retention.any ? { rotation: { policy: retention.policy, graceSeconds: retention.graceSeconds } } : {}),
      target,
      to: reader.required('to', 's3://bucket/prefix or a directory path'),
      s3: readS3Options(reader),
      ...(reader.integer('artifact-retention-days')
        ? { artifactRetentionDays: reader.integer('artifact-retention-days')! }
        : {}),
      ...readBackupName(reader),
      ...readEncryption(reader, context.secrets),
      ...readDumpOptions(reader),
      ...readDumpJobs(reader),
      ...operationContext(context),
    });
    return {
      outputs: backupOutputs(result),
      results: [backupSummary(result), ...backupRotationSummaries(result.rotation)],
      json: result.manifest,
    };
  },
};
