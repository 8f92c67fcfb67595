import type { CheckDefinition } from '../check.js';
import { maskQuery } from './query-text.js';

/**
 * The pg_stat_statements columns differ by version: 12 has total_time/mean_time; 13 renamed them to
 * total_exec_time/mean_exec_time (adding planning times); 17 renamed blk_read_time/blk_write_time to
 * shared_blk_read_time/shared_blk_write_time (adding local_ ones); 18 adds more counters. Rather than trusting a
 * version number, the select list is built from the columns the installed view actually has.
 */
export function statementColumns(columns: string[]): { total: string; mean: string; ioTime: string } | undefined {
  const has = (name: string) => columns.includes(name);
  const total = has('total_exec_time') ? 'total_exec_time' : has('total_time') ? 'total_time' : undefined;
  const mean = has('mean_exec_time') ? 'mean_exec_time' : has('mean_time') ? 'mean_time' : undefined;
  if (!total || !mean || !has('calls') || !has('query')) return undefined;
  const read = has('shared_blk_read_time')
    ? 'shared_blk_read_time'
    : has('blk_read_time')
      ? 'blk_read_time'
      : undefined;
  const write = has('shared_blk_write_time')
    ? 'shared_blk_write_time'
    : has('blk_write_time')
      ? 'blk_write_time'
      : undefined;
  const ioTime = read && write ? `(${read} + ${write})` : '0';
  return { total, mean, ioTime };
}

interface StatementRow {
  queryid: string | null;
  calls: number;
  total_ms: number;
  mean_ms: number;
  io_ms: number;
  query: string | null;
}

export const slowStatements: CheckDefinition = {
  id: 'slow-statements',
  title: 'Slowest statements (pg_stat_statements)',
  why: 'The statements with the most total time are where an index or a rewrite saves the most load.',
  action:
    'EXPLAIN (ANALYZE, BUFFERS) the statement; add the index it needs or rewrite it; cache results that rarely change.',
  unit: 'seconds',
  direction: 'above',
  warning: 0.5,
  critical: 5,
  params: {
    'min-calls': { default: 10, unit: 'count', description: 'Statements called fewer times are not judged.' },
    limit: { default: 20, unit: 'count', description: 'How many statements (by total time) to look at.' },
  },
  async run({ query, param }) {
    const [ext] = await query<{ schema: string }>(
      `select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_stat_statements'`,
    );
    if (!ext)
      return {
        observations: [],
        skipped:
          'pg_stat_statements is not installed in this database (add it to shared_preload_libraries, restart, CREATE EXTENSION pg_stat_statements)',
      };
    const view = `${quoteIdent(ext.schema)}.pg_stat_statements`;
    const columns = (
      await query<{ name: string }>(
        `select attname as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped`,
        [view],
      )
    ).map((c) => c.name);
    const select = statementColumns(columns);
    if (!select)
      return {
        observations: [],
        unknown: `pg_stat_statements has columns this version of dbops does not know (${columns.slice(0, 8).join(', ')}…)`,
      };
    let rows: StatementRow[];
    try {
      rows = await query<StatementRow>(
        `select queryid::text, calls::float8 as calls, ${select.total}::float8 as total_ms, ${select.mean}::float8 as mean_ms,
                ${select.ioTime}::float8 as io_ms, query
         from ${view} where calls >= $1 and dbid = (select oid from pg_database where datname = current_database())
         order by ${select.total} desc limit $2`,
        [param('min-calls'), param('limit')],
      );
    } catch (error) {
      // Installed with CREATE EXTENSION but not preloaded: the view exists and every read fails (55000).
      if ((error as { code?: string }).code === '55000')
        return { observations: [], skipped: `pg_stat_statements cannot be read: ${(error as Error).message}` };
      throw error;
    }
    return {
      observations: rows.map((r) => ({
        subject: `queryid ${r.queryid ?? 'hidden'}`,
        value: r.mean_ms / 1000,
        detail: `${r.calls} calls, ${(r.total_ms / 1000).toFixed(1)} s total, ${(r.io_ms / 1000).toFixed(1)} s I/O: ${maskQuery(r.query, 160)}`,
      })),
    };
  },
};

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
