import type { CheckDefinition } from '../check.js';

export const connections: CheckDefinition = {
  id: 'connections',
  title: 'Connections',
  why: 'When connections reach max_connections, new ones are refused and the application fails.',
  action:
    'Use a connection pooler (PgBouncer), lower pool sizes, or close idle connections; raise max_connections only with memory to spare.',
  unit: 'ratio',
  direction: 'above',
  warning: 0.8,
  critical: 0.9,
  async run({ query }) {
    // Without pg_read_all_stats another role's session shows backend_type and state as null: a session in a
    // database (datid set; the server's own processes have none) counts, or the role would see only its own.
    const rows = await query<{ state: string; n: number }>(
      `select coalesce(state, case when backend_type is null then 'state hidden' else 'unknown' end) as state,
              count(*)::int as n
       from pg_stat_activity
       where backend_type = 'client backend' or (backend_type is null and datid is not null)
       group by 1 order by 2 desc`,
    );
    const [limits] = await query<{ max: number; reserved: number }>(
      `select current_setting('max_connections')::int as max, current_setting('superuser_reserved_connections')::int as reserved`,
    );
    const used = rows.reduce((sum, r) => sum + r.n, 0);
    const available = Math.max(1, limits!.max - limits!.reserved);
    const byState = rows.map((r) => `${r.state} ${r.n}`).join(', ');
    return {
      observations: [
        {
          subject: 'client connections',
          value: used / available,
          detail: `${used} of ${available} usable (max_connections ${limits!.max}); ${byState}`,
        },
      ],
    };
  },
};
