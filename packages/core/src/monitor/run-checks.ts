import type pg from 'pg';
import type { Logger } from '../log.js';
import type { CheckContext, CheckDefinition } from './check.js';
import { evaluate } from './evaluate.js';
import type { MonitorSettings } from './thresholds.js';
import type { CheckResult, TrendSample } from './types.js';

export interface RunChecksOptions {
  client: pg.Client;
  checks: CheckDefinition[];
  settings: MonitorSettings;
  major: number;
  standby: boolean;
  /** Upper bound for every single query. */
  statementTimeoutMs: number;
  /** Upper bound for all checks together: once spent, the remaining checks are reported as skipped. */
  budgetMs: number;
  log: Logger;
  signal?: AbortSignal;
}

/**
 * Runs each check in its own READ ONLY transaction with a statement timeout no longer than the time left in the
 * budget, so a check can neither write nor hang the run, and one failing check cannot spoil the others.
 */
export async function runChecks(options: RunChecksOptions): Promise<{ results: CheckResult[]; sample: TrendSample }> {
  const { client, settings, log } = options;
  const started = Date.now();
  const sample: TrendSample = {};
  const results: CheckResult[] = [];

  for (const check of options.checks) {
    const checkSettings = settings.checks[check.id]!;
    const base = {
      id: check.id,
      title: check.title,
      unit: check.unit,
      thresholds: { ...pick(checkSettings), direction: check.direction },
      notes: [] as string[],
      findings: [],
      top: [],
      observed: 0,
    };
    const remaining = options.budgetMs - (Date.now() - started);
    if (!checkSettings.enabled) {
      results.push({ ...base, status: 'skipped', reason: 'disabled in the thresholds file', durationMs: 0 });
      continue;
    }
    if (options.signal?.aborted) {
      results.push({ ...base, status: 'skipped', reason: 'the run was cancelled', durationMs: 0 });
      continue;
    }
    if (remaining <= 0) {
      results.push({ ...base, status: 'skipped', reason: `the total time budget of ${options.budgetMs / 1000} s was used up by earlier checks`, durationMs: 0 });
      continue;
    }

    const checkStarted = Date.now();
    const timeoutMs = Math.max(1, Math.min(options.statementTimeoutMs, remaining));
    const context: CheckContext = {
      query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
      major: options.major,
      standby: options.standby,
      param: (name) => {
        const value = checkSettings.params[name];
        if (value === undefined) throw new Error(`Check ${check.id} has no parameter '${name}'`);
        return value;
      },
      sample,
    };
    try {
      await client.query('begin transaction isolation level read committed read only');
      await client.query(`set local statement_timeout = ${Math.round(timeoutMs)}`);
      // Catalog functions such as pg_relation_size take light locks; never queue behind a migration's lock.
      await client.query(`set local lock_timeout = ${Math.round(Math.min(timeoutMs, 2000))}`);
      const outcome = await check.run(context);
      await client.query('commit');
      const durationMs = Date.now() - checkStarted;
      const notes = outcome.notes ?? [];
      if (outcome.skipped) {
        results.push({ ...base, status: 'skipped', reason: outcome.skipped, notes, durationMs });
      } else {
        results.push({ ...base, ...evaluate(check, checkSettings, settings.exclude, outcome.observations), notes, durationMs });
      }
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      const durationMs = Date.now() - checkStarted;
      const { status, reason } = explainFailure(error, timeoutMs);
      log.warn(`Check ${check.id} ${status === 'skipped' ? 'was skipped' : 'failed'}: ${reason}`);
      results.push({ ...base, status, reason, durationMs });
    }
    log.debug(`check ${check.id}: ${results.at(-1)!.status} in ${results.at(-1)!.durationMs} ms`);
  }
  return { results, sample };
}

function pick(s: { warning?: number; critical?: number }): { warning?: number; critical?: number } {
  return { ...(s.warning !== undefined ? { warning: s.warning } : {}), ...(s.critical !== undefined ? { critical: s.critical } : {}) };
}

/** A missing privilege or feature means "skipped, here is why"; anything else is an error of that check. */
function explainFailure(error: unknown, timeoutMs: number): { status: 'skipped' | 'error'; reason: string } {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === '42501') return { status: 'skipped', reason: `this role lacks a privilege (${message}); grant it pg_monitor` };
  if (code === '42883' || code === '42P01' || code === '42703') return { status: 'skipped', reason: `not available on this server (${message})` };
  if (code === '57014') return { status: 'error', reason: `a query took longer than ${Math.round(timeoutMs)} ms and was cancelled` };
  if (code === '55P03') return { status: 'error', reason: `a query waited for a lock and gave up (${message})` };
  return { status: 'error', reason: message };
}
