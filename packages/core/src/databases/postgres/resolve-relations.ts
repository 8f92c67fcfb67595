// Relation names as other reports write them (monitor-report's "schema.table", quoted only where needed) turned into
// the plan's form ("schema"."table"), through the catalog: to_regclass takes no lock and answers null for a name
// that no longer exists.
import type pg from 'pg';
import { quoteIdent } from './inventory.js';

/** "schema.name", each part a plain or double-quoted identifier: what to_regclass may be given safely. */
const QUALIFIED_NAME = /^("(?:[^"]|"")+"|[^".\s]+)\.("(?:[^"]|"")+"|[^".\s]+)$/;

/** Each name that is a relation of this database, mapped to its quoted, qualified name. */
export async function resolveRelations(client: pg.Client, names: readonly string[]): Promise<Map<string, string>> {
  const candidates = [...new Set(names.filter((n) => QUALIFIED_NAME.test(n)))];
  if (candidates.length === 0) return new Map();
  const { rows } = await client.query(
    `select s.name, n.nspname as schema, c.relname
       from unnest($1::text[]) s(name) join pg_class c on c.oid = to_regclass(s.name)
       join pg_namespace n on n.oid = c.relnamespace`,
    [candidates],
  );
  return new Map(rows.map((r) => [r.name as string, `${quoteIdent(r.schema)}.${quoteIdent(r.relname)}`]));
}
