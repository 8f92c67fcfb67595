import type { CheckDefinition, CheckContext } from '../check.js';
import type { Observation } from '../types.js';
import { QUALIFIED, USER_SCHEMA } from './sql.js';

/** Transaction IDs (and multixact IDs) wrap at 2^31: the server refuses writes about 3 million before that. */
export const WRAPAROUND_LIMIT = 2 ** 31 - 3_000_000;

interface AgeRow {
  name: string;
  age: number;
}

async function ages(context: CheckContext, kind: 'xid' | 'mxid'): Promise<Observation[]> {
  const dbAge = kind === 'xid' ? 'age(datfrozenxid)' : 'mxid_age(datminmxid)';
  const relAge = kind === 'xid' ? 'age(c.relfrozenxid)' : 'mxid_age(c.relminmxid)';
  const databases = await context.query<AgeRow>(
    `select datname as name, ${dbAge}::float8 as age from pg_database order by 2 desc`,
  );
  // Only the oldest tables of the current database: the database figure already covers the rest.
  const tables = await context.query<AgeRow>(
    `select ${QUALIFIED} as name, ${relAge}::float8 as age from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'm', 't') and (${USER_SCHEMA} or n.nspname in ('pg_catalog', 'pg_toast'))
     order by 2 desc limit 20`,
  );
  return [
    ...databases.map((d) => ({ subject: `database ${d.name}`, value: d.age })),
    ...tables.map((t) => ({ subject: t.name, table: t.name, value: t.age })),
  ];
}

export const xidWraparound: CheckDefinition = {
  id: 'xid-wraparound',
  title: 'Transaction ID wraparound',
  why: 'At about 2.1 billion transactions of age PostgreSQL stops accepting writes to prevent data loss, until the oldest tables are vacuumed.',
  action:
    'VACUUM (FREEZE) the oldest tables; find what blocks autovacuum (long transactions, abandoned replication slots, prepared transactions).',
  unit: 'xids',
  direction: 'above',
  warning: 500_000_000,
  critical: 1_000_000_000,
  async run(context) {
    const observations = await ages(context, 'xid');
    context.sample.maxXidAge = Math.max(0, ...observations.map((o) => o.value));
    return { observations };
  },
};

export const multixactWraparound: CheckDefinition = {
  id: 'multixact-wraparound',
  title: 'Multixact ID wraparound',
  why: 'Multixact IDs (row locks shared by several transactions) wrap like transaction IDs and stop writes the same way.',
  action: 'VACUUM (FREEZE) the oldest tables; lower autovacuum_multixact_freeze_max_age if it keeps growing.',
  unit: 'xids',
  direction: 'above',
  warning: 500_000_000,
  critical: 1_000_000_000,
  async run(context) {
    const observations = await ages(context, 'mxid');
    context.sample.maxMultixactAge = Math.max(0, ...observations.map((o) => o.value));
    return { observations };
  },
};
