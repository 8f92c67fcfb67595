/**
 * How a purge paces itself between batches (after pt-archiver's --sleep and --sleep-coef): a fixed pause plus a
 * pause proportional to the batch just run, so a batch that took long (a busy server) is followed by a longer rest;
 * and the run's time budget, after which it stops cleanly and the next run continues where this one stopped.
 */
export interface Pacing {
  /** Pause after every batch. */
  sleepMs: number;
  /** Extra pause per millisecond the batch took (0.5: rest half as long as the batch ran). */
  sleepCoefficient: number;
  /** The whole run's budget; checked after each batch, so every run makes progress of at least one batch. */
  maxRuntimeMs: number;
}

export function pauseAfterBatch(pacing: Pacing, batchMs: number): number {
  return Math.round(pacing.sleepMs + pacing.sleepCoefficient * Math.max(0, batchMs));
}

/** True when another batch (and the pause before it) would start after the budget is spent. */
export function budgetSpent(pacing: Pacing, elapsedMs: number, pauseMs: number): boolean {
  return elapsedMs + pauseMs >= pacing.maxRuntimeMs;
}
