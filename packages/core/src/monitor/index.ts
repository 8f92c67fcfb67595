export type {
  CheckResult as MonitorCheckResult,
  CheckStatus,
  Finding,
  MonitorReport,
  Observation,
  OverallStatus,
  Severity,
  TrendPoint,
  TrendReport,
  TrendSample,
  TrendSeries,
  Unit,
} from './types.js';
export type { CheckContext, CheckDefinition, CheckOutcome, CheckParam } from './check.js';
export { POSTGRES_CHECKS } from './checks/index.js';
export { MONGODB_CHECKS } from './mongodb-checks/index.js';
export { healthChecksFor } from './engine-checks.js';
export {
  monitorReport,
  type MonitorReportOptions,
  type MonitorReportResult,
  type MonitorReportFiles,
} from '../operations/monitor-report.js';
export {
  parseThresholds,
  readThresholdsFile,
  defaultSettings,
  type MonitorSettings,
  type CheckSettings,
} from './thresholds.js';
export { renderPrometheus } from './render-prometheus.js';
export { monitorSummary, renderMarkdown } from './render-markdown.js';
export { renderHtml } from './render-html.js';
export { buildTrends, type HistoryEntry } from './trends.js';
export { alertMessage, deliverAlerts, type AlertTargets, type AlertOn } from './alerts.js';
