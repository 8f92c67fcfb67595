// Steps for what a killed pg_repack left (databases/postgres/repack-leftovers.ts): cleaned up first in the plan, so
// that a rebuild of the same table later in the run is not refused; left alone while a pg_repack still holds it.
import { type RepackLeftover, repackCleanupStatement } from '../databases/postgres/repack-leftovers.js';
import { qualified } from './step-figures.js';
import type { MaintenanceStep } from './step.js';

export function repackLeftoverSteps(leftovers: readonly RepackLeftover[]): MaintenanceStep[] {
  return leftovers.map((l) => {
    const table = l.table && qualified(l.table.schema, l.table.name);
    const since = l.since
      ? `left since ${l.since.toISOString()}`
      : 'left since an unknown time (track_commit_timestamp is off)';
    const what = `${l.objects.join(', ')}`;
    const writes = `${l.loggedWrites} write(s) logged by its trigger since the statistics were reset`;
    const base = {
      kind: 'drop-repack-leftovers' as const,
      object: table ?? `repack.log_${l.tableOid}`,
      statement: repackCleanupStatement(l.tableOid, table),
      figures: { tableOid: l.tableOid, loggedWrites: l.loggedWrites, ...(l.since ? { since: l.since.getTime() } : {}) },
      lock: table
        ? 'ACCESS EXCLUSIVE on the table, briefly (to drop its trigger; under lock-timeout)'
        : 'ACCESS EXCLUSIVE on the work tables only',
      estimatedSeconds: 1,
    };
    if (l.runningPid !== undefined)
      return {
        ...base,
        mode: 'report' as const,
        why: `pg_repack objects on ${table ?? `the dropped table with OID ${l.tableOid}`} (${what}), but server process ${l.runningPid} holds pg_repack's advisory lock on it: a pg_repack is still at work (or its server process is finishing a statement after its client died); left alone. If that session is abandoned, end it (pg_terminate_backend(${l.runningPid})) and the next run cleans up`,
        expectedGain: 'none while pg_repack works',
      };
    if (!table)
      return {
        ...base,
        mode: 'apply' as const,
        why: `an interrupted pg_repack left ${what} for a table (OID ${l.tableOid}) dropped since; ${since}`,
        expectedGain: 'the work tables’ space given back',
      };
    return {
      ...base,
      mode: 'apply' as const,
      why: `an interrupted pg_repack (killed mid-rebuild) left ${what} on ${table}, ${since}: every insert, update and delete on ${table} also writes to repack.log_${l.tableOid} (${writes}), and pg_repack refuses the table until they are gone`,
      expectedGain: `writes to ${table} no longer pay the trigger; the log and copy tables' space given back; pg_repack can rebuild it again`,
    };
  });
}
