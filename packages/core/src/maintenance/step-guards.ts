// The guards every engine's apply checks before a step starts: the run was cancelled, or the step's estimate does not
// fit in what is left of the window or of max-runtime. The first that holds stops the run cleanly.
import type { Window } from '../maintenance-window/window.js';
import type { MaintenanceStep } from './step.js';

export interface StepBudget {
  maxRuntimeMs: number;
  statementTimeoutMs: number;
  window?: Window;
  now: () => Date;
  /**
   * When the run began (ms since the epoch, on `now`'s clock): max-runtime counts from there, planning included.
   * When applying began when absent.
   */
  startedAt?: number;
  signal?: AbortSignal;
}

/** Why `step` may not start (a sentence), or undefined; `started` is when the run began (ms since the epoch). */
export function stopReason(step: MaintenanceStep, budget: StepBudget, started: number): string | undefined {
  const { budgetLeft, windowLeft } = timeLeft(budget, started);
  const needs = step.estimatedSeconds * 1000;
  if (budget.signal?.aborted) return 'the run was cancelled';
  if (windowLeft < needs)
    return `${Math.round(windowLeft / 1000)} s are left of the maintenance window; the next step needs about ${step.estimatedSeconds} s`;
  if (budgetLeft < needs)
    return `${Math.round(budgetLeft / 1000)} s are left of max-runtime; the next step needs about ${step.estimatedSeconds} s`;
  return undefined;
}

/** What is left of max-runtime and of the window, in ms. */
export function timeLeft(budget: StepBudget, started: number) {
  const now = budget.now();
  return {
    budgetLeft: budget.maxRuntimeMs - (now.getTime() - started),
    windowLeft: budget.window ? budget.window.remaining(now) : Number.POSITIVE_INFINITY,
  };
}

/** A step's time limit: statement-timeout, or less when the window or max-runtime ends sooner. */
export function stepTimeoutMs(budget: StepBudget, started: number): number {
  const { budgetLeft, windowLeft } = timeLeft(budget, started);
  return Math.min(budget.statementTimeoutMs, windowLeft, budgetLeft);
}
