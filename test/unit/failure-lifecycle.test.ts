// The failure lifecycle's state as pure functions: what each channel is sent, and what the state keeps once the
// deliveries are known (only what went through counts), the state of an earlier version read back, and random runs
// with random failed deliveries checked against what the person on call expects.
import fc from 'fast-check';
import {
  type FailurePlan,
  type FailureRun,
  type FailureState,
  parseFailureState,
  planFailureNotice,
  sameError,
  settleFailureState,
} from '../../packages/core/src/notify/failure-lifecycle.js';

const CHANNELS = ['slack', 'pagerduty', 'opsgenie'];
const T0 = Date.parse('2026-12-06T00:00:00Z');
const A = 'CONNECTION_FAILED: connection refused';
const B = 'CONNECTION_FAILED: database "x" does not exist';

const run = (minutes: number, error: string | undefined, extra: Partial<FailureRun> = {}): FailureRun => ({
  now: new Date(T0 + minutes * 60_000),
  error,
  maintenance: false,
  channels: CHANNELS,
  ...extra,
});

/** One run: plan, deliver to every channel but `failing`, settle, and read the stored JSON back. */
function step(previous: FailureState | undefined, r: FailureRun, failing: string[] = []) {
  const plan = planFailureNotice(previous, r);
  const delivered = Object.keys(plan.sends).filter((c) => !failing.includes(c));
  const state = parseFailureState(JSON.parse(JSON.stringify(settleFailureState(plan, delivered))), r.channels)!;
  return { plan, state };
}

describe('planFailureNotice and settleFailureState', () => {
  it('marks a channel told only when its delivery went through, and decides for the others again next run', () => {
    const first = step(undefined, run(0, A), ['pagerduty', 'opsgenie']);
    expect(first.plan.sends).toEqual({ slack: 'failure', pagerduty: 'failure', opsgenie: 'failure' });
    expect(first.state).toEqual({
      version: 2,
      failing: { since: '2026-12-06T00:00:00.000Z', runs: 1, error: A },
      told: { slack: A },
    });
    const second = step(first.state, run(30, A));
    expect(second.plan.sends).toEqual({ pagerduty: 'failure', opsgenie: 'failure' });
    expect(second.plan.streak).toEqual({ since: '2026-12-06T00:00:00.000Z', runs: 2, error: A });
    const third = step(second.state, run(60, A));
    expect(third.plan.sends).toEqual({});
    expect(third.plan.quiet).toBe('repeat');
  });

  it('sends an update only to the channels that were delivered another error, and retries a lost update', () => {
    const told = step(undefined, run(0, A)).state;
    const changed = step(told, run(30, B), ['opsgenie']);
    expect(changed.plan.sends).toEqual({ slack: 'update', pagerduty: 'update', opsgenie: 'update' });
    expect(changed.state.told).toEqual({ slack: B, pagerduty: B, opsgenie: A });
    expect(step(changed.state, run(60, B)).plan.sends).toEqual({ opsgenie: 'update' });
    // Back to the error Opsgenie has: it is sent nothing, the others an update.
    expect(step(changed.state, run(60, A)).plan.sends).toEqual({ slack: 'update', pagerduty: 'update' });
  });

  it('resolves only the channels that were told, keeps the ended streak while a resolve is owed, then forgets it', () => {
    const told = step(step(undefined, run(0, A), ['opsgenie']).state, run(30, A), ['opsgenie']).state;
    expect(told.told).toEqual({ slack: A, pagerduty: A });
    const lost = step(told, run(60, undefined), ['pagerduty']);
    expect(lost.plan.sends).toEqual({ slack: 'recovery', pagerduty: 'recovery' });
    const streak = { since: '2026-12-06T00:00:00.000Z', runs: 2, error: A };
    expect(lost.plan.streak).toEqual(streak);
    expect(lost.state).toEqual({ version: 2, told: { pagerduty: A }, recovered: streak });
    const resolved = step(lost.state, run(90, undefined));
    expect(resolved.plan.sends).toEqual({ pagerduty: 'recovery' });
    expect(resolved.plan.streak).toEqual(streak);
    expect(resolved.state).toEqual({ version: 2, told: {} });
    expect(step(resolved.state, run(120, undefined)).plan).toEqual({ sends: {}, state: { version: 2, told: {} } });
  });

  it('ends a failure that nobody was delivered quietly: no page for a failure that is over, no resolve', () => {
    const lost = step(undefined, run(0, A), CHANNELS).state;
    const ok = step(lost, run(30, undefined));
    expect(ok.plan.sends).toEqual({});
    expect(ok.plan.quiet).toBe('unsent');
    expect(ok.state).toEqual({ version: 2, told: {} });
  });

  it('a failure while a resolve is still owed: a new streak; the open incident gets an update, or nothing', () => {
    const lost = step(step(undefined, run(0, A)).state, run(30, undefined), CHANNELS).state;
    const same = step(lost, run(60, A));
    expect(same.plan.sends).toEqual({});
    expect(same.state.failing).toEqual({ since: '2026-12-06T01:00:00.000Z', runs: 1, error: A });
    expect(same.state.recovered).toBeUndefined();
    expect(step(lost, run(60, B)).plan.sends).toEqual({ slack: 'update', pagerduty: 'update', opsgenie: 'update' });
  });

  it('holds everything inside a maintenance window and counts the run; a channel added later is sent the failure', () => {
    const held = step(undefined, run(0, A, { maintenance: true }));
    expect(held.plan).toMatchObject({ sends: {}, quiet: 'held' });
    expect(held.state).toEqual({
      version: 2,
      failing: { since: '2026-12-06T00:00:00.000Z', runs: 1, error: A },
      told: {},
    });
    const told = step(held.state, run(30, A, { channels: ['pagerduty'] })).state;
    expect(step(told, run(60, A)).plan.sends).toEqual({ slack: 'failure', opsgenie: 'failure' });
  });

  it('with no channel at all, only counts the streak: no repeat, no quiet end', () => {
    const none = { channels: [] };
    const first = step(undefined, run(0, A, none));
    const second = step(first.state, run(30, A, none));
    expect(second.plan).toEqual({
      sends: {},
      streak: { since: '2026-12-06T00:00:00.000Z', runs: 2, error: A },
      state: second.state,
    });
    expect(step(second.state, run(60, undefined, none)).plan.quiet).toBeUndefined();
  });

  it('keeps the entry of a channel not configured this run, so that a later run can still resolve it', () => {
    const told = step(undefined, run(0, A)).state;
    const withoutOpsgenie = step(told, run(30, undefined, { channels: ['slack', 'pagerduty'] }));
    expect(withoutOpsgenie.plan.sends).toEqual({ slack: 'recovery', pagerduty: 'recovery' });
    expect(withoutOpsgenie.state.told).toEqual({ opsgenie: A });
    expect(step(withoutOpsgenie.state, run(60, undefined)).plan.sends).toEqual({ opsgenie: 'recovery' });
  });
});

describe('parseFailureState', () => {
  it('reads a version 1 state as told to every channel of this run what it notified', () => {
    const failing = { since: '2026-12-01T00:00:00.000Z', runs: 3, error: A };
    expect(parseFailureState({ version: 1, failing: { ...failing, notified: A } }, ['pagerduty', 'opsgenie'])).toEqual({
      version: 2,
      failing,
      told: { pagerduty: A, opsgenie: A },
    });
    // Held by a window: nobody was told.
    expect(parseFailureState({ version: 1, failing }, CHANNELS)).toEqual({ version: 2, failing, told: {} });
    expect(parseFailureState({ version: 1 }, CHANNELS)).toEqual({ version: 2, told: {} });
  });

  it('refuses what it cannot trust, so the run starts afresh', () => {
    for (const bad of [
      null,
      'x',
      { version: 3, told: {} },
      { version: 2 },
      { version: 2, told: { pagerduty: 1 } },
      { version: 2, told: [] },
      { version: 2, told: {}, failing: { since: 'x' } },
      { version: 2, told: {}, recovered: 'x' },
      { version: 1, failing: { runs: 1 } },
    ])
      expect(parseFailureState(bad, CHANNELS)).toBeUndefined();
  });
});

describe('random runs with random failed deliveries', () => {
  const stepArb = fc.record({
    error: fc.constantFrom(undefined, A, B),
    maintenance: fc.boolean(),
    failing: fc.subarray(CHANNELS),
  });

  it('every channel ends up delivered the current outcome, and never hears the same thing twice', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), (steps) => {
        let state: FailureState | undefined;
        /** What each channel has been delivered: the error of its open incident, or nothing open. */
        const seen: Record<string, string | undefined> = {};
        steps.forEach((s, i) => {
          const r = run(i * 30, s.error, { maintenance: s.maintenance });
          const plan: FailurePlan = planFailureNotice(state, r);
          for (const [channel, notice] of Object.entries(plan.sends)) {
            // Never a repeat of what the channel has, never a resolve for what it never had.
            if (notice === 'recovery') expect(seen[channel]).toBeDefined();
            else expect(seen[channel]).not.toBe(s.error);
            if (notice === 'failure') expect(seen[channel]).toBeUndefined();
            if (notice === 'update') expect(seen[channel]).toBeDefined();
            if (!s.failing.includes(channel)) seen[channel] = notice === 'recovery' ? undefined : s.error;
          }
          const delivered = Object.keys(plan.sends).filter((c) => !s.failing.includes(c));
          state = parseFailureState(JSON.parse(JSON.stringify(settleFailureState(plan, delivered))), CHANNELS);
          expect(state).toBeDefined();
          // The state knows exactly what was delivered.
          expect(state!.told).toEqual(Object.fromEntries(Object.entries(seen).filter(([, e]) => e !== undefined)));
          // After a delivery that went through outside a window, the channel knows this run's outcome.
          if (!s.maintenance)
            for (const channel of CHANNELS.filter((c) => !s.failing.includes(c))) expect(seen[channel]).toBe(s.error);
        });
      }),
    );
  });
});

test('an error is the same failure whatever its figures, and another one when its words or names change', () => {
  const stale = (id: string, age: string) =>
    `CHECK_FAILED: The newest backup of prod (app), ${id}, is ${age} old (limit 26 h 0 min)`;
  expect(
    sameError(stale('20261205T020000Z-3fa9c1', '27 h 5 min'), stale('20261205T020000Z-3fa9c1', '28 h 5 min')),
  ).toBe(true);
  expect(sameError(stale('20261205T020000Z-3fa9c1', '59 min 2 s'), stale('20261206T020000Z-0b1c2d', '1 h 0 min'))).toBe(
    true,
  );
  expect(
    sameError(
      'STORAGE_ERROR: put prod/20261205T020000Z-3fa9c1.dump.zst failed at 2026-12-05T02:00:03.120Z (request 0a1b2c3d4e5f60718293)',
      'STORAGE_ERROR: put prod/20261206T020000Z-99aa00.dump.zst failed at 2026-12-06T02:00:02.004Z (request ffee00112233445566778)',
    ),
  ).toBe(true);
  expect(sameError('CHECK_FAILED: table t1 is missing', 'CHECK_FAILED: table t2 is missing')).toBe(false);
  expect(
    sameError('CONNECTION_FAILED: password authentication failed', 'CONNECTION_FAILED: database x does not exist'),
  ).toBe(false);
  expect(sameError('CHECK_FAILED: x', 'VERIFY_FAILED: x')).toBe(false);
  // Bare numbers and numbers in names are not figures: another server, port, exit code or status is another error.
  expect(sameError('CONNECTION_FAILED: db-1 refused', 'CONNECTION_FAILED: db-2 refused')).toBe(false);
  expect(sameError('CONNECTION_FAILED: db:5432 refused', 'CONNECTION_FAILED: db:6432 refused')).toBe(false);
  expect(sameError('DUMP_FAILED: pg_dump exited with code 1', 'DUMP_FAILED: pg_dump exited with code 2')).toBe(false);
  expect(sameError('STORAGE_ERROR: S3 answered 403', 'STORAGE_ERROR: S3 answered 503')).toBe(false);
  // Amounts with a unit are figures.
  expect(sameError('DUMP_FAILED: 12.5 MB free of 40 GB', 'DUMP_FAILED: 11.9 MB free of 40 GB')).toBe(true);
  expect(sameError('CHECK_FAILED: disk 91% full', 'CHECK_FAILED: disk 93% full')).toBe(true);
});
