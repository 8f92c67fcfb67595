import { connectionInputs } from './connection-inputs.js';
import { MIGRATE_OUTPUTS, MIGRATION_SOURCE_INPUTS, runMigrate } from './migrate-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [...connectionInputs(), ...MIGRATION_SOURCE_INPUTS];

/** `dbops migrate-status`: migrate-deploy's status mode, a command of its own in a terminal. */
export const migrateStatusDefinition: ActionDefinition = {
  name: 'migrate-status',
  description:
    'Where each migration stands, what blocks a deploy (with the exact recovery steps), and lint of the pending ones. Changes nothing.',
  cliOnly: true,
  inputs,
  outputs: MIGRATE_OUTPUTS,
  run: (raw, context) => runMigrate(inputs, 'status', raw, context),
};
