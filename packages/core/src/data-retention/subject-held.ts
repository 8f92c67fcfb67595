/** The refusal both engines give a data subject (or a dependant) under legal hold. */
import { DbopsError } from '../errors.js';

/** A subject under legal hold: refused, naming the table (and what the hold covers) but no value besides the id. */
export function heldError(table: string, id: string, detail?: string): DbopsError {
  return new DbopsError(
    'CHECK_FAILED',
    `Subject ${id} of ${table} is under legal hold${detail ? ` (${detail})` : ''}: nothing was exported or erased`,
    {
      input: 'id',
      hint: "A row of the policy's holds names it. Lift the hold first, once the legal reason for it has ended.",
    },
  );
}
