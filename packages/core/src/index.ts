// The dbops engine: operations, their definitions (inputs/outputs), and the layers under them.
export * from './errors.js';
export * from './log.js';
export * from './secrets.js';
export * from './format.js';
export * from './version.js';
export { keepYoungGenerationSmall } from './young-generation.js';
export * from './definitions/types.js';
export * from './report/result.js';
export { renderSummary } from './report/render-summary.js';
export { renderNotification, runResult } from './report/render-notification.js';
export * from './definitions/read-inputs.js';
export { kindNote } from './definitions/input-kind.js';
export { withNotifications, alertFor, NOTIFY_INPUTS } from './definitions/notifications.js';
export { backupDefinition } from './definitions/backup.js';
export { restoreTestDefinition } from './definitions/restore-test.js';
export { restoreDefinition } from './definitions/restore.js';
export { listDefinition } from './definitions/list.js';
export { retentionPurgeDefinition } from './definitions/retention-purge.js';
export { checkFreshnessDefinition } from './definitions/check-freshness.js';
export { migrateDeployDefinition } from './definitions/migrate-deploy.js';
export { migrateStatusDefinition } from './definitions/migrate-status.js';
export { migrateCheckDefinition } from './definitions/migrate-check.js';
export { retentionVerifyDefinition } from './definitions/retention-verify.js';
export { subjectExportDefinition } from './definitions/subject-export.js';
export { subjectEraseDefinition } from './definitions/subject-erase.js';
export { maintenanceDefinition } from './definitions/maintenance.js';
export { migrateDeploy, type MigrateOptions, type MigrateResult } from './operations/migrate-deploy.js';
export { maintenance, type MaintenanceOptions, type MaintenanceResult } from './operations/maintenance.js';
export * from './retention/policy.js';
export * from './retention/plan.js';
export * from './manifest/verification.js';
export { backup, type BackupOptions, type BackupResult } from './operations/backup.js';
export { restoreTest, type RestoreTestOptions, type RestoreTestResult } from './operations/restore-test.js';
export { restore, type RestoreOptions, type RestoreResult } from './operations/restore.js';
export * from './manifest/catalog.js';
export {
  parseChecks,
  readChecksFile,
  type CheckResult as RestoreCheckResult,
  type UserCheck,
} from './restore/checks.js';
export * from './duration.js';
export * from './size.js';
export * from './manifest/manifest.js';
export * from './manifest/layout.js';
export * from './databases/postgres/target.js';
export * from './databases/postgres/client-tools.js';
export * from './databases/postgres/fingerprint.js';
export { FULL_SCOPE, type DumpScope } from './databases/postgres/inventory.js';
export * from './pipeline/compression.js';
export * from './crypto/age/index.js';
export * from './storage/index.js';
export type { IncompleteUpload, IncompleteUploads, Storage, StoredObject } from './storage/types.js';
export { monitorReportDefinition } from './definitions/monitor-report.js';
export * from './monitor/index.js';
export * from './notify/index.js';

export { definitions, definition } from './definitions/all.js';
export { loadDefinition } from './definitions/load-definition.js';
