/**
 * Tombstones: the keys of erased subjects and of rows a soft-delete rule erased, kept as salted hashes (never the
 * keys or any value) with the time of the erasure, in a table dbops owns. restore-test replays them on a restored
 * copy (databases/postgres/tombstone-check.ts), so an erased person who comes back with a backup is noticed.
 *
 * The hash is SHA-256 of `salt \n schema.table \n key`, the key as a legal hold's subject_id gives it. The salt is
 * random per database and stored in dbops_retention_salt: without it, a tombstone of a small integer key could be
 * found by hashing every integer.
 *
 * A tombstone commits with its erasure, but `erased_at` is the transaction's start (now()): a purge batch that
 * archives before it commits can start before a backup and commit after the backup's snapshot, which then rightly
 * holds the row while the live tombstone says it was erased before the backup. So each tombstone also gets
 * `completed_at`, set once the erasing transaction has committed (`completeTombstones`, later than the commit); a
 * backup that started before it may hold the row. A tombstone visible with `completed_at` null is one whose commit
 * was not yet followed by that update (a crash in between): the next erasure completes it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { BeforeCommit } from '../databases/postgres/data-retention-batch.js';
import { createTableWhenMissing } from './create-missing.js';
import type { RuleTarget } from './targets.js';

export const TOMBSTONE_TABLE = 'public.dbops_retention_tombstones';
export const SALT_TABLE = 'public.dbops_retention_salt';

/** The tombstones of one table, as restore-test replays them. */
export interface TableTombstones {
  schema: string;
  name: string;
  hashes: string[];
  /** ISO 8601, one per hash. */
  erasedAt: string[];
  /**
   * When each erasure had completed (ISO 8601), or null while it had not (not yet recorded), one per hash: a backup
   * that began before it may rightly hold the subject. Absent from tombstones older than the field: `erasedAt` then.
   */
  completedAt?: Array<string | null>;
  /**
   * MongoDB: some of the hashes are of tombstones written before `key_form` (databases/mongodb/
   * data-retention-tombstones.ts), so each document is matched by that form too.
   */
  legacyKeys?: boolean;
  /**
   * MongoDB: the salt of the collection's database when the tombstones of several databases are read together (each
   * database has its own); the set's salt otherwise.
   */
  salt?: string;
}

export interface TombstoneSet {
  salt: string;
  tables: TableTombstones[];
}

export function tombstoneHash(salt: string, schema: string, table: string, key: string): string {
  return createHash('sha256').update(`${salt}\n${schema}.${table}\n${key}`, 'utf8').digest('hex');
}

/** Creates dbops's tombstone and salt tables when missing; returns the database's salt. */
export async function ensureTombstoneTables(client: pg.ClientBase): Promise<string> {
  await createTableWhenMissing(
    client,
    SALT_TABLE,
    `CREATE TABLE IF NOT EXISTS ${SALT_TABLE} (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    salt text NOT NULL)`,
  );
  await createTableWhenMissing(
    client,
    TOMBSTONE_TABLE,
    `CREATE TABLE IF NOT EXISTS ${TOMBSTONE_TABLE} (
    table_schema text NOT NULL,
    table_name text NOT NULL,
    key_sha256 text NOT NULL,
    erased_at timestamptz NOT NULL DEFAULT now(),
    erased_by text NOT NULL,
    PRIMARY KEY (table_schema, table_name, key_sha256))`,
  );
  await addCompletedAt(client);
  // Read first: a role that may read the salt need not be allowed to insert one.
  const salt = async () => (await client.query<{ salt: string }>(`SELECT salt FROM ${SALT_TABLE}`)).rows[0]?.salt;
  const existing = await salt();
  if (existing !== undefined) return existing;
  await client.query(`INSERT INTO ${SALT_TABLE} (salt) VALUES ($1) ON CONFLICT DO NOTHING`, [
    randomBytes(32).toString('hex'),
  ]);
  return (await salt())!;
}

/**
 * The completion column, added to tables from before it: their tombstones count as completed when they were written,
 * as they always did. Checked first, so the ALTER (and its lock) happens once per database, not per batch.
 */
async function addCompletedAt(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query(
    `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'completed_at' AND NOT attisdropped`,
    [TOMBSTONE_TABLE],
  );
  if (rows.length > 0) return;
  await client.query(`ALTER TABLE ${TOMBSTONE_TABLE} ADD COLUMN IF NOT EXISTS completed_at timestamptz`);
  await client.query(`UPDATE ${TOMBSTONE_TABLE} SET completed_at = erased_at WHERE completed_at IS NULL`);
  // Small: only the tombstones of erasures whose commit is not yet followed by completeTombstones.
  await client.query(
    `CREATE INDEX IF NOT EXISTS dbops_retention_tombstones_uncompleted ON ${TOMBSTONE_TABLE} (key_sha256) WHERE completed_at IS NULL`,
  );
}

/**
 * After an erasing transaction has committed, outside it: every tombstone visible without `completed_at` gets the
 * time now. A tombstone commits only with its erasure, so all of them are of committed erasures: this run's, and any
 * a crash left before this step.
 */
export async function completeTombstones(client: pg.ClientBase): Promise<void> {
  await client.query(`UPDATE ${TOMBSTONE_TABLE} SET completed_at = clock_timestamp() WHERE completed_at IS NULL`);
}

/**
 * Records erased keys of `table` (regclass text) in the caller's transaction, so they commit with the erasure or not
 * at all. `by` says what erased them (`subject-erase`, `retention-purge:<rule>`). A key erased again keeps its
 * latest time.
 */
export async function recordTombstones(client: pg.ClientBase, table: string, keys: string[], by: string) {
  if (keys.length === 0) return;
  const salt = await ensureTombstoneTables(client);
  const { rows } = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1)`,
    [table],
  );
  const { schema, name } = rows[0]!;
  await client.query(
    `INSERT INTO ${TOMBSTONE_TABLE} (table_schema, table_name, key_sha256, erased_by)
     SELECT $1, $2, h, $4 FROM unnest($3::text[]) AS h
     ON CONFLICT (table_schema, table_name, key_sha256)
       DO UPDATE SET erased_at = excluded.erased_at, completed_at = NULL, erased_by = excluded.erased_by`,
    [schema, name, [...new Set(keys.map((k) => tombstoneHash(salt, schema, name, k)))], by],
  );
}

/** The database's tombstones, or undefined when it has none (no tombstone table). */
export async function readTombstones(client: pg.ClientBase): Promise<TombstoneSet | undefined> {
  const { rows: exists } = await client.query<{ t: string | null; s: string | null }>(
    'SELECT to_regclass($1)::text AS t, to_regclass($2)::text AS s',
    [TOMBSTONE_TABLE, SALT_TABLE],
  );
  if (!exists[0]?.t || !exists[0].s) return undefined;
  const salt = (await client.query<{ salt: string }>(`SELECT salt FROM ${SALT_TABLE}`)).rows[0]?.salt;
  if (salt === undefined) return undefined;
  // A backup from before completion times has no completed_at column: its tombstones are judged by erased_at.
  const { rows: columns } = await client.query(
    `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'completed_at' AND NOT attisdropped`,
    [TOMBSTONE_TABLE],
  );
  const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const completed = columns.length > 0 ? `array_agg(${iso('completed_at')} ORDER BY key_sha256)` : 'NULL';
  const { rows } = await client.query<{
    schema: string;
    name: string;
    hashes: string[];
    erased_at: string[];
    completed_at: Array<string | null> | null;
  }>(
    `SELECT table_schema AS schema, table_name AS name, array_agg(key_sha256 ORDER BY key_sha256) AS hashes,
            array_agg(${iso('erased_at')} ORDER BY key_sha256) AS erased_at, ${completed} AS completed_at
       FROM ${TOMBSTONE_TABLE} GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return {
    salt,
    tables: rows.map((r) => ({
      schema: r.schema,
      name: r.name,
      hashes: r.hashes,
      erasedAt: r.erased_at,
      ...(r.completed_at ? { completedAt: r.completed_at } : {}),
    })),
  };
}

/**
 * The purge's step before a batch commits, for a rule that erases soft-deleted rows (`then: erase`): the batch's keys
 * become tombstones in the batch's own transaction, after the rule's archive step (`step`) when it has one. Other
 * rules keep `step` as it is: an age rule's expired rows are not people who asked to be forgotten.
 */
/** A rule whose deletes are erasures (tombstones): soft-delete with `then: erase`. */
export function erases(target: RuleTarget): boolean {
  return target.kind === 'soft-delete' && target.action === 'delete';
}

export function withTombstones(
  client: pg.ClientBase,
  target: RuleTarget,
  step: BeforeCommit | undefined,
): BeforeCommit | undefined {
  if (!erases(target)) return step;
  return async (rows, keys, cascaded) => {
    await step?.(rows, keys, cascaded);
    await recordTombstones(client, target.table, keys, `retention-purge:${target.rule}`);
  };
}
