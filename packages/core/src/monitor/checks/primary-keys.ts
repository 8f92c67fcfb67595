import type { CheckDefinition } from '../check.js';
import { NOT_EXTENSION_MEMBER, QUALIFIED, USER_SCHEMA } from './sql.js';

export const tablesWithoutPrimaryKey: CheckDefinition = {
  id: 'tables-without-primary-key',
  title: 'Tables without a primary key',
  why: 'Without a primary key rows cannot be addressed reliably: duplicates creep in, and logical replication cannot replicate updates and deletes.',
  action: 'Add a primary key (an existing unique NOT NULL column, or a new identity column).',
  unit: 'flag',
  direction: 'above',
  warning: 1,
  async run({ query }) {
    const rows = await query<{ name: string }>(
      `select ${QUALIFIED} as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and not c.relispartition and ${USER_SCHEMA} and ${NOT_EXTENSION_MEMBER}
         and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary)
       order by 1 limit 1000`,
    );
    return {
      observations: rows.map((r) => ({
        subject: r.name,
        table: r.name,
        value: 1,
        display: 'none',
        detail: 'no primary key',
      })),
    };
  },
};
