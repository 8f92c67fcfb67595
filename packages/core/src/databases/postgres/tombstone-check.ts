/**
 * restore-test's tombstone check (issue 16, "erasure survives a restore"): the tombstones of erased rows
 * (data-retention/tombstones.ts) replayed on a restored copy. Each restored table with tombstones has its keys hashed
 * with the same salt and matched against them, in the server, so no key leaves it. A row erased before the backup
 * was taken must not be in it: the check fails, naming the table and how many (never a key). A row erased after
 * the backup is expected there: the check passes and says how many such rows the backup still holds, until it
 * rotates out.
 *
 * "Before": the copy's own tombstones are all before, whatever their times: pg_dump read them in the snapshot it
 * read the rows in, and a tombstone commits with its erasure, so the snapshot saw the erasure too. Live tombstones
 * (tombstones-from) are before when their erasure had completed (`completed_at`, set after the commit) before the
 * backup started: the snapshot is taken after that. `erased_at` (the transaction's start) would not do: a
 * transaction that began before the backup and committed after its snapshot erased rows the backup rightly holds.
 * Tombstones from before `completed_at` are judged by `erased_at`, as they always were.
 */
import type pg from 'pg';
import { readTombstones, SALT_TABLE, type TombstoneSet } from '../../data-retention/tombstones.js';
import type { BackupManifest } from '../../manifest/manifest.js';
import type { CheckResult } from '../../restore/checks.js';
import { TOMBSTONE_CHECK, tombstoneVerdict } from '../../restore/tombstone-verdict.js';
import { keyExpression, type SubjectColumn } from './subject-graph.js';

/** Hashes sent to the server per statement. */
const CHUNK = 10_000;

/**
 * `tombstones`: from the tombstones-from database; without it, the restored copy's own tombstone table (it knows
 * only the erasures before its backup). Undefined when there is nothing to replay.
 */
export async function checkTombstones(
  client: pg.Client,
  manifest: BackupManifest,
  tombstones?: TombstoneSet,
): Promise<CheckResult | undefined> {
  const set = tombstones ?? (await readTombstones(client));
  if (!set) return undefined;
  if (tombstones) {
    const mismatch = await saltMismatch(client, tombstones.salt);
    if (mismatch) return mismatch;
  }
  const source = tombstones ? 'tombstones-from' : "the backup's own tombstone table";
  const total = set.tables.reduce((n, t) => n + t.hashes.length, 0);
  const backupTime = Date.parse(manifest.startedAt);
  const reappeared: string[] = [];
  const held: string[] = [];
  await client.query('BEGIN READ ONLY');
  try {
    // Key text as the erasure hashed it: dbops's erasing sessions print times in UTC.
    await client.query("SELECT set_config('TimeZone', 'UTC', true)");
    for (const table of set.tables) {
      const key = await primaryKey(client, table.schema, table.name);
      if (!key) continue; // not in this backup (or without its key): none of its rows can be back
      let before = 0;
      let after = 0;
      for (let i = 0; i < table.hashes.length; i += CHUNK) {
        const hashes = table.hashes.slice(i, i + CHUNK);
        const times = table.erasedAt.slice(i, i + CHUNK);
        const { rows } = await client.query<{ hash: string }>(
          `SELECT r.hash FROM (SELECT encode(sha256(convert_to($1 || E'\\n' || $2 || E'\\n' || ${keyExpression(key.columns, 't')}, 'UTF8')), 'hex') AS hash
                    FROM ${key.table} AS t) AS r
            WHERE r.hash = ANY($3::text[])`,
          [set.salt, `${table.schema}.${table.name}`, hashes],
        );
        // Completion per hash; NaN (before nothing) when not yet recorded; -Infinity for the copy's own.
        const completedAt = new Map(
          hashes.map((h, j) => {
            if (!tombstones) return [h, Number.NEGATIVE_INFINITY];
            const at = table.completedAt ? table.completedAt[i + j] : times[j];
            return [h, at == null ? Number.NaN : Date.parse(at)];
          }),
        );
        for (const { hash } of rows) {
          if (completedAt.get(hash)! < backupTime) before++;
          else after++;
        }
      }
      if (before > 0) reappeared.push(`${table.schema}.${table.name}: ${before}`);
      if (after > 0) held.push(`${table.schema}.${table.name}: ${after}`);
    }
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
  return tombstoneVerdict({ total, source, reappeared, held }, { one: 'row', many: 'rows' });
}

/**
 * The salt is random per database and travels in its backups: a restored copy with a salt of its own that is not
 * the live set's was not backed up from the tombstones-from database. Its hashes would match no row, and the check
 * would pass having proved nothing: it fails instead. A copy without a salt table (from before the first erasure)
 * cannot tell, and is replayed as before.
 */
async function saltMismatch(client: pg.Client, liveSalt: string): Promise<CheckResult | undefined> {
  const { rows: table } = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [SALT_TABLE]);
  if (!table[0]?.t) return undefined;
  const own = (await client.query<{ salt: string }>(`SELECT salt FROM ${SALT_TABLE}`)).rows[0]?.salt;
  if (own === undefined || own === liveSalt) return undefined;
  return {
    name: TOMBSTONE_CHECK,
    passed: false,
    detail: `tombstones-from is not the backup's source database: its tombstones are salted ${liveSalt ? 'differently from' : 'with no salt, unlike'} the backup's own (dbops_retention_salt), so none of them can match a restored row. Point tombstones-from at the database the backup was taken from`,
  };
}

async function primaryKey(
  client: pg.Client,
  schema: string,
  name: string,
): Promise<{ table: string; columns: SubjectColumn[] } | undefined> {
  const { rows } = await client.query<{ table: string; columns: SubjectColumn[] | null }>(
    `SELECT c.oid::regclass::text AS table,
            (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'base', ty.typname) ORDER BY k.n)
               FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
               JOIN pg_type ty ON ty.oid = a.atttypid
              WHERE i.indrelid = c.oid AND i.indisprimary) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, name],
  );
  const row = rows[0];
  return row?.columns ? { table: row.table, columns: row.columns } : undefined;
}
