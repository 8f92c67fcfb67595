// Applying a document engine's plan (MongoDB): one command at a time, each under maxTimeMS no longer than what is
// left of statement-timeout, the window and max-runtime; no step starts whose estimate would not fit. A step the
// server lacks is skipped with the reason, one that fails is reported, and the run goes on.
import type { MaintenanceSession } from '../databases/engine.js';
import type { Logger } from '../log.js';
import type { StepOutcome } from './apply.js';
import type { MaintenanceStep } from './step.js';
import { type StepBudget, stepTimeoutMs, stopReason } from './step-guards.js';

export async function applyCommandSteps(
  session: MaintenanceSession,
  steps: readonly MaintenanceStep[],
  settings: StepBudget & { log: Logger },
): Promise<StepOutcome[]> {
  const started = settings.startedAt ?? settings.now().getTime();
  const outcomes: StepOutcome[] = [];
  let stop: string | undefined;
  for (const step of steps.filter((s) => s.mode === 'apply')) {
    const base = { kind: step.kind, object: step.object, statement: step.statement };
    stop ??= stopReason(step, settings, started);
    if (stop) {
      outcomes.push({ ...base, status: 'skipped', reason: `not started: ${stop}` });
      continue;
    }
    const timeout = stepTimeoutMs(settings, started);
    settings.log.info(`Running ${step.statement} on ${step.object} (${step.why})`);
    const t0 = Date.now();
    try {
      const { before, after, result } = await session.runStep(step, timeout);
      const seconds = (Date.now() - t0) / 1000;
      if (result) settings.log.info(`${step.object}: ${result}`);
      outcomes.push({
        ...base,
        status: 'applied',
        seconds,
        ...(before ? { before } : {}),
        ...(after ? { after } : {}),
        ...(result ? { result } : {}),
      });
    } catch (error) {
      if (settings.signal?.aborted) throw error;
      const { status, reason } = session.explainStepFailure(error, timeout);
      settings.log.warn(`${step.statement} on ${step.object}: ${reason}`);
      outcomes.push({ ...base, status, reason, seconds: (Date.now() - t0) / 1000 });
    }
  }
  return outcomes;
}
