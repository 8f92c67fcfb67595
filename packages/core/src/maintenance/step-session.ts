// What applying one step needs from the session: its timeouts, the figures of its object before and after, and the
// invalid indexes a failed concurrent rebuild leaves on the table.
import type pg from 'pg';
import { qualified } from './step-figures.js';

/** A table's or index's size and file, read before and after a step: a rebuild gets a new relfilenode. */
export interface RelationFigures {
  bytes: number;
  /** PostgreSQL only. */
  relfilenode?: number;
  /** MongoDB only: storage the collection's file holds free for reuse (what compact gives back). */
  freeBytes?: number;
  /** Tables only: dead tuples as the statistics last counted them. */
  deadTuples?: number;
}

/**
 * Session-wide, not SET LOCAL: the CONCURRENTLY statements cannot run inside a transaction block. With
 * `maintenanceWorkMemBytes`, maintenance_work_mem too (VACUUM's dead-tuple list, index builds), in kB.
 */
export async function setTimeouts(
  client: pg.Client,
  lockTimeoutMs: number,
  statementTimeoutMs: number,
  maintenanceWorkMemBytes?: number,
) {
  const workMem = maintenanceWorkMemBytes === undefined ? null : `${Math.floor(maintenanceWorkMemBytes / 1024)}kB`;
  await client.query(
    `select set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false),
            case when $3::text is not null then set_config('maintenance_work_mem', $3, false) end`,
    [`${lockTimeoutMs}ms`, `${Math.max(1, Math.floor(statementTimeoutMs))}ms`, workMem],
  );
}

const FIGURES = `select pg_relation_size(c.oid)::float8 as bytes, c.relfilenode::bigint::float8 as relfilenode,
         case when c.relkind in ('r', 'm', 'p') then pg_stat_get_dead_tuples(c.oid)::float8 end as dead
    from pg_class c where c.oid = to_regclass($1)`;

/** The object's figures; undefined when it no longer exists (dropped between plan and apply). */
export async function relationFigures(client: pg.Client, object: string): Promise<RelationFigures | undefined> {
  return figures((await client.query(FIGURES, [object])).rows[0]);
}

/** The invalid indexes on the table of the index `c` (a pg_class row), as a json array of [schema, name]. */
const INVALID_BESIDE = `select coalesce(json_agg(json_build_array(n.nspname, i.relname) order by n.nspname, i.relname), '[]')
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace
      where not x.indisvalid and x.indrelid = (select indrelid from pg_index where indexrelid = c.oid)`;

/**
 * The step's statement_timeout, its object's figures and the figures after the previous step, in one round trip:
 * the guards cost round trips, and a small step takes only milliseconds (bench/maintenance-plan.mjs). The timeout
 * applies from the next statement on. With `invalidBeside` (an index rebuild), the same round trip lists the invalid
 * indexes already on the index's table, so that after a failed rebuild only the copy it left is dropped.
 */
export async function startStep(
  client: pg.Client,
  object: string,
  previous: string | undefined,
  statementTimeoutMs: number,
  invalidBeside = false,
): Promise<{ before?: RelationFigures; previousAfter?: RelationFigures; invalidBeside?: string[] }> {
  const { rows } = await client.query(
    `select o.ord, pg_relation_size(c.oid)::float8 as bytes, c.relfilenode::bigint::float8 as relfilenode,
            case when c.relkind in ('r', 'm', 'p') then pg_stat_get_dead_tuples(c.oid)::float8 end as dead,
            case when o.ord = 1 and $4 then (${INVALID_BESIDE}) end as invalid
       from (select set_config('statement_timeout', $3, false)) t
       join unnest(array[$1, $2]::text[]) with ordinality o(name, ord) on true
       join pg_class c on c.oid = to_regclass(o.name)`,
    [object, previous ?? null, `${Math.max(1, Math.floor(statementTimeoutMs))}ms`, invalidBeside],
  );
  const row = (ord: number) => rows.find((r) => Number(r.ord) === ord);
  const before = figures(row(1));
  const previousAfter = previous ? figures(row(2)) : undefined;
  const invalid = row(1)?.invalid as Array<[string, string]> | null | undefined;
  return {
    ...(before ? { before } : {}),
    ...(previousAfter ? { previousAfter } : {}),
    ...(invalid ? { invalidBeside: invalid.map(([schema, name]) => qualified(schema, name)) } : {}),
  };
}

function figures(r: { bytes: number | null; relfilenode: number; dead: number | null } | undefined) {
  if (!r || r.bytes === null) return undefined;
  return { bytes: r.bytes, relfilenode: r.relfilenode, ...(r.dead === null ? {} : { deadTuples: r.dead }) };
}

/** Invalid indexes on the table `index` belongs to, as quoted qualified names. */
export async function invalidIndexesBeside(client: pg.Client, index: string): Promise<string[]> {
  const { rows } = await client.query(
    `select (${INVALID_BESIDE}) as invalid from pg_class c where c.oid = to_regclass($1)`,
    [index],
  );
  return ((rows[0]?.invalid ?? []) as Array<[string, string]>).map(([schema, name]) => qualified(schema, name));
}
