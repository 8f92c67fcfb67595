import type pg from 'pg';
import { engineFor, sqlEngineFor } from '../databases/index.js';
import type { DatabaseTarget, MaintenanceSession } from '../databases/engine.js';
import { cancelled, DbopsError, invalidInput } from '../errors.js';
import type { Logger } from '../log.js';
import { applySteps, type StepOutcome } from '../maintenance/apply.js';
import { applyCommandSteps } from '../maintenance/apply-commands.js';
import { setTimeouts } from '../maintenance/step-session.js';
import type { MonitorFindings } from '../maintenance/monitor-findings.js';
import {
  type MaintenancePlan,
  type MaintenanceStep,
  type MaintenanceThresholds,
  planMaintenance,
} from '../maintenance/plan.js';
import type { TableRebuildPolicy } from '../maintenance/table-rebuild.js';
import type { Occurrence, Window } from '../maintenance-window/window.js';
import type { Secrets } from '../secrets.js';

export interface MaintenanceOptions {
  target: DatabaseTarget;
  /** false: the plan only (the default everywhere: invariant 6). */
  apply: boolean;
  thresholds: MaintenanceThresholds;
  /** Whether VACUUM FULL may rebuild a bloated table without pg_repack, and up to what size. */
  rebuildPolicy?: TableRebuildPolicy;
  /** Steps start only inside it; absent, any time. */
  window?: Window;
  /** The window as the user wrote it, for the report. */
  windowText?: string;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  maxRuntimeMs: number;
  /** Steps wait while a standby's replay lag exceeds it (PostgreSQL); no check when absent. */
  maxReplicationLagMs?: number;
  /** maintenance_work_mem for the session, in bytes (PostgreSQL); the server's when absent. */
  maintenanceWorkMemBytes?: number;
  /** PostgreSQL: a monitor-report's findings (the monitor-report input), raising and naming the steps they map to. */
  monitorFindings?: MonitorFindings;
  /** MongoDB: validate with { full: true } (validate-full). */
  validateFull?: boolean;
  /** The clock (tests and the window's checks read it); new Date() by default. */
  now?: () => Date;
  secrets: Secrets;
  /** The environment client programs (pg_repack) run in: PATH; the connection variables are replaced. */
  env?: NodeJS.ProcessEnv;
  log: Logger;
  signal?: AbortSignal;
}

export interface MaintenanceResult {
  apply: boolean;
  /** Every step of the plan, 'apply' and 'report' ones. */
  plan: MaintenanceStep[];
  /** One per 'apply' step that the run considered; empty for a plan-only run or outside the window. */
  outcomes: StepOutcome[];
  window?: { text: string; open: boolean; next: Occurrence };
  /** With the monitor-report input: the report, how many findings named a step, and those that named none (why). */
  monitor?: MaintenancePlan['monitor'];
  /** Set when a step failed (other than by its lock timeout): the adapters show the summary, then this error. */
  failure?: Error;
}

/**
 * maintenance: plans from the live database (maintenance/plan.ts); with apply, inside the window, runs the 'apply'
 * steps one at a time under lock and statement timeouts (maintenance/apply.ts). 'report' steps are never run.
 */
export async function maintenance(options: MaintenanceOptions): Promise<MaintenanceResult> {
  const { log, target, signal } = options;
  options.secrets.add(target.password);
  const now = options.now ?? (() => new Date());
  // max-runtime is the run's: planning (a big catalog, a monitor report) spends it too.
  const startedAt = now().getTime();
  const context = { log, ...(signal ? { signal } : {}) };
  const document = engineFor(target);
  if (target.engine !== 'postgresql' && options.monitorFindings)
    throw invalidInput(
      'monitor-report',
      'is used for PostgreSQL only: no MongoDB maintenance step answers a monitor-report finding yet',
      'leave monitor-report unset for a MongoDB database',
    );
  if (target.engine !== 'postgresql' && document.withMaintenanceSession)
    return document.withMaintenanceSession(target, context, (session) =>
      documentMaintenance(session, options, now, startedAt),
    );
  const engine = sqlEngineFor(target, 'maintenance');
  return engine.withSqlSession(target, context, async (client) => {
    const { steps: plan, monitor } = await planUnderLockTimeout(client, options);
    const result = { ...planned(plan, options, now), ...(monitor ? { monitor } : {}) };
    if (!shouldApply(result, options)) return result;
    const outcomes = await applySteps(client, plan, {
      lockTimeoutMs: options.lockTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs,
      maxRuntimeMs: options.maxRuntimeMs,
      startedAt,
      ...(options.maxReplicationLagMs === undefined ? {} : { maxReplicationLagMs: options.maxReplicationLagMs }),
      ...(options.maintenanceWorkMemBytes === undefined
        ? {}
        : { maintenanceWorkMemBytes: options.maintenanceWorkMemBytes }),
      now,
      log,
      target,
      env: options.env ?? {},
      ...(options.window ? { window: options.window } : {}),
      ...(signal ? { signal } : {}),
    });
    return finished(result, outcomes, signal);
  });
}

/** MongoDB: the plan per collection (validate, compact, index rebuilds) and its commands, with the same window and budget. */
async function documentMaintenance(
  session: MaintenanceSession,
  options: MaintenanceOptions,
  now: () => Date,
  startedAt: number,
): Promise<MaintenanceResult> {
  const settings = {
    validateFull: options.validateFull ?? false,
    minFreeRatio: options.thresholds.tableBloatRatio,
    minStorageBytes: options.thresholds.minTableBytes,
    minIndexFreeRatio: options.thresholds.indexBloatRatio,
    minIndexBytes: options.thresholds.minIndexBytes,
  };
  const plan = await session.plan(settings, options.statementTimeoutMs);
  const result = planned(plan, options, now);
  if (!shouldApply(result, options)) return result;
  const outcomes = await applyCommandSteps(session, plan, {
    statementTimeoutMs: options.statementTimeoutMs,
    maxRuntimeMs: options.maxRuntimeMs,
    startedAt,
    now,
    log: options.log,
    ...(options.window ? { window: options.window } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return finished(result, outcomes, options.signal);
}

function planned(plan: MaintenanceStep[], options: MaintenanceOptions, now: () => Date): MaintenanceResult {
  const at = now();
  const window = options.window && {
    text: options.windowText ?? options.window.rules.map((r) => r.text).join(', '),
    open: options.window.contains(at),
    next: options.window.next(at),
  };
  return { apply: options.apply, plan, outcomes: [], ...(window ? { window } : {}) };
}

/** Apply runs when asked, the plan has 'apply' steps and the window (if any) is open; outside it, a warning. */
function shouldApply(result: MaintenanceResult, options: MaintenanceOptions): boolean {
  if (!options.apply || result.plan.every((s) => s.mode !== 'apply')) return false;
  const window = result.window;
  if (window && !window.open) {
    options.log.warn(
      `Outside the maintenance window '${window.text}': nothing was applied. It opens next at ${window.next.start.toISOString()}.`,
    );
    return false;
  }
  return true;
}

function finished(result: MaintenanceResult, outcomes: StepOutcome[], signal?: AbortSignal): MaintenanceResult {
  if (signal?.aborted) throw cancelled('Steps already applied stay applied; run it again to finish the plan.');
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length === 0) return { ...result, outcomes };
  const failure = new DbopsError(
    'CHECK_FAILED',
    `${failed.length} maintenance step(s) failed; the first: ${failed[0]!.statement}: ${failed[0]!.reason}`,
    { hint: 'See the summary for each step; an invalid index a failed rebuild left is dropped by the next run.' },
  );
  return { ...result, outcomes, failure };
}

/**
 * The plan reads sizes (pg_relation_size), which waits behind an ACCESS EXCLUSIVE lock: under lock-timeout, a table
 * locked by another session makes the run fail fast, naming the limit, instead of waiting in the lock queue.
 */
async function planUnderLockTimeout(client: pg.Client, options: MaintenanceOptions): Promise<MaintenancePlan> {
  await setTimeouts(client, options.lockTimeoutMs, options.statementTimeoutMs);
  try {
    return await planMaintenance(client, options.thresholds, options.rebuildPolicy, options.monitorFindings);
  } catch (error) {
    if ((error as { code?: string }).code !== '55P03') throw error;
    throw new DbopsError(
      'TIMEOUT',
      `Planning waited longer than lock-timeout (${options.lockTimeoutMs} ms) to read a table's size: another session holds an ACCESS EXCLUSIVE lock on it`,
      {
        input: 'lock-timeout',
        hint: 'Run again when that session has finished (pg_locks shows it), or raise lock-timeout.',
        cause: error,
      },
    );
  }
}
