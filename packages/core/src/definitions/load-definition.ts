import { withNotifications } from './notifications.js';
import type { ActionDefinition } from './types.js';

/**
 * One action's definition, imported when it runs. The actions share one bundle (actions/dist), and a module that
 * imported every definition made each action compile all of them at start-up: the monitor, migrations,
 * data-retention and maintenance code, a third of the bundle, for a backup. Imported on use, each definition and
 * what only it needs become chunks of their own that webpack (ncc) loads on demand. Same list as all.ts, which a unit
 * test checks.
 */
const LOADERS: Record<string, () => Promise<ActionDefinition>> = {
  backup: async () => withNotifications((await import('./backup.js')).backupDefinition),
  'restore-test': async () => withNotifications((await import('./restore-test.js')).restoreTestDefinition),
  restore: async () => withNotifications((await import('./restore.js')).restoreDefinition),
  list: async () => withNotifications((await import('./list.js')).listDefinition),
  'retention-purge': async () => withNotifications((await import('./retention-purge.js')).retentionPurgeDefinition),
  'check-freshness': async () => withNotifications((await import('./check-freshness.js')).checkFreshnessDefinition),
  'migrate-deploy': async () => withNotifications((await import('./migrate-deploy.js')).migrateDeployDefinition),
  'migrate-status': async () => withNotifications((await import('./migrate-status.js')).migrateStatusDefinition),
  'migrate-check': async () => withNotifications((await import('./migrate-check.js')).migrateCheckDefinition),
  maintenance: async () => withNotifications((await import('./maintenance.js')).maintenanceDefinition),
  'monitor-report': async () => (await import('./monitor-report.js')).monitorReportDefinition,
  'retention-verify': async () => (await import('./retention-verify.js')).retentionVerifyDefinition,
  'subject-export': async () => (await import('./subject-export.js')).subjectExportDefinition,
  'subject-erase': async () => (await import('./subject-erase.js')).subjectEraseDefinition,
};

/** The names loadDefinition knows, in no particular order. */
export const LOADABLE_ACTIONS = Object.keys(LOADERS);

/** The action of that name, as the actions' bundle runs it (with notifications where the CLI has them too). */
export async function loadDefinition(name: string): Promise<ActionDefinition> {
  const load = LOADERS[name];
  if (!load) throw new Error(`No action named ${name}`);
  return load();
}
