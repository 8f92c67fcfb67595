/**
 * What both subject operations (export, erase) start from: the subject's table and row, checked; the graph of rows
 * referencing it; the policy's legal holds, read fail-closed; and the subject refused when a hold names it.
 */
import type pg from 'pg';
import { resolveTable } from '../databases/postgres/data-retention-target.js';
import { type SubjectGraph, subjectGraph, subjectTable } from '../databases/postgres/subject-graph.js';
import { countRowsSql, idCheckSql } from '../databases/postgres/subject-rows.js';
import { invalidInput } from '../errors.js';
import { type DataRetentionPolicy, qualifiedNameText, sqlHolds } from './policy.js';
import { heldError } from './subject-held.js';

export interface SubjectScope {
  id: string;
  graph: SubjectGraph;
  /** FROM items of the legal holds (a table's regclass, or a hold query in parentheses). */
  holdSources: string[];
}

/**
 * Throws INVALID_INPUT naming `table` or `id`, or CHECK_FAILED for a held subject. Runs inside the caller's
 * transaction; the caller has checked the holds readable first (checkPolicyCatalog ends a transaction it runs in).
 */
export async function subjectScope(
  client: pg.ClientBase,
  policy: DataRetentionPolicy,
  table: string,
  id: string,
): Promise<SubjectScope> {
  const root = await subjectTable(client, table);
  const check = idCheckSql(root, id);
  try {
    await client.query('SAVEPOINT dbops_id_check');
    await client.query(check.text, check.values);
    await client.query('RELEASE SAVEPOINT dbops_id_check');
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT dbops_id_check');
    throw invalidInput(
      'id',
      `'${id}' is not a value of ${root.table}'s primary key (${root.primaryKey.map((k) => `${k.name} ${k.type}`).join(', ')})`,
      root.primaryKey.length === 1 ? `a ${root.primaryKey[0]!.type} value` : 'the key as row text, e.g. (42,7)',
    );
  }
  const holdSources: string[] = [];
  for (const hold of sqlHolds(policy.holds))
    holdSources.push(
      hold.kind === 'table'
        ? ((await resolveTable(client, qualifiedNameText(hold.table))) ?? qualifiedNameText(hold.table))
        : `(${hold.query})`,
    );
  const graph = await subjectGraph(client, root);
  const own = countRowsSql(graph.nodes, 0, id, holdSources);
  const { rows } = await client.query<{ rows: number; held: number }>(own.text, own.values);
  if (rows[0]!.rows === 0)
    throw invalidInput(
      'id',
      `'${id}' matches no row of ${root.table}`,
      `the primary key of an existing row of ${root.table}`,
    );
  if (rows[0]!.held > 0) throw heldError(root.table, id);
  return { id, graph, holdSources };
}
