/**
 * The catalog and DDL side of dropping whole partitions (issue 16 part 3): a range-partitioned table's partitions
 * with their bounds, sizes and where each lies against a cutoff; whether a legal hold names a row in one; and the
 * detach / drop / re-attach statements. A partition being dropped carries a marker comment from before its detach
 * until its drop, so a run that died in between is found and undone (re-attached) by the next run.
 */
import type pg from 'pg';
import { DbopsError } from '../../errors.js';
import type { RuleTarget } from '../../data-retention/targets.js';
import type { TimeType } from './data-retention-catalog.js';
import { cutoffValue, heldExpression, SqlParams } from './data-retention-predicate.js';
import { sqlName } from './server-errors.js';

export interface PartitionFacts {
  /** regclass text */
  name: string;
  /** As PostgreSQL prints it: `FOR VALUES FROM (...) TO (...)` or `DEFAULT`. */
  bound: string;
  isDefault: boolean;
  /** A leaf table (a sub-partitioned partition is never dropped whole). */
  leaf: boolean;
  /** Where it lies against the cutoff: wholly before it, across it, wholly after it; `default` for the default. */
  position: 'before' | 'straddles' | 'after' | 'default';
  /** The planner's row count (pg_class.reltuples; 0 before the first ANALYZE). */
  estimatedRows: number;
  /** pg_total_relation_size: what dropping it gives back. */
  bytes: number;
}

export interface PartitionLayout {
  /** Why no partition can be dropped (not range-partitioned by the rule's column); then `partitions` is empty. */
  unsuitable?: string;
  partitions: PartitionFacts[];
  /** The table has a default partition: DETACH CONCURRENTLY is then not allowed. */
  hasDefault: boolean;
}

/** The comment a partition carries between its detach and its drop (the prefix finds it again). */
const MARKER_PREFIX = 'dbops-retention detaching: ';

interface Marker {
  parent: string;
  bound: string;
  comment: string | null;
}

export async function partitionLayout(
  client: pg.ClientBase,
  target: RuleTarget,
  cutoff: Date,
): Promise<PartitionLayout> {
  const { rows: keys } = await client.query<{ strategy: string; columns: number; column: string | null; type: string }>(
    `SELECT pt.partstrat AS strategy, pt.partnatts AS columns, a.attname AS column,
            format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_partitioned_table pt
       LEFT JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
      WHERE pt.partrelid = to_regclass($1)`,
    [target.table],
  );
  const key = keys[0];
  const none = (unsuitable: string): PartitionLayout => ({ unsuitable, partitions: [], hasDefault: false });
  if (!key) return none('not a partitioned table');
  if (key.strategy !== 'r' || key.columns !== 1 || key.column !== target.timeColumn)
    return none(`not range-partitioned by ${target.timeColumn} alone`);
  const { rows } = await client.query<{ name: string; bound: string; relkind: string; rows: number; bytes: number }>(
    `SELECT c.oid::regclass::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, c.relkind,
            greatest(c.reltuples, 0)::float8 AS rows, pg_total_relation_size(c.oid)::float8 AS bytes
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`,
    [target.table],
  );
  const partitions: PartitionFacts[] = [];
  for (const row of rows) {
    const isDefault = row.bound === 'DEFAULT';
    partitions.push({
      name: row.name,
      bound: row.bound,
      isDefault,
      leaf: row.relkind === 'r',
      position: isDefault ? 'default' : await position(client, row.bound, key.type, target.timeType, cutoff),
      estimatedRows: row.rows,
      bytes: row.bytes,
    });
  }
  return { partitions, hasDefault: partitions.some((p) => p.isDefault) };
}

/**
 * Compares the bounds as the column's own type with the cutoff as the batches do (cutoffValue: for a timestamp or
 * date, the older of its UTC and session readings), so a partition is dropped whole only when every row in it would go.
 */
async function position(client: pg.ClientBase, bound: string, type: string, timeType: TimeType, cutoff: Date) {
  const match = /^FOR VALUES FROM \((.*)\) TO \((.*)\)$/.exec(bound);
  if (!match) return 'straddles' as const; // not a range bound we understand: never dropped whole
  const [from, to] = [literal(match[1]!), literal(match[2]!)];
  const { rows } = await client.query<{ before: boolean; after: boolean }>(
    `SELECT coalesce($1::text::${type} <= ${cutoffValue(timeType, '$3')}, false) AS before,
            coalesce($2::text::${type} >= ${cutoffValue(timeType, '$3')}, false) AS after`,
    [to ?? null, from ?? null, cutoff.toISOString()],
  );
  // MAXVALUE as upper bound is never before; MINVALUE as lower bound is never after (both NULL here).
  return rows[0]!.before ? ('before' as const) : rows[0]!.after ? ('after' as const) : ('straddles' as const);
}

/** A bound value as printed (`'2026-01-01 00:00:00+00'`) unquoted; undefined for MINVALUE / MAXVALUE. */
function literal(text: string): string | undefined {
  const quoted = /^'((?:[^']|'')*)'(?:::[\w ]+)?$/.exec(text.trim());
  return quoted ? quoted[1]!.replaceAll("''", "'") : undefined;
}

/**
 * True when a legal hold names any row of the partition (read at statement time, as batches read them). When no
 * hold names the table at all, the partition is not read: that is what keeps a drop's time apart from its size.
 */
export async function partitionHasHold(client: pg.ClientBase, target: RuleTarget, partition: string) {
  if (target.holdSources.length === 0) return false;
  const names = target.holdSources.map(
    (source) => `EXISTS (SELECT 1 FROM ${source} AS h WHERE h.subject_table::text = ANY($1::text[]))`,
  );
  const any = await client.query<{ any: boolean }>(`SELECT ${names.join(' OR ')} AS any`, [target.holdNames]);
  if (!any.rows[0]!.any) return false;
  const params = new SqlParams();
  const held = heldExpression(target, params);
  const { rows } = await client.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${partition} AS t WHERE ${held}) AS held`,
    params.values,
  );
  return rows[0]!.held;
}

/**
 * Detaches a partition, marked first. CONCURRENTLY (PostgreSQL 14+, no default partition) runs outside any
 * transaction and blocks neither readers nor writers; otherwise a plain DETACH in a short transaction whose
 * lock_timeout bounds the wait for its ACCESS EXCLUSIVE lock on the parent.
 */
export async function detachPartition(
  client: pg.ClientBase,
  parent: string,
  partition: Pick<PartitionFacts, 'name' | 'bound'>,
  options: { concurrently: boolean; lockTimeoutMs: number; statementTimeoutMs: number },
): Promise<void> {
  const { rows } = await client.query<{ comment: string | null }>(
    'SELECT obj_description(to_regclass($1), $2) AS comment',
    [partition.name, 'pg_class'],
  );
  const marker: Marker = { parent, bound: partition.bound, comment: rows[0]?.comment ?? null };
  const limits = [`${options.lockTimeoutMs}ms`, `${options.statementTimeoutMs}ms`];
  // COMMENT ON takes a lock on the partition too: bounded by lock_timeout like the detach, never an unbounded wait.
  await inTransaction(client, limits, () =>
    client.query(`COMMENT ON TABLE ${partition.name} IS ${quoteLiteral(MARKER_PREFIX + JSON.stringify(marker))}`),
  );
  if (options.concurrently) {
    const previous = await client.query<{ lock: string; statement: string }>(
      "SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement",
    );
    await client.query(
      "SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)",
      limits,
    );
    try {
      await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${partition.name} CONCURRENTLY`);
    } finally {
      const p = previous.rows[0]!;
      await client.query("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", [
        p.lock,
        p.statement,
      ]);
    }
    return;
  }
  await inTransaction(client, limits, () => client.query(`ALTER TABLE ${parent} DETACH PARTITION ${partition.name}`));
}

/**
 * In one transaction holding the detached table's ACCESS EXCLUSIVE lock: `check` (counts rows, looks at holds; it
 * may throw to keep the table), then DROP TABLE. Returns check's value once the drop committed. No statement
 * timeout: the lock is on a table no one else uses any more, and counting a large month may take a while.
 */
export async function dropDetached<T>(
  client: pg.ClientBase,
  table: string,
  limits: { lockTimeoutMs: number },
  check: () => Promise<T>,
): Promise<T> {
  return inTransaction(client, [`${limits.lockTimeoutMs}ms`, '0'], async () => {
    await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const value = await check();
    await client.query(`DROP TABLE ${table}`);
    return value;
  });
}

export async function countRows(client: pg.ClientBase, table: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${table}`);
  return rows[0]!.n;
}

/**
 * Undoes a detach that did not end in a drop (a hold appeared, a check failed, or an earlier run died): every table
 * marked as detaching from `parent` is attached again with its bound and its comment restored; a detach that
 * CONCURRENTLY left pending is finalized first. Returns the names put back.
 */
export async function reattachDetached(
  client: pg.ClientBase,
  parent: string,
  lockTimeoutMs: number,
  only?: string,
): Promise<string[]> {
  const { rows } = await client.query<{ name: string; comment: string; pending: boolean | null; attached: boolean }>(
    `SELECT c.oid::regclass::text AS name, d.description AS comment, c.relispartition AS attached,
            -- inhdetachpending read through jsonb: the column is new in PostgreSQL 14 (NULL before)
            (SELECT bool_or((to_jsonb(i) ->> 'inhdetachpending')::boolean) FROM pg_inherits i WHERE i.inhrelid = c.oid) AS pending
       FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
      WHERE d.description LIKE $1 AND c.relkind = 'r'`,
    [`${MARKER_PREFIX}%`],
  );
  const back: string[] = [];
  for (const row of rows) {
    if (only !== undefined && row.name !== only) continue;
    const marker = parseMarker(row.comment);
    if (marker?.parent !== parent) continue;
    // The bound is spliced into ATTACH PARTITION: anyone who may comment on the table could write it.
    if (!isPrintedRangeBound(marker.bound))
      throw new DbopsError(
        'CHECK_FAILED',
        `${row.name} carries a dbops detach marker for ${parent} whose bound is not a range bound as PostgreSQL prints it (${JSON.stringify(marker.bound.slice(0, 200))}): it was not attached again`,
        {
          hint: `Attach ${row.name} to ${parent} by hand (ALTER TABLE ${parent} ATTACH PARTITION ${row.name} FOR VALUES FROM (...) TO (...)) and remove its comment; a marker's bound has the form FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00')`,
        },
      );
    await inTransaction(client, [`${lockTimeoutMs}ms`, '0'], async () => {
      if (row.pending) await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${row.name} FINALIZE`);
      if (!row.attached || row.pending)
        await client.query(`ALTER TABLE ${parent} ATTACH PARTITION ${row.name} ${marker.bound}`);
      await client.query(
        `COMMENT ON TABLE ${row.name} IS ${marker.comment === null ? 'NULL' : quoteLiteral(marker.comment)}`,
      );
    });
    back.push(row.name);
  }
  return back;
}

/**
 * One value of a range bound as pg_get_expr prints it: a quoted literal, a number, MINVALUE or MAXVALUE. No
 * backslash in a literal: with standard_conforming_strings off one would escape the closing quote.
 */
const BOUND_VALUE = String.raw`(?:'(?:[^'\\]|'')*'(?:::[A-Za-z_][\w ]*)?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|MINVALUE|MAXVALUE|true|false)`;
const BOUND_VALUES = `\\(${BOUND_VALUE}(?:, ${BOUND_VALUE})*\\)`;
const RANGE_BOUND = new RegExp(`^FOR VALUES FROM ${BOUND_VALUES} TO ${BOUND_VALUES}$`);

/** Whether `bound` is a range partition bound in the form PostgreSQL prints, and nothing else (no expression). */
export function isPrintedRangeBound(bound: string): boolean {
  return RANGE_BOUND.test(bound);
}

/** A marker comment's content, or undefined when the comment only looks like one. */
function parseMarker(comment: string): Marker | undefined {
  try {
    const marker = JSON.parse(comment.slice(MARKER_PREFIX.length)) as Marker;
    return typeof marker.parent === 'string' && typeof marker.bound === 'string' ? marker : undefined;
  } catch {
    return undefined;
  }
}

/** Whether this server can DETACH CONCURRENTLY (PostgreSQL 14 and later). */
export async function canDetachConcurrently(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ version: number }>(
    "SELECT current_setting('server_version_num')::int AS version",
  );
  return rows[0]!.version >= 140000;
}

/** Keys of a partition in key order, after `afterKey`, with each row as JSON text: what the archive writes. */
export async function partitionChunk(
  client: pg.ClientBase,
  target: RuleTarget,
  table: string,
  size: number,
  afterKey: string[] | undefined,
): Promise<{ rows: string[]; keys: string[]; lastKey?: string[] }> {
  const params = new SqlParams();
  const keys = target.primaryKey.map((k) => `t.${sqlName(k.name)}`);
  const after = afterKey
    ? `WHERE (${keys.join(', ')}) > (${target.primaryKey.map((k, i) => `${params.add(afterKey[i])}::${k.type}`).join(', ')})`
    : '';
  const keyText = keys.length === 1 ? `${keys[0]}::text` : `ROW(${keys.join(', ')})::text`;
  const { rows } = await client.query<Record<string, string>>(
    `SELECT ${keys.map((k, i) => `${k}::text AS key_${i}`).join(', ')}, ${keyText} AS key, to_jsonb(t)::text AS row
       FROM ${table} AS t ${after} ORDER BY ${keys.join(', ')} LIMIT ${params.add(size)}`,
    params.values,
  );
  const last = rows.at(-1);
  return {
    rows: rows.map((r) => r.row!),
    keys: rows.map((r) => r.key!),
    ...(last ? { lastKey: target.primaryKey.map((_, i) => last[`key_${i}`]!) } : {}),
  };
}

async function inTransaction<T>(client: pg.ClientBase, limits: string[], body: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query(
      "SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)",
      limits,
    );
    const value = await body();
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
