import type { CheckDefinition } from '../check.js';

const TABLE = `quote_ident(schemaname) || '.' || quote_ident(relname)`;
/** When statistics began: a table never vacuumed is judged from then, not from the epoch. */
const STATS_SINCE = `coalesce((select stats_reset from pg_stat_database where datname = current_database()), pg_postmaster_start_time())`;
const DAY = 86_400;

export const deadTuples: CheckDefinition = {
  id: 'dead-tuples',
  title: 'Dead rows',
  why: 'Dead rows are kept until vacuum removes them: scans read them, and if autovacuum cannot keep up the table bloats.',
  action:
    'VACUUM the table; make autovacuum more aggressive for it (autovacuum_vacuum_scale_factor); look for long transactions holding back cleanup.',
  unit: 'ratio',
  direction: 'above',
  warning: 0.2,
  critical: 0.5,
  params: {
    'min-rows': { default: 10_000, unit: 'count', description: 'Tables with fewer dead rows are not judged.' },
  },
  async run({ query, param }) {
    const rows = await query<{ name: string; live: number; dead: number; vacuumed: string | null }>(
      `select ${TABLE} as name, n_live_tup::float8 as live, n_dead_tup::float8 as dead,
              greatest(last_vacuum, last_autovacuum)::text as vacuumed
       from pg_stat_user_tables where n_dead_tup >= $1 order by n_dead_tup desc limit 500`,
      [param('min-rows')],
    );
    return {
      observations: rows.map((r) => ({
        subject: r.name,
        table: r.name,
        value: r.dead / Math.max(1, r.live + r.dead),
        detail: `${r.dead} dead, ${r.live} live rows; last vacuum ${r.vacuumed ?? 'never'}`,
      })),
    };
  },
};

export const vacuumStaleness: CheckDefinition = {
  id: 'vacuum-staleness',
  title: 'Tables not vacuumed lately',
  why: 'A table with dead rows that has not been vacuumed for days shows autovacuum is blocked, disabled or too slow for it.',
  action:
    'VACUUM (VERBOSE) the table and read why it could not clean; check autovacuum settings and long-running transactions.',
  unit: 'seconds',
  direction: 'above',
  warning: 7 * DAY,
  critical: 30 * DAY,
  params: {
    'min-rows': { default: 10_000, unit: 'count', description: 'Only tables with at least this many dead rows.' },
  },
  async run({ query, param }) {
    const rows = await query<{ name: string; seconds: number; last: string | null }>(
      `select ${TABLE} as name, greatest(last_vacuum, last_autovacuum)::text as last,
              extract(epoch from clock_timestamp() - coalesce(greatest(last_vacuum, last_autovacuum), ${STATS_SINCE}))::float8 as seconds
       from pg_stat_user_tables where n_dead_tup >= $1 order by seconds desc limit 500`,
      [param('min-rows')],
    );
    return {
      observations: rows.map((r) => ({
        subject: r.name,
        table: r.name,
        value: r.seconds,
        detail: `last vacuum ${r.last ?? 'never (since statistics began)'}`,
      })),
    };
  },
};

export const analyzeStaleness: CheckDefinition = {
  id: 'analyze-staleness',
  title: 'Tables not analyzed lately',
  why: 'The planner chooses plans from statistics; a much-changed table with old statistics gets bad plans.',
  action: 'ANALYZE the table; lower autovacuum_analyze_scale_factor for it if it changes quickly.',
  unit: 'seconds',
  direction: 'above',
  warning: 7 * DAY,
  critical: 30 * DAY,
  params: {
    'min-changes': {
      default: 10_000,
      unit: 'count',
      description: 'Only tables with at least this many rows changed since the last analyze.',
    },
  },
  async run({ query, param }) {
    const rows = await query<{ name: string; seconds: number; last: string | null; changed: number }>(
      `select ${TABLE} as name, greatest(last_analyze, last_autoanalyze)::text as last, n_mod_since_analyze::float8 as changed,
              extract(epoch from clock_timestamp() - coalesce(greatest(last_analyze, last_autoanalyze), ${STATS_SINCE}))::float8 as seconds
       from pg_stat_user_tables where n_mod_since_analyze >= $1 order by seconds desc limit 500`,
      [param('min-changes')],
    );
    return {
      observations: rows.map((r) => ({
        subject: r.name,
        table: r.name,
        value: r.seconds,
        detail: `${r.changed} rows changed since the last analyze (${r.last ?? 'never'})`,
      })),
    };
  },
};
