/**
 * The statements of a subject operation over one node of its graph (subject-graph.ts): its rows as JSON for the
 * export, how many of them a legal hold names, and the erase's DELETE or the anonymize's UPDATE. Every value is a
 * parameter; names come quoted from the catalog.
 */
import {
  keyExpression,
  matchCondition,
  Params,
  type SubjectColumn,
  type SkippedEdge,
  type SubjectNode,
  selectionSql,
} from './subject-graph.js';
import { heldMatch } from './data-retention-predicate.js';
import { sqlName } from './server-errors.js';

export interface Sql {
  text: string;
  values: unknown[];
}

/**
 * A column as the export writes it, for what JSON cannot hold as it is: bytea as `{"$binary": base64}` and numeric
 * as its exact text. Everything else is row_to_json's own form (timestamps ISO 8601, in the session's time zone).
 */
function exportColumn(column: SubjectColumn, alias: string): string {
  const value = `${alias}.${sqlName(column.name)}`;
  const name = sqlName(column.name);
  if (column.base === 'bytea')
    return `CASE WHEN ${value} IS NULL THEN NULL ELSE json_build_object('$binary', translate(encode(${value}, 'base64'), E'\\n', '')) END AS ${name}`;
  if (column.base === 'numeric') return `${value}::text AS ${name}`;
  return `${value} AS ${name}`;
}

/** Node i's rows, each as one JSON text in column order (exact: never parsed by JavaScript), in key order. */
export function exportRowsSql(nodes: SubjectNode[], i: number, id: string): Sql {
  const params = new Params();
  const n = nodes[i]!;
  const order =
    n.primaryKey.length > 0 ? ` ORDER BY ${n.primaryKey.map((k) => `s.${sqlName(k.name)}`).join(', ')}` : '';
  const text = `SELECT row_to_json(x)::text AS row FROM (
  SELECT ${n.columns.map((c) => exportColumn(c, 's')).join(', ')} FROM (${selectionSql(nodes, i, params, id)}) AS s${order}
) AS x`;
  return { text, values: params.values };
}

/** Node i's rows, and how many of them a legal hold names (`holdSources` are FROM items, as in targets.ts). */
export function countRowsSql(nodes: SubjectNode[], i: number, id: string, holdSources: string[]): Sql {
  const params = new Params();
  const n = nodes[i]!;
  const selection = selectionSql(nodes, i, params, id);
  const held = heldExpression(n, holdSources, params, 's');
  return {
    text: `SELECT count(*)::float8 AS rows, count(*) FILTER (WHERE ${held})::float8 AS held FROM (${selection}) AS s`,
    values: params.values,
  };
}

/**
 * How many rows of a skipped (cycle) edge's table reference the rows of the node it leads back from, other than rows
 * the erase deletes itself through the nodes `deletedWith` (so a cascade or detach along the edge cannot reach them).
 */
export function hangingRowsSql(nodes: SubjectNode[], edge: SkippedEdge, id: string, deletedWith: number[]): Sql {
  const params = new Params();
  // The edge as a node of its own (the table is on the path, so a node has its columns), below the node it leaves.
  const own = nodes.find((n) => n.table === edge.table)!;
  const graph = [...nodes, { ...own, depth: nodes[edge.parent]!.depth + 1, parent: edge.parent, via: edge.via }];
  const conditions = [matchCondition(graph, graph.length - 1, params, id, 's')];
  for (const j of deletedWith) conditions.push(`NOT coalesce(${matchCondition(nodes, j, params, id, 's')}, false)`);
  return {
    text: `SELECT count(*)::float8 AS rows FROM ${edge.table} AS s WHERE ${conditions.join(' AND ')}`,
    values: params.values,
  };
}

/** The names a hold's subject_table may give a table: `name` and `schema.name`. */
export function holdNames(n: SubjectNode): string[] {
  return [...new Set([n.name, `${n.schema}.${n.name}`])];
}

/**
 * The purge's hold match (data-retention-predicate.ts): subject operations run in UTC, so a timestamptz key matches
 * as UTC writes it and as the session's default zone does.
 */
function heldExpression(n: SubjectNode, holdSources: string[], params: Params, alias: string): string {
  return heldMatch({ primaryKey: n.primaryKey, holdNames: holdNames(n), holdSources }, alias, params, 'default');
}

/**
 * Deletes node i's rows (its dependants must be gone already) that no legal hold names: a hold committed after the
 * erase counted its rows still keeps them (the caller checks none is left behind). Returns each deleted row's key text
 * (NULL for a table without a primary key: it is matched by its foreign key, not its own key).
 */
export function deleteRowsSql(nodes: SubjectNode[], i: number, id: string, holdSources: string[]): Sql {
  const params = new Params();
  const n = nodes[i]!;
  const key = n.primaryKey.length > 0 ? keyExpression(n.primaryKey, 'd') : 'NULL::text';
  const match = matchCondition(nodes, i, params, id, 'd');
  const text = `DELETE FROM ${n.table} AS d WHERE ${match} AND NOT ${heldExpression(n, holdSources, params, 'd')}
 RETURNING ${key} AS key`;
  return { text, values: params.values };
}

/**
 * Replaces the listed columns of the subject's row (node 0) unless a legal hold names it; returns its key text. The
 * hold is part of the statement, as the erase's DELETE: a hold committed after the subject was checked still keeps
 * the row (the caller then finds nothing returned and refuses).
 */
export function anonymizeRowSql(
  nodes: SubjectNode[],
  id: string,
  columns: Record<string, string | number | boolean | null>,
  holdSources: string[],
): Sql {
  const params = new Params();
  const set = Object.entries(columns)
    .map(([column, value]) => `${sqlName(column)} = ${params.add(value)}`)
    .join(', ');
  const match = matchCondition(nodes, 0, params, id, 'd');
  const text = `UPDATE ${nodes[0]!.table} AS d SET ${set} WHERE ${match} AND NOT ${heldExpression(nodes[0]!, holdSources, params, 'd')}
 RETURNING ${keyExpression(nodes[0]!.primaryKey, 'd')} AS key`;
  return { text, values: params.values };
}

/** Checks an id against the subject's key type; the server's error when it does not convert. */
export function idCheckSql(root: SubjectNode, id: string): Sql {
  if (root.primaryKey.length === 1) return { text: `SELECT $1::${root.primaryKey[0]!.type} AS id`, values: [id] };
  return { text: 'SELECT $1::text AS id', values: [id] };
}
