/**
 * One purge batch in its own short transaction: lock_timeout and statement_timeout set for it alone (SET LOCAL),
 * committed whole or rolled back whole. A failed batch leaves the session usable and nothing of itself behind.
 */
import type pg from 'pg';
import type { RuleTarget } from '../../data-retention/targets.js';
import type { CascadePath } from './data-retention-cascades.js';
import { DbopsError } from '../../errors.js';
import { batchSql, cascadeCountSql, cascadeRowsSql, lockBatchSql } from './data-retention-predicate.js';

export interface BatchLimits {
  size: number;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /**
   * The most rows a batch's ON DELETE CASCADE may reach, all paths together, for a rule with archive-to: they are
   * locked, held in memory and sealed with the batch. A batch over it takes fewer of its rows (halved until it fits).
   */
  maxCascadeRows: number;
}

export interface BatchOutcome {
  /** Rows deleted or anonymized, all committed. */
  rows: number;
  /** The last key changed, column by column as text: the next batch starts after it. */
  lastKey?: string[];
  /** Each changed row's key as one text, in key order (for the receipt's hash; never written out). */
  keys: string[];
  /**
   * Set when the batch took fewer rows than `size` because their cascade was over maxCascadeRows: the rows it could
   * take. Fewer rows than this means the rule is done; the caller may keep to it for the next batches.
   */
  shrunkTo?: number;
}

/** The rows ON DELETE CASCADE deleted with a batch along one path: the path's last table and foreign keys. */
export interface CascadedRows {
  table: string;
  /** The foreign keys from the rule's table to `table`, in order. */
  via: string[];
  /** Each row as JSON text, as it was before the batch's DELETE. */
  rows: string[];
}

/**
 * Runs inside the batch's transaction after its rows changed and before COMMIT, with each changed row as JSON text
 * (in key order) and, for a rule with archive-to whose deletes cascade, the rows deleted with them along each path;
 * throwing rolls the batch back whole. The archive step: the rows go only once their archive is safe.
 */
export type BeforeCommit = (rows: string[], keys: string[], cascaded: CascadedRows[]) => Promise<void>;

export async function runBatch(
  client: pg.ClientBase,
  target: RuleTarget,
  limits: BatchLimits,
  afterKey: string[] | undefined,
  beforeCommit?: BeforeCommit,
): Promise<BatchOutcome> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [
      `${limits.lockTimeoutMs}ms`,
      `${limits.statementTimeoutMs}ms`,
    ]);
    const { only, cascaded, shrunkTo } =
      beforeCommit && target.archiveCascades
        ? await readCascades(client, target, target.archiveCascades, limits, afterKey)
        : { only: undefined, cascaded: [] };
    const sql = batchSql(target, shrunkTo ?? limits.size, afterKey, beforeCommit !== undefined, only);
    const { rows } = await client.query<Record<string, string>>(sql.text, sql.values);
    if (beforeCommit && rows.length > 0)
      await beforeCommit(
        rows.map((r) => r.archived!),
        rows.map((r) => r.key!),
        cascaded,
      );
    await commit(client);
    const last = rows.at(-1);
    const outcome: BatchOutcome = { rows: rows.length, keys: rows.map((r) => r.key!) };
    if (last) outcome.lastKey = target.primaryKey.map((_, i) => last[`key_${i}`]!);
    if (shrunkTo !== undefined) outcome.shrunkTo = shrunkTo;
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined); // the connection may be gone; the server rolls back then
    throw error;
  }
}

/**
 * Before the DELETE of a rule whose deletes cascade and are archived: the batch's rows locked (lockBatchSql); then
 * their cascade counted, path by path, up to the bound (maxCascadeRows) and, while over it, the batch cut to the first
 * half of its keys, down to one row (whose cascade alone over the bound refuses the rule: nothing of it deleted); then
 * along each path, shorter first, the rows the DELETE will cascade into, read and locked. Returns the keys kept (the
 * DELETE takes exactly these), the rows per path and, when cut, how many keys were kept. The rows cut off stay locked
 * until the batch ends, unchanged. A count is of rows not yet locked: one inserted meanwhile into a deeper table
 * (whose parent is not locked yet) is read all the same, so the bound can be passed by such rows, never by more.
 */
async function readCascades(
  client: pg.ClientBase,
  target: RuleTarget,
  paths: CascadePath[],
  limits: BatchLimits,
  afterKey: string[] | undefined,
): Promise<{ only: string[][]; cascaded: CascadedRows[]; shrunkTo?: number }> {
  const lock = lockBatchSql(target, limits.size, afterKey);
  const { rows: locked } = await client.query<Record<string, string>>(lock.text, lock.values);
  const cascaded: CascadedRows[] = [];
  const keysOf = (rows: Record<string, string>[]) => target.primaryKey.map((_, i) => rows.map((r) => r[`key_${i}`]!));
  if (locked.length === 0) return { only: keysOf(locked), cascaded };
  const max = limits.maxCascadeRows;
  let kept = locked;
  for (;;) {
    const reached = await cascadeCount(client, target, paths, keysOf(kept), max + 1);
    if (reached <= max) break;
    if (kept.length === 1) throw tooManyCascaded(target, kept[0]!, max);
    kept = kept.slice(0, Math.ceil(kept.length / 2));
  }
  const only = keysOf(kept);
  for (const path of paths) {
    const sql = cascadeRowsSql(target, path, only);
    const { rows } = await client.query<{ row: string }>(sql.text, sql.values);
    cascaded.push({
      table: path.steps.at(-1)!.table,
      via: path.steps.map((s) => s.constraint),
      rows: rows.map((r) => r.row),
    });
  }
  return kept.length < locked.length ? { only, cascaded, shrunkTo: kept.length } : { only, cascaded };
}

/** The rows the keys' cascade reaches along all paths together, counted up to `limit` (then `limit`). */
async function cascadeCount(
  client: pg.ClientBase,
  target: RuleTarget,
  paths: CascadePath[],
  keys: string[][],
  limit: number,
): Promise<number> {
  let total = 0;
  for (const path of paths) {
    const sql = cascadeCountSql(target, path, keys, limit - total);
    const { rows } = await client.query<{ n: number }>(sql.text, sql.values);
    total += rows[0]!.n;
    if (total >= limit) return limit;
  }
  return total;
}

/**
 * A rule's row that cascades into more than max-cascade-rows: the rule is refused (its batch rolled back, nothing of it
 * changed), the run goes on with the next rule, as for other per-rule refusals.
 */
export class TooManyCascaded extends DbopsError {}

function tooManyCascaded(target: RuleTarget, row: Record<string, string>, max: number): DbopsError {
  const key = target.primaryKey.map((k, i) => `${k.name} = ${row[`key_${i}`]}`).join(', ');
  return new TooManyCascaded(
    'CHECK_FAILED',
    `the row ${key} alone cascades (ON DELETE CASCADE) into more than max-cascade-rows (${max}) rows, which archive-to would have to hold in one batch`,
    {
      input: 'policy',
      hint: 'Purge the dependent tables first with rules of their own listed before this one (their rows then go in batches of their own), or raise defaults.max-cascade-rows in the policy if the runner has the memory for that many rows.',
    },
  );
}

/**
 * COMMIT, where a commit that waited for synchronous standbys and was cancelled or had its session ended (an abort
 * ends it: connection.ts) counts as done: the server has committed it locally and says so in a WARNING (57014 on a
 * cancel, 57P01 on termination) before the error. Counted as rolled back, its rows would be gone from the table and
 * missing from the receipt. Known by the notice's code, not its (translated) text.
 */
async function commit(client: pg.ClientBase): Promise<void> {
  let committedLocally = false;
  const onNotice = (notice: { code?: string }) => {
    if (notice.code === '57014' || notice.code === '57P01') committedLocally = true;
  };
  client.on('notice', onNotice);
  try {
    await client.query('COMMIT');
  } catch (error) {
    if (!committedLocally) throw error;
  } finally {
    client.off('notice', onNotice);
  }
}

/**
 * Sessions holding a lock on the table that a batch waited for, for the error: who and what kind of lock, never
 * their SQL text (it can hold personal data or passwords).
 */
export async function describeTableLockers(client: pg.ClientBase, table: string): Promise<string> {
  const { rows } = await client.query<{
    pid: number;
    mode: string;
    application: string;
    usename: string;
    state: string;
  }>(
    `SELECT DISTINCT a.pid, l.mode, a.application_name AS application, a.usename, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'relation' AND l.granted AND l.relation = to_regclass($1) AND a.pid <> pg_backend_pid()
        AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
      ORDER BY a.pid LIMIT 3`,
    [table],
  );
  return rows
    .map((r) => `session ${r.pid} holds ${r.mode} (application '${r.application}', user '${r.usename}', ${r.state})`)
    .join('; ');
}
