// The lifecycle of an action's failure notification (issue 18 part 4, for every action, as monitor-report has for
// its findings): a failure that persists over runs is sent once and again only when its error changes; the first
// success after it sends a recovery; inside a maintenance window nothing is sent, and a failure that outlasts the
// window is sent on the first failing run after it. The state keeps, per channel, what was DELIVERED, not what was
// decided: a message whose delivery failed is decided afresh by the next run, so a page lost to a service that was
// down is sent when the service is back, and a resolve that did not go through is sent by the next success.
// Pure functions of the previous state, this run, its window and the delivery outcome.

export const FAILURE_STATE_VERSION = 2;

/** A failing streak: kept between runs, cleared by a success. */
export interface FailingStreak {
  /** When the first failed run of the streak ended (ISO 8601). */
  since: string;
  /** Failed runs in the streak, this one included. */
  runs: number;
  /** The error of the latest failed run: "<code>: <message>". */
  error: string;
}

export interface FailureState {
  version: typeof FAILURE_STATE_VERSION;
  failing?: FailingStreak;
  /**
   * Per channel ("pagerduty", "opsgenie", "slack", ...), the error it was last delivered, kept until it is delivered
   * the recovery. A channel absent here has no open failure: never told of one, or told of its recovery.
   */
  told: Record<string, string>;
  /** The streak a success ended, kept while a channel in `told` still waits for the recovery (its message names it). */
  recovered?: FailingStreak;
}

export interface FailureRun {
  now: Date;
  /** This run's error, "<code>: <message>"; undefined when it succeeded. */
  error: string | undefined;
  /** The run ended inside a maintenance window. */
  maintenance: boolean;
  /** The channels that take this job's failures and recoveries. */
  channels: string[];
  /**
   * Channels sent the failure again on every failing run although they were delivered it: the paging services,
   * whose dedup key makes a repeat free while the incident is open and opens it again when it was resolved elsewhere
   * (by hand, or by another job's recovery under the same key); otherwise that job would never be paged again.
   */
  repeating?: string[];
}

/**
 * What one channel is sent:
 * - failure: the first message of a streak to this channel (or the first after a window held it back, or after its
 *   delivery failed);
 * - update: the streak goes on with an error other than the one this channel was delivered;
 * - recovery: the first success after a failure this channel was delivered (or after its recovery failed to deliver).
 */
export type FailureNotice = 'failure' | 'update' | 'recovery';

/**
 * What the run is, for the log:
 * - held: a failure inside a maintenance window, sent if it persists after the window;
 * - repeat: a failure every channel was already delivered: not sent again (but to the `repeating` channels);
 * - unsent: a success that ends a streak no channel was delivered (held by a window, or every delivery failed):
 *   nothing is sent, since a page for a failure that is already over, followed at once by its resolve, helps nobody.
 */
export type FailureQuiet = 'held' | 'repeat' | 'unsent';

export interface FailurePlan {
  /** Per channel, what to send now; channels left out are sent nothing. */
  sends: Record<string, FailureNotice>;
  quiet?: FailureQuiet;
  /** The streak the messages are about: this run's, or for a recovery the one that ended. */
  streak?: FailingStreak;
  /** The state to keep if nothing is delivered; settleFailureState adds what was. */
  state: FailureState;
}

/**
 * Reads a stored state; anything else (an unknown version, a damaged record) starts afresh. A version 1 state kept
 * what was decided, not per channel: the error it notified is taken as delivered to every channel of this run, which
 * is what version 1 assumed.
 */
export function parseFailureState(value: unknown, channels: string[]): FailureState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const state = value as { version?: unknown; failing?: unknown; told?: unknown; recovered?: unknown };
  if (state.version === 1) {
    if (state.failing === undefined) return { version: FAILURE_STATE_VERSION, told: {} };
    const failing = streakOf(state.failing);
    if (!failing) return undefined;
    const notified = (state.failing as { notified?: unknown }).notified;
    const told = typeof notified === 'string' ? Object.fromEntries(channels.map((c) => [c, notified])) : {};
    return { version: FAILURE_STATE_VERSION, failing, told };
  }
  if (state.version !== FAILURE_STATE_VERSION) return undefined;
  if (typeof state.told !== 'object' || state.told === null || Array.isArray(state.told)) return undefined;
  const told = state.told as Record<string, unknown>;
  if (Object.values(told).some((e) => typeof e !== 'string')) return undefined;
  const failing = state.failing === undefined ? undefined : streakOf(state.failing);
  const recovered = state.recovered === undefined ? undefined : streakOf(state.recovered);
  if (failing === null || recovered === null) return undefined;
  return {
    version: FAILURE_STATE_VERSION,
    ...(failing ? { failing } : {}),
    told: told as Record<string, string>,
    ...(recovered ? { recovered } : {}),
  };
}

function streakOf(value: unknown): FailingStreak | null {
  const s = value as Partial<FailingStreak> | null;
  if (typeof s !== 'object' || s === null) return null;
  if (typeof s.since !== 'string' || typeof s.runs !== 'number' || typeof s.error !== 'string') return null;
  return { since: s.since, runs: s.runs, error: s.error };
}

/**
 * What to send each channel this run. This run's outcome decides: a failure goes to each channel that was not
 * delivered it (an update where it was delivered another error), a success resolves each channel that was delivered
 * a failure; a failure nobody was delivered ends quietly with the success.
 */
export function planFailureNotice(previous: FailureState | undefined, run: FailureRun): FailurePlan {
  const told = { ...previous?.told };
  const sends: Record<string, FailureNotice> = {};
  if (run.error === undefined) {
    const ended = previous?.failing ?? previous?.recovered;
    for (const channel of run.channels) if (told[channel] !== undefined) sends[channel] = 'recovery';
    const state: FailureState = { version: FAILURE_STATE_VERSION, told, ...(ended ? { recovered: ended } : {}) };
    const quiet =
      previous?.failing && run.channels.length > 0 && Object.keys(sends).length === 0
        ? { quiet: 'unsent' as const }
        : {};
    return { sends, ...quiet, ...(ended ? { streak: ended } : {}), state: settled(state) };
  }
  // A new streak starts afresh; a channel still owed an earlier recovery keeps that incident and hears of this one
  // as an update (or, with the same error, nothing: the incident it has is still right).
  const streak = previous?.failing;
  const failing: FailingStreak = streak
    ? { ...streak, runs: streak.runs + 1, error: run.error }
    : { since: run.now.toISOString(), runs: 1, error: run.error };
  const state: FailureState = { version: FAILURE_STATE_VERSION, failing, told };
  if (run.maintenance) return { sends, quiet: 'held', streak: failing, state };
  for (const channel of run.channels) {
    if (told[channel] === undefined) sends[channel] = 'failure';
    else if (!sameError(told[channel], run.error)) sends[channel] = 'update';
  }
  // With no channel at all there is nothing to repeat: the streak is only counted.
  const repeat = run.channels.length > 0 && Object.keys(sends).length === 0;
  for (const channel of run.repeating ?? [])
    if (run.channels.includes(channel) && sends[channel] === undefined) sends[channel] = 'failure';
  return { sends, ...(repeat ? { quiet: 'repeat' as const } : {}), streak: failing, state };
}

/**
 * Whether two errors ("<code>: <message>") are the same failure. A persisting failure's message carries figures that
 * change every run (check-freshness: "…, 20261205T020000Z-3fa9c1, is 27 h 5 min old"; an S3 error naming this run's
 * backup id): compared as text, each run would send "the error changed", another page and another priority change.
 * The code and the words decide; numbers, durations, times and ids do not.
 */
export function sameError(a: string, b: string): boolean {
  return a === b || errorSignature(a) === errorSignature(b);
}

/**
 * An error with its volatile parts made neutral: ids, times, and amounts (a number with a unit of time or size, or a
 * percentage). A bare number stays, and so does one inside a name ("t1", "node-2", "host:5432"): another exit code,
 * HTTP status, server, table or major version is another error.
 */
export function errorSignature(error: string): string {
  return error
    .replace(/\d{8}T\d{6}Z(?:-[0-9a-f]{6})?/g, '<id>') // backup ids, and the compact times of verification records
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?/g, '<time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>') // request ids
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{16,}\b/gi, '<id>')
    .replace(
      /(?<![\w\-.:/])\d+(?:[.,]\d+)*(?: ?(?:(?:ms|s|min|h|d|bytes|[kKMGT]i?B)\b|%)(?: \d+(?:\.\d+)? ?(?:min|s)\b)?)/g,
      '#',
    );
}

/**
 * The state after this run's deliveries: a channel that was delivered a failure or update now knows this run's error,
 * one delivered the recovery knows of no failure; a channel whose delivery failed keeps what it knew, so the next run
 * decides for it again. Channels not configured this run keep their entry: a recovery still resolves them later.
 */
export function settleFailureState(plan: FailurePlan, delivered: string[]): FailureState {
  const told = { ...plan.state.told };
  for (const channel of delivered) {
    const notice = plan.sends[channel];
    if (notice === 'recovery') delete told[channel];
    else if (notice !== undefined && plan.state.failing) told[channel] = plan.state.failing.error;
  }
  return settled({ ...plan.state, told });
}

/** The ended streak is kept only while a channel waits for its recovery. */
function settled(state: FailureState): FailureState {
  if (state.failing || Object.keys(state.told).length > 0) return state;
  const { recovered: _, ...rest } = state;
  return rest;
}
