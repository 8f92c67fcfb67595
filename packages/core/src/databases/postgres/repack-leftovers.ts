// What a pg_repack that was killed mid-rebuild (SIGKILL, a runner cancelled past its grace) leaves in the database,
// and its removal. pg_repack commits, before it copies anything, a trigger `repack_trigger` on the table that logs
// every insert, update and delete into `repack.log_<oid>` (with a composite type `repack.pk_<oid>`), and after the copy
// `repack.table_<oid>`; on an error it drops them itself, killed it cannot. Every later write pays the trigger and the
// log grows without bound, and pg_repack refuses the table ("already has a trigger called repack_trigger").
import type pg from 'pg';
import { quoteIdent } from './inventory.js';

/** pg_repack's advisory-lock prefix (REPACK_LOCK_PREFIX_STR in bin/pg_repack.c): a running pg_repack holds
 * pg_advisory_lock(16185446, -2147483648 + the table's oid) for as long as it works on the table. */
const LOCK_PREFIX = 16185446;
const LOCK_KEY = `(-2147483648 + $1::oid::bigint)::int`;

/** pg_repack's work tables and type: repack.log_<oid>, repack.table_<oid>, repack.pk_<oid>. */
const WORK_RELATION = /^(log|table|pk)_(\d+)$/;

/** Whether a relation is one of pg_repack's work tables (never a maintenance target of its own). */
export const isRepackWorkTable = (schema: string, name: string) => schema === 'repack' && WORK_RELATION.test(name);

export interface RepackLeftover {
  /** The oid of the table pg_repack was rebuilding. */
  tableOid: number;
  /** Schema and name of that table; undefined when it was dropped since (only the work objects are left). */
  table?: { schema: string; name: string };
  /** What is left, as a person reads it: `repack.log_16390`, `type repack.pk_16390`, `trigger repack_trigger`. */
  objects: string[];
  /** Rows the trigger wrote to the log table since the statistics were reset: the writes that paid for it. */
  loggedWrites: number;
  /** When the log table was created (pg_xact_commit_timestamp); undefined unless track_commit_timestamp is on. */
  since?: Date;
  /** A server process holding pg_repack's advisory lock on the table: a pg_repack (or its server process) still at work. */
  runningPid?: number;
}

/** The leftovers of every table, with whether a pg_repack still holds the table. Takes no lock. */
export async function repackLeftovers(client: pg.Client): Promise<RepackLeftover[]> {
  const { rows } = await client.query(
    `with ids as (
       select tgrelid as id from pg_trigger where tgname = 'repack_trigger'
       union
       select substring(c.relname from '_(\\d+)$')::oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'repack' and c.relkind in ('r', 'c') and c.relname ~ '^(log|table|pk)_\\d+$'
     )
     select ids.id::bigint::float8 as oid, n.nspname as schema, t.relname as name,
            array(select case when w.relkind = 'c' then 'type ' else '' end || 'repack.' || w.relname
                    from pg_class w join pg_namespace wn on wn.oid = w.relnamespace
                   where wn.nspname = 'repack' and w.relkind in ('r', 'c')
                     and w.relname in ('log_' || ids.id, 'table_' || ids.id, 'pk_' || ids.id)
                   order by w.relname)
              || array(select 'trigger repack_trigger'::text from pg_trigger where tgrelid = ids.id and tgname = 'repack_trigger')
              as objects,
            coalesce(pg_stat_get_tuples_inserted(to_regclass('repack.log_' || ids.id)), 0)::float8 as logged,
            case when current_setting('track_commit_timestamp')::bool then
              (select pg_xact_commit_timestamp(l.xmin) from pg_class l
                where l.oid = coalesce(to_regclass('repack.log_' || ids.id), to_regclass('repack.table_' || ids.id)))
            end as since,
            (select l.pid from pg_locks l
              where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
                and l.classid = ${LOCK_PREFIX}::oid and l.objsubid = 2
                and l.objid = ((ids.id::bigint + 2147483648) % 4294967296)::oid
              limit 1) as pid
       from ids left join pg_class t on t.oid = ids.id left join pg_namespace n on n.oid = t.relnamespace
      order by 2, 3, 1`,
  );
  return rows.map((r) => ({
    tableOid: r.oid,
    ...(r.name === null ? {} : { table: { schema: r.schema, name: r.name } }),
    objects: r.objects,
    loggedWrites: r.logged,
    ...(r.since ? { since: r.since } : {}),
    ...(r.pid === null ? {} : { runningPid: r.pid }),
  }));
}

/** What pg_repack left on `table` (a quoted, qualified name), or undefined when nothing. Takes no lock. */
export async function repackLeftoversOf(client: pg.Client, table: string): Promise<RepackLeftover | undefined> {
  const { rows } = await client.query(`select to_regclass($1)::oid::bigint::float8 as oid`, [table]);
  const oid = rows[0]?.oid;
  if (oid === null || oid === undefined) return undefined;
  return (await repackLeftovers(client)).find((l) => l.tableOid === oid);
}

/** A pg_repack holds the table again (it took pg_repack's advisory lock): its objects are not leftovers now. */
export class RepackRunningError extends Error {}

/**
 * The statement that removes one table's leftovers: pg_repack's own cleanup, repack.repack_drop(oid, 4) (what the
 * client runs on an error; it takes the table's ACCESS EXCLUSIVE lock to drop the trigger), or, when the table was
 * dropped since, DROP of the work objects by name.
 */
export function repackCleanupStatement(tableOid: number, table?: string): string {
  if (table) return `SELECT repack.repack_drop(${quoteLiteral(table)}::regclass, 4)`;
  return `DROP TABLE IF EXISTS repack.log_${tableOid}, repack.table_${tableOid}; DROP TYPE IF EXISTS repack.pk_${tableOid}`;
}

const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Removes the leftovers of the table with oid `tableOid` in one transaction, holding pg_repack's advisory lock on
 * the table so that no pg_repack starts on it meanwhile; refuses (RepackRunningError) when one holds it. Every lock
 * waits at most the session's lock_timeout. Returns what was removed.
 */
export async function dropRepackLeftovers(client: pg.Client, tableOid: number): Promise<string[]> {
  await client.query('begin');
  try {
    const { rows } = await client.query(`select pg_try_advisory_xact_lock(${LOCK_PREFIX}, ${LOCK_KEY}) as free`, [
      tableOid,
    ]);
    if (!rows[0].free)
      throw new RepackRunningError(
        `a pg_repack session holds the table again (pg_repack's advisory lock): its objects are in use, not left over`,
      );
    const found = (await repackLeftovers(client)).find((l) => l.tableOid === tableOid);
    if (found) {
      const table = found.table && `${quoteIdent(found.table.schema)}.${quoteIdent(found.table.name)}`;
      await client.query(repackCleanupStatement(tableOid, table));
    }
    await client.query('commit');
    return found?.objects ?? [];
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
