import type { CheckDefinition } from '../check.js';
import { commandsOf, type Doc, num } from './access.js';

/** FailedToParse: FerretDB cannot run an aggregation on a database ({aggregate: 1}), which $currentOp needs. */
const FAILED_TO_PARSE = 9;

export const longRunningOperations: CheckDefinition = {
  id: 'long-running-operations',
  title: 'Long-running operations',
  why: 'An operation running for minutes holds resources (cache, tickets, a snapshot) and often means a missing index or a runaway job.',
  action: 'Look at the operation (db.currentOp()), add the index it lacks, or end it with db.killOp(opid).',
  unit: 'seconds',
  direction: 'above',
  warning: 30,
  critical: 300,
  async run(context) {
    const commands = commandsOf(context);
    let operations: Doc[];
    try {
      operations = await commands.aggregate('admin', undefined, [
        { $currentOp: { allUsers: true, idleConnections: false } },
        { $match: { active: true } },
      ]);
    } catch (error) {
      if ((error as { code?: unknown }).code === FAILED_TO_PARSE)
        return {
          skipped: `the server cannot run the $currentOp aggregation (FerretDB cannot): ${(error as Error).message}`,
          observations: [],
        };
      throw error;
    }
    return {
      observations: operations
        .map((op) => ({ op, seconds: (num(op.microsecs_running) ?? 0) / 1e6 }))
        // The check's own $currentOp is active too, for an instant.
        .filter(({ seconds }) => seconds >= 1)
        .map(({ op, seconds }) => {
          const command = op.command as Doc | undefined;
          const name = command ? Object.keys(command)[0] : undefined;
          // The command's name and namespace only: its values may hold personal data.
          const what = [op.op, name && name !== op.op ? name : undefined].filter(Boolean).join(' ');
          return {
            subject: `opid ${String(op.opid)}`,
            value: seconds,
            detail: `${what || 'operation'} on ${String(op.ns ?? '?')}${op.desc ? ` (${String(op.desc)})` : ''}`,
          };
        }),
    };
  },
};
