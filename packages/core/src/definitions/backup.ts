import { invalidInput } from '../errors.js';
import { parseTimeoutMs } from '../duration.js';
import { backup, type BackupResult } from '../operations/backup.js';
import { COMPRESSIONS, parseCompression, parseLevel } from '../pipeline/compression.js';
import { parseRecipient } from '../crypto/age/index.js';
import { parsePgDumpArgs } from '../databases/postgres/dump.js';
import { isSafetyBackupName, parseBackupName } from '../manifest/layout.js';
import { renderBackupSummary } from '../report/backup-summary.js';
import { connectionInputs, PG_BIN_DIR_INPUT, readConnection } from './connection-inputs.js';
import { InputReader } from './read-inputs.js';
import { parseSize } from '../size.js';
import { readS3Options, S3_INPUTS } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';
import { readRetentionPolicy, RETENTION_INPUTS } from './retention-inputs.js';
import { openStorage } from '../storage/index.js';
import { executeRotation, planRotation, warnSetAside } from '../retention/plan.js';
import { renderRotation } from '../report/rotation-summary.js';

const inputs: InputDefinition[] = [
  ...connectionInputs(),
  PG_BIN_DIR_INPUT,
  { name: 'to', description: 'Where backups go: s3://bucket/prefix or a local directory.', type: 'string', required: true, env: ['DBOPS_TO'] },
  { name: 'name', description: 'Catalog name the backup is filed under (<to>/<name>/<backup-id>...). Defaults to the database name.', type: 'string' },
  { name: 'compression', description: 'zstd, gzip or none.', type: 'enum', values: COMPRESSIONS, default: 'zstd' },
  { name: 'compression-level', description: 'zstd 1-19 (default 3), gzip 1-9 (default 6).', type: 'integer', min: 1, max: 19 },
  { name: 'encrypt-to', description: 'age recipients (age1..., comma- or newline-separated). Only public keys: the runner cannot decrypt.', type: 'list', env: ['DBOPS_ENCRYPT_TO'] },
  { name: 'encrypt-passphrase', description: 'Encrypt with an age passphrase instead of recipients.', type: 'string', secret: true, env: ['DBOPS_ENCRYPT_PASSPHRASE'] },
  { name: 'schemas', description: 'Only these schemas (pg_dump -n patterns, comma-separated).', type: 'list' },
  { name: 'exclude-schemas', description: 'Leave out these schemas (pg_dump -N patterns).', type: 'list' },
  { name: 'tables', description: 'Only these tables (pg_dump -t patterns, e.g. public.orders, audit.*).', type: 'list' },
  { name: 'exclude-tables', description: 'Leave out these tables (pg_dump -T patterns).', type: 'list' },
  { name: 'pg-dump-args', description: 'Extra pg_dump flags, e.g. "--no-owner --exclude-table-data=audit_log".', type: 'string' },
  { name: 'lock-wait-timeout', description: 'How long the backup waits for a table lock before it fails naming the sessions in the way, e.g. 30m. Only an exclusive lock blocks it (a migration\'s ALTER TABLE, VACUUM FULL, a transaction left open); unbounded, such a wait can last for ever. 0s waits without limit.', default: '10m', type: 'duration' },
  { name: 'statement-timeout', description: 'Limit for each of dbops\'s own queries (row counts, schema fingerprint), e.g. 10m; pg_dump itself is not limited.', type: 'duration' },
  { name: 'exact-count-max-size', description: 'Tables up to this size get exact row counts in the manifest (others the planner estimate).', default: '64MB', type: 'size' },
  ...S3_INPUTS,
  { name: 'artifact-retention-days', description: 'With to: artifact://NAME, days GitHub keeps the backup artifact (1-90; rotation for artifacts).', type: 'integer', min: 1, max: 90 },
  ...RETENTION_INPUTS,
];

export const backupDefinition: ActionDefinition = {
  name: 'backup',
  description: 'Back up a PostgreSQL database: pg_dump streamed through zstd and age encryption to S3 or a directory, verified, with a manifest.',
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
    const target = { ...readConnection(reader), ...(statementTimeout ? { statementTimeoutMs: parseTimeoutMs(statementTimeout, 'statement-timeout', '10m') } : {}) };
    const retention = readRetentionPolicy(reader);
    const compression = parseCompression(reader.optional('compression'));
    const recipients = reader.list('encrypt-to').map((text) => {
      if (/^AGE-SECRET-KEY-/i.test(text)) {
        // A secret key pasted where the public key belongs: mask it and refuse it.
        context.secrets.add(text);
        throw invalidInput('encrypt-to', 'holds an age secret key, not a recipient', 'the public key (age1...) printed by `age-keygen -y`; keep the secret key out of the backup job');
      }
      return parseRecipient(text, 'encrypt-to');
    });
    const passphrase = reader.optional('encrypt-passphrase');
    if (recipients.length > 0 && passphrase) {
      throw invalidInput('encrypt-passphrase', 'cannot be combined with encrypt-to', "either recipients or a passphrase: age's passphrase recipient must be a file's only recipient");
    }
    const name = readName(reader);
    const result = await backup({
      target,
      to: reader.required('to', 's3://bucket/prefix or a directory path'),
      s3: readS3Options(reader),
      ...(context.artifacts ? { artifacts: context.artifacts } : {}),
      ...(reader.integer('artifact-retention-days') ? { artifactRetentionDays: reader.integer('artifact-retention-days')! } : {}),
      ...(name ? { name } : {}),
      compression,
      compressionLevel: parseLevel(reader.optional('compression-level'), compression),
      recipients,
      ...(passphrase ? { passphrase } : {}),
      scope: {
        schemas: reader.list('schemas'),
        excludeSchemas: reader.list('exclude-schemas'),
        tables: reader.list('tables'),
        excludeTables: reader.list('exclude-tables'),
      },
      pgDumpArgs: parsePgDumpArgs(reader.optional('pg-dump-args')),
      ...(reader.optional('pg-bin-dir') ? { pgBinDir: reader.optional('pg-bin-dir')! } : {}),
      exactCountMaxBytes: parseSize(reader.optional('exact-count-max-size')!, 'exact-count-max-size'),
      lockWaitTimeoutMs: parseTimeoutMs(reader.optional('lock-wait-timeout')!, 'lock-wait-timeout', '30m; or 0s to wait without limit'),
      ...(context.github ? { github: context.github } : {}),
      env: context.env,
      secrets: context.secrets,
      log: context.log,
      signal: context.signal,
    });
    const outputs = backupOutputs(result);
    let summary = renderBackupSummary(result);
    if (retention.any && result.storage.startsWith('artifact://')) {
      context.log.warn('Keep rules do not apply to artifact:// storage: GitHub deletes artifacts after artifact-retention-days.');
    } else if (retention.any) {
      // Rotation is part of the job but not of the backup: a failed rotation is a warning, the backup stands.
      try {
        const storage = await openStorage(reader.required('to', 's3://bucket/prefix or a directory path'), { inputName: 'to', s3: readS3Options(reader), ...(context.artifacts ? { artifacts: context.artifacts } : {}) });
        const plan = await planRotation(storage, result.manifest.name, retention.policy, { now: new Date(), graceSeconds: retention.graceSeconds });
        warnSetAside(plan, context.log);
        const rotated = await executeRotation(storage, plan, context.log);
        outputs['deleted-ids'] = rotated.deleted.join(',');
        summary += `\n${renderRotation(plan, false, new Date())}`;
      } catch (error) {
        context.log.warn(`Rotation after the backup failed: ${(error as Error).message}`);
        summary += `\n⚠️ Rotation failed: ${(error as Error).message}\n`;
      }
    }
    return { outputs, summary, json: result.manifest };
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
  };
}

/** The catalog name; pre-restore/ belongs to the safety backups that restore takes, which rotation keeps apart. */
function readName(reader: InputReader): string | undefined {
  const text = reader.optional('name');
  if (text === undefined) return undefined;
  const name = parseBackupName(text);
  if (isSafetyBackupName(name)) {
    throw invalidInput('name', `'${name}' is in pre-restore/, where restores file their safety backups`, 'another name, e.g. prod/app; pre-restore/<name> is only for dbops restore');
  }
  return name;
}
