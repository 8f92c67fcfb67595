export type { AlertItem, AlertMessage, AlertStatus, FetchFn, Notifier } from './types.js';
export { requestJson, HttpError, NOTIFY_RETRY, type SendOptions } from './http.js';
export { slackNotifier, slackPayload } from './slack.js';
export { webhookNotifier, webhookPayload } from './webhook.js';
export { sendAlerts, sendIncident, type DeliveryResult } from './send.js';
export { syncAlertIssue, ALERT_LABEL, type IssueAction, type IssueAlertOptions } from './github-issue.js';
export { teamsNotifier, teamsPayload } from './teams.js';
export { emailNotifier, emailContent, parseSmtpUrl, type SmtpSettings } from './email.js';
export { signBody, verifySignature, SIGNATURE_HEADER } from './signature.js';
export {
  syncPullRequestComment,
  pullRequestNumber,
  commentMarker,
  type PullRequestCommentOptions,
} from './github-pr-comment.js';
export type { IncidentEvent, IncidentNotifier } from './types.js';
export { pagerDutyNotifier, pagerDutyPayload, PAGERDUTY_EVENTS_URL } from './pagerduty.js';
export { opsgenieNotifier, opsgenieRequest, opsgenieNoteRequest, OPSGENIE_API_URL } from './opsgenie.js';
export {
  failureIncident,
  failureIncidentKey,
  failureSeverity,
  type FailureIncidentRun,
  type RunPlace,
} from './failure-incident.js';
