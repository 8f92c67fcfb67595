/**
 * Applies replay operations (oplog-replay.ts) to the restored database. Where the server has applyOps, each goes
 * through it, one at a time, as mongorestore --oplogReplay does: the server's own oplog application, idempotent
 * (an insert of a document the dump already read becomes an upsert). Where it has none (FerretDB), inserts,
 * deletes and `$v: 1` updates go through ordinary writes with the same effect, and the commands create, drop and
 * collMod through the same commands; anything else fails, naming it. Index commands never arrive here: the
 * catalog (oplog-catalog.ts) takes them, and the indexes are built after the replay.
 */
import { MongoServerError, type Db, type Document } from 'mongodb';
import { DbopsError } from '../../errors.js';
import type { ReplayOp } from './oplog-replay.js';

const COMMAND_NOT_FOUND = 59;

export interface OplogApplier {
  /** 'applyOps' or 'writes': how the operations reach the server. */
  readonly method: 'applyOps' | 'writes';
  apply(op: ReplayOp): Promise<void>;
}

/** applyOps when the server has it (an empty applyOps answers ok), else ordinary writes. */
export async function oplogApplier(db: Db): Promise<OplogApplier> {
  try {
    await db.admin().command({ applyOps: [] });
    return applyOpsApplier(db);
  } catch (error) {
    if (error instanceof MongoServerError && error.code === COMMAND_NOT_FOUND) return writesApplier(db);
    throw replayFailed(db, 'applyOps', error);
  }
}

function applyOpsApplier(db: Db): OplogApplier {
  return {
    method: 'applyOps',
    async apply(op) {
      try {
        await db.admin().command({ applyOps: [op], bypassDocumentValidation: true });
      } catch (error) {
        throw replayFailed(db, describe(op), error);
      }
    },
  };
}

function writesApplier(db: Db): OplogApplier {
  return {
    method: 'writes',
    async apply(op) {
      const collection = db.collection(op.ns.slice(db.databaseName.length + 1));
      try {
        if (op.op === 'i') {
          // An upsert, as the server's own oplog application: the dump may have read the document already.
          await collection.replaceOne({ _id: op.o._id }, op.o, { upsert: true, bypassDocumentValidation: true });
          return;
        }
        if (op.op === 'd') {
          await collection.deleteOne(op.o);
          return;
        }
        if (op.op === 'u' && op.o2 !== undefined && isV1Update(op.o)) {
          const { $v: _, ...update } = op.o;
          await collection.updateOne(op.o2, update, { bypassDocumentValidation: true });
          return;
        }
        if (op.op === 'c' && WRITABLE_COMMANDS.has(Object.keys(op.o)[0] ?? '')) return await runCommand(db, op.o);
      } catch (error) {
        throw replayFailed(db, describe(op), error);
      }
      const kind = op.op === 'u' ? `an update with $v: ${String(op.o.$v ?? '(none)')}` : `the command ${describe(op)}`;
      throw new DbopsError(
        'RESTORE_FAILED',
        `Cannot replay the oplog into ${db.databaseName}: the server has no applyOps, and ${kind} cannot be replayed with ordinary writes (only inserts, deletes, $v: 1 updates and the commands create, drop, createIndexes, dropIndexes and collMod can)`,
        {
          hint:
            'Restore into a MongoDB server (it has applyOps), or restore a per-collection backup (consistency: ' +
            'per-collection); of a backup of several databases, those whose entries hold no such operation restore ' +
            'one by one with source-database.',
        },
      );
    },
  };
}

/** The commands the writes path runs as they are: a collection's name and options are all they carry. */
const WRITABLE_COMMANDS = new Set(['create', 'drop', 'collMod']);
const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;

/**
 * create without idIndex (the server makes the _id index; FerretDB refuses the field). A drop of a collection that
 * is not there, or a create of one that is (created after the oplog's start but before the inventory, so the
 * archive has it), is done: replaying is idempotent, as the server's own oplog application.
 */
async function runCommand(db: Db, o: Document): Promise<void> {
  const { idIndex: _, ...command } = o;
  try {
    await db.command(command);
  } catch (error) {
    const code = error instanceof MongoServerError ? error.code : undefined;
    if ((o.drop !== undefined && code === NAMESPACE_NOT_FOUND) || (o.create !== undefined && code === NAMESPACE_EXISTS))
      return;
    throw error;
  }
}

/** A `$v: 1` update (or an older one without `$v`): only $set and $unset, which updateOne applies alike. */
function isV1Update(o: Document): boolean {
  const version = o.$v === undefined ? 1 : Number(o.$v);
  const operators = Object.keys(o).filter((field) => field !== '$v');
  return version === 1 && operators.length > 0 && operators.every((field) => field === '$set' || field === '$unset');
}

function describe(op: ReplayOp): string {
  if (op.op === 'c') return `${Object.keys(op.o)[0] ?? '(none)'} on ${op.ns}`;
  return `${{ i: 'insert', u: 'update', d: 'delete' }[op.op]} on ${op.ns}`;
}

function replayFailed(db: Db, what: string, error: unknown): DbopsError {
  return new DbopsError(
    'RESTORE_FAILED',
    `Replaying the oplog into ${db.databaseName} failed at ${what}: ${(error as Error).message}`,
    { cause: error, hint: 'The restore stopped at this oplog entry; the database holds the entries before it.' },
  );
}
