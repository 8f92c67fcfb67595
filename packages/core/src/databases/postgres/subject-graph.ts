/**
 * A data subject's rows across the database (GDPR export and erasure): the subject's own row, and every row whose
 * foreign key references it, directly or through rows that do, followed recursively through every schema and
 * through composite keys. The graph is read from the catalog; the rows of each node are selected by nesting its
 * parent's selection, so every value is a parameter and every name comes quoted from the catalog.
 */
import type pg from 'pg';
import { invalidInput } from '../../errors.js';
import type { Dependant } from './data-retention-target.js';
import { sqlName } from './server-errors.js';

/** More tables than any schema a person's data lives in should need: beyond it, the graph is refused. */
export const MAX_SUBJECT_TABLES = 200;

export interface SubjectColumn {
  name: string;
  /** format_type text, e.g. `numeric(10,2)`. */
  type: string;
  /** pg_type.typname, e.g. `numeric`, `bytea`, `_int4`. */
  base: string;
}

export interface SubjectNode {
  /** regclass text, as PostgreSQL names the table. */
  table: string;
  schema: string;
  name: string;
  primaryKey: SubjectColumn[];
  columns: SubjectColumn[];
  depth: number;
  /** The node this one's rows reference; undefined for the subject's own table. */
  parent?: number;
  /** The foreign key from this table to its parent's: `columns` reference the parent's `references`. */
  via?: { constraint: string; columns: string[]; references: string[]; onDelete: Dependant['onDelete'] };
}

/**
 * A foreign key that leads back into a table already on the path (a cycle): named, not followed. Its rows are other
 * subjects' (a user's referrer, a reply to the subject's comment): subject-erase.ts refuses when deleting would
 * cascade along it, and lists the rows it detaches.
 */
export interface SkippedEdge {
  table: string;
  constraint: string;
  references: string;
  /** The node whose rows it references, and the key: as a node's `via`. */
  parent: number;
  via: NonNullable<SubjectNode['via']>;
}

export interface SubjectGraph {
  nodes: SubjectNode[];
  skipped: SkippedEdge[];
}

const ON_DELETE: Record<string, Dependant['onDelete']> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

interface TableFacts {
  table: string;
  schema: string;
  name: string;
  relkind: string;
  columns: SubjectColumn[];
  primary_key: string[] | null;
}

async function tableFacts(client: pg.ClientBase, name: string): Promise<TableFacts | undefined> {
  const { rows } = await client.query<TableFacts>(
    `SELECT c.oid::regclass::text AS table, n.nspname AS schema, c.relname AS name, c.relkind,
            coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                                        'base', t.typname) ORDER BY a.attnum)
                        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.n)
               FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE i.indrelid = c.oid AND i.indisprimary) AS primary_key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1)`,
    [name],
  );
  return rows[0];
}

function node(facts: TableFacts, depth: number): Omit<SubjectNode, 'parent' | 'via'> {
  const key = facts.primary_key ?? [];
  return {
    table: facts.table,
    schema: facts.schema,
    name: facts.name,
    columns: facts.columns,
    primaryKey: key.map((k) => facts.columns.find((c) => c.name === k)!),
    depth,
  };
}

/** The subject's table, checked: it exists, is a table and has a primary key (the id is matched against it). */
export async function subjectTable(client: pg.ClientBase, table: string): Promise<SubjectNode> {
  const facts = await tableFacts(client, table);
  if (!facts || !['r', 'p'].includes(facts.relkind))
    throw invalidInput(
      'table',
      `names '${table}', which ${facts ? 'is not a table' : 'is not a table in the database'}`,
      'a table name as the search_path resolves it, or schema-qualified (e.g. public.users)',
    );
  if (!facts.primary_key)
    throw invalidInput('table', `names ${facts.table}, which has no primary key`, 'a table with a primary key');
  return node(facts, 0);
}

/** Every table whose rows reference the subject's, breadth first from the subject's table. */
export async function subjectGraph(client: pg.ClientBase, root: SubjectNode): Promise<SubjectGraph> {
  const nodes: SubjectNode[] = [root];
  const skipped: SkippedEdge[] = [];
  const facts = new Map<string, TableFacts>();
  for (let i = 0; i < nodes.length; i++) {
    const parent = nodes[i]!;
    const { rows } = await client.query<{
      constraint: string;
      table: string;
      action: string;
      columns: string[];
      references: string[];
    }>(
      `SELECT c.conname AS constraint, c.conrelid::regclass::text AS table, c.confdeltype AS action,
              array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(att, n)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att ORDER BY k.n) AS columns,
              array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(att, n)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att ORDER BY k.n) AS references
         FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid = to_regclass($1) AND c.conparentid = 0
        ORDER BY 2, 1`,
      [parent.table],
    );
    for (const fk of rows) {
      const via = {
        constraint: fk.constraint,
        columns: fk.columns,
        references: fk.references,
        onDelete: ON_DELETE[fk.action] ?? 'no action',
      };
      if (onPath(nodes, i, fk.table)) {
        skipped.push({ table: fk.table, constraint: fk.constraint, references: parent.table, parent: i, via });
        continue;
      }
      let child = facts.get(fk.table);
      if (!child) {
        child = (await tableFacts(client, fk.table))!;
        facts.set(fk.table, child);
      }
      if (nodes.length >= MAX_SUBJECT_TABLES)
        throw invalidInput(
          'table',
          `leads through foreign keys to more than ${MAX_SUBJECT_TABLES} tables`,
          'a table whose dependants form a smaller graph',
        );
      nodes.push({ ...node(child, parent.depth + 1), parent: i, via });
    }
  }
  return { nodes, skipped };
}

/** Whether `table` is node i or one of its ancestors: following it again would loop. */
function onPath(nodes: SubjectNode[], i: number, table: string): boolean {
  for (let at: number | undefined = i; at !== undefined; at = nodes[at]!.parent)
    if (nodes[at]!.table === table) return true;
  return false;
}

/** Collects parameter values and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A row's key as one text, as a legal hold's subject_id gives it: the key's text for a one-column key (`42`), the
 * row's text for a composite one (`(42,7)`).
 */
export function keyExpression(key: SubjectColumn[], alias: string): string {
  const columns = key.map((k) => `${alias}.${sqlName(k.name)}`);
  return columns.length === 1 ? `${columns[0]}::text` : `ROW(${columns.join(', ')})::text`;
}

/** The subject's row by its id: typed against a one-column key (an index lookup), as row text for a composite. */
function subjectMatch(root: SubjectNode, alias: string, params: Params, id: string): string {
  if (root.primaryKey.length === 1)
    return `${alias}.${sqlName(root.primaryKey[0]!.name)} = ${params.add(id)}::${root.primaryKey[0]!.type}`;
  return `${keyExpression(root.primaryKey, alias)} = ${params.add(id)}`;
}

/** `SELECT t.* ...` of node i's rows: the subject's row, or the rows referencing its parent's selected rows. */
export function selectionSql(nodes: SubjectNode[], i: number, params: Params, id: string): string {
  const alias = `t${i}`;
  return `SELECT ${alias}.* FROM ${nodes[i]!.table} AS ${alias} WHERE ${matchCondition(nodes, i, params, id, alias)}`;
}

/** The condition a row of node i (as `alias`) meets when it belongs to the subject (its key need not exist). */
export function matchCondition(nodes: SubjectNode[], i: number, params: Params, id: string, alias: string): string {
  const n = nodes[i]!;
  if (n.parent === undefined || !n.via) return subjectMatch(n, alias, params, id);
  const own = n.via.columns.map((c) => `${alias}.${sqlName(c)}`).join(', ');
  const theirs = n.via.references.map((c) => `p.${sqlName(c)}`).join(', ');
  return `(${own}) IN (SELECT ${theirs} FROM (${selectionSql(nodes, n.parent, params, id)}) AS p)`;
}
