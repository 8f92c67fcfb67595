import { parseTimeoutMs } from '../duration.js';
import { backup, type BackupResult } from '../operations/backup.js';
import { COMPRESSIONS, parseCompression, parseLevel } from '../pipeline/compression.js';
import { parsePgDumpArgs } from '../databases/postgres/dump.js';
import { readBackupName } from './read-backup-name.js';
import { readEncryption } from './read-encryption.js';
import { backupSummary } from '../report/backup-summary.js';
import { connectionInputs, PG_BIN_DIR_INPUT, readConnection } from './connection-inputs.js';
import { InputReader } from './read-inputs.js';
import { parseSize } from '../size.js';
import { readS3Options, S3_INPUTS } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';
import { operationContext } from './operation-context.js';
import { readRetentionPolicy, RETENTION_INPUTS } from './retention-inputs.js';
import { backupRotationSummaries } from '../report/rotation-summary.js';

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
  { name: 'compression', description: 'zstd, gzip or none.', type: 'enum', values: COMPRESSIONS, default: 'zstd' },
  {
    name: 'compression-level',
    description: 'zstd 1-19 (default 3), gzip 1-9 (default 6).',
    type: 'integer',
    min: 1,
    max: 19,
  },
  {
    name: 'encrypt-to',
    description: 'age recipients (age1..., comma- or newline-separated). Only public keys: the runner cannot decrypt.',
    type: 'list',
    env: ['DBOPS_ENCRYPT_TO'],
  },
  {
    name: 'encrypt-passphrase',
    description: 'Encrypt with an age passphrase instead of recipients.',
    type: 'string',
    secret: true,
    env: ['DBOPS_ENCRYPT_PASSPHRASE'],
  },
  { name: 'schemas', description: 'Only these schemas (pg_dump -n patterns, comma-separated).', type: 'list' },
  { name: 'exclude-schemas', description: 'Leave out these schemas (pg_dump -N patterns).', type: 'list' },
  {
    name: 'tables',
    description: 'Only these tables (pg_dump -t patterns, e.g. public.orders, audit.*).',
    type: 'list',
  },
  { name: 'exclude-tables', description: 'Leave out these tables (pg_dump -T patterns).', type: 'list' },
  {
    name: 'pg-dump-args',
    description: 'Extra pg_dump flags, e.g. "--no-owner --exclude-table-data=audit_log".',
    type: 'string',
  },
  {
    name: 'lock-wait-timeout',
    description:
      "How long the backup waits for a table lock before it fails naming the sessions in the way, e.g. 30m. Only an exclusive lock blocks it (a migration's ALTER TABLE, VACUUM FULL, a transaction left open); unbounded, such a wait can last for ever. 0s waits without limit.",
    default: '10m',
    type: 'duration',
  },
  {
    name: 'statement-timeout',
    description:
      "Limit for each of dbops's own queries (row counts, schema fingerprint), e.g. 10m; pg_dump itself is not limited.",
    type: 'duration',
  },
  {
    name: 'exact-count-max-size',
    description: 'Tables up to this size get exact row counts in the manifest (others the planner estimate).',
    default: '64MB',
    type: 'size',
  },
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
    'Back up a PostgreSQL database: pg_dump streamed through zstd and age encryption to S3 or a directory, verified, with a manifest.',
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
    const statementTimeout = reader.optional('statement-timeout');
    const target = {
      ...readConnection(reader),
      ...(statementTimeout ? { statementTimeoutMs: parseTimeoutMs(statementTimeout, 'statement-timeout', '10m') } : {}),
    };
    const retention = readRetentionPolicy(reader);
    const compression = parseCompression(reader.optional('compression'));
    const result = await backup({
      ...(retention.any ? { rotation: { policy: retention.policy, graceSeconds: retention.graceSeconds } } : {}),
      target,
      to: reader.required('to', 's3://bucket/prefix or a directory path'),
      s3: readS3Options(reader),
      ...(reader.integer('artifact-retention-days')
        ? { artifactRetentionDays: reader.integer('artifact-retention-days')! }
        : {}),
      ...readBackupName(reader),
      compression,
      compressionLevel: parseLevel(reader.optional('compression-level'), compression),
      ...readEncryption(reader, context.secrets),
      scope: {
        schemas: reader.list('schemas'),
        excludeSchemas: reader.list('exclude-schemas'),
        tables: reader.list('tables'),
        excludeTables: reader.list('exclude-tables'),
      },
      pgDumpArgs: parsePgDumpArgs(reader.optional('pg-dump-args')),
      ...(reader.optional('pg-bin-dir') ? { pgBinDir: reader.optional('pg-bin-dir')! } : {}),
      exactCountMaxBytes: parseSize(reader.optional('exact-count-max-size')!, 'exact-count-max-size'),
      lockWaitTimeoutMs: parseTimeoutMs(
        reader.optional('lock-wait-timeout')!,
        'lock-wait-timeout',
        '30m; or 0s to wait without limit',
      ),
      ...operationContext(context),
    });
    return {
      outputs: backupOutputs(result),
      results: [backupSummary(result), ...backupRotationSummaries(result.rotation)],
      json: result.manifest,
    };
  },
};

function backupOutputs(result: BackupResult): Record<string, string> {
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
