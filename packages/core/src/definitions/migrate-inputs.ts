import { resolve } from 'node:path';
import { FULL_SCOPE } from '../databases/engine.js';
import { parseTimeoutMs } from '../duration.js';
import { invalidInput } from '../errors.js';
import { DEFAULT_BIG_TABLE } from '../migrations/lint/lint.js';
import type { MigrationTool } from '../migrations/source.js';
import {
  LINT_FAIL_ON,
  type LintFailOn,
  migrateDeploy,
  type MigrateOptions,
  type MigrateResult,
  RESOLVE_FAILED,
} from '../operations/migrate-deploy.js';
import { migrateCheck } from '../operations/migrate-check.js';
import { migrateOutputs, migrateSummary } from '../report/migrate-summary.js';
import { parseSize } from '../size.js';
import { PG_BIN_DIR_INPUT, readConnection } from './connection-inputs.js';
import { COMPRESSION_INPUTS, readCompression } from './dump-inputs.js';
import { ENCRYPTION_INPUTS, readEncryption } from './encryption-inputs.js';
import { readCheckSettings } from './migrate-check-inputs.js';
import { operationContext } from './operation-context.js';
import { InputReader } from './read-inputs.js';
import { readBackupName } from './read-backup-name.js';
import { readS3Options, S3_INPUTS } from './storage-inputs.js';
import type { ActionReport, InputDefinition, RawInputs, RunContext } from './types.js';

/** What migrate-deploy and migrate-status share: where the migrations are, how they are linted, how a deploy runs. */
const TOOLS: readonly MigrationTool[] = ['prisma', 'node-pg-migrate', 'sql'];

/** Where the migrations are and how they are applied: the same for every mode. */
export const MIGRATION_SOURCE_INPUTS: InputDefinition[] = [
  {
    name: 'working-directory',
    description: 'The project folder (where package.json and the Prisma schema are); the command runs there.',
    type: 'string',
    default: '.',
  },
  {
    name: 'migrations',
    description:
      "The migrations folder, relative to working-directory. Found from the project when absent (prisma.config.ts, package.json's prisma.schema, prisma/schema.prisma; node-pg-migrate's migrations/).",
    type: 'string',
  },
  {
    name: 'tool',
    description: 'The migration tool (prisma, node-pg-migrate or sql), when the folder alone does not say.',
    type: 'enum',
    values: TOOLS,
  },
  {
    name: 'command',
    description:
      'The shell command that applies the migrations. Default: `npx prisma migrate deploy` for Prisma, `npx node-pg-migrate up` for node-pg-migrate; required for plain SQL. It gets DATABASE_URL and PG* variables in its environment, never in argv.',
    type: 'string',
  },
  {
    name: 'lint-fail-on',
    description:
      'Fail (before anything runs) on lint findings of this severity or worse (error, warning, or never to report only). A lock or rewrite of a table at least big-table-size or big-table-rows is an error; of a smaller one, info.',
    type: 'enum',
    values: LINT_FAIL_ON,
    default: 'error',
  },
  { name: 'big-table-size', description: 'A table this big or bigger is big.', type: 'size', default: '100MB' },
  {
    name: 'big-table-rows',
    description: 'A table with this many rows (the planner estimate) or more is big.',
    type: 'integer',
    default: String(DEFAULT_BIG_TABLE.rows),
  },
];

/** How the deploy itself runs: its timeouts and the backup before it. */
export const MIGRATION_DEPLOY_INPUTS: InputDefinition[] = [
  {
    name: 'lock-timeout',
    description:
      "lock_timeout for the command's sessions (PGOPTIONS): a migration queued behind a long transaction fails after this instead of blocking every query behind it. 0s for none.",
    type: 'duration',
    default: '5s',
  },
  {
    name: 'statement-timeout',
    description: "statement_timeout for the command's sessions (PGOPTIONS), e.g. 15m. None by default.",
    type: 'duration',
  },
  {
    name: 'deploy-lock-timeout',
    description:
      'How long to wait for another dbops deploy of the same database to finish (one at a time); the error names the holder.',
    type: 'duration',
    default: '10m',
  },
  {
    name: 'resolve-failed',
    description:
      'never, or rolled-back: mark a failed Prisma migration rolled back (so the next deploy runs it again), only when the schema fingerprint proves nothing of it was applied.',
    type: 'enum',
    values: RESOLVE_FAILED,
    default: 'never',
  },
  {
    name: 'backup',
    description: 'Take a verified backup before migrating. false is the only way to deploy without backup-to.',
    type: 'boolean',
    default: 'true',
  },
  {
    name: 'backup-to',
    description: 'Where the pre-deploy backup goes: s3://bucket/prefix or a local directory.',
    type: 'string',
    env: ['DBOPS_BACKUP_TO'],
  },
  {
    name: 'backup-name',
    description:
      'Catalog name of the pre-deploy backup, as backup\'s name: letters, digits, ".", "_", "-" in "/"-separated segments, not under pre-restore/ (restores\' safety backups). Defaults to the database name.',
    type: 'string',
  },
  PG_BIN_DIR_INPUT,
  ...COMPRESSION_INPUTS,
  ...ENCRYPTION_INPUTS,
  ...S3_INPUTS,
];

export const MIGRATE_OUTPUTS = [
  { name: 'pending-count', description: 'How many migrations are pending (after a deploy: still pending).' },
  { name: 'pending', description: 'The pending migrations, one per line.' },
  { name: 'failed', description: 'The failed migrations, one per line.' },
  { name: 'applied', description: 'The migrations this run applied, one per line.' },
  { name: 'backup-id', description: 'The backup taken before migrating.' },
  { name: 'lint-errors', description: 'How many lint findings are errors.' },
  { name: 'lint-warnings', description: 'How many lint findings are warnings.' },
];

/** Runs migrate-deploy in `mode`, reading the inputs of the definition that called it. */
export async function runMigrate(
  definitionInputs: InputDefinition[],
  mode: MigrateResult['mode'],
  raw: RawInputs,
  context: RunContext,
): Promise<ActionReport> {
  const reader = new InputReader(definitionInputs, raw, context.env);
  const projectDir = resolve(reader.optional('working-directory') ?? '.');
  const tool = reader.optional('tool') ? (reader.oneOf('tool') as MigrationTool) : undefined;
  const migrationsPath = reader.optional('migrations');
  const command = reader.optional('command');
  const common = {
    project: { projectDir, ...(migrationsPath ? { path: migrationsPath } : {}), ...(tool ? { tool } : {}) },
    ...(command ? { command } : {}),
    lintFailOn: reader.oneOf('lint-fail-on') as LintFailOn,
    bigTable: {
      bytes: parseSize(reader.optional('big-table-size')!, 'big-table-size'),
      rows: reader.integer('big-table-rows') ?? DEFAULT_BIG_TABLE.rows,
    },
    ...operationContext(context),
  };
  const result =
    mode === 'check'
      ? await migrateCheck({ ...common, ...readTimeouts(reader), ...(await readCheckSettings(reader, context)) })
      : await migrateDeploy({
          ...common,
          mode,
          target: await readConnection(reader),
          ...(mode === 'deploy' ? readDeploySettings(reader, context) : { lockTimeoutMs: 0, deployLockTimeoutMs: 0 }),
        });
  return {
    outputs: migrateOutputs(result),
    results: [migrateSummary(result, projectDir)],
    json: result,
    ...(result.failure ? { failure: result.failure } : {}),
  };
}

/** The command's lock_timeout and statement_timeout (PGOPTIONS). */
function readTimeouts(reader: InputReader): { lockTimeoutMs: number; statementTimeoutMs?: number } {
  const statement = reader.optional('statement-timeout');
  return {
    lockTimeoutMs: parseTimeoutMs(reader.optional('lock-timeout')!, 'lock-timeout', '5s; or 0s for none'),
    ...(statement ? { statementTimeoutMs: parseTimeoutMs(statement, 'statement-timeout', '15m') } : {}),
  };
}

function readDeploySettings(reader: InputReader, context: RunContext) {
  return {
    ...readTimeouts(reader),
    deployLockTimeoutMs: parseTimeoutMs(reader.optional('deploy-lock-timeout')!, 'deploy-lock-timeout', '10m'),
    resolveFailed: reader.oneOf('resolve-failed') as MigrateOptions['resolveFailed'],
    ...readBackup(reader, context),
  };
}

/** backup-to is required unless backup: false is said explicitly: no backup, no migration. */
function readBackup(reader: InputReader, context: RunContext): Pick<MigrateOptions, 'backup'> {
  const to = reader.optional('backup-to');
  if (!reader.boolean('backup')) {
    if (to)
      throw invalidInput(
        'backup',
        'is false, but backup-to is set',
        'either backup-to (recommended) or backup: false, not both',
      );
    return {};
  }
  if (!to) {
    throw invalidInput(
      'backup-to',
      'is required: migrate-deploy takes a verified backup before migrating',
      's3://bucket/prefix or a directory; or backup: false to deploy without a backup (not recommended)',
    );
  }
  return {
    backup: {
      to,
      toInput: 'backup-to',
      s3: readS3Options(reader),
      ...readBackupName(reader, 'backup-name'),
      ...readCompression(reader),
      ...readEncryption(reader, context.secrets),
      scope: FULL_SCOPE,
      pgDumpArgs: [],
      ...(reader.optional('pg-bin-dir') ? { pgBinDir: reader.optional('pg-bin-dir')! } : {}),
      exactCountMaxBytes: 64 * 1024 * 1024,
      lockWaitTimeoutMs: 10 * 60_000,
      ...(context.github ? { github: context.github } : {}),
      ...(context.artifacts ? { artifacts: context.artifacts } : {}),
    },
  };
}
