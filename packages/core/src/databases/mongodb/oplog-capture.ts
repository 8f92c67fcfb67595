/**
 * The oplog around a dump, as `mongodump --oplog` reads it (mongodump/oplog_dump.go): the newest entry's time
 * before the first collection is read (or the start of the oldest transaction still open), the newest after the
 * last, and the entries in between, checked before and after for a roll-over (the oplog is a capped collection: an
 * entry the dump needs may be overwritten while it runs).
 */
import { BSON, MongoServerError, type Document, type MongoClient } from 'mongodb';
import { DbopsError } from '../../errors.js';
import type { Topology } from './connection.js';
import {
  DECODE,
  compareOplogTimes,
  formatOplogTime,
  oplogTime,
  selectOplogEntry,
  toTimestamp,
  type OplogScope,
  type OplogTime,
} from './oplog-selection.js';

/** Whether the oplog can be captured, and from when; or why not. */
export type OplogStart = { start: OplogTime } | { unavailable: string };

const OPLOG = 'oplog.rs';
const UNAUTHORIZED = 13;

/**
 * Where the capture starts, or why the server has no oplog dbops can read: a standalone server, a mongos (each
 * shard has its own), an oplog the user may not read (needs read on `local`), or an empty one.
 */
export async function oplogStart(client: MongoClient, topology: Topology): Promise<OplogStart> {
  if (topology.kind === 'standalone') return { unavailable: 'the server is not a replica set member: it has no oplog' };
  if (topology.kind === 'sharded') {
    return { unavailable: 'the server is a mongos: each shard has its own oplog (back up the shards)' };
  }
  try {
    const newest = await edgeEntry(client, -1);
    if (!newest) return { unavailable: 'its oplog (local.oplog.rs) is empty' };
    const open = await oldestOpenTransaction(client);
    return { start: open && compareOplogTimes(open, newest) < 0 ? open : newest };
  } catch (error) {
    if (error instanceof MongoServerError && error.code === UNAUTHORIZED) {
      return {
        unavailable: 'the user may not read local.oplog.rs (grant read on the local database, e.g. the backup role)',
      };
    }
    throw error;
  }
}

/** The oldest (1) or newest (-1) oplog entry's time, in natural order as mongodump reads it. */
async function edgeEntry(client: MongoClient, direction: 1 | -1): Promise<OplogTime | undefined> {
  const [entry] = await client
    .db('local')
    .collection(OPLOG)
    .find({}, { sort: { $natural: direction }, limit: 1, projection: { ts: 1 } })
    .toArray();
  return entry ? oplogTime(entry.ts) : undefined;
}

/**
 * The start of the oldest transaction still in progress or prepared (config.transactions): its first entries are
 * older than the newest entry, and replaying its commit needs them (mongodump's getOplogCopyStartTime).
 */
async function oldestOpenTransaction(client: MongoClient): Promise<OplogTime | undefined> {
  const open = await client
    .db('config')
    .collection('transactions')
    .findOne({ state: { $in: ['prepared', 'inProgress'] } }, { sort: { startOpTime: 1 } })
    .catch((error: unknown) => {
      // Not a replica set member's collection, or not readable: no open transaction dbops could know of.
      if (error instanceof MongoServerError) return null;
      throw error;
    });
  const ts = (open?.startOpTime as Document | undefined)?.ts;
  return ts instanceof BSON.Timestamp ? oplogTime(ts) : undefined;
}

/** The newest entry's time now: the capture's end. */
export async function oplogEnd(client: MongoClient): Promise<OplogTime> {
  const newest = await edgeEntry(client, -1);
  if (!newest) throw new DbopsError('DUMP_FAILED', 'The oplog (local.oplog.rs) became empty during the backup');
  return newest;
}

/**
 * Fails when the oplog no longer holds `start` (its oldest entry is newer): entries the archive needs were
 * overwritten while the dump ran, so no point-in-time archive can be written (mongodump: "oplog overflow").
 */
export async function checkNoRollOver(client: MongoClient, start: OplogTime): Promise<void> {
  const oldest = await edgeEntry(client, 1);
  if (oldest && compareOplogTimes(oldest, start) <= 0) return;
  throw new DbopsError(
    'DUMP_FAILED',
    `The oplog rolled over during the backup: its oldest entry (${oldest ? formatOplogTime(oldest) : 'none'}) is newer than the dump's start (${formatOplogTime(start)}), so writes made during the dump are lost to it`,
    {
      hint: 'Enlarge the oplog (replSetResizeOplog) or make the dump faster (fewer collections per backup, a quieter hour); consistency: per-collection backs up without the oplog.',
    },
  );
}

/**
 * The entries from `start` to `end` (both included, as mongodump) that the scope needs, as raw BSON in oplog
 * order: the server's bytes, or a transaction rewritten to hold only the scope's operations. `observe` sees each
 * one decoded, as the archive holds it.
 */
export async function* oplogEntries(
  client: MongoClient,
  range: { start: OplogTime; end: OplogTime },
  scope: OplogScope,
  observe: (entry: Document) => void = () => undefined,
): AsyncGenerator<Uint8Array> {
  const escaped = scope.databases.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const cursor = client
    .db('local')
    .collection(OPLOG)
    .find(
      {
        ts: { $gte: toTimestamp(range.start), $lte: toTimestamp(range.end) },
        // The databases' namespaces and the transactions (admin.$cmd); selectOplogEntry decides on each.
        ns: { $regex: `^(?:(?:${escaped.join('|')})\\.|admin\\.\\$cmd$)` },
      },
      { raw: true },
    );
  const transactions = new Set<string>();
  try {
    for await (const raw of cursor as unknown as AsyncIterable<Uint8Array>) {
      const entry = BSON.deserialize(raw, DECODE);
      const selection = selectOplogEntry(entry, scope, transactions);
      if (selection.kind === 'drop') continue;
      observe(selection.kind === 'keep' ? entry : selection.entry);
      yield selection.kind === 'keep' ? raw : BSON.serialize(selection.entry);
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
}
