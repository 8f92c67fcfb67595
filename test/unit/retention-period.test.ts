// Retention periods in calendar years (issue 16): `7y` is 7 calendar years back from the run's now (UTC), not
// 7 × 365 days, so a `keep-at-least: 7y` floor is never undercut by the leap days in between; a rule is compared
// with a minimum in years where both are in years, and `365d` under a `1y` minimum is refused.
import { applyRetention } from '@dbops/core';
import { ruleCutoffs } from '../../packages/core/src/data-retention/cutoffs.js';
import { periodAtLeast, periodStart } from '../../packages/core/src/data-retention/period.js';
import { policyLoosening } from '../../packages/core/src/data-retention/policy-changes.js';
import { parsePolicy, readPeriod } from '../../packages/core/src/data-retention/read-policy.js';
import { DbopsError } from '../../packages/core/src/errors.js';

const DAY = 86_400;
const years = (n: number) => ({ years: n, seconds: 0 });
const days = (n: number) => ({ years: 0, seconds: n * DAY });

describe('periodStart', () => {
  test('7y before 2026-12-07 is 2019-12-07 (2557 days: two 29 Februaries), not 2019-12-09', () => {
    const now = new Date('2026-12-07T10:30:00Z');
    expect(periodStart(now, readPeriod('7y')!).toISOString()).toBe('2019-12-07T10:30:00.000Z');
  });

  test('1y before 29 February is 28 February of the year before: the earlier date, never 1 March', () => {
    expect(periodStart(new Date('2028-02-29T12:00:00Z'), years(1)).toISOString()).toBe('2027-02-28T12:00:00.000Z');
    expect(periodStart(new Date('2028-02-29T12:00:00Z'), years(4)).toISOString()).toBe('2024-02-29T12:00:00.000Z');
  });

  test('1y30d is a calendar year back, then 30 days (395 days would end on 2027-02-28)', () => {
    expect(readPeriod('1y30d')).toEqual({ years: 1, seconds: 30 * DAY });
    expect(periodStart(new Date('2028-03-31T00:00:00Z'), readPeriod('1y30d')!).toISOString()).toBe(
      '2027-03-01T00:00:00.000Z',
    );
    expect(readPeriod('90d')).toEqual(days(90));
    expect(readPeriod('6 months')).toBeUndefined();
  });
});

test('a 7y minimum holds rows back to the same date 7 calendar years ago', () => {
  const now = new Date('2026-12-07T00:00:00Z');
  const minimum = { table: { name: 'invoices' }, keepAtLeast: years(7), line: 3 };
  const cutoffs = ruleCutoffs(days(30), [minimum], () => true, now);
  expect(cutoffs.effectiveCutoff.toISOString()).toBe('2019-12-07T00:00:00.000Z');
  expect(cutoffs.minimumSeconds).toBe(2557 * DAY);
});

test('a rule is at least a minimum only when it is in every year', () => {
  expect(periodAtLeast(years(1), years(1))).toBe(true);
  expect(periodAtLeast(days(365), years(1))).toBe(false);
  expect(periodAtLeast(days(366), years(1))).toBe(true);
  expect(periodAtLeast(years(1), days(365))).toBe(true);
  expect(periodAtLeast(years(1), days(366))).toBe(false);
  expect(periodAtLeast({ years: 1, seconds: 30 * DAY }, years(1))).toBe(true);
  expect(periodAtLeast(days(2556), years(7))).toBe(false);
  expect(periodAtLeast(days(2557), years(7))).toBe(true);
  expect(periodAtLeast(years(7), years(6))).toBe(true);
});

const policy = (keep: string, atLeast: string) => `version: 1
data:
  - name: audit-logs
    table: public.audit_logs
    by: created_at
    keep: ${keep}
minimums:
  - table: public.audit_logs
    keep-at-least: ${atLeast}
`;

test('keep: 365d under keep-at-least: 1y is refused, naming the rule, its line and the minimum', async () => {
  const error = await parsePolicy(policy('365d', '1y'), 'retention.yml').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DbopsError);
  expect((error as DbopsError).message).toContain(
    "file retention.yml line 6: rule 'audit-logs' (data[0]) field 'keep' (365d) is shorter than the minimum for public.audit_logs on line 8 (1y) across a 29 February",
  );
  expect((error as DbopsError).hint).toContain('a keep of at least 1y');
});

test('keep: 1y under keep-at-least: 1y is accepted, and so are 1y30d and 366d', async () => {
  for (const keep of ['1y', '1y30d', '366d']) {
    const parsed = await parsePolicy(policy(keep, '1y'), 'retention.yml');
    expect(parsed.minimums[0]!.keepAtLeast).toEqual(years(1));
  }
  expect((await parsePolicy(policy('7y', '7y'), 'r.yml')).data[0]).toMatchObject({ keep: years(7) });
});

test('a minimum lowered from 1y to 365d is flagged in a pull request, and shown in years', async () => {
  const base = await parsePolicy(policy('1y', '1y'), 'base.yml');
  const head = await parsePolicy(policy('365d', '365d'), 'head.yml');
  const loosening = policyLoosening(base, head);
  expect(loosening.minimums).toEqual([{ target: 'public.audit_logs', base: years(1), head: days(365), line: 8 }]);
  expect(loosening.shortened).toMatchObject([{ rule: 'audit-logs', base: years(1), head: days(365) }]);
});

test("a backups: keep-within: 1y keeps a calendar year before the newest backup, 29 February's day included", () => {
  const backups = ['2028-03-01T00:00:00Z', '2027-03-01T00:00:00Z'].map((iso) => ({
    id: iso,
    time: new Date(iso),
    verified: true,
  }));
  const kept = applyRetention(backups, { withinYears: 1 }).filter((d) => d.keep);
  expect(kept.map((d) => d.id)).toEqual(['2028-03-01T00:00:00Z', '2027-03-01T00:00:00Z']);
});
