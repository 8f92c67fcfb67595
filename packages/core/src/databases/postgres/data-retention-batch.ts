/**
 * One purge batch in its own short transaction: lock_timeout and statement_timeout set for it alone (SET LOCAL),
 * committed whole or rolled back whole. A failed batch leaves the session usable and nothing of itself behind.
 */
import type pg from 'pg';
import type { RuleTarget } from '../../data-retention/targets.js';
import type { CascadePath } from './data-retention-cascades.js';
import { batchSql, cascadeRowsSql, lockBatchSql } from './data-retention-predicate.js';

export interface BatchLimits {
  size: number;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

export interface BatchOutcome {
  /** Rows deleted or anonymized, all committed. */
  rows: number;
  /** The last key changed, column by column as text: the next batch starts after it. */
  lastKey?: string[];
  /** Each changed row's key as one text, in key order (for the receipt's hash; never written out). */
  keys: string[];
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
    const { only, cascaded } =
      beforeCommit && target.archiveCascades
        ? await readCascades(client, target, target.archiveCascades, limits.size, afterKey)
        : { only: undefined, cascaded: [] };
    const sql = batchSql(target, limits.size, afterKey, beforeCommit !== undefined, only);
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
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined); // the connection may be gone; the server rolls back then
    throw error;
  }
}

/**
 * Before the DELETE of a rule whose deletes cascade and are archived: the batch's rows locked (lockBatchSql), then
 * along each path, shorter first, the rows the DELETE will cascade into, read and locked. Returns the locked keys
 * (the DELETE takes exactly these) and the rows per path.
 */
async function readCascades(
  client: pg.ClientBase,
  target: RuleTarget,
  paths: CascadePath[],
  size: number,
  afterKey: string[] | undefined,
): Promise<{ only: string[][]; cascaded: CascadedRows[] }> {
  const lock = lockBatchSql(target, size, afterKey);
  const { rows: locked } = await client.query<Record<string, string>>(lock.text, lock.values);
  const only = target.primaryKey.map((_, i) => locked.map((r) => r[`key_${i}`]!));
  const cascaded: CascadedRows[] = [];
  if (locked.length === 0) return { only, cascaded };
  for (const path of paths) {
    const sql = cascadeRowsSql(target, path, only);
    const { rows } = await client.query<{ row: string }>(sql.text, sql.values);
    cascaded.push({
      table: path.steps.at(-1)!.table,
      via: path.steps.map((s) => s.constraint),
      rows: rows.map((r) => r.row),
    });
  }
  return { only, cascaded };
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
