import { backupDefinition } from './backup.js';
import { checkFreshnessDefinition } from './check-freshness.js';
import { listDefinition } from './list.js';
import { maintenanceDefinition } from './maintenance.js';
import { migrateCheckDefinition } from './migrate-check.js';
import { migrateDeployDefinition } from './migrate-deploy.js';
import { migrateStatusDefinition } from './migrate-status.js';
import { monitorReportDefinition } from './monitor-report.js';
import { withNotifications } from './notifications.js';
import { restoreDefinition } from './restore.js';
import { restoreTestDefinition } from './restore-test.js';
import { retentionPurgeDefinition } from './retention-purge.js';
import { retentionVerifyDefinition } from './retention-verify.js';
import { subjectEraseDefinition } from './subject-erase.js';
import { subjectExportDefinition } from './subject-export.js';
import type { ActionDefinition } from './types.js';

/**
 * Every action, in the order the CLI lists them, all loaded: the CLI's help and the generated files need each one's
 * inputs. All but monitor-report (which sends one aggregated alert of its findings itself) and the CLI-only data
 * subject and verify commands gain the shared notification inputs. The actions' bundle loads one action by name
 * instead (load-definition.ts), and a unit test keeps the two lists equal.
 */
export const definitions: ActionDefinition[] = [
  ...[
    backupDefinition,
    restoreTestDefinition,
    restoreDefinition,
    listDefinition,
    retentionPurgeDefinition,
    checkFreshnessDefinition,
    migrateDeployDefinition,
    migrateStatusDefinition,
    migrateCheckDefinition,
    maintenanceDefinition,
  ].map(withNotifications),
  monitorReportDefinition,
  retentionVerifyDefinition,
  subjectExportDefinition,
  subjectEraseDefinition,
];

/** An action by name, as the CLI runs it (with notifications). */
export function definition(name: string): ActionDefinition {
  const found = definitions.find((d) => d.name === name);
  if (!found) throw new Error(`No action named ${name}`);
  return found;
}
