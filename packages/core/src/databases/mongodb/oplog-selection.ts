/**
 * Which oplog entries belong in an archive of one database or several, as `mongodump --oplog` would write them had
 * it dumped only those (mongodump itself takes --oplog only for whole-server dumps): the writes to the backed-up
 * collections, the commands on them (`<db>.$cmd`, naming one of them, or dropDatabase), and the transactions
 * (`admin.$cmd` applyOps) holding any of them, their other namespaces left out. mongodump's own refusals
 * (oplogDocumentValidator in mongodump/oplog_dump.go) hold too: a rename or an import during the dump fails it.
 */
import { BSON, type Document } from 'mongodb';
import { DbopsError } from '../../errors.js';

/** Decoding that keeps every BSON type (an Int32 stays one when a rewritten entry is encoded again). */
export const DECODE: BSON.DeserializeOptions = { promoteValues: false, promoteBuffers: false, bsonRegExp: true };

/** An oplog timestamp: seconds and an ordinal within the second. */
export interface OplogTime {
  t: number;
  i: number;
}

export function oplogTime(ts: unknown): OplogTime {
  if (!(ts instanceof BSON.Timestamp)) throw new Error('an oplog entry has no BSON timestamp ts');
  return { t: ts.t, i: ts.i };
}

export function toTimestamp(time: OplogTime): BSON.Timestamp {
  return new BSON.Timestamp({ t: time.t, i: time.i });
}

/** Orders two oplog times: negative, zero or positive. */
export function compareOplogTimes(a: OplogTime, b: OplogTime): number {
  return a.t !== b.t ? a.t - b.t : a.i - b.i;
}

export function formatOplogTime(time: OplogTime): string {
  return `${time.t}:${time.i}`;
}

/**
 * The part of a dump the oplog is captured for: its databases (one, or those of a backup of several) and the
 * collections the backup's scope selects in them, those the archive holds and those created while it was written
 * (as mongodump --oplog, which captures them too).
 */
export interface OplogScope {
  databases: readonly string[];
  selects(database: string, collection: string): boolean;
}

/** An oplog namespace's database: the part before the first dot (a database name has none). */
export function namespaceDatabase(ns: string): string {
  const dot = ns.indexOf('.');
  return dot < 0 ? ns : ns.slice(0, dot);
}

/**
 * The entry as the archive should hold it: `keep` (its bytes as the server sent them), `drop`, or a rewritten
 * transaction (`admin.$cmd` applyOps with only the scope's operations).
 */
export type Selection = { kind: 'keep' } | { kind: 'drop' } | { kind: 'rewrite'; entry: Document };

/** Commands whose first field names a collection of the database (`{drop: "orders"}`). */
const COLLECTION_COMMANDS = new Set([
  'create',
  'drop',
  'collMod',
  'createIndexes',
  'commitIndexBuild',
  'startIndexBuild',
  'abortIndexBuild',
  'dropIndexes',
  'deleteIndex',
  'deleteIndexes',
  'dropIndex',
  'convertToCapped',
  'emptycapped',
]);

/** Transaction control entries: kept when their transaction touched the scope (buffered on restore). */
const TRANSACTION_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

/**
 * Decides on one decoded oplog entry. `transactions` remembers the transactions (lsid + txnNumber) that had an
 * operation in scope, so that their commit or abort is kept as well. Throws what mongodump refuses.
 */
export function selectOplogEntry(entry: Document, scope: OplogScope, transactions: Set<string>): Selection {
  const ns = typeof entry.ns === 'string' ? entry.ns : '';
  const op = entry.op;
  const o = (entry.o ?? {}) as Document;
  refuseUnreplayable(ns, o, scope);
  if (op === 'c' && ns === 'admin.$cmd') {
    const txn = transactionKey(entry);
    if (Array.isArray(o.applyOps)) {
      const inner = (o.applyOps as Document[]).filter((nested) => inScope(nested, scope));
      // A large transaction is several entries, all partialTxn but the last, which commits it (or, prepared, waits
      // for commitTransaction). Once an earlier part had operations in scope, its last entry is kept even with none
      // (an empty applyOps): without it those parts wait for a commit that never comes, and are never applied.
      const ends = txn !== undefined && transactions.has(txn) && o.partialTxn !== true;
      if (inner.length === 0 && !ends) return { kind: 'drop' };
      if (txn) transactions.add(txn);
      if (inner.length === o.applyOps.length) return { kind: 'keep' };
      return { kind: 'rewrite', entry: { ...entry, o: { ...o, applyOps: inner } } };
    }
    const command = Object.keys(o)[0] ?? '';
    if (TRANSACTION_COMMANDS.has(command) && txn && transactions.has(txn)) return { kind: 'keep' };
    return { kind: 'drop' };
  }
  return inScope(entry, scope) ? { kind: 'keep' } : { kind: 'drop' };
}

/** A CRUD entry on one of the scope's collections, or a command of its database that concerns them. */
function inScope(entry: Document, scope: OplogScope): boolean {
  const ns = typeof entry.ns === 'string' ? entry.ns : '';
  const database = namespaceDatabase(ns);
  if (database === ns || !scope.databases.includes(database)) return false;
  const collection = ns.slice(database.length + 1);
  if (entry.op === 'n') return false;
  if (entry.op !== 'c') return scope.selects(database, collection);
  if (collection !== '$cmd') return false;
  const o = (entry.o ?? {}) as Document;
  const command = Object.keys(o)[0] ?? '';
  if (command === 'dropDatabase') return true;
  if (command === 'applyOps' && Array.isArray(o.applyOps)) {
    return (o.applyOps as Document[]).some((nested) => inScope(nested, scope));
  }
  return COLLECTION_COMMANDS.has(command) && scope.selects(database, String(o[command]));
}

function transactionKey(entry: Document): string | undefined {
  if (entry.lsid === undefined || entry.txnNumber === undefined) return undefined;
  return BSON.EJSON.stringify({ lsid: entry.lsid, txnNumber: entry.txnNumber }, { relaxed: false });
}

/**
 * mongodump's oplogDocumentValidator: entries it will not write, since mongorestore could not replay them. mongodump
 * captures a whole server; here only the scope's collections matter: a rename or an import of another collection
 * is not in the archive (inScope drops it), so it fails the backup only when its source or destination is selected.
 */
function refuseUnreplayable(ns: string, o: Document, scope: OplogScope): void {
  const refuse = (what: string) =>
    new DbopsError('DUMP_FAILED', `Cannot capture the oplog: ${what} during the backup`, {
      hint: 'Run the backup again when no backed-up collection is renamed or imported, or set consistency: per-collection.',
    });
  if (ns === 'admin.system.version') throw refuse('admin.system.version was modified');
  if (o.renameCollection !== undefined) {
    const from = String(o.renameCollection);
    if (selected(from, scope) || selected(String(o.to ?? ''), scope))
      throw refuse(`a collection was renamed (${from} to ${String(o.to)})`);
  }
  if (o.importCollection !== undefined && selected(`${namespaceDatabase(ns)}.${String(o.importCollection)}`, scope))
    throw refuse(`a collection was imported (${namespaceDatabase(ns)}.${String(o.importCollection)})`);
  if (Array.isArray(o.applyOps)) {
    for (const nested of o.applyOps as Document[]) {
      refuseUnreplayable(String(nested.ns ?? ''), (nested.o ?? {}) as Document, scope);
    }
  }
}

/** Whether the backup selects the collection a full namespace (database.collection) names. */
function selected(namespace: string, scope: OplogScope): boolean {
  const database = namespaceDatabase(namespace);
  if (database === namespace || !scope.databases.includes(database)) return false;
  return scope.selects(database, namespace.slice(database.length + 1));
}
