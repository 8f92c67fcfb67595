import fc from 'fast-check';
import { applyRetention, type RetentionCandidate, type RetentionPolicy } from '@dbops/core';

const at = (iso: string, verified = false): RetentionCandidate => ({ id: iso, time: new Date(iso), verified });
const kept = (backups: RetentionCandidate[], policy: RetentionPolicy) =>
  applyRetention(backups, policy)
    .filter((d) => d.keep)
    .map((d) => d.id);

describe("restic's documented semantics", () => {
  // Two backups a day at 02:00 and 14:00 for ten days, 2026-03-01 .. 03-10.
  const twiceDaily = Array.from({ length: 10 }, (_, day) => [
    at(`2026-03-${String(day + 1).padStart(2, '0')}T02:00:00Z`),
    at(`2026-03-${String(day + 1).padStart(2, '0')}T14:00:00Z`),
  ]).flat();

  test('keep-last n keeps the n newest', () => {
    expect(kept(twiceDaily, { last: 3 })).toEqual([
      '2026-03-10T14:00:00Z',
      '2026-03-10T02:00:00Z',
      '2026-03-09T14:00:00Z',
    ]);
  });

  test('keep-daily n keeps the newest backup of each of the last n days that have one', () => {
    expect(kept(twiceDaily, { daily: 3 })).toEqual([
      '2026-03-10T14:00:00Z',
      '2026-03-09T14:00:00Z',
      '2026-03-08T14:00:00Z',
    ]);
  });

  test('days without backups do not count ("the last n days which have one or more snapshots")', () => {
    const gappy = [
      at('2026-03-10T02:00:00Z'),
      at('2026-03-05T02:00:00Z'),
      at('2026-03-01T02:00:00Z'),
      at('2026-02-20T02:00:00Z'),
    ];
    expect(kept(gappy, { daily: 3 })).toEqual(['2026-03-10T02:00:00Z', '2026-03-05T02:00:00Z', '2026-03-01T02:00:00Z']);
  });

  test('keep-weekly uses ISO weeks (Monday to Sunday)', () => {
    // 2026-03-08 is a Sunday, 2026-03-09 a Monday.
    const backups = [
      at('2026-03-09T01:00:00Z'),
      at('2026-03-08T23:00:00Z'),
      at('2026-03-02T01:00:00Z'),
      at('2026-03-01T23:00:00Z'),
    ];
    expect(kept(backups, { weekly: 2 })).toEqual(['2026-03-09T01:00:00Z', '2026-03-08T23:00:00Z']);
  });

  test('ISO week 1 may start in the previous year: 2024-12-30 and 2025-01-05 share week 2025-W01', () => {
    expect(
      kept([at('2025-01-05T12:00:00Z'), at('2024-12-30T12:00:00Z'), at('2024-12-29T12:00:00Z')], { weekly: 2 }),
    ).toEqual(['2025-01-05T12:00:00Z', '2024-12-29T12:00:00Z']);
  });

  test('keep-monthly and keep-yearly keep the newest of each month / year', () => {
    const backups = [
      at('2026-03-31T00:00:00Z'),
      at('2026-03-01T00:00:00Z'),
      at('2026-02-28T00:00:00Z'),
      at('2025-12-31T00:00:00Z'),
      at('2025-01-01T00:00:00Z'),
    ];
    expect(kept(backups, { monthly: 2 })).toEqual(['2026-03-31T00:00:00Z', '2026-02-28T00:00:00Z']);
    expect(kept(backups, { yearly: 2 })).toEqual(['2026-03-31T00:00:00Z', '2025-12-31T00:00:00Z']);
  });

  test('keep-within is relative to the newest backup, not to now', () => {
    const old = [at('2020-01-10T00:00:00Z'), at('2020-01-08T00:00:00Z'), at('2020-01-01T00:00:00Z')];
    expect(kept(old, { withinSeconds: 3 * 86400 })).toEqual(['2020-01-10T00:00:00Z', '2020-01-08T00:00:00Z']);
  });

  test('rules combine, and each kept backup lists every rule that keeps it', () => {
    const decisions = applyRetention(twiceDaily, { last: 1, daily: 2 });
    expect(decisions.filter((d) => d.keep).map((d) => [d.id, d.reasons])).toEqual([
      ['2026-03-10T14:00:00Z', ['last', 'daily', 'newest']],
      ['2026-03-09T14:00:00Z', ['daily']],
    ]);
  });

  test('restic 0.17: a rule with buckets to spare also keeps the oldest backup', () => {
    expect(
      kept([at('2026-03-10T00:00:00Z'), at('2026-03-09T00:00:00Z'), at('2026-03-08T00:00:00Z')], { monthly: 12 }),
    ).toEqual(['2026-03-10T00:00:00Z', '2026-03-08T00:00:00Z']);
  });
});

describe('guards', () => {
  test('the newest backup is always kept, even by a policy that keeps nothing else', () => {
    expect(kept([at('2026-03-02T00:00:00Z'), at('2026-03-01T00:00:00Z')], { yearly: 0 })).toEqual([
      '2026-03-02T00:00:00Z',
    ]);
  });

  test('keep-min-verified: nothing older is deleted until enough newer verified backups are kept', () => {
    const backups = [
      at('2026-03-05T00:00:00Z'),
      at('2026-03-04T00:00:00Z', true),
      at('2026-03-03T00:00:00Z'),
      at('2026-03-02T00:00:00Z', true),
      at('2026-03-01T00:00:00Z'),
    ];
    const decisions = applyRetention(backups, { last: 1, minVerified: 2 });
    expect(decisions.filter((d) => d.keep).map((d) => d.id)).toEqual([
      '2026-03-05T00:00:00Z',
      '2026-03-04T00:00:00Z',
      '2026-03-03T00:00:00Z',
      '2026-03-02T00:00:00Z',
    ]);
    expect(decisions.find((d) => d.id === '2026-03-03T00:00:00Z')!.reasons).toEqual(['min-verified']);
  });

  test('with no verified backup at all and keep-min-verified set, nothing is deleted', () => {
    const backups = [at('2026-03-03T00:00:00Z'), at('2026-03-02T00:00:00Z'), at('2026-03-01T00:00:00Z')];
    expect(kept(backups, { last: 1, minVerified: 1 })).toHaveLength(3);
  });
});

// Random histories across years, with gaps and duplicates in the same second.
const history = fc
  .array(
    fc.record({
      time: fc
        .integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2027, 0, 1) })
        .map((ms) => new Date(Math.floor(ms / 1000) * 1000)),
      verified: fc.boolean(),
    }),
    { maxLength: 120 },
  )
  .map((items) => items.map((b, i) => ({ id: `${b.time.toISOString()}#${i}`, time: b.time, verified: b.verified })));
const policy = fc
  .record({
    last: fc.nat(5),
    hourly: fc.nat(30),
    daily: fc.nat(30),
    weekly: fc.nat(10),
    monthly: fc.nat(24),
    yearly: fc.nat(5),
    withinSeconds: fc.option(fc.integer({ min: 1, max: 400 * 86400 }), { nil: undefined }),
    minVerified: fc.nat(4),
  })
  .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as RetentionPolicy);

describe('properties over random histories', () => {
  test('every backup is decided exactly once, and kept ones say why', () => {
    fc.assert(
      fc.property(history, policy, (backups, p) => {
        const decisions = applyRetention(backups, p);
        expect(decisions.map((d) => d.id).sort()).toEqual(backups.map((b) => b.id).sort());
        for (const d of decisions) expect(d.keep).toBe(d.reasons.length > 0);
      }),
    );
  });

  test('the newest backup is never deleted', () => {
    fc.assert(
      fc.property(
        history.filter((h) => h.length > 0),
        policy,
        (backups, p) => {
          const newest = Math.max(...backups.map((b) => b.time.getTime()));
          expect(
            applyRetention(backups, p)
              .filter((d) => d.time.getTime() === newest)
              .some((d) => d.keep),
          ).toBe(true);
        },
      ),
    );
  });

  test('a deleted backup always has at least keep-min-verified newer verified backups kept', () => {
    fc.assert(
      fc.property(history, policy, (backups, p) => {
        const decisions = applyRetention(backups, p);
        decisions.forEach((d, i) => {
          if (d.keep) return;
          const newerVerifiedKept = decisions.slice(0, i).filter((n) => n.keep && n.verified).length;
          expect(newerVerifiedKept).toBeGreaterThanOrEqual(p.minVerified ?? 0);
        });
      }),
    );
  });

  test('the keep-min-verified newest verified backups are always kept', () => {
    fc.assert(
      fc.property(history, policy, (backups, p) => {
        const decisions = applyRetention(backups, p);
        for (const d of decisions.filter((x) => x.verified).slice(0, p.minVerified ?? 0)) expect(d.keep).toBe(true);
      }),
    );
  });

  // Without keep-min-verified: raising a rule can legitimately release a backup that only min-verified held.
  test('keep-last n keeps at least min(n, count) backups, and raising any rule never deletes more', () => {
    fc.assert(
      fc.property(
        history,
        policy.map((p) => ({ ...p, minVerified: 0 })),
        fc.constantFrom('last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'),
        (backups, p, rule) => {
          const base = new Set(
            applyRetention(backups, p)
              .filter((d) => d.keep)
              .map((d) => d.id),
          );
          expect(base.size).toBeGreaterThanOrEqual(Math.min(p.last ?? 0, backups.length));
          const more = { ...p, [rule]: ((p as Record<string, number>)[rule] ?? 0) + 1 };
          const raised = new Set(
            applyRetention(backups, more)
              .filter((d) => d.keep)
              .map((d) => d.id),
          );
          for (const id of base) expect(raised.has(id)).toBe(true);
        },
      ),
    );
  });

  test('it is deterministic and ignores input order', () => {
    fc.assert(
      fc.property(history, policy, (backups, p) => {
        const a = applyRetention(backups, p).map((d) => `${d.id}:${d.keep}`);
        const b = applyRetention([...backups].reverse(), p).map((d) => `${d.id}:${d.keep}`);
        expect(b).toEqual(a);
      }),
    );
  });
});
