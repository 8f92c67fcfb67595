/**
 * A data-retention policy against the live database's catalog, before anything is planned or purged: each rule's
 * table and columns exist, its time column is a timestamp or date, it has a primary key (batches walk it), and
 * whether it is partitioned (whole partitions can then be dropped). Legal holds fail closed: a hold table or query
 * that cannot be read is an error, never an empty list of holds. Names resolve through the session's search_path.
 */
import type pg from 'pg';
import { DbopsError } from '../../errors.js';
import {
  type DataRetentionPolicy,
  type DataRule,
  type HoldSource,
  qualifiedNameText,
  sqlHolds,
} from '../../data-retention/policy.js';
import { parseWhereFilter } from '../../data-retention/where-filter.js';

export interface RuleTableFacts {
  rule: string;
  /** The table as PostgreSQL names it (regclass text, schema-qualified when off the search_path). */
  table: string;
  partitioned: boolean;
  primaryKey: string[];
  /** The time column's type: one of TIME_TYPES. */
  timeType: TimeType;
}

export type TimeType = 'timestamp with time zone' | 'timestamp without time zone' | 'date';

export interface PolicyCatalog {
  rules: RuleTableFacts[];
}

const TIME_TYPES: string[] = ['timestamp with time zone', 'timestamp without time zone', 'date'] satisfies TimeType[];

interface TableRow {
  oid: number;
  regclass: string;
  relkind: string;
  columns: Record<string, string>;
  primary_key: string[] | null;
}

/** Checks every PostgreSQL rule and hold; throws one error listing every problem, each with its rule and line. */
export async function checkPolicyCatalog(client: pg.ClientBase, policy: DataRetentionPolicy): Promise<PolicyCatalog> {
  const problems: string[] = [];
  const rules: RuleTableFacts[] = [];
  for (const rule of policy.data) {
    if (rule.kind === 'collection') continue; // MongoDB: checked by the MongoDB engine
    const facts = await checkRule(client, rule, problems);
    if (facts) rules.push(facts);
  }
  if (problems.length > 0)
    throw new DbopsError('INVALID_INPUT', `The policy does not match the database:\n${problems.join('\n')}`, {
      input: 'policy',
      hint: 'Fix the rule (table, by, soft-delete, where or anonymize) to name what the database has, or create it first.',
    });
  const sql = sqlHolds(policy.holds);
  // As MongoDB refuses holds it cannot read: a table rule under holds that are all collections would be held by none.
  const collectionHold = policy.holds.find((hold) => hold.kind === 'collection');
  if (sql.length === 0 && collectionHold && policy.data.some((rule) => rule.kind !== 'collection'))
    throw new DbopsError(
      'CHECK_FAILED',
      `Policy line ${collectionHold.line}: the legal holds are MongoDB collections, which a PostgreSQL run cannot read; nothing is purged or erased while holds cannot be read`,
      {
        input: 'policy',
        hint: 'Add a hold table or query for PostgreSQL rows, e.g. holds: - table: public.legal_holds (columns subject_table, subject_id).',
      },
    );
  for (const hold of sql) await checkHold(client, hold);
  return { rules };
}

async function checkRule(client: pg.ClientBase, rule: Exclude<DataRule, { kind: 'collection' }>, problems: string[]) {
  const at = `line ${rule.line}: rule '${rule.name}'`;
  const table = await tableFacts(client, qualifiedNameText(rule.table));
  if (!table || !['r', 'p'].includes(table.relkind)) {
    problems.push(
      `${at} field 'table': ${qualifiedNameText(rule.table)} ${table ? 'is not a table' : 'does not exist'} (a table or partitioned table is needed)`,
    );
    return undefined;
  }
  const timeColumn = rule.kind === 'age' ? ['by', rule.by] : ['soft-delete', rule.softDelete];
  const [field, column] = timeColumn as [string, string];
  const type = table.columns[column];
  if (type === undefined) problems.push(`${at} field '${field}': ${table.regclass} has no column ${column}`);
  else if (!TIME_TYPES.includes(type))
    problems.push(`${at} field '${field}': ${table.regclass}.${column} is ${type}, not a timestamp or date column`);
  const others: [string, string][] = [];
  if (rule.where) for (const c of parseWhereFilter(rule.where).columns) others.push(['where', c]);
  if (rule.kind === 'soft-delete' && rule.afterGrace.action === 'anonymize')
    for (const c of Object.keys(rule.afterGrace.columns)) others.push([`anonymize.${c}`, c]);
  for (const [name, c] of others)
    if (table.columns[c] === undefined) problems.push(`${at} field '${name}': ${table.regclass} has no column ${c}`);
  if (!table.primary_key)
    problems.push(`${at} field 'table': ${table.regclass} has no primary key (purges walk it in batches; add one)`);
  return {
    rule: rule.name,
    table: table.regclass,
    partitioned: table.relkind === 'p',
    primaryKey: table.primary_key ?? [],
    timeType: type as TimeType,
  };
}

async function tableFacts(client: pg.ClientBase, name: string): Promise<TableRow | undefined> {
  const { rows } = await client.query<TableRow>(
    `SELECT c.oid, c.oid::regclass::text AS regclass, c.relkind,
            (SELECT coalesce(jsonb_object_agg(a.attname, format_type(a.atttypid, NULL)), '{}')
               FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.n)
               FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE i.indrelid = c.oid AND i.indisprimary) AS primary_key
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [name],
  );
  return rows[0];
}

/** Fail closed: a hold source that is missing, malformed or unreadable stops the run. */
async function checkHold(client: pg.ClientBase, hold: Exclude<HoldSource, { kind: 'collection' }>): Promise<void> {
  const source = hold.kind === 'table' ? `hold table ${qualifiedNameText(hold.table)}` : 'hold query';
  const fail = (problem: string, cause?: unknown) =>
    new DbopsError(
      'CHECK_FAILED',
      `Policy line ${hold.line}: the ${source} ${problem}; nothing is purged while holds cannot be read`,
      {
        input: 'policy',
        hint: 'holds: a readable table (or a SELECT) with columns subject_table and subject_id',
        ...(cause === undefined ? {} : { cause }),
      },
    );
  let from: string;
  if (hold.kind === 'table') {
    const table = await tableFacts(client, qualifiedNameText(hold.table));
    if (!table) throw fail('does not exist');
    for (const column of ['subject_table', 'subject_id'])
      if (table.columns[column] === undefined) throw fail(`has no column ${column}`);
    from = table.regclass;
  } else {
    from = `(${hold.query}) AS holds`;
  }
  // Read for real, in a read-only transaction: a permission the catalog shows is not proof the SELECT works.
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(`SELECT subject_table, subject_id FROM ${from} LIMIT 1`);
  } catch (error) {
    throw fail(`cannot be read (${(error as Error).message})`, error);
  } finally {
    await client.query('ROLLBACK');
  }
}
