/**
 * Whether a migration runs as one transaction, so that a failure anywhere in it leaves nothing of it: what lets a
 * failure be called "rolled back whole". PostgreSQL runs a multi-statement script sent as one query (Prisma) in one
 * implicit transaction, and node-pg-migrate wraps each file in one; an explicit COMMIT (or END, ROLLBACK) inside ends
 * that transaction early, and CREATE INDEX CONCURRENTLY (or REINDEX/DROP INDEX CONCURRENTLY, VACUUM) runs outside
 * any, leaving an invalid index behind when it fails.
 */
import type { TransactionMode } from '../source.js';
import { lineAndColumn } from './error-location.js';
import { splitSqlStatements } from './sql-statements.js';

export type TransactionScope =
  | { oneTransaction: true }
  | {
      oneTransaction: false;
      /** Why not, naming the statement and its line. */
      reason: string;
      line?: number;
    };

// ROLLBACK TO SAVEPOINT undoes part of the transaction but does not end it.
const ENDS_TRANSACTION = /^(commit|end|rollback(?!\s+(work\s+|transaction\s+)?to\b)|abort|prepare\s+transaction)\b/i;
const OUTSIDE_TRANSACTION =
  /^((create|drop)\s+(unique\s+)?index\s+concurrently|reindex\b.*\bconcurrently|vacuum\b|alter\s+system\b|(create|drop)\s+database\b)/is;

export function transactionScope(sql: string, mode: TransactionMode): TransactionScope {
  const statements = splitSqlStatements(sql);
  // A file that wraps itself in BEGIN ... COMMIT is one transaction whoever runs it.
  const first = statements[0]?.code.trim() ?? '';
  const last = statements.at(-1)?.code.trim() ?? '';
  const wrapped =
    statements.length > 1 && /^(begin|start\s+transaction)\b/i.test(first) && /^(commit|end)\b/i.test(last);
  for (const statement of wrapped ? statements.slice(1, -1) : statements) {
    const line = lineAndColumn(sql, statement.start).line;
    const words = statement.code.trim();
    if (ENDS_TRANSACTION.test(words)) {
      const word = words.split(/\s+/)[0]!.toUpperCase();
      return {
        oneTransaction: false,
        reason: `its ${word} at line ${line} ends the transaction early: what ran before it stays`,
        line,
      };
    }
    if (OUTSIDE_TRANSACTION.test(words)) {
      const what = words.split(/\s+/).slice(0, 4).join(' ').toUpperCase();
      return {
        oneTransaction: false,
        reason: `${what}... at line ${line} does not run inside a transaction: a failure leaves what it did (an invalid index)`,
        line,
      };
    }
  }
  if (mode === 'none' && !wrapped && statements.length > 1) {
    return {
      oneTransaction: false,
      reason:
        'the tool that ran it is not known to run a file as one transaction, and the file does not wrap itself ' +
        'in BEGIN ... COMMIT',
    };
  }
  return { oneTransaction: true };
}
