// The pure parts of the monitor: thresholds applied to values, the version-dependent pg_stat_statements columns,
// prefix-redundant index detection, the bloat estimate, lock-chain roots, query masking, trends and renderers.
import {
  buildTrends,
  defaultSettings,
  POSTGRES_CHECKS,
  renderHtml,
  renderMarkdown,
  renderPrometheus,
  type MonitorReport,
} from '@dbops/core';
import { describeTrend } from '../../packages/core/src/monitor/format-value.js';
import { evaluate, severityOf } from '../../packages/core/src/monitor/evaluate.js';
import { statementColumns } from '../../packages/core/src/monitor/checks/slow-statements.js';
import { coveringIndex, type IndexShape } from '../../packages/core/src/monitor/checks/indexes.js';
import { expectedPages } from '../../packages/core/src/monitor/checks/bloat.js';
import { rootBlocker } from '../../packages/core/src/monitor/checks/blocking-locks.js';
import { maskQuery } from '../../packages/core/src/monitor/checks/query-text.js';
import { matchesAny } from '../../packages/core/src/monitor/thresholds.js';
import { growthPerDay } from '../../packages/core/src/monitor/trends.js';

describe('thresholds', () => {
  it('fires at or above for "above" checks and strictly under for "below" checks', () => {
    expect(severityOf(0.9, 'above', { warning: 0.75, critical: 0.9 })).toBe('critical');
    expect(severityOf(0.8, 'above', { warning: 0.75, critical: 0.9 })).toBe('warning');
    expect(severityOf(0.5, 'above', { warning: 0.75, critical: 0.9 })).toBeUndefined();
    expect(severityOf(0.95, 'below', { warning: 0.95, critical: 0.9 })).toBeUndefined();
    expect(severityOf(0.93, 'below', { warning: 0.95, critical: 0.9 })).toBe('warning');
    expect(severityOf(0.5, 'below', { warning: 0.95, critical: 0.9 })).toBe('critical');
    expect(severityOf(1e12, 'above', {})).toBeUndefined();
  });

  it('applies exclusions and keeps the worst findings first', () => {
    const check = POSTGRES_CHECKS.find((c) => c.id === 'dead-tuples')!;
    const settings = { ...defaultSettings([check]).checks['dead-tuples']!, exclude: ['public.skip_*'] };
    const result = evaluate(
      check,
      settings,
      ['archive.*'],
      [
        { subject: 'public.a', table: 'public.a', value: 0.3 },
        { subject: 'public.b', table: 'public.b', value: 0.6 },
        { subject: 'public.skip_me', table: 'public.skip_me', value: 0.9 },
        { subject: 'archive.old', table: 'archive.old', value: 0.9 },
        { subject: 'public.ok', table: 'public.ok', value: 0.1 },
      ],
    );
    expect(result.findings.map((f) => [f.subject, f.severity])).toEqual([
      ['public.b', 'critical'],
      ['public.a', 'warning'],
    ]);
    expect(result.status).toBe('critical');
    expect(result.observed).toBe(3);
  });

  it('matches table patterns with and without a schema', () => {
    expect(matchesAny('public.orders', ['orders'])).toBe(true);
    expect(matchesAny('public.orders', ['public.ord*'])).toBe(true);
    expect(matchesAny('public.orders', ['sales.orders'])).toBe(false);
    expect(matchesAny('public.orders_2024', ['orders'])).toBe(false);
  });
});

describe('pg_stat_statements columns by version', () => {
  const common = ['userid', 'dbid', 'queryid', 'query', 'calls', 'rows', 'shared_blks_hit', 'shared_blks_read'];
  it('uses total_time/mean_time on 12', () => {
    expect(statementColumns([...common, 'total_time', 'mean_time', 'blk_read_time', 'blk_write_time'])).toEqual({
      total: 'total_time',
      mean: 'mean_time',
      ioTime: '(blk_read_time + blk_write_time)',
    });
  });
  it('uses total_exec_time/mean_exec_time on 13 to 16', () => {
    expect(
      statementColumns([
        ...common,
        'plans',
        'total_plan_time',
        'total_exec_time',
        'mean_exec_time',
        'blk_read_time',
        'blk_write_time',
      ]),
    ).toEqual({ total: 'total_exec_time', mean: 'mean_exec_time', ioTime: '(blk_read_time + blk_write_time)' });
  });
  it('uses the shared_blk_*_time columns renamed in 17 (and kept in 18)', () => {
    const v17 = [
      ...common,
      'total_exec_time',
      'mean_exec_time',
      'shared_blk_read_time',
      'shared_blk_write_time',
      'local_blk_read_time',
      'stats_since',
    ];
    expect(statementColumns(v17)).toEqual({
      total: 'total_exec_time',
      mean: 'mean_exec_time',
      ioTime: '(shared_blk_read_time + shared_blk_write_time)',
    });
    expect(
      statementColumns([...v17, 'parallel_workers_to_launch', 'parallel_workers_launched', 'wal_buffers_full']),
    ).toEqual(statementColumns(v17));
  });
  it('gives up on a view it does not know', () => {
    expect(statementColumns(['query', 'calls'])).toBeUndefined();
  });
});

describe('duplicate indexes', () => {
  const index = (oid: number, keys: string, extra: Partial<IndexShape> = {}): IndexShape => ({
    oid,
    table: 'public.t',
    am: 'btree',
    keys: keys.split(' '),
    included: [],
    classes: keys.split(' ').map(() => '1978'),
    collations: keys.split(' ').map(() => '0'),
    options: keys.split(' ').map(() => '0'),
    predicate: null,
    expressions: null,
    unique: false,
    ...extra,
  });
  it('finds a leading-column prefix and the newer of two identical indexes', () => {
    const a = index(1, '2');
    const ab = index(2, '2 3');
    const a2 = index(3, '2');
    expect(coveringIndex(a, [a, ab, a2])?.oid).toBe(2);
    expect(coveringIndex(a2, [a, a2])?.oid).toBe(1);
    expect(coveringIndex(a, [a, a2])).toBeUndefined();
  });
  it('keeps unique indexes, partial indexes and non-prefixes', () => {
    expect(coveringIndex(index(1, '2', { unique: true }), [index(2, '2 3')])).toBeUndefined();
    expect(coveringIndex(index(1, '2', { predicate: 'x > 0' }), [index(2, '2 3')])).toBeUndefined();
    expect(coveringIndex(index(1, '3'), [index(2, '2 3')])).toBeUndefined();
    expect(coveringIndex(index(1, '2', { am: 'hash' }), [index(2, '2 3', { am: 'hash' })])).toBeUndefined();
  });
  it('compares key columns only, needs the included ones held, and tells orderings and null rules apart', () => {
    // UNIQUE (a) INCLUDE (b) is a stricter rule than UNIQUE (a, b), whichever is older.
    const uniqueAIncB = index(2, '2', { unique: true, included: ['3'] });
    expect(coveringIndex(uniqueAIncB, [index(1, '2 3', { unique: true })])).toBeUndefined();
    expect(coveringIndex(index(1, '2 3', { unique: true }), [uniqueAIncB])).toBeUndefined();
    // (a) INCLUDE (b) is covered by (a, b), which holds b; (a) INCLUDE (c) is not.
    expect(coveringIndex(index(1, '2', { included: ['3'] }), [index(2, '2 3')])?.oid).toBe(2);
    expect(coveringIndex(index(1, '2', { included: ['4'] }), [index(2, '2 3')])).toBeUndefined();
    expect(coveringIndex(index(1, '2'), [index(2, '2', { included: ['3'] })])?.oid).toBe(2);
    expect(coveringIndex(index(1, '2', { unique: true, included: ['3'] }), [index(2, '2', { unique: true })])).toBe(
      undefined,
    );
    expect(coveringIndex(index(1, '2', { options: ['3'] }), [index(2, '2 3')])).toBeUndefined();
    expect(
      coveringIndex(index(2, '2', { unique: true, nullsNotDistinct: true }), [index(1, '2', { unique: true })]),
    ).toBeUndefined();
  });
});

describe('bloat estimate', () => {
  it('expects about 70 rows of 88 bytes per 8 kB page', () => {
    expect(
      expectedPages({
        pages: 0,
        tuples: 70_000,
        width: 88,
        hasNulls: false,
        columns: 2,
        fillfactor: 100,
        blockSize: 8192,
      }),
    ).toBe(1000);
    // A lower fillfactor leaves room on purpose: more pages are expected, not counted as bloat.
    expect(
      expectedPages({
        pages: 0,
        tuples: 70_000,
        width: 88,
        hasNulls: false,
        columns: 2,
        fillfactor: 50,
        blockSize: 8192,
      }),
    ).toBe(2000);
  });
});

it('follows a lock chain to its root blocker, and stops on a cycle', () => {
  const sessions = new Map([
    [3, { blockers: [2] }],
    [2, { blockers: [1] }],
    [1, { blockers: [] }],
  ]);
  expect(rootBlocker(3, sessions)).toBe(1);
  expect(
    rootBlocker(
      5,
      new Map([
        [5, { blockers: [6] }],
        [6, { blockers: [5] }],
      ]),
    ),
  ).toBe(6);
});

it('masks string literals in query text', () => {
  expect(maskQuery(`ALTER ROLE app PASSWORD 'it''s secret'`)).toBe(`ALTER ROLE app PASSWORD '?'`);
  expect(maskQuery(`select $$dollar secret$$, $tag$x$tag$ from t where a = 'b'`)).toBe(
    `select '?', '?' from t where a = '?'`,
  );
  expect(maskQuery(`select E'it\\'s secret', 'plain'`)).toBe(`select E'?', '?'`);
  expect(maskQuery(`select 'unterminated secret`)).toBe(`select '?'`);
  expect(maskQuery('select\n  1', 5)).toBe('sele…');
});

it('reads quotes the way the server does: comments, quoted names, doubled quotes, E strings and dollar quotes', () => {
  // An apostrophe in a comment or a quoted name starts no string; a comment's own quoted runs are masked too
  // (an apostrophe's tail with them: over-masking is the safe way to be wrong).
  expect(maskQuery(`/* don't log */ ALTER ROLE app PASSWORD 'hunter2'`)).toBe(
    `/* don'?'*/ ALTER ROLE app PASSWORD '?'`,
  );
  expect(maskQuery(`-- user's reset\nALTER ROLE app PASSWORD 'hunter2'`)).toBe(
    `-- user'?' ALTER ROLE app PASSWORD '?'`,
  );
  expect(maskQuery(`/* outer /* it's nested */ still comment's */ select 'secret'`)).toBe(
    `/* outer /* it'?'s */ select '?'`,
  );
  expect(maskQuery(`/*app='web',token='sk_live_abc'*/ select 1 -- note='secret'`)).toBe(
    `/*app='?',token='?'*/ select 1 -- note='?'`,
  );
  expect(maskQuery(`select "o'brien" from t where "a""'b" = 'secret'`)).toBe(
    `select "o'brien" from t where "a""'b" = '?'`,
  );
  // A backslash is an ordinary character in a standard string, an escape only in E'...'.
  expect(maskQuery(`SET home='C:\\x\\', token='sk_live_abc'`)).toBe(`SET home='?', token='?'`);
  expect(maskQuery(`select e'a\\'b', 'sk_live_abc', name'x'`)).toBe(`select e'?', '?', name'?'`);
  expect(maskQuery(`select $fn$ it's $x$ $fn$, $1, a$b$ from t where k = $$sk_live_abc$$`)).toBe(
    `select '?', $1, a$b$ from t where k = '?'`,
  );
  expect(maskQuery(`select $q$unterminated sk_live_abc`)).toBe(`select '?'`);
  expect(maskQuery(`/* unterminated 'x`)).toBe(`/* unterminated '?'`);
});

describe('trends', () => {
  const at = (day: number) => new Date(Date.UTC(2026, 10, 1) + day * 86_400_000).toISOString();
  const xidAt = (day: number, maxXidAge: number) => ({ generatedAt: at(day), sample: { maxXidAge } });

  it('computes growth per day and days to the limit', () => {
    expect(
      growthPerDay([
        { at: at(0), value: 10 },
        { at: at(1), value: 20 },
        { at: at(2), value: 30 },
      ]),
    ).toBeCloseTo(10);
    const sequence = (day: number, last: number) => ({
      generatedAt: at(day),
      sample: { maxXidAge: 1_000_000 + day * 1_000_000, sequences: { 's.q': { last, max: 1100 } } },
    });
    const trends = buildTrends([sequence(0, 100), sequence(5, 350)], sequence(10, 600));
    const xid = trends.series.find((s) => s.id === 'xid-age')!;
    expect(xid.growthPerDay).toBeCloseTo(1_000_000);
    // 2.1 billion xids away at a million a day is far beyond what 10 days of history can tell.
    expect(xid.daysToLimit).toBeUndefined();
    expect(trends.series.find((s) => s.id === 'sequence:s.q')).toMatchObject({
      growthPerDay: 50,
      daysToLimit: 10,
      limit: 1100,
      history: { points: 3, days: 10 },
      horizonDays: 20,
    });
    expect(trends.reportsRead).toBe(2);
  });

  it('projects nothing from minutes of history, however many reports', () => {
    const minutes = (n: number) => new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString();
    const entries = [0, 1, 2].map((n) => ({ generatedAt: minutes(n), sample: { maxXidAge: 1000 + n * 10 } }));
    const xid = buildTrends(entries.slice(0, 2), entries[2]!).series.find((s) => s.id === 'xid-age')!;
    expect(xid).not.toHaveProperty('growthPerDay');
    expect(xid).not.toHaveProperty('daysToLimit');
    expect(xid.history).toEqual({ points: 3, days: 2 / 1440 });
    expect(describeTrend(xid).growth).toBe(
      'not enough history to project (3 reports over 2 min 0 s; needs at least 3 over 1 day)',
    );
  });

  it('projects nothing from two reports, however far apart', () => {
    const xid = buildTrends([xidAt(0, 1000)], xidAt(30, 2000)).series.find((s) => s.id === 'xid-age')!;
    expect(xid).not.toHaveProperty('growthPerDay');
    expect(describeTrend(xid).growth).toMatch(/^not enough history to project \(2 reports over 30 days;/);
  });

  it('projects at most twice as far ahead as the history reaches back, and says so beyond', () => {
    const limit = 2 ** 31 - 3_000_000;
    // Six days of history, growing 100 M/day: 4 days to the limit is within reach (12 days) and is shown.
    const near = buildTrends(
      [0, 1, 2, 3, 4, 5].map((d) => xidAt(d, limit - 1e9 + d * 1e8)),
      xidAt(6, limit - 4e8),
    ).series.find((s) => s.id === 'xid-age')!;
    expect(near).toMatchObject({ history: { points: 7, days: 6 }, horizonDays: 12 });
    expect(near.daysToLimit).toBeCloseTo(4);
    expect(describeTrend(near)).toEqual({ growth: '+100.0 M/day from 7 reports over 6 days', days: '4 days' });
    // The same history 20 days from the limit: beyond reach, so only a lower bound.
    const far = buildTrends(
      [0, 1, 2, 3, 4, 5].map((d) => xidAt(d, limit - 2.6e9 + d * 1e8)),
      xidAt(6, limit - 2e9),
    ).series.find((s) => s.id === 'xid-age')!;
    expect(far.daysToLimit).toBeUndefined();
    expect(describeTrend(far)).toEqual({
      growth: '+100.0 M/day from 7 reports over 6 days',
      beyond: 'more than 12 days to the limit at this rate (projected no further than 2× the history)',
    });
  });

  it('shows the history and the projection in the summary and the HTML report', () => {
    const limit = 2 ** 31 - 3_000_000;
    const days = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const report = {
      schemaVersion: 2,
      generatedAt: at(8),
      name: 'shop',
      database: { name: 'shop', host: 'h', port: 5432, serverVersion: '15.4', major: 15, standby: false },
      status: 'ok',
      counts: { critical: 0, warning: 0, skipped: 0, unknown: 0 },
      durationMs: 5,
      sample: {},
      checks: [],
      trends: buildTrends(
        days.slice(0, -1).map((d) => xidAt(d, limit - 1.2e9 + d * 1e8)),
        xidAt(8, limit - 4e8),
      ),
    } as unknown as MonitorReport;
    expect(renderMarkdown(report, [])).toContain(
      '- Oldest transaction ID age: 1744.5 M, +100.0 M/day from 9 reports over 8 days; **4 days** to the limit at this rate',
    );
    expect(renderHtml(report, [])).toContain(
      '+100.0 M/day from 9 reports over 8 days; <strong>4 days</strong> to the limit at this rate',
    );
  });
});

it('escapes label values in the Prometheus output', () => {
  const report = {
    schemaVersion: 2,
    generatedAt: '2026-11-22T00:00:00.000Z',
    name: 'we"ird\\db',
    database: { name: 'x', host: 'h', port: 5432, serverVersion: '15.4', major: 15, standby: false },
    status: 'ok',
    counts: { critical: 0, warning: 0, skipped: 0, unknown: 0 },
    durationMs: 5,
    sample: {},
    checks: [
      {
        id: 'table-sizes',
        title: 't',
        status: 'ok',
        notes: [],
        durationMs: 1,
        unit: 'bytes',
        thresholds: { direction: 'above' },
        findings: [],
        observed: 1,
        top: [{ subject: 'public."odd\nname"', value: 1 }],
      },
    ],
  } as unknown as MonitorReport;
  const text = renderPrometheus(report);
  expect(text).toContain('database="we\\"ird\\\\db"');
  expect(text).toContain('subject="public.\\"odd\\nname\\""');
});
