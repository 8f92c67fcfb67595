// The figures apply reports for each step (size, file, dead tuples, before and after), read in as few round trips
// as the guards allow. A 2,000-row VACUUM takes a few milliseconds, and on a busy server one more round trip per
// step costs about as much (bench/maintenance-plan.mjs), so a VACUUM step's figures are read together with those of
// the VACUUM steps after it and the after-figures of the steps before it.
import type pg from 'pg';
import type { MaintenanceStep } from './step.js';
import { type RelationFigures, readFigures } from './step-session.js';

/**
 * VACUUM changes no relation's file and no other table's figures, so figures read before a run of VACUUMs still
 * hold when each starts. Rebuilds are long (a round trip is nothing beside them) and change files: read one by one.
 */
const BATCHED = new Set<MaintenanceStep['kind']>(['vacuum-analyze', 'vacuum-freeze']);
/** At most this many steps' figures in one read. */
const AHEAD_STEPS = 20;
/**
 * Figures read ahead serve only for this long. The dead-tuple counts of other sessions reach the statistics at most
 * once a second (PGSTAT_MIN_INTERVAL), so they are no staler than the server already shows them.
 */
const FRESH_MS = 1000;

export class StepFigures {
  private ahead = new Map<string, RelationFigures | undefined>();
  private readAt = Number.NEGATIVE_INFINITY;
  private batching = true;
  private pendingAfter: Array<{ object: string; after?: RelationFigures }> = [];
  private timeoutSet: number;

  /** `statementTimeoutMs`: what the session's statement_timeout is now; `now`: the run's clock. */
  constructor(
    private readonly client: pg.Client,
    statementTimeoutMs: number,
    private readonly now: () => Date,
  ) {
    this.timeoutSet = whole(statementTimeoutMs);
  }

  /**
   * Before `steps[i]` starts, with `timeoutMs` its statement_timeout: its figures (undefined when its object no
   * longer exists) and, for an index rebuild, the invalid indexes beside it. Sets the session's statement_timeout
   * when it changes (near the end of the window or max-runtime). A lock timeout while sizing throws, as the step
   * itself would: but a lock on another step's object (a later one read ahead, or a finished one whose after-figures
   * were due) turns reading ahead off for the run, leaves those after-figures unknown and reads this one alone.
   */
  async before(
    steps: readonly MaintenanceStep[],
    i: number,
    timeoutMs: number,
    invalidBeside: boolean,
  ): Promise<{ before?: RelationFigures; invalidBeside?: string[] }> {
    const step = steps[i]!;
    const timeout = whole(timeoutMs);
    const reuse = timeout === this.timeoutSet && !invalidBeside && this.now().getTime() - this.readAt < FRESH_MS;
    if (reuse && this.ahead.has(step.object)) {
      const before = this.ahead.get(step.object);
      this.ahead.delete(step.object);
      return before ? { before } : {};
    }
    if (this.batching) {
      const next = BATCHED.has(step.kind) ? following(steps, i) : [];
      try {
        return await this.read(step.object, next, true, timeout, invalidBeside);
      } catch (error) {
        if (!isLockTimeout(error) || (next.length === 0 && this.pendingAfter.length === 0)) throw error;
        this.batching = false;
      }
    }
    // A lock was met: this step's figures alone (its own lock skips it), then the after-figures due, apart (a lock on
    // a finished step's table leaves its after-figures unknown and costs this step nothing).
    const own = await this.read(step.object, [], false, timeout, invalidBeside);
    await this.finish();
    return own;
  }

  /** An applied step: its figures after it are read with the next read, or by finish(). */
  applied(outcome: { object: string; after?: RelationFigures }) {
    this.pendingAfter.push(outcome);
  }

  /** The last steps' after-figures; left unknown when one of their objects is locked now (the steps are done). */
  async finish() {
    if (this.pendingAfter.length === 0) return;
    try {
      const { figures } = await readFigures(this.client, [...new Set(this.pendingObjects())]);
      this.settle(figures);
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      this.pendingAfter = [];
    }
  }

  private pendingObjects(): string[] {
    return this.pendingAfter.map((o) => o.object);
  }

  /** `object`'s figures with those of `next` (read ahead) and, `withPending`, the after-figures due. */
  private async read(object: string, next: string[], withPending: boolean, timeout: number, invalidBeside: boolean) {
    const set = timeout === this.timeoutSet ? undefined : timeout;
    const objects = [object, ...next, ...(withPending ? this.pendingObjects() : [])];
    const read = await readFigures(this.client, [...new Set(objects)], set, invalidBeside);
    this.timeoutSet = timeout;
    if (withPending) this.settle(read.figures);
    this.ahead = new Map(next.map((o) => [o, read.figures.get(o)]));
    this.readAt = this.now().getTime();
    const before = read.figures.get(object);
    return { ...(before ? { before } : {}), ...(read.invalidBeside ? { invalidBeside: read.invalidBeside } : {}) };
  }

  private settle(figures: Map<string, RelationFigures>) {
    for (const outcome of this.pendingAfter) {
      const after = figures.get(outcome.object);
      if (after) outcome.after = after;
    }
    this.pendingAfter = [];
  }
}

/** Objects of the batched steps right after `steps[i]`, up to the first object seen twice. */
function following(steps: readonly MaintenanceStep[], i: number): string[] {
  const seen = new Set([steps[i]!.object]);
  const next: string[] = [];
  for (const step of steps.slice(i + 1)) {
    if (step.mode !== 'apply') continue;
    if (!BATCHED.has(step.kind) || seen.has(step.object) || next.length >= AHEAD_STEPS - 1) break;
    seen.add(step.object);
    next.push(step.object);
  }
  return next;
}

const whole = (ms: number) => Math.max(1, Math.floor(ms));
const isLockTimeout = (error: unknown) => (error as { code?: string }).code === '55P03';
