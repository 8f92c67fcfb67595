/**
 * Turns an archive's oplog entries, in order, into the operations to apply to the restored database, as
 * mongorestore --oplogReplay does (mongorestore/oplog.go): no-ops and index-build bookkeeping skipped, transactions
 * buffered until their commit and unwrapped, UUIDs (`ui`) dropped (the restored collections have new ones), every
 * namespace of an archive's database rewritten to the target database it maps to (the ns of a write, of a command on
 * `<db>.$cmd`, of each operation inside applyOps; a command's collection is named without its database). Entries of
 * a database not mapped are skipped (a whole-server mongodump's oplog, or the other databases of a backup of several
 * when one is restored), and what mongorestore would refuse fails, naming the entry.
 */
import { BSON, type Document } from 'mongodb';
import { DbopsError } from '../../errors.js';
import { namespaceDatabase } from './oplog-selection.js';

/** One operation to apply: an insert, update, delete or command on the target's namespaces. */
export interface ReplayOp {
  op: 'i' | 'u' | 'd' | 'c';
  ns: string;
  o: Document;
  o2?: Document;
}

const IGNORED_OPS = new Set(['n', 'cd', 'ci', 'cu', 'km']);
const IGNORED_COMMANDS = new Set(['startIndexBuild', 'abortIndexBuild', 'setMultikeyMetadata', 'dropIdent']);
/** The commands mongorestore replays (its knownCommands, but those handled as transactions). */
const KNOWN_COMMANDS = new Set([
  'dropDatabase',
  'create',
  'convertToCapped',
  'emptycapped',
  'drop',
  'createIndexes',
  'commitIndexBuild',
  'deleteIndex',
  'deleteIndexes',
  'dropIndex',
  'dropIndexes',
  'collMod',
]);

export class OplogReplayPlan {
  /** Entries of other databases and no-ops, skipped. */
  skipped = 0;
  /** The transactions waiting for their last entry or their commit: their operations so far, and whether prepared. */
  private readonly transactions = new Map<string, { ops: ReplayOp[]; prepared: boolean }>();

  /** `databases`: each archive database replayed, and the target database it goes into. */
  constructor(private readonly databases: ReadonlyMap<string, string>) {}

  /** The operations one entry stands for, in order (none until a transaction commits). */
  plan(entry: Document): ReplayOp[] {
    const op = String(entry.op ?? '');
    const ns = String(entry.ns ?? '');
    const o = (entry.o ?? {}) as Document;
    if (IGNORED_OPS.has(op)) return this.skip();
    if (op === 'c' && Array.isArray(o.applyOps)) return this.applyOps(entry, o);
    if (op === 'c' && ns === 'admin.$cmd') return this.transactionControl(entry, o);
    const to = this.databases.get(namespaceDatabase(ns));
    if (to === undefined || !ns.includes('.')) return this.skip();
    if (op === 'c') {
      const command = Object.keys(o)[0] ?? '';
      if (IGNORED_COMMANDS.has(command)) return [];
      if (!KNOWN_COMMANDS.has(command)) throw unreplayable(entry, `the command ${command || '(none)'}`);
    } else if (op !== 'i' && op !== 'u' && op !== 'd') {
      throw unreplayable(entry, `the operation kind ${op || '(none)'}`);
    }
    const rewritten: ReplayOp = { op: op as ReplayOp['op'], ns: `${to}${ns.slice(ns.indexOf('.'))}`, o };
    if (entry.o2 !== undefined) rewritten.o2 = entry.o2 as Document;
    return [rewritten];
  }

  /** Transactions still open at the end: not applied. */
  get openTransactions(): number {
    return this.transactions.size;
  }

  /**
   * Of those, the large ones whose last entry never came: the capture keeps a transaction's entries together (the
   * server writes them at its commit, at once), so the archive lost a commit, and with it writes that happened.
   */
  get unfinishedTransactions(): number {
    return [...this.transactions.values()].filter((t) => !t.prepared).length;
  }

  private skip(): ReplayOp[] {
    this.skipped++;
    return [];
  }

  /**
   * applyOps: a transaction's operations. A part of a large one (`partialTxn`) or a prepared one waits for its
   * last part or its commit; otherwise its operations apply now, with any parts buffered before.
   */
  private applyOps(entry: Document, o: Document): ReplayOp[] {
    const nested = (o.applyOps as Document[]).flatMap((inner) => this.plan(inner));
    const key = transactionKey(entry);
    if (key === undefined) return nested;
    const buffered = [...(this.transactions.get(key)?.ops ?? []), ...nested];
    if (o.partialTxn === true || o.prepare === true) {
      // Prepared: committed (or not) by a later commitTransaction, which may come after the dump's end.
      this.transactions.set(key, { ops: buffered, prepared: o.prepare === true });
      return [];
    }
    this.transactions.delete(key);
    return buffered;
  }

  private transactionControl(entry: Document, o: Document): ReplayOp[] {
    const command = Object.keys(o)[0] ?? '';
    const key = transactionKey(entry);
    if (key === undefined || (command !== 'commitTransaction' && command !== 'abortTransaction')) return this.skip();
    const buffered = this.transactions.get(key)?.ops ?? [];
    this.transactions.delete(key);
    return command === 'commitTransaction' ? buffered : [];
  }
}

function transactionKey(entry: Document): string | undefined {
  if (entry.lsid === undefined || entry.txnNumber === undefined) return undefined;
  return BSON.EJSON.stringify({ lsid: entry.lsid, txnNumber: entry.txnNumber }, { relaxed: false });
}

export function unreplayable(entry: Document, what: string): DbopsError {
  const ts = entry.ts instanceof BSON.Timestamp ? ` at ${entry.ts.t}:${entry.ts.i}` : '';
  return new DbopsError(
    'RESTORE_FAILED',
    `Cannot replay the oplog entry${ts} on ${String(entry.ns ?? '')}: ${what} cannot be replayed`,
    { hint: 'Restore with mongorestore --archive --oplogReplay, or restore a per-collection backup.' },
  );
}
