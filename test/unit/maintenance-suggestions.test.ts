// The pure parts of the maintenance plan: which rebuild a bloated table gets and its guards, the autovacuum
// scale-factor suggestion, and index names within PostgreSQL's 63-byte limit.
import type { TableHealth } from '../../packages/core/src/databases/postgres/maintenance-catalog.js';
import type { TableBloatInput } from '../../packages/core/src/databases/postgres/maintenance-tables.js';
import { autovacuumSteps, indexName } from '../../packages/core/src/maintenance/suggestions.js';
import { planTableRebuilds, repackCommand, tableBloat } from '../../packages/core/src/maintenance/table-rebuild.js';

const MB = 1024 * 1024;
/** 10,000 pages of which a fresh copy needs about 1,000: 90% bloat, 80 MB. */
const bloated: TableBloatInput = {
  schema: 'public',
  name: 'items',
  pages: 10_000,
  tuples: 100_000,
  /** Its indexes and TOAST: 15.6 MB more that VACUUM FULL rewrites. */
  indexAndToastPages: 2_000,
  width: 40,
  hasNulls: false,
  columns: 3,
  fillfactor: 100,
  blockSize: 8192,
  repackable: true,
};

describe('table rebuilds', () => {
  it('estimates bloat from pages, rows and width, and none without statistics', () => {
    const b = tableBloat(bloated)!;
    // 24-byte header + 40 bytes + 4-byte line pointer = 68 bytes a row: 120 rows a page, 834 pages.
    expect(b.expectedBytes).toBe(834 * 8192);
    expect(b.ratio).toBeCloseTo(1 - 834 / 10_000, 6);
    expect(tableBloat({ ...bloated, width: null })).toBeUndefined();
    expect(tableBloat({ ...bloated, tuples: -1 })).toBeUndefined();
    expect(b.source).toBe('statistics: pg_class and pg_stats (pgstattuple is not installed)');
  });

  it('with pgstattuple_approx: from its live tuples, statistics or not; a failed measurement falls back', () => {
    const measured = {
      tableBytes: 10_000 * 8192,
      liveTupleBytes: 100_000 * 61,
      liveTuples: 100_000,
      scannedPercent: 40,
    };
    const b = tableBloat({ ...bloated, width: null }, measured)!;
    // 6,100,000 bytes of tuples, 40% of them read: + 40,000 × (4-byte line pointer + 4 bytes padding on average)
    // = 6,420,000 bytes; 8,168 usable bytes a page: 786 pages.
    expect(b.expectedBytes).toBe(786 * 8192);
    expect(b.bytes).toBe(10_000 * 8192);
    expect(b.source).toBe('pgstattuple_approx (40% of the pages read, the rest from the free-space map)');
    // At fillfactor 50 the same rows need twice the pages: that space is not bloat.
    expect(tableBloat({ ...bloated, fillfactor: 50 }, measured)!.expectedBytes).toBe(1572 * 8192);
    const fallback = tableBloat(bloated, { failed: 'pgstattuple_approx waited past lock-timeout' })!;
    expect(fallback.expectedBytes).toBe(834 * 8192);
    expect(fallback.source).toBe('statistics: pg_class and pg_stats (pgstattuple_approx waited past lock-timeout)');
    const step = planTableRebuilds(
      [bloated],
      0.5,
      true,
      { allowVacuumFull: false, vacuumFullMaxBytes: 0 },
      new Map([['public.items', measured]]),
    );
    expect(step.get('"public"."items"')).toMatchObject({
      source: 'pgstattuple_approx (40% of the pages read, the rest from the free-space map)',
      why: expect.stringMatching(/^estimated bloat 92% \(from pgstattuple_approx \(40% of the pages read/),
    });
  });

  it('pg_repack when installed and the table has a key; VACUUM FULL only when allowed and small enough', () => {
    const policy = { allowVacuumFull: false, vacuumFullMaxBytes: 1024 * MB };
    const plan = (t: TableBloatInput, repack: boolean, p = policy) =>
      planTableRebuilds([t], 0.5, repack, p).get('"public"."items"')!;
    expect(plan(bloated, true)).toMatchObject({
      kind: 'repack-table',
      mode: 'apply',
      statement: repackCommand('"public"."items"'),
    });
    const noKey = plan({ ...bloated, repackable: false }, true);
    expect(noKey).toMatchObject({ kind: 'vacuum-full', mode: 'report' });
    expect(noKey.why).toMatch(/pg_repack needs a primary key .*; not applied: allow-vacuum-full is off$/);
    expect(plan(bloated, false, { ...policy, allowVacuumFull: true })).toMatchObject({
      kind: 'vacuum-full',
      mode: 'apply',
    });
    const big = plan(bloated, false, { allowVacuumFull: true, vacuumFullMaxBytes: 10 * MB });
    expect(big.mode).toBe('report');
    expect(big.why).toMatch(
      /not applied: 93\.8 MB \(the table 78\.1 MB with its indexes and TOAST, all of which VACUUM FULL rewrites\) is over vacuum-full-max-size \(10\.0 MB\)$/,
    );
    expect(planTableRebuilds([bloated], 0.95, true, policy).size).toBe(0);
  });

  it('shell-quotes the table in the pg_repack command line', () => {
    expect(repackCommand(`"it's"."t"`)).toBe(`pg_repack --no-kill-backend --table '"it'\\''s"."t"'`);
  });
});

describe('autovacuum suggestions', () => {
  const table: TableHealth = {
    schema: 'public',
    name: 'busy',
    liveTuples: 1_000_000,
    deadTuples: 400_000,
    modifiedSinceAnalyze: 0,
    lastAnalyzed: null,
    xidAge: 0,
    bytes: 100 * MB,
    changedRows: 2_000_000,
    statsAgeSeconds: 10 * 86_400,
    lastVacuumAgeSeconds: 3 * 86_400,
    autovacuum: { enabled: true, scaleFactor: 0.2, threshold: 50 },
  };

  it('suggests the scale factor that would have run four times over the backlog', () => {
    const [step] = autovacuumSteps([table], 1000, 86_400);
    expect(step!.statement).toBe('ALTER TABLE "public"."busy" SET (autovacuum_vacuum_scale_factor = 0.1)');
    expect(step!.figures).toMatchObject({ threshold: 200_050, suggestedScaleFactor: 0.1, churnPerDay: 200_000 });
    expect(step!.why).toMatch(/last vacuum was 3\.0 days ago; churn about 200000 updated or deleted rows a day$/);
    expect(step!.mode).toBe('report');
  });

  it('says nothing when autovacuum keeps up, is off, ran recently, or the suggestion is no lower', () => {
    expect(autovacuumSteps([{ ...table, deadTuples: 150_000 }], 1000, 86_400)).toEqual([]);
    expect(autovacuumSteps([{ ...table, autovacuum: { ...table.autovacuum, enabled: false } }], 1000, 86_400)).toEqual(
      [],
    );
    expect(autovacuumSteps([{ ...table, lastVacuumAgeSeconds: 3600 }], 1000, 86_400)).toEqual([]);
    expect(autovacuumSteps([{ ...table, deadTuples: 900_000 }], 1000, 86_400)).toEqual([]);
  });

  it('never suggests below 0.001', () => {
    const huge = {
      ...table,
      liveTuples: 1e10,
      deadTuples: 2.1e7,
      autovacuum: { ...table.autovacuum, scaleFactor: 0.002 },
    };
    expect(autovacuumSteps([huge], 1000, 86_400)[0]!.figures.suggestedScaleFactor).toBe(0.001);
  });
});

it('names an index <table>_<columns>_idx within 63 bytes', () => {
  expect(indexName('orders', ['customer_id'])).toBe('orders_customer_id_idx');
  const long = indexName('a'.repeat(40), ['ü'.repeat(20)]);
  expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
  expect(long.endsWith('_idx')).toBe(true);
});
