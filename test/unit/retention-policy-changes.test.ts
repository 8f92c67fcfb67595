// The periods a policy change shortens: keep and grace compared rule by rule (by name, then by table), longer or
// equal periods and new rules ignored; and the durations written as the policy file writes them.
import { policyDuration, shortenedPeriods } from '../../packages/core/src/data-retention/policy-changes.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';

const BASE = `version: 1
data:
  - name: audit-logs
    table: public.audit_logs
    by: created_at
    keep: 365d
  - name: page-views
    table: public.page_views
    by: viewed_at
    keep: 180d
  - name: deleted-accounts
    table: public.users
    soft-delete: deleted_at
    grace: 30d
    then: erase
  - name: searches
    table: public.searches
    by: created_at
    keep: 90d
  - name: events
    collection: analytics.events
    by: createdAt
    keep: 30d
`;

const HEAD = `version: 1
data:
  - name: audit-logs
    table: public.audit_logs
    by: created_at
    keep: 400d
  - name: page-views
    table: public.page_views
    by: viewed_at
    keep: 180d
  - name: deleted-accounts
    table: public.users
    soft-delete: deleted_at
    grace: 7d
    then: erase
  - name: user-searches
    table: public.searches
    by: created_at
    keep: 36h
  - name: events
    collection: analytics.events
    by: createdAt
    keep: 29d
  - name: chats
    table: public.chats
    by: created_at
    keep: 1d
`;

it('lists every rule whose keep or grace got shorter, matched by name or by table, with its line', async () => {
  const shortened = shortenedPeriods(await parsePolicy(BASE, 'base.yml'), await parsePolicy(HEAD, 'head.yml'));
  expect(shortened).toEqual([
    {
      rule: 'deleted-accounts',
      target: 'public.users',
      period: 'grace',
      baseSeconds: 30 * 86_400,
      headSeconds: 7 * 86_400,
      line: 11,
    },
    {
      rule: 'user-searches',
      baseRule: 'searches',
      target: 'public.searches',
      period: 'keep',
      baseSeconds: 90 * 86_400,
      headSeconds: 36 * 3600,
      line: 16,
    },
    {
      rule: 'events',
      target: 'analytics.events',
      period: 'keep',
      baseSeconds: 30 * 86_400,
      headSeconds: 29 * 86_400,
      line: 20,
    },
  ]);
});

it('finds nothing when the policy is unchanged or only lengthened', async () => {
  const base = await parsePolicy(BASE, 'base.yml');
  expect(shortenedPeriods(base, base)).toEqual([]);
  expect(shortenedPeriods(await parsePolicy(HEAD, 'head.yml'), base).map((s) => s.rule)).toEqual(['audit-logs']);
});

it('writes periods in the largest unit that divides them', () => {
  expect(policyDuration(365 * 86_400)).toBe('365d');
  expect(policyDuration(36 * 3600)).toBe('36h');
  expect(policyDuration(90 * 60)).toBe('90m');
  expect(policyDuration(45)).toBe('45s');
});
