/**
 * The tables a purge's DELETE reaches through ON DELETE CASCADE, at any depth, as paths of foreign keys from the
 * rule's table: the batch keeps back a row whose delete would cascade into a row a legal hold names
 * (data-retention-predicate.ts), since PostgreSQL's cascade checks no hold. Read from the catalog once per run; holds
 * are read by every statement, so a hold added mid-run still protects.
 */
import type pg from 'pg';

/** One foreign key of a path: rows of `table` whose `columns` equal the previous table's `references` go with it. */
export interface CascadeStep {
  table: string;
  constraint: string;
  columns: string[];
  references: string[];
}

/**
 * A path to a table: its hold names and key, as a rule's own. Only tables with a primary key (a hold can name their
 * rows) unless `withoutKey` asked for every table the cascade reaches (the archive needs them all); key then empty.
 */
export interface CascadePath {
  steps: CascadeStep[];
  holdNames: string[];
  primaryKey: { name: string; type: string }[];
}

/** More paths than a schema's cascades should need: each is one EXISTS per expired row, so beyond it, refused. */
export const MAX_CASCADE_PATHS = 64;

interface Edge extends CascadeStep {
  schema: string;
  name: string;
  key: { name: string; type: string }[];
}

/**
 * Every path of ON DELETE CASCADE keys from `table`, each table at most once on a path (tables reached two ways get
 * a path each). `cycle` names the first cascade that leads back into a table on its path (a self-reference such as
 * threaded comments): how deep such a cascade goes depends on the rows, which a fixed set of joins cannot follow.
 */
export async function cascadePaths(
  client: pg.ClientBase,
  table: string,
  withoutKey = false,
): Promise<{ paths: CascadePath[]; cycle?: string; tooMany?: boolean }> {
  const edges = new Map<string, Edge[]>();
  const edgesOf = async (from: string) => {
    let found = edges.get(from);
    if (!found) {
      found = await cascadeEdges(client, from);
      edges.set(from, found);
    }
    return found;
  };
  const paths: CascadePath[] = [];
  const walk = async (tables: string[], steps: Edge[]): Promise<string | undefined> => {
    for (const edge of await edgesOf(tables.at(-1)!)) {
      const route = [...steps, edge];
      if (tables.includes(edge.table)) return [table, ...route.map((s) => `${s.table} (${s.constraint})`)].join(' → ');
      if (edge.key.length > 0 || withoutKey)
        paths.push({
          steps: route,
          holdNames: [...new Set([edge.name, `${edge.schema}.${edge.name}`])],
          primaryKey: edge.key,
        });
      if (paths.length > MAX_CASCADE_PATHS) return undefined;
      const cycle = await walk([...tables, edge.table], route);
      if (cycle) return cycle;
    }
    return undefined;
  };
  const cycle = await walk([table], []);
  if (cycle) return { paths, cycle };
  return paths.length > MAX_CASCADE_PATHS ? { paths, tooMany: true } : { paths };
}

async function cascadeEdges(client: pg.ClientBase, table: string): Promise<Edge[]> {
  const { rows } = await client.query<Edge>(
    `SELECT c.conname AS constraint, c.conrelid::regclass::text AS table, n.nspname AS schema, r.relname AS name,
            array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(att, i)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att ORDER BY k.i) AS columns,
            array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(att, i)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att ORDER BY k.i) AS references,
            coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod))
                                      ORDER BY k.i)
                        FROM pg_index x CROSS JOIN unnest(x.indkey) WITH ORDINALITY AS k(att, i)
                        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att
                       WHERE x.indrelid = c.conrelid AND x.indisprimary), '[]') AS key
       FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
      WHERE c.contype = 'f' AND c.confdeltype = 'c' AND c.confrelid = to_regclass($1) AND c.conparentid = 0
      ORDER BY 2, 1`,
    [table],
  );
  return rows;
}
