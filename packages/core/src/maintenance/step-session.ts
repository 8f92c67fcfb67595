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

/** The invalid indexes on the table of the index `c` (a pg_class row), as a json array of [schema, name]. */
const INVALID_BESIDE = `select coalesce(json_agg(json_build_array(n.nspname, i.relname) order by n.nspname, i.relname), '[]')
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace
      where not x.indisvalid and x.indrelid = (select indrelid from pg_index where indexrelid = c.oid)`;

/**
 * The figures of `objects` in one round trip (the guards cost round trips, and a small step takes only milliseconds:
 * bench/maintenance-plan.mjs); an object that no longer exists has no entry. With `statementTimeoutMs`, the
 * session's statement_timeout is set in the same round trip (it applies from the next statement on); with
 * `invalidBeside`, the invalid indexes already on the table of the first object (an index about to be rebuilt), so
 * that after a failed rebuild only the copy it left is dropped. Sizing takes each relation's ACCESS SHARE lock, under
 * lock_timeout.
 */
export async function readFigures(
  client: pg.Client,
  objects: readonly string[],
  statementTimeoutMs?: number,
  invalidBeside = false,
): Promise<{ figures: Map<string, RelationFigures>; invalidBeside?: string[] }> {
  const timeout = statementTimeoutMs === undefined ? null : `${Math.max(1, Math.floor(statementTimeoutMs))}ms`;
  const { rows } = await client.query(
    `select o.name, o.ord, pg_relation_size(c.oid)::float8 as bytes, c.relfilenode::bigint::float8 as relfilenode,
            case when c.relkind in ('r', 'm', 'p') then pg_stat_get_dead_tuples(c.oid)::float8 end as dead,
            case when o.ord = 1 and $3 then (${INVALID_BESIDE}) end as invalid
       from (select case when $2::text is not null then set_config('statement_timeout', $2, false) end) t
       join unnest($1::text[]) with ordinality o(name, ord) on true
       join pg_class c on c.oid = to_regclass(o.name)`,
    [objects, timeout, invalidBeside],
  );
  const figuresOf = new Map<string, RelationFigures>();
  for (const r of rows) {
    const f = figures(r);
    if (f) figuresOf.set(r.name, f);
  }
  const invalid = rows.find((r) => Number(r.ord) === 1)?.invalid as Array<[string, string]> | null | undefined;
  return {
    figures: figuresOf,
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
