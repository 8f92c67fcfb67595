// What a policy change loosens: keep and grace compared rule by rule (by name, then by table), the backups: keep-*
// settings, and the minimums by table; longer, raised, equal and new ones ignored; the durations written as the
// policy file writes them, and all of it rendered in one table for the pull-request comment.
import {
  loweredBackupKeeps,
  loweredMinimums,
  policyLoosening,
  shortenedPeriods,
} from '../../packages/core/src/data-retention/policy-changes.js';
import { formatPeriod, policyDuration } from '../../packages/core/src/data-retention/period.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { policyChangesSummary } from '../../packages/core/src/report/retention-policy-changes-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';

const d = (seconds: number) => ({ years: 0, seconds });
const years = (n: number) => ({ years: n, seconds: 0 });

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
      base: d(30 * 86_400),
      head: d(7 * 86_400),
      line: 11,
    },
    {
      rule: 'user-searches',
      baseRule: 'searches',
      target: 'public.searches',
      period: 'keep',
      base: d(90 * 86_400),
      head: d(36 * 3600),
      line: 16,
    },
    {
      rule: 'events',
      target: 'analytics.events',
      period: 'keep',
      base: d(30 * 86_400),
      head: d(29 * 86_400),
      line: 20,
    },
  ]);
});

it('finds nothing when the policy is unchanged or only lengthened', async () => {
  const base = await parsePolicy(BASE, 'base.yml');
  expect(shortenedPeriods(base, base)).toEqual([]);
  expect(shortenedPeriods(await parsePolicy(HEAD, 'head.yml'), base).map((s) => s.rule)).toEqual(['audit-logs']);
});

it('writes periods in the largest unit that divides them, years as years', () => {
  expect(formatPeriod(years(7))).toBe('7y');
  expect(formatPeriod({ years: 1, seconds: 30 * 86_400 })).toBe('1y30d');
  expect(formatPeriod(d(365 * 86_400))).toBe('365d');
  expect(policyDuration(365 * 86_400)).toBe('365d');
  expect(policyDuration(36 * 3600)).toBe('36h');
  expect(policyDuration(90 * 60)).toBe('90m');
  expect(policyDuration(45)).toBe('45s');
});

// The backups: section and the minimums, against the same data rules (BASE's first rule).
const withSections = (sections: string) => `version: 1
data:
  - name: audit-logs
    table: public.audit_logs
    by: created_at
    keep: 365d
${sections}`;

const BACKUPS_BASE = withSections(`backups:
  from: s3://acme-backups/prod
  keep-daily: 7
  keep-weekly: 4
  keep-monthly: 12
  keep-yearly: 2
  keep-within: 14d
  keep-min-verified: 2
`);

it('lists each backups: keep-* setting that is lower or gone at the head, with its line', async () => {
  const head = withSections(`backups:
  from: s3://acme-backups/prod
  keep-last: 3
  keep-daily: 3
  keep-monthly: 24
  keep-yearly: 2
  keep-within: 36h
  keep-min-verified: 1
`);
  const lowered = loweredBackupKeeps(
    (await parsePolicy(BACKUPS_BASE, 'base.yml')).backups,
    (await parsePolicy(head, 'head.yml')).backups,
  );
  // keep-last is new and keep-monthly raised: neither is listed; keep-yearly is unchanged. keep-weekly is gone:
  // the line is the backups: key's.
  expect(lowered).toEqual([
    { target: 's3://acme-backups/prod', setting: 'keep-daily', base: 7, head: 3, line: 10 },
    { target: 's3://acme-backups/prod', setting: 'keep-weekly', base: 4, line: 7 },
    { target: 's3://acme-backups/prod', setting: 'keep-within', base: d(14 * 86_400), head: d(36 * 3600), line: 13 },
    { target: 's3://acme-backups/prod', setting: 'keep-min-verified', base: 2, head: 1, line: 14 },
  ]);
});

it('compares a backups: section that moved, and lists nothing for a new, removed or raised one', async () => {
  const base = (await parsePolicy(BACKUPS_BASE, 'base.yml')).backups;
  const moved = await parsePolicy(BACKUPS_BASE.replace('keep-daily: 7', 'keep-daily: 6').replace('/prod', '/p2'), 'h');
  expect(loweredBackupKeeps(base, moved.backups)).toEqual([
    {
      target: 's3://acme-backups/p2',
      baseTarget: 's3://acme-backups/prod',
      setting: 'keep-daily',
      base: 7,
      head: 6,
      line: 9,
    },
  ]);
  const raised = await parsePolicy(BACKUPS_BASE.replace('keep-daily: 7', 'keep-daily: 8'), 'head.yml');
  expect(loweredBackupKeeps(base, raised.backups)).toEqual([]);
  expect(loweredBackupKeeps(base, base)).toEqual([]);
  // A new section deletes what nothing deleted before; a removed one stops deleting.
  expect(loweredBackupKeeps(undefined, base)).toEqual([]);
  expect(loweredBackupKeeps(base, undefined)).toEqual([]);
});

const MINIMUMS_BASE = withSections(`minimums:
  - table: public.medical_records
    keep-at-least: 6y
  - table: public.invoices
    keep-at-least: 10y
  - table: audit_logs
    keep-at-least: 180d
`);

it('lists each minimum lowered or removed at the head, matched by table', async () => {
  const head = withSections(`minimums:
  - table: public.medical_records
    keep-at-least: 5y
  - table: public.audit_logs
    keep-at-least: 200d
  - table: public.prescriptions
    keep-at-least: 1d
`);
  const base = await parsePolicy(MINIMUMS_BASE, 'base.yml');
  // audit_logs is raised (and written schema-qualified now), prescriptions is new: neither is listed.
  expect(loweredMinimums(base.minimums, (await parsePolicy(head, 'head.yml')).minimums)).toEqual([
    { target: 'public.medical_records', base: years(6), head: years(5), line: 8 },
    { target: 'public.invoices', base: years(10), line: 10, atBase: true },
  ]);
  expect(loweredMinimums(base.minimums, base.minimums)).toEqual([]);
  expect(loweredMinimums([], base.minimums)).toEqual([]);
});

it("takes a table's highest minimum as its floor", async () => {
  const twice = withSections(`minimums:
  - table: public.invoices
    keep-at-least: 10y
  - table: public.invoices
    keep-at-least: 7y
`);
  const once = withSections(`minimums:
  - table: public.invoices
    keep-at-least: 7y
`);
  const [a, b] = [await parsePolicy(twice, 'a.yml'), await parsePolicy(once, 'b.yml')];
  expect(loweredMinimums(a.minimums, b.minimums)).toMatchObject([{ target: 'public.invoices', head: years(7) }]);
  expect(loweredMinimums(b.minimums, a.minimums)).toEqual([]);
});

it('renders rules, backups and minimums in one table, and says when nothing is loosened', async () => {
  const base = await parsePolicy(`${BACKUPS_BASE}${MINIMUMS_BASE.split('keep: 365d\n')[1]}`, 'base.yml');
  const head = await parsePolicy(
    `${BACKUPS_BASE.replace('keep: 365d', 'keep: 300d').replace('keep-within: 14d', 'keep-within: 7d')}minimums:
  - table: public.medical_records
    keep-at-least: 6y
`,
    'head.yml',
  );
  const loosening = policyLoosening(base, head);
  expect(loosening.shortened.map((s) => s.rule)).toEqual(['audit-logs']);
  const text = renderSummary([policyChangesSummary('retention.yml at abc', loosening)]);
  expect(text).toContain(
    '1 retention periods shortened, 1 backup keep settings lowered, 2 minimums lowered or removed against `retention.yml at abc`: data would go sooner, backups would be deleted sooner, a compliance floor drops',
  );
  expect(text).toMatch(
    /\|\s*`audit-logs`\s*\|\s*`public\.audit_logs`\s*\|\s*keep\s*\|\s*365d\s*\|\s*300d\s*\|\s*3\s*\|/,
  );
  expect(text).toMatch(
    /\|\s*`backups`\s*\|\s*`s3:\/\/acme-backups\/prod`\s*\|\s*keep-within\s*\|\s*14d\s*\|\s*7d\s*\|\s*13\s*\|/,
  );
  expect(text).toMatch(
    /\|\s*`minimums`\s*\|\s*`public\.invoices`\s*\|\s*keep-at-least\s*\|\s*10y\s*\|\s*removed\s*\|\s*18 at the base\s*\|/,
  );
  expect(text).toMatch(
    /\|\s*`minimums`\s*\|\s*`public\.audit_logs`\s*\|\s*keep-at-least\s*\|\s*180d\s*\|\s*removed\s*\|\s*20 at the base\s*\|/,
  );
  expect(text).not.toContain('medical_records');

  const unchanged = renderSummary([policyChangesSummary('retention.yml at abc', policyLoosening(base, base))]);
  expect(unchanged).toContain('No retention period is shortened and no backup keep setting or minimum lowered');
});

it("compares a MongoDB soft-delete rule's grace, as a table's", async () => {
  const rule = (grace: string) => `version: 1
data:
  - name: deleted-accounts
    collection: app.accounts
    soft-delete: deletedAt
    grace: ${grace}
    then: erase
`;
  expect(shortenedPeriods(await parsePolicy(rule('30d'), 'b.yml'), await parsePolicy(rule('7d'), 'h.yml'))).toEqual([
    {
      rule: 'deleted-accounts',
      target: 'app.accounts',
      period: 'grace',
      base: d(30 * 86_400),
      head: d(7 * 86_400),
      line: 3,
    },
  ]);
});

// Review findings (issue 16): loosenings that matching by name, or comparing periods of one kind only, hid.
const REVIEW_BASE = `version: 1
holds:
  - table: public.legal_holds
  - query: SELECT 'public.users' AS subject_table, id::text AS subject_id FROM public.vip
data:
  - name: audit
    table: public.audit_logs
    by: created_at
    keep: 7y
    archive-to: s3://acme-archive/audit
  - name: misc
    table: public.misc
    by: created_at
    keep: 365d
  - name: accounts
    table: public.accounts
    soft-delete: deleted_at
    grace: 30d
    then: anonymize
    anonymize: { email: null }
  - name: sessions
    table: public.sessions
    soft-delete: ended_at
    grace: 90d
    then: erase
  - name: orders
    table: public.orders
    by: created_at
    keep: 10y
    where: "status = 'closed'"
`;

const REVIEW_HEAD = `version: 1
holds:
  - query: SELECT 'public.users' AS subject_table, id::text AS subject_id FROM public.vip
data:
  - name: audit
    table: public.misc
    by: created_at
    keep: 7y
  - name: misc
    table: public.audit_logs
    by: created_at
    keep: 365d
  - name: accounts
    table: public.accounts
    soft-delete: deleted_at
    grace: 30d
    then: erase
  - name: sessions
    table: public.sessions
    by: started_at
    keep: 90d
  - name: orders
    table: public.orders
    by: created_at
    keep: 10y
`;

it('matches rules by table first and lists kind, column, where, then, archive-to and hold changes', async () => {
  const loosening = policyLoosening(
    await parsePolicy(REVIEW_BASE, 'base.yml'),
    await parsePolicy(REVIEW_HEAD, 'head.yml'),
  );
  // The rule names swapped tables: audit_logs goes from 7y to 365d, whatever the rule is called now.
  expect(loosening.shortened).toEqual([
    {
      rule: 'misc',
      baseRule: 'audit',
      target: 'public.audit_logs',
      period: 'keep',
      base: years(7),
      head: d(365 * 86_400),
      line: 9,
    },
  ]);
  expect(loosening.changed.map((c) => [c.rule, c.setting, c.base, c.head])).toEqual([
    ['misc', 'archive-to', 's3://acme-archive/audit', '(none)'],
    ['accounts', 'then', 'anonymize', 'erase'],
    ['sessions', 'kind', 'soft-delete ended_at, grace 90d, then erase', 'age by started_at, keep 90d'],
    ['orders', 'where', "status = 'closed'", '(none)'],
  ]);
  expect(loosening.holds).toEqual([{ hold: 'table: public.legal_holds', line: 3 }]);
  const text = renderSummary([policyChangesSummary('retention.yml at abc', loosening)]);
  expect(text).toContain('1 retention periods shortened, 4 rule settings changed, 1 legal holds removed');
  expect(text).toMatch(
    /\|\s*`holds`\s*\|\s*`table: public\.legal_holds`\s*\|\s*hold\s*\|\s*present\s*\|\s*removed\s*\|\s*3 at the base\s*\|/,
  );
  // The reverse (erase → anonymize, a where added, archive-to and a hold added) loosens nothing of these.
  const back = policyLoosening(await parsePolicy(REVIEW_HEAD, 'head.yml'), await parsePolicy(REVIEW_BASE, 'base.yml'));
  expect(back.changed.map((c) => c.setting)).toEqual(['kind']);
  expect(back.holds).toEqual([]);
});
