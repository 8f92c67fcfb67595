import type { CheckDefinition } from '../check.js';
import { QUALIFIED, USER_SCHEMA } from './sql.js';

export interface BloatInput {
  pages: number;
  tuples: number;
  /** Average bytes of data per row, from pg_stats (null fraction accounted for). */
  width: number;
  hasNulls: boolean;
  columns: number;
  fillfactor: number;
  blockSize: number;
}

/** PostgreSQL's heap page layout, for estimates of what a fresh copy of a table would take. */
export const MAXALIGN = 8;
export const PAGE_HEADER = 24;
const TUPLE_HEADER = 23;
export const LINE_POINTER = 4;
const align = (n: number) => Math.ceil(n / MAXALIGN) * MAXALIGN;

/**
 * Pages the table would need if packed at its fillfactor, from the planner's row count and the statistics' row
 * width. An estimate (the same idea as pghero's and ioguix's queries): it ignores per-column alignment padding,
 * so it errs low on wide rows of mixed types, and TOASTed data is outside it.
 */
export function expectedPages(t: BloatInput): number {
  const header = align(TUPLE_HEADER + (t.hasNulls ? Math.ceil(t.columns / 8) : 0));
  const perRow = header + align(t.width) + LINE_POINTER;
  const usable = ((t.blockSize - PAGE_HEADER) * t.fillfactor) / 100;
  const rowsPerPage = Math.max(1, Math.floor(usable / perRow));
  return Math.ceil(t.tuples / rowsPerPage);
}

interface BloatRow {
  name: string;
  pages: number;
  tuples: number;
  width: number | null;
  has_nulls: boolean | null;
  columns: number;
  fillfactor: number;
  block_size: number;
}

export const tableBloat: CheckDefinition = {
  id: 'table-bloat',
  title: 'Table bloat (estimate)',
  why: 'Space left by updated and deleted rows that vacuum cannot give back makes scans, caches and backups bigger than the data.',
  action:
    'Rewrite the table online with pg_repack (or VACUUM FULL in a maintenance window), then tune autovacuum so it keeps up.',
  unit: 'ratio',
  direction: 'above',
  warning: 0.5,
  critical: 0.8,
  params: {
    'min-size': {
      default: 10 * 1024 * 1024,
      unit: 'bytes',
      description: 'Tables smaller than this are not estimated.',
    },
  },
  async run({ query, param, sample }) {
    // pg_stats shows only columns the role may SELECT: tables without visible statistics are counted, not guessed.
    const rows = await query<BloatRow>(
      `with big as (
         select c.oid, n.nspname, c.relname, ${QUALIFIED} as name, c.relpages::float8 as pages, c.reltuples::float8 as tuples,
                coalesce((select substring(o from '=(\\d+)')::int from unnest(c.reloptions) o where o like 'fillfactor=%'), 100) as fillfactor
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'm') and ${USER_SCHEMA}
           and c.relpages::float8 * current_setting('block_size')::int >= $1
       ), widths as (
         select s.schemaname, s.tablename, sum((1 - s.null_frac) * s.avg_width)::float8 as width, bool_or(s.null_frac > 0) as has_nulls
         from pg_stats s join big on big.nspname = s.schemaname and big.relname = s.tablename
         where not s.inherited group by 1, 2
       )
       select big.name, big.pages, big.tuples, w.width, w.has_nulls, big.fillfactor,
              (select count(*)::int from pg_attribute a where a.attrelid = big.oid and a.attnum > 0 and not a.attisdropped) as columns,
              current_setting('block_size')::int as block_size
       from big left join widths w on w.schemaname = big.nspname and w.tablename = big.relname`,
      [param('min-size')],
    );
    const withoutStats = rows.filter((r) => r.width === null || r.tuples < 0);
    const notes =
      withoutStats.length > 0
        ? [
            `${withoutStats.length} tables over the minimum size have no statistics visible to this role (never analyzed, or not readable): not estimated`,
          ]
        : [];
    if (rows.length > 0 && withoutStats.length === rows.length) return { observations: [], unknown: notes[0] };

    let bloatBytes = 0;
    const observations = rows
      .filter((r) => r.width !== null && r.tuples >= 0 && r.pages > 0)
      .map((r) => {
        const expected = expectedPages({
          pages: r.pages,
          tuples: r.tuples,
          width: r.width!,
          hasNulls: r.has_nulls ?? false,
          columns: r.columns,
          fillfactor: r.fillfactor,
          blockSize: r.block_size,
        });
        const wasted = Math.max(0, r.pages - expected) * r.block_size;
        bloatBytes += wasted;
        return {
          subject: r.name,
          table: r.name,
          value: wasted / (r.pages * r.block_size),
          detail: `about ${mib(wasted)} of ${mib(r.pages * r.block_size)} is free space`,
        };
      });
    sample.bloatBytes = bloatBytes;
    return { observations, notes };
  },
};

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
