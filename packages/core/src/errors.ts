/**
 * The one error type of dbops. Every failure a user can act on carries a stable code, a one-line message,
 * and a remediation hint; `input` names the action input / CLI flag at fault when there is one.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'CONNECTION_FAILED'
  | 'CLIENT_NOT_FOUND'
  | 'CLIENT_TOO_OLD'
  | 'DUMP_FAILED'
  | 'RESTORE_FAILED'
  | 'VERIFY_FAILED'
  | 'STORAGE_FAILED'
  | 'STORAGE_NOT_FOUND'
  | 'STORAGE_ACCESS_DENIED'
  | 'ALREADY_EXISTS'
  | 'ENCRYPTION_FAILED'
  | 'DECRYPTION_FAILED'
  | 'INTEGRITY_FAILED'
  | 'NO_BACKUP'
  | 'CHECK_FAILED'
  | 'UNSAFE_TARGET'
  | 'CANCELLED'
  // PostgreSQL's own refusals and limits (databases/postgres/server-errors.ts).
  | 'PERMISSION_DENIED'
  | 'SERVER_LIMIT'
  | 'TIMEOUT'
  | 'INTERRUPTED'
  | 'CONNECTION_LOST'
  | 'CONFLICT'
  | 'READ_ONLY_SERVER'
  | 'DATA_CORRUPTED'
  | 'INTERNAL';

export interface DbopsErrorOptions {
  hint?: string;
  input?: string;
  cause?: unknown;
}

export class DbopsError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly input: string | undefined;

  constructor(code: ErrorCode, message: string, options: DbopsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DbopsError';
    this.code = code;
    this.hint = options.hint;
    this.input = options.input;
  }
}

/** An input that failed validation: names the input, what was wrong, and the valid form. */
export function invalidInput(input: string, problem: string, validForm: string): DbopsError {
  return new DbopsError('INVALID_INPUT', `Input '${input}' ${problem}`, { input, hint: validForm });
}

/**
 * A cancelled run. `left` says what the cancel left behind, in the words of the operation that was cancelled: a
 * backup's aborted uploads are not what a cancelled restore leaves. Inner layers (storage, connections) do not know
 * it and leave it out; each operation replaces their error with its own.
 */
export function cancelled(left = 'Nothing more was done; run it again to finish.'): DbopsError {
  return new DbopsError('CANCELLED', 'The run was cancelled', { hint: left });
}

/** Wraps anything thrown into a DbopsError, keeping DbopsErrors as they are. */
export function asDbopsError(error: unknown): DbopsError {
  if (error instanceof DbopsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DbopsError('INTERNAL', message, { cause: error, hint: 'This is a bug in dbops; please report it.' });
}
