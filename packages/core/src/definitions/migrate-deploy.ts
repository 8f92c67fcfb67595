import { connectionInputs, readConnection } from './connection-inputs.js';
import { MIGRATION_CHECK_INPUTS } from './migrate-check-inputs.js';
import { MIGRATE_OUTPUTS, MIGRATION_DEPLOY_INPUTS, MIGRATION_SOURCE_INPUTS, runMigrate } from './migrate-inputs.js';
import {
  commentOnFailure,
  commentOnPullRequest,
  migrateCommentKey,
  PR_COMMENT_INPUTS,
  PR_COMMENT_KEY,
} from './migrate-pr-comment.js';
import { InputReader } from './read-inputs.js';
import type { ActionDefinition, ActionReport, InputDefinition, RawInputs, RunContext } from './types.js';

const MODES = ['deploy', 'status', 'check'] as const;

const inputs: InputDefinition[] = [
  ...connectionInputs(),
  {
    name: 'mode',
    description:
      'deploy: back up, then apply the pending migrations. status: read and lint only, change nothing (fails where deploy would). check: rehearse the pending migrations on a scratch database on target-url, measuring their locks; database-url is never touched.',
    type: 'enum',
    values: MODES,
    default: 'deploy',
  },
  ...MIGRATION_SOURCE_INPUTS,
  ...MIGRATION_DEPLOY_INPUTS,
  ...MIGRATION_CHECK_INPUTS,
  ...PR_COMMENT_INPUTS,
];

export const migrateDeployDefinition: ActionDefinition = {
  name: 'migrate-deploy',
  description:
    'Apply database migrations safely: status and blockers with exact recovery steps, lint against the live tables, a verified backup first, one deploy at a time, and what changed.',
  inputs,
  outputs: MIGRATE_OUTPUTS,
  run: async (raw, context) => {
    const reader = new InputReader(inputs, raw, context.env);
    const mode = reader.oneOf('mode') as (typeof MODES)[number];
    // Checked before the deploy: an invalid value found after it would lose the report of what was applied.
    const comment = reader.boolean('comment-on-pr');
    const key = comment ? await commentKey(reader, mode, raw, context) : PR_COMMENT_KEY;
    let report: ActionReport;
    try {
      report = await runMigrate(inputs, mode, raw, context);
    } catch (error) {
      if (comment) await commentOnFailure(reader, error, context, key);
      throw error;
    }
    if (comment) await commentOnPullRequest(reader, report, context, key);
    return report;
  },
};

/**
 * The comment's key, from the job's alert-key (a notification input, read from the raw inputs as withNotifications
 * does) or its database; a database that cannot be read here is left to the run to report.
 */
async function commentKey(reader: InputReader, mode: string, raw: RawInputs, context: RunContext): Promise<string> {
  const alertKey = raw['alert-key']?.trim() || context.env.DBOPS_ALERT_KEY?.trim() || undefined;
  const target = alertKey ? undefined : await readConnection(reader).catch(() => undefined);
  return migrateCommentKey(mode, alertKey, target);
}
