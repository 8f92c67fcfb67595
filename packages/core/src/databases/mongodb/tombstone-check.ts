/**
 * restore-test's tombstone check on a restored MongoDB copy (PostgreSQL's: ../postgres/tombstone-check.ts): the
 * tombstones of documents soft-delete rules erased (data-retention-tombstones.ts) replayed on the copy. Each
 * collection with tombstones has its `_id`s hashed with the same salt and the original `database.collection` (the
 * tombstone records it: the scratch copy has another name) and matched: by the tombstone form of today (the `_id`'s
 * type kept), and, where the collection has tombstones from before it, by the older text form too (a document
 * matches one of those when its `_id` or another with the same text was erased; the newer tombstone decides). MongoDB cannot hash in the server, so the
 * `_id`s are read by dbops, hashed in memory and forgotten; only counts leave this module.
 *
 * The tombstone is written before its delete and completed after it (data-retention-tombstones.ts), and a backup
 * reads each collection at its own time, so "erased before the backup" means: the delete had completed before the
 * backup began reading that collection (`readStartedAt` in the manifest; the backup's start in manifests without it).
 * Such a document in the copy fails the check. For a point-in-time backup the copy is the database at the oplog's
 * end, so the delete must have completed before that second. A document whose delete completed later, or had not
 * completed (a purge running or stopped mid-erasure), is one the backup rightly holds: counted, not a failure.
 */
import type { Db, MongoClient } from 'mongodb';
import type { TombstoneSet } from '../../data-retention/tombstones.js';
import type { BackupManifest } from '../../manifest/manifest.js';
import type { CheckResult } from '../../restore/checks.js';
import { tombstoneVerdict } from '../../restore/tombstone-verdict.js';
import { qualifiedName } from './inventory.js';
import {
  legacyHash,
  SALT_COLLECTION,
  TOMBSTONE_COLLECTION,
  type Tombstone,
  tombstoneId,
} from './data-retention-tombstones.js';

/**
 * tombstones-from: the tombstones of each of `databases` on the server, each collection's with its database's salt
 * (every database has its own: data-retention-tombstones.ts). A backup of several databases is checked against all
 * of them whichever one the URL names. Undefined when none has tombstones.
 */
export async function readServerTombstones(
  client: MongoClient,
  databases: readonly string[],
): Promise<TombstoneSet | undefined> {
  const sets = [];
  for (const name of databases) {
    const set = await readMongoTombstones(client.db(name));
    if (set) sets.push(set);
  }
  if (sets.length === 0) return undefined;
  return {
    salt: sets[0]!.salt,
    tables: sets.flatMap((set) => set.tables.map((table) => ({ ...table, salt: set.salt }))),
  };
}

/** The database's tombstones, grouped per collection as PostgreSQL's per table; undefined when it has none. */
export async function readMongoTombstones(db: Db): Promise<TombstoneSet | undefined> {
  const salt = (await db.collection<{ _id: string; salt: string }>(SALT_COLLECTION).findOne({ _id: 'salt' }))?.salt;
  if (salt === undefined) return undefined;
  const tables = new Map<string, TombstoneSet['tables'][number]>();
  for await (const stone of db.collection<Tombstone>(TOMBSTONE_COLLECTION).find({}, { sort: { _id: 1 } })) {
    const key = `${stone.database}.${stone.collection}`;
    const table = tables.get(key) ?? {
      schema: stone.database,
      name: stone.collection,
      hashes: [],
      erasedAt: [],
      completedAt: [],
    };
    tables.set(key, table);
    table.hashes.push(stone._id);
    if (stone.key_form === undefined) table.legacyKeys = true;
    table.erasedAt.push(stone.erased_at.toISOString());
    table.completedAt!.push(completedAt(stone));
  }
  return { salt, tables: [...tables.values()] };
}

/**
 * `tombstones`: given by the caller (tombstones-from); without them, each restored copy's own. Undefined when there
 * is nothing to replay. In a backup of several databases each copy is matched with the tombstones of its database.
 */
export async function checkMongoTombstones(
  copies: ReadonlyArray<{ db: Db; from?: string }>,
  manifest: BackupManifest,
  tombstones?: TombstoneSet,
): Promise<CheckResult | undefined> {
  const source = tombstones ? 'tombstones-from' : "the backup's own tombstone collection";
  const readFrom = consistencyPoints(manifest);
  const reappeared: string[] = [];
  const held: string[] = [];
  let total = tombstones ? countHashes(tombstones) : 0;
  let found = tombstones !== undefined;
  for (const { db, from } of copies) {
    const own = tombstones ? undefined : await readMongoTombstones(db);
    const set = tombstones ?? own;
    if (!set) continue;
    found = true;
    if (own) total += countHashes(own);
    const present = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const table of set.tables) {
      if (from !== undefined && table.schema !== from) continue; // another database's
      if (!present.has(table.name)) continue; // not in this backup: none of its documents can be back
      const backupTime = readFrom(table.name, from);
      // Completion time per hash; NaN (never before anything) while the erasure had not completed.
      const completedAt = new Map(
        table.hashes.map((h, i) => {
          const at = table.completedAt ? table.completedAt[i] : table.erasedAt[i];
          return [h, at == null ? Number.NaN : Date.parse(at)];
        }),
      );
      let before = 0;
      let after = 0;
      const salt = table.salt ?? set.salt;
      const original = { database: table.schema, name: table.name };
      for await (const { _id } of db.collection(table.name).find({}, { projection: { _id: 1 } })) {
        // A document erased again since an older-form tombstone has one of today's too, the later erasure's.
        const at =
          completedAt.get(tombstoneId(salt, original, _id)) ??
          (table.legacyKeys ? completedAt.get(legacyHash(salt, original, _id)) : undefined);
        if (at === undefined) continue;
        if (at < backupTime) before++;
        else after++;
      }
      if (before > 0) reappeared.push(`${table.schema}.${table.name}: ${before}`);
      if (after > 0) held.push(`${table.schema}.${table.name}: ${after}`);
    }
  }
  if (!found) return undefined;
  return tombstoneVerdict({ total, source, reappeared, held }, { one: 'document', many: 'documents' });
}

function countHashes(set: TombstoneSet): number {
  return set.tables.reduce((n, t) => n + t.hashes.length, 0);
}

/**
 * When the tombstone's erasure completed (ISO 8601), or null while it had not. A tombstone written before dbops
 * recorded completions (no `completed_at` at all) counts as completed when it was written, as it always did.
 */
export function completedAt(stone: Pick<Tombstone, 'erased_at' | 'completed_at'>): string | null {
  if (stone.completed_at === undefined) return stone.erased_at.toISOString();
  return stone.completed_at?.toISOString() ?? null;
}

/**
 * For each collection, the time from which the backup can no longer hold a document deleted before it (ms since the
 * epoch): the oplog's end for a point-in-time backup (the start of that second: an entry within it may be past the
 * end); otherwise when the backup began reading the collection, or the backup's start for a manifest that does not
 * say (earlier than any collection's read: a document deleted in between is then not flagged, never flagged wrongly).
 */
export function consistencyPoints(manifest: BackupManifest): (collection: string, database?: string) => number {
  const section = manifest.mongodb;
  const started = Date.parse(manifest.startedAt);
  if (section?.consistency === 'point-in-time' && section.oplog) {
    const end = section.oplog.end.t * 1000;
    return () => end;
  }
  const readStarted = new Map(
    (section?.collections ?? []).flatMap((c) =>
      c.readStartedAt ? [[qualifiedName(c), Date.parse(c.readStartedAt)]] : [],
    ),
  );
  return (collection, database) => readStarted.get(qualifiedName({ name: collection, database })) ?? started;
}
