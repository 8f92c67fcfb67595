// When apply reads the standbys' replay lag. Most primaries have no standby, and reading pg_stat_replication before
// every step was one more round trip against steps that take a few milliseconds (bench/maintenance-plan.mjs).

/** Longest a run goes without looking for a standby that connected after the last look. */
export const STANDBY_RECHECK_MS = 10_000;

/**
 * With a standby, the lag is read before every step. Without one, again only once `recheckMs` of the run's clock
 * has passed: a standby that connects mid-run is noticed within that time, and no step starts later than that
 * without its lag checked. Replay lag grows no faster than the clock, so with `recheckMs` no longer than
 * max-replication-lag, what goes unnoticed is at most the limit itself (plus the step then running).
 */
export class StandbyWatch {
  private next = Number.NEGATIVE_INFINITY;

  constructor(private readonly recheckMs: number) {}

  /** Whether the lag must be read before a step that starts at `now` (ms since the epoch). */
  due(now: number): boolean {
    return now >= this.next;
  }

  /** What a read at `now` found: with no standby, the next read waits `recheckMs`. */
  seen(standbys: number, now: number) {
    this.next = standbys > 0 ? Number.NEGATIVE_INFINITY : now + this.recheckMs;
  }
}
