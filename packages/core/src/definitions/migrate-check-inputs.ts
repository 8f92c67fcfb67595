import { parseTimeoutMs } from '../duration.js';
import type { MigrateCheckOptions } from '../operations/migrate-check.js';
import { DECRYPTION_INPUTS, readDecryption } from './backup-source-inputs.js';
import { parsePgTarget, type PgTarget } from '../databases/postgres/target.js';
import { invalidInput } from '../errors.js';
import { readConnection } from './connection-inputs.js';
import type { InputReader } from './read-inputs.js';
import { readS3Options } from './storage-inputs.js';
import type { InputDefinition, RunContext } from './types.js';

/** check mode's own inputs: the scratch server, the backup a copy comes from, and the rehearsal's thresholds. */
export const MIGRATION_CHECK_INPUTS: InputDefinition[] = [
  {
    name: 'target-url',
    description:
      "check mode: a disposable PostgreSQL server (a service container) where a scratch database is made and the pending migrations are rehearsed. Never the database-url database. The URL says everything (sslmode and sslrootcert as its parameters): host, port, dbname, user, password and sslmode are production's inputs and do not apply to it.",
    type: 'url',
    schemes: ['postgres', 'postgresql'],
    secret: true,
    env: ['DBOPS_TARGET_URL'],
  },
  {
    name: 'rehearse-from',
    description:
      'check mode: where the backups are (s3://bucket/prefix or a directory); the newest is restored into the scratch database. Without it, the migrations build the schema in an empty one.',
    type: 'string',
  },
  ...DECRYPTION_INPUTS,
  {
    name: 'max-lock-time',
    description: 'check mode: fail when a migration holds a lock that blocks writes longer than this, e.g. 5s.',
    type: 'duration',
  },
  {
    name: 'max-duration',
    description: 'check mode: fail when a migration runs longer than this, e.g. 2m.',
    type: 'duration',
  },
];

/**
 * check mode's settings from MIGRATION_CHECK_INPUTS, and production's connection inputs (database-url or host,
 * dbname...) only to refuse it as the target.
 */
export async function readCheckSettings(
  reader: InputReader,
  context: RunContext,
): Promise<Pick<MigrateCheckOptions, 'target' | 'production' | 'rehearseFrom' | 'maxLockTimeMs' | 'maxDurationMs'>> {
  const from = reader.optional('rehearse-from');
  const maxLock = reader.optional('max-lock-time');
  const maxDuration = reader.optional('max-duration');
  return {
    target: readScratchServer(reader),
    ...(namesProduction(reader) ? { production: await readConnection(reader) } : {}),
    ...(from
      ? {
          rehearseFrom: {
            from,
            s3: readS3Options(reader),
            decryption: readDecryption(reader, context.secrets),
            ...(context.artifacts ? { artifacts: context.artifacts } : {}),
          },
        }
      : {}),
    ...(maxLock ? { maxLockTimeMs: parseTimeoutMs(maxLock, 'max-lock-time', '5s') } : {}),
    ...(maxDuration ? { maxDurationMs: parseTimeoutMs(maxDuration, 'max-duration', '2m') } : {}),
  };
}

/**
 * target-url alone: host, port, dbname, user, password and sslmode are production's inputs (database-url's parts), so
 * they must not override target-url's; nor may the job's PGSERVICE or PGPASSWORD (production's, in a pipeline that
 * also deploys) fill in what target-url leaves out. A password file (~/.pgpass) still applies: it is keyed by server.
 */
function readScratchServer(reader: InputReader): PgTarget {
  const url = reader.optional('target-url');
  if (!url) {
    throw invalidInput(
      'target-url',
      'is required in check mode',
      'the URL of a disposable PostgreSQL server, e.g. postgres://postgres:postgres@localhost:5432/postgres (a service container)',
    );
  }
  const { PGSERVICE: _service, ...env } = reader.env;
  const connectTimeout = reader.given('connect-timeout') ? reader.integer('connect-timeout') : undefined;
  return parsePgTarget(
    { url, env, ...(connectTimeout ? { connectTimeoutSeconds: connectTimeout } : {}) },
    'target-url',
  );
}

/** Production is named by database-url or by its separate parts (as readConnection reads them). */
function namesProduction(reader: InputReader): boolean {
  return Boolean(reader.optional('database-url') || reader.given('host') || reader.given('dbname'));
}
