import type { CheckDefinition } from '../check.js';

export const cacheHitRatio: CheckDefinition = {
  id: 'cache-hit-ratio',
  title: 'Cache hit ratio',
  why: 'Reads that miss shared buffers go to the OS cache or disk; a falling ratio means the working set no longer fits in memory.',
  action:
    'Raise shared_buffers (about 25% of RAM), add memory, or find the queries that scan large tables (missing indexes).',
  unit: 'ratio',
  direction: 'below',
  warning: 0.95,
  critical: 0.9,
  params: {
    'min-reads': { default: 10_000, unit: 'count', description: 'Block reads needed before the ratio means anything.' },
  },
  async run({ query, param }) {
    const [row] = await query<{ hit: number; read: number; since: string | null }>(
      `select blks_hit::float8 as hit, blks_read::float8 as read, stats_reset::text as since
       from pg_stat_database where datname = current_database()`,
    );
    const total = (row?.hit ?? 0) + (row?.read ?? 0);
    if (total < param('min-reads')) {
      // Nothing to judge yet is not a pass: the check does not apply until there are enough reads.
      return { observations: [], skipped: `only ${total} block reads since statistics were reset: too few to judge` };
    }
    return {
      observations: [
        {
          subject: 'database',
          value: row!.hit / total,
          detail: `${row!.hit} hits, ${row!.read} reads${row!.since ? ` since ${row!.since}` : ''}`,
        },
      ],
    };
  },
};
