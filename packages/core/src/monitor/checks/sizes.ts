import type { CheckDefinition } from '../check.js';
import { NOT_EXTENSION_MEMBER, QUALIFIED, USER_SCHEMA } from './sql.js';

export const databaseSize: CheckDefinition = {
  id: 'database-size',
  title: 'Database size',
  why: 'Size drives backup and restore time, disk headroom and cost; its growth per day tells when the disk fills.',
  action: 'Plan disk capacity from the growth trend; purge or archive old data; look for bloat.',
  unit: 'bytes',
  direction: 'above',
  async run({ query, sample }) {
    const [row] = await query<{ name: string; bytes: number }>(
      'select current_database() as name, pg_database_size(current_database())::float8 as bytes',
    );
    sample.databaseBytes = row!.bytes;
    return { observations: [{ subject: `database ${row!.name}`, value: row!.bytes }] };
  },
};

export const tableSizes: CheckDefinition = {
  id: 'table-sizes',
  title: 'Largest tables',
  why: 'The largest tables dominate vacuum, backup and migration time, and are where bloat and missing indexes cost most.',
  action: 'Consider partitioning or archiving the largest tables, and check their bloat and indexes.',
  unit: 'bytes',
  direction: 'above',
  params: { limit: { default: 10, unit: 'count', description: 'How many of the largest tables to list.' } },
  async run({ query, param }) {
    // relpages ranks cheaply; only the top few pay for pg_total_relation_size (which stats every file).
    const rows = await query<{ name: string; bytes: number }>(
      `select name, pg_total_relation_size(oid)::float8 as bytes from (
         select c.oid, ${QUALIFIED} as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'm') and ${USER_SCHEMA} and ${NOT_EXTENSION_MEMBER}
         order by c.relpages desc limit $1) top
       order by bytes desc`,
      [Math.max(1, param('limit')) * 3],
    );
    return {
      observations: rows.slice(0, param('limit')).map((r) => ({ subject: r.name, table: r.name, value: r.bytes })),
    };
  },
};
