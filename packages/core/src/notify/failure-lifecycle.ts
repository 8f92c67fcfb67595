// The lifecycle of an action's failure notification (issue 18 part 4, for every action, as monitor-report has for
// its findings): a failure that persists over runs is sent once and again only when its error changes; the first
// success after it sends a recovery; inside a maintenance window nothing is sent, and a failure that outlasts the
// window is sent on the first failing run after it. Pure functions of the previous state, this run and its window.

export const FAILURE_STATE_VERSION = 1;

/** A failing streak: kept between runs, cleared by a success. */
export interface FailingStreak {
  /** When the first failed run of the streak ended (ISO 8601). */
  since: string;
  /** Failed runs in the streak, this one included. */
  runs: number;
  /** The error of the latest failed run: "<code>: <message>". */
  error: string;
  /** The error the channels were last told of; absent while nothing was sent (held by a maintenance window). */
  notified?: string;
}

export interface FailureState {
  version: typeof FAILURE_STATE_VERSION;
  failing?: FailingStreak;
}

export interface FailureRun {
  now: Date;
  /** This run's error, "<code>: <message>"; undefined when it succeeded. */
  error: string | undefined;
  /** The run ended inside a maintenance window. */
  maintenance: boolean;
}

/**
 * - failure: the first message of a streak (or the first after a window held it back);
 * - update: the streak goes on with another error;
 * - recovery: the first success after a streak the channels were told of;
 * - held: a failure inside a maintenance window, sent if it persists after the window;
 * - repeat: the same failure again, already sent: not sent again.
 */
export type FailureNotice = 'failure' | 'update' | 'recovery' | 'held' | 'repeat';

export interface FailurePlan {
  /** What this run's failure message is, if it is one; undefined for a success with nothing to recover from. */
  notice?: FailureNotice;
  /** The state to keep for the next run. */
  state: FailureState;
}

/** Reads a stored state; anything else (another version, a damaged record) starts afresh. */
export function parseFailureState(value: unknown): FailureState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const state = value as Partial<FailureState>;
  if (state.version !== FAILURE_STATE_VERSION) return undefined;
  const failing = state.failing;
  if (failing === undefined) return { version: FAILURE_STATE_VERSION };
  if (typeof failing.since !== 'string' || typeof failing.runs !== 'number' || typeof failing.error !== 'string')
    return undefined;
  return { version: FAILURE_STATE_VERSION, failing };
}

export function planFailureNotice(previous: FailureState | undefined, run: FailureRun): FailurePlan {
  const streak = previous?.failing;
  if (run.error === undefined) {
    const state: FailureState = { version: FAILURE_STATE_VERSION };
    // A streak nobody was told of (it stayed inside a window) ends quietly.
    return streak?.notified !== undefined ? { notice: 'recovery', state } : { state };
  }
  const failing: FailingStreak = streak
    ? { ...streak, runs: streak.runs + 1, error: run.error }
    : { since: run.now.toISOString(), runs: 1, error: run.error };
  if (run.maintenance) return { notice: 'held', state: { version: FAILURE_STATE_VERSION, failing } };
  const notice: FailureNotice =
    failing.notified === undefined ? 'failure' : failing.notified === run.error ? 'repeat' : 'update';
  if (notice !== 'repeat') failing.notified = run.error;
  return { notice, state: { version: FAILURE_STATE_VERSION, failing } };
}
