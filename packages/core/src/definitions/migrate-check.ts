import { connectionInputs } from './connection-inputs.js';
import { MIGRATION_CHECK_INPUTS } from './migrate-check-inputs.js';
import { MIGRATE_OUTPUTS, MIGRATION_DEPLOY_INPUTS, MIGRATION_SOURCE_INPUTS, runMigrate } from './migrate-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

/** Of the deploy's inputs: the command's timeouts and pg_restore's folder (with the S3 settings, for rehearse-from). */
const CHECK_USES = new Set(['lock-timeout', 'statement-timeout', 'pg-bin-dir']);

const inputs: InputDefinition[] = [
  ...connectionInputs(),
  ...MIGRATION_SOURCE_INPUTS,
  ...MIGRATION_DEPLOY_INPUTS.filter((i) => CHECK_USES.has(i.name) || i.name.startsWith('s3-')),
  ...MIGRATION_CHECK_INPUTS,
];

/** `dbops migrate-check`: migrate-deploy's check mode, a command of its own in a terminal. */
export const migrateCheckDefinition: ActionDefinition = {
  name: 'migrate-check',
  description:
    'Rehearse the pending migrations on a scratch database (the newest backup restored, or empty) on target-url: status, lint, and each migration’s locks and duration. Changes nothing else.',
  cliOnly: true,
  inputs,
  outputs: MIGRATE_OUTPUTS,
  run: (raw, context) => runMigrate(inputs, 'check', raw, context),
};
