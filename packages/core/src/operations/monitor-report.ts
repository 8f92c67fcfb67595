import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { engineFor } from '../databases/index.js';
import { DbopsError, invalidInput } from '../errors.js';
import { makeDirectory } from '../files/make-directory.js';
import type { DatabaseTarget } from '../databases/engine.js';
import type { Logger } from '../log.js';
import type { GitHubRunContext } from '../manifest/manifest.js';
import { openStorage, type S3Options } from '../storage/index.js';
import type { CheckDefinition } from '../monitor/check.js';
import { healthChecksFor } from '../monitor/engine-checks.js';
import { type AlertTargets, deliverAlerts } from '../monitor/alerts.js';
import type { AlertState } from '../monitor/alert-lifecycle.js';
import { historyEntry, historyKey, readAlertState, readHistory } from '../monitor/history.js';
import type { Window } from '../maintenance-window/window.js';
import { renderHtml } from '../monitor/render-html.js';
import { renderMarkdown } from '../monitor/render-markdown.js';
import { renderPrometheus } from '../monitor/render-prometheus.js';
import { replaceFiles } from '../monitor/replace-files.js';
import { notCheckedText, reaches, reportStatus } from '../monitor/report-status.js';
import { runChecks } from '../monitor/run-checks.js';
import { defaultSettings, type MonitorSettings } from '../monitor/thresholds.js';
import { buildTrends } from '../monitor/trends.js';
import type { MonitorReport } from '../monitor/types.js';

export interface MonitorReportOptions {
  target: DatabaseTarget;
  /** Name the report and its history are filed under; defaults to the database name. */
  name?: string;
  settings?: MonitorSettings;
  /** Defaults to the target engine's checks (healthChecksFor). */
  checks?: CheckDefinition[];
  statementTimeoutMs: number;
  budgetMs: number;
  /** Directory the report files are written to. */
  outputDir: string;
  history?: { location: string; s3?: S3Options; days: number };
  /** Where and when to alert; incidents keep their state in the history. */
  alerts?: AlertTargets;
  /** Findings inside it are marked maintenance and page nobody; the first run after it pages what persists. */
  maintenanceWindow?: { text: string; window: Window };
  github?: GitHubRunContext;
  /** Applied to every file: a secret that slipped into a value (a query text) is masked. */
  redact?: (text: string) => string;
  log: Logger;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface MonitorReportFiles {
  json: string;
  markdown: string;
  html: string;
  prometheus: string;
}

export interface MonitorReportResult {
  report: MonitorReport;
  files: MonitorReportFiles;
}

/** Connects read-only, runs every check within the budget, reads and extends the history, writes the report files. */
export async function monitorReport(options: MonitorReportOptions): Promise<MonitorReportResult> {
  const { log, target } = options;
  const checks = options.checks ?? healthChecksFor(target.engine);
  const settings = options.settings ?? defaultSettings(checks);
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const name = options.name ?? target.database;
  // The output directory and the history first: a bad location fails before the database is touched.
  await prepareOutputDirectory(options.outputDir);
  const storage = options.history
    ? await openStorage(options.history.location, {
        inputName: 'history',
        ...(options.history.s3 ? { s3: options.history.s3 } : {}),
      })
    : undefined;

  let report: MonitorReport;
  try {
    // Cancelling ends the query in flight and the connection; the remaining checks do not run.
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    report = await engineFor(target).withHealthSession(target, context, async (session) => {
      const version = session.server;
      const { standby, seesAllSessions } = version;
      log.info(
        `Checking ${name} (${version.product} ${version.version}${standby ? ', standby' : ''}): ${checks.length} checks`,
      );
      const { results, sample } = await runChecks({
        session,
        checks,
        settings,
        major: version.major,
        standby,
        seesAllSessions,
        statementTimeoutMs: options.statementTimeoutMs,
        budgetMs: options.budgetMs,
        log,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return {
        schemaVersion: 2,
        generatedAt: now().toISOString(),
        name,
        database: {
          name: target.database,
          host: target.host,
          port: target.port,
          serverVersion: version.version,
          major: version.major,
          standby,
        },
        ...reportStatus(results),
        durationMs: 0,
        checks: results,
        sample,
        ...(options.github
          ? {
              github: {
                repository: options.github.repository,
                ...(options.github.runUrl ? { runUrl: options.github.runUrl } : {}),
              },
            }
          : {}),
      };
    });
  } catch (error) {
    // A cancelled run closes the connection under whatever query was running: report the cancellation, not that.
    throw options.signal?.aborted ? cancelledReport(name) : error;
  }
  if (options.signal?.aborted) throw cancelledReport(name);

  const at = new Date(report.generatedAt);
  if (options.maintenanceWindow?.window.contains(at)) {
    const until = options.maintenanceWindow.window.next(at).end.toISOString();
    report.maintenance = { window: options.maintenanceWindow.text, until };
    log.info(`Inside the maintenance window ${options.maintenanceWindow.text} until ${until}: findings page nobody`);
  }

  const incidents = (options.alerts?.incidents?.notifiers.length ?? 0) > 0;
  let previous: AlertState | undefined;
  let recorded = false;
  let earlierCount = 0;
  if (storage && options.history) {
    // A history store that is down costs the trends and the incident state, never the report itself.
    try {
      const since = Date.parse(report.generatedAt) - options.history.days * 86_400_000;
      const earlier = await readHistory(storage, name, log, since);
      earlierCount = earlier.length;
      report.trends = buildTrends(earlier, report);
      if (incidents) previous = await readAlertState(storage, name, log);
      recorded = true;
    } catch (error) {
      log.warn(
        `History at ${storage.display} is unavailable, so this report has no trends and is not recorded: ${(error as Error).message}`,
      );
    }
  }
  if (incidents && !recorded)
    log.warn(
      'Without a readable history, PagerDuty and Opsgenie get a trigger for every finding each run (deduplicated by key) and no resolve: set history to keep their state',
    );
  const redact = options.redact ?? ((text: string) => text);
  const outcome = options.alerts
    ? await deliverAlerts(report, checks, options.alerts, log, options.signal, {
        ...(previous ? { previous } : {}),
        stateKept: recorded,
        redact,
      })
    : undefined;
  if (storage && recorded) {
    try {
      await storage.put(historyKey(name, report.generatedAt), historyEntry(report, outcome?.state), {
        contentType: 'application/json',
      });
      log.info(`History: read ${earlierCount} earlier reports from ${storage.display}; stored this one`);
    } catch (error) {
      log.warn(`History at ${storage.display} did not take this report: ${(error as Error).message}`);
    }
  }
  report.durationMs = Date.now() - started;

  logFindings(report, log);
  if (report.counts.unknown > 0)
    log.warn(
      `${notCheckedText(report)}: this report cannot say ${name} is healthy (the reasons are under "Not checked" in the summary)`,
    );
  const files = await writeReportFiles(
    report,
    redact(renderMarkdown(report, checks)),
    checks,
    options.outputDir,
    redact,
  );
  log.info(
    `Report: ${report.status} (${report.counts.critical} critical, ${report.counts.warning} warning${report.counts.unknown > 0 ? `; ${notCheckedText(report)}` : ''}) written to ${files.json}`,
  );
  return { report, files };
}

/** The error the run fails with when the report reaches fail-on ('never': it does not fail). */
export function healthFailure(report: MonitorReport, failOn: 'critical' | 'warning' | 'never'): DbopsError | undefined {
  if (failOn === 'never' || !reaches(report.status, failOn)) return undefined;
  const findings = `${report.counts.critical} critical, ${report.counts.warning} warning findings`;
  if (report.status === 'unknown') {
    return new DbopsError(
      'CHECK_FAILED',
      `The health report of ${report.name} is unknown: ${notCheckedText(report)}; ${findings}`,
      {
        hint: `Each check's reason is in the summary: raise statement-timeout or time-budget, grant the role what it lacks, or disable a check you do not want in the thresholds file; fail-on is '${failOn}' (never: do not fail).`,
      },
    );
  }
  const unchecked = report.counts.unknown > 0 ? `; ${notCheckedText(report)}` : '';
  return new DbopsError(
    'CHECK_FAILED',
    `The health report of ${report.name} is ${report.status} (${findings}${unchecked})`,
    {
      hint: `Act on the findings in the summary, or raise thresholds in the thresholds file; fail-on is '${failOn}'.`,
    },
  );
}

function cancelledReport(name: string): DbopsError {
  return new DbopsError('CANCELLED', `The health report of ${name} was cancelled`, {
    hint: 'Nothing was written; run it again.',
  });
}

/** Findings become warnings (annotations on GitHub), worst first; beyond a few dozen they would only be noise. */
const LOGGED_FINDINGS = 25;

function logFindings(report: MonitorReport, log: Logger): void {
  const all = report.checks.flatMap((c) => c.findings.map((f) => ({ f, title: c.title })));
  all.sort((a, b) => (a.f.severity === b.f.severity ? 0 : a.f.severity === 'critical' ? -1 : 1));
  for (const { f, title } of all.slice(0, LOGGED_FINDINGS)) {
    // Critical findings become error annotations on GitHub, warnings warning annotations.
    const line = `${f.severity.toUpperCase()} ${title}: ${f.subject}${f.detail ? ` — ${f.detail}` : ''}`;
    if (f.severity === 'critical') log.error(line);
    else log.warn(line);
  }
  if (all.length > LOGGED_FINDINGS)
    log.warn(`…and ${all.length - LOGGED_FINDINGS} more findings: see the job summary and report.json`);
}

async function writeReportFiles(
  report: MonitorReport,
  summary: string,
  checks: CheckDefinition[],
  outputDir: string,
  redact: (text: string) => string,
): Promise<MonitorReportFiles> {
  const dir = resolve(outputDir);
  const files: MonitorReportFiles = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'summary.md'),
    html: join(dir, 'report.html'),
    prometheus: join(dir, 'metrics.prom'),
  };
  try {
    await replaceFiles([
      { path: files.json, text: redact(`${JSON.stringify(report, null, 2)}\n`) },
      { path: files.markdown, text: summary },
      { path: files.html, text: redact(renderHtml(report, checks)) },
      { path: files.prometheus, text: redact(renderPrometheus(report)) },
    ]);
  } catch (error) {
    throw new DbopsError(
      'STORAGE_FAILED',
      `Cannot write the report to output-dir (${dir}): ${(error as Error).message}`,
      {
        input: 'output-dir',
        hint: 'Free space on that file system, or set output-dir to another directory; the report files already there are left as they were.',
        cause: error,
      },
    );
  }
  return files;
}

/** Makes the output directory and proves it writable, naming output-dir when it cannot be. */
async function prepareOutputDirectory(outputDir: string): Promise<void> {
  const dir = resolve(outputDir);
  const probe = join(dir, `.dbops-probe-${process.pid}`);
  try {
    await makeDirectory(dir);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'is a file, or below one'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'is not writable'
          : `cannot be created: ${(error as Error).message}`;
    throw invalidInput(
      'output-dir',
      `(${dir}) ${problem}`,
      'a directory the runner user can write, e.g. dbops-monitor (relative to the working directory) or $RUNNER_TEMP/dbops-monitor',
    );
  }
}
