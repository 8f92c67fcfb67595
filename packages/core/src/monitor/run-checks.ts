import type { HealthSession } from '../databases/engine.js';
import type { Logger } from '../log.js';
import type { CheckContext, CheckDefinition } from './check.js';
import { evaluate } from './evaluate.js';
import type { MonitorSettings } from './thresholds.js';
import type { CheckResult, TrendSample } from './types.js';

export interface RunChecksOptions {
  session: HealthSession;
  checks: CheckDefinition[];
  settings: MonitorSettings;
  major: number;
  standby: boolean;
  seesAllSessions: boolean;
  /** Upper bound for every single query. */
  statementTimeoutMs: number;
  /** Upper bound for all checks together: once spent, the remaining checks are reported as unknown. */
  budgetMs: number;
  log: Logger;
  signal?: AbortSignal;
}

/**
 * Runs each check in its own READ ONLY transaction with a statement timeout no longer than the time left in the
 * budget, so a check can neither write nor hang the run, and one failing check cannot spoil the others.
 */
export async function runChecks(options: RunChecksOptions): Promise<{ results: CheckResult[]; sample: TrendSample }> {
  const { session, settings, log } = options;
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
    // A check that never ran says nothing about the database: unknown, not skipped.
    if (options.signal?.aborted) {
      results.push({ ...base, status: 'unknown', reason: 'the run was cancelled', durationMs: 0 });
      continue;
    }
    if (remaining <= 0) {
      results.push({
        ...base,
        status: 'unknown',
        reason: `the total time budget of ${options.budgetMs / 1000} s was used up by earlier checks (raise time-budget)`,
        durationMs: 0,
      });
      continue;
    }

    const checkStarted = Date.now();
    const timeoutMs = Math.max(1, Math.min(options.statementTimeoutMs, remaining));
    try {
      // An engine without SQL (MongoDB) runs its checks' commands; the others their queries in a transaction.
      const inCheck = <T>(run: (access: Pick<CheckContext, 'query' | 'commands'>) => Promise<T>): Promise<T> =>
        session.inCheckCommands
          ? session.inCheckCommands(timeoutMs, (commands) => run({ query: noSql, commands }))
          : session.inCheckTransaction(timeoutMs, (query) => run({ query }));
      const outcome = await inCheck((access) => {
        const context: CheckContext = {
          ...access,
          major: options.major,
          standby: options.standby,
          seesAllSessions: options.seesAllSessions,
          param: (name) => {
            const value = checkSettings.params[name];
            if (value === undefined) throw new Error(`Check ${check.id} has no parameter '${name}'`);
            return value;
          },
          sample,
        };
        return check.run(context);
      });
      const durationMs = Date.now() - checkStarted;
      const notes = outcome.notes ?? [];
      if (outcome.unknown) {
        results.push({ ...base, status: 'unknown', reason: outcome.unknown, notes, durationMs });
      } else if (outcome.skipped) {
        results.push({ ...base, status: 'skipped', reason: outcome.skipped, notes, durationMs });
      } else {
        results.push({
          ...base,
          ...evaluate(check, checkSettings, settings.exclude, outcome.observations),
          notes,
          durationMs,
        });
      }
    } catch (error) {
      const durationMs = Date.now() - checkStarted;
      const { status, reason } = session.explainCheckFailure(error, timeoutMs);
      log.warn(`Check ${check.id} ${status === 'skipped' ? 'was skipped' : 'could not run'}: ${reason}`);
      results.push({ ...base, status, reason, durationMs });
    }
    log.debug(`check ${check.id}: ${results.at(-1)!.status} in ${results.at(-1)!.durationMs} ms`);
  }
  return { results, sample };
}

function pick(s: { warning?: number; critical?: number }): { warning?: number; critical?: number } {
  return {
    ...(s.warning !== undefined ? { warning: s.warning } : {}),
    ...(s.critical !== undefined ? { critical: s.critical } : {}),
  };
}

/** What a SQL check meets on an engine without SQL: a failure, reported as the check's unknown reason. */
async function noSql(): Promise<never> {
  throw new Error('this server has no SQL; the check is for SQL engines');
}
