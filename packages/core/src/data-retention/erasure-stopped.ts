import { DbopsError } from '../errors.js';
import type { SubjectEraseResult } from './subject-erase.js';

/**
 * An erasure that stopped after deleting some of the subject's rows: possible only where it is not one transaction
 * (MongoDB). `done` is what it erased, per table, for the receipt of the stopped run (invariant: every deletion has
 * one).
 */
export class ErasureStopped extends DbopsError {
  constructor(
    code: DbopsError['code'],
    message: string,
    options: ConstructorParameters<typeof DbopsError>[2],
    readonly done: SubjectEraseResult,
  ) {
    super(code, message, options);
  }
}
