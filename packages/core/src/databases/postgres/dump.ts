import stringArgv from 'string-argv';
import { DbopsError, invalidInput } from '../../errors.js';
import { spawnProcess, type ProcessExit } from '../../pipeline/child-process.js';
import type { DumpScope } from './inventory.js';
import { isDumpLockTimeout, LOCK_WAIT_INPUT } from './lock-wait.js';

/**
 * pg_dump's long options (PostgreSQL 12-18). getopt_long accepts any unambiguous prefix (--form is --format), so
 * a flag is resolved against this list before it is judged.
 */
const LONG_OPTIONS = [
  'data-only', 'large-objects', 'blobs', 'no-large-objects', 'no-blobs', 'clean', 'create', 'extension', 'encoding', 'file', 'format',
  'jobs', 'schema', 'exclude-schema', 'no-owner', 'no-reconnect', 'schema-only', 'superuser', 'table', 'exclude-table', 'verbose',
  'version', 'no-privileges', 'no-acl', 'compress', 'binary-upgrade', 'column-inserts', 'attribute-inserts', 'disable-dollar-quoting',
  'disable-triggers', 'enable-row-security', 'exclude-extension', 'exclude-table-and-children', 'exclude-table-data',
  'exclude-table-data-and-children', 'extra-float-digits', 'filter', 'if-exists', 'include-foreign-data', 'inserts',
  'load-via-partition-root', 'lock-wait-timeout', 'no-comments', 'no-publications', 'no-security-labels', 'no-subscriptions',
  'no-table-access-method', 'no-tablespaces', 'no-toast-compression', 'no-unlogged-table-data', 'on-conflict-do-nothing',
  'quote-all-identifiers', 'rows-per-insert', 'section', 'serializable-deferrable', 'snapshot', 'strict-names', 'sync-method',
  'table-and-children', 'use-set-session-authorization', 'help', 'dbname', 'host', 'port', 'username', 'no-password', 'password',
  'role', 'no-statistics', 'statistics-only', 'no-data', 'no-schema', 'with-statistics', 'sequence-data', 'no-policies',
  'with-data', 'with-schema', 'no-sync',
];

/** Flags dbops sets itself; letting users override them would break the archive format or leak a password. */
const RESERVED = new Set(['file', 'format', 'compress', 'dbname', 'host', 'port', 'username', 'password', 'no-password', 'snapshot', 'jobs', 'verbose', 'version', 'help']);
const RESERVED_SHORT = new Set(['f', 'F', 'Z', 'd', 'h', 'p', 'U', 'W', 'w', 'j', 'v', 'V', '?']);

/** Scope flags have inputs of their own, so that dbops knows which tables the archive must hold. */
const SCOPE: Record<string, string> = {
  schema: 'schemas', 'exclude-schema': 'exclude-schemas', table: 'tables', 'exclude-table': 'exclude-tables',
  'table-and-children': 'tables', 'exclude-table-and-children': 'exclude-tables', 'exclude-table-data-and-children': 'exclude-tables',
  filter: 'schemas / tables / exclude-schemas / exclude-tables',
};
const SCOPE_SHORT: Record<string, string> = { n: 'schemas', N: 'exclude-schemas', t: 'tables', T: 'exclude-tables' };
/** Short options that take a value (the rest of a clustered argument, or the next argument). */
const SHORT_WITH_VALUE = new Set(['e', 'E', 'f', 'F', 'j', 'n', 'N', 'S', 't', 'T', 'Z', 'd', 'h', 'p', 'U']);

const VALID = 'extra pg_dump flags other than output, format, compression, connection, job and table-selection flags, e.g. "--no-owner --exclude-table-data=audit_log"';

export function parsePgDumpArgs(text: string | undefined, input = 'pg-dump-args'): string[] {
  if (!text || text.trim() === '') return [];
  const args = stringArgv(text.trim());
  for (const arg of args) {
    if (arg.startsWith('--')) checkLongFlag(arg.slice(2).split('=')[0]!, arg.split('=')[0]!, input);
    else if (arg.startsWith('-') && arg.length > 1) checkShortFlags(arg, input);
  }
  return args;
}

function checkLongFlag(name: string, written: string, input: string): void {
  const matches = LONG_OPTIONS.filter((o) => o === name || o.startsWith(name));
  const option = matches.includes(name) ? name : matches.length === 1 ? matches[0]! : undefined;
  if (!option) {
    throw invalidInput(input, `has ${matches.length === 0 ? 'an unknown' : 'an ambiguous'} pg_dump option ${written}`, VALID);
  }
  if (SCOPE[option]) throw invalidInput(input, `sets ${written}`, `the ${SCOPE[option]} input(s), which dbops also uses to check that the archive holds every table`);
  if (option === LOCK_WAIT_INPUT) throw invalidInput(input, `sets ${written}`, `the ${LOCK_WAIT_INPUT} input, which also bounds dbops's own lock waits`);
  if (RESERVED.has(option)) throw invalidInput(input, `sets ${written}, which dbops controls`, VALID);
}

function checkShortFlags(arg: string, input: string): void {
  for (const flag of arg.slice(1)) {
    if (SCOPE_SHORT[flag]) throw invalidInput(input, `sets -${flag}`, `the ${SCOPE_SHORT[flag]} input, which dbops also uses to check that the archive holds every table`);
    if (RESERVED_SHORT.has(flag)) throw invalidInput(input, `sets -${flag}, which dbops controls`, VALID);
    if (SHORT_WITH_VALUE.has(flag)) return; // the rest of the argument is this option's value
  }
}

export interface DumpCommand {
  pgDump: string;
  scope: DumpScope;
  snapshot?: string;
  extraArgs: string[];
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** The write end of a pipe to write the archive to, instead of a pipe to Node. */
  output?: number;
  /** How long pg_dump may wait for its table locks (unbounded without). */
  lockWaitTimeoutMs?: number;
}

export function pgDumpArgs(command: Omit<DumpCommand, 'pgDump' | 'env' | 'signal' | 'output'>): string[] {
  const args = ['--format=custom', '--compress=0', '--no-password'];
  if (command.snapshot) args.push(`--snapshot=${command.snapshot}`);
  if (command.lockWaitTimeoutMs) args.push(`--lock-wait-timeout=${Math.round(command.lockWaitTimeoutMs)}`);
  for (const p of command.scope.schemas) args.push(`--schema=${p}`);
  for (const p of command.scope.excludeSchemas) args.push(`--exclude-schema=${p}`);
  for (const p of command.scope.tables) args.push(`--table=${p}`);
  for (const p of command.scope.excludeTables) args.push(`--exclude-table=${p}`);
  return [...args, ...command.extraArgs];
}

/** Starts pg_dump writing a custom-format archive, uncompressed (dbops compresses faster), to its stdout. */
export function startDump(command: DumpCommand) {
  return spawnProcess(command.pgDump, pgDumpArgs(command), {
    env: command.env,
    ...(command.signal ? { signal: command.signal } : {}),
    ...(command.output === undefined ? {} : { output: command.output }),
    onFailure: dumpFailure,
  });
}

function dumpFailure(exit: ProcessExit): DbopsError {
  const detail = exit.stderr.split('\n').filter(Boolean).slice(-3).join(' | ') || 'no message';
  if (isDumpLockTimeout(exit.stderr)) {
    // The backup operation names the sessions in the way.
    return new DbopsError('DUMP_FAILED', `pg_dump waited longer than ${LOCK_WAIT_INPUT} for a table lock: ${detail}`, { input: LOCK_WAIT_INPUT });
  }
  // Before "terminating connection": a standby ends conflicting sessions with that message too.
  if (isRecoveryConflict(exit.stderr)) return recoveryConflictError(detail);
  if (/server closed the connection|connection to server .* lost|terminating connection|could not receive data/i.test(exit.stderr)) {
    return new DbopsError('DUMP_FAILED', `The PostgreSQL server closed the connection during the dump: ${detail}`, {
      hint: 'The server restarted or was stopped mid-dump; nothing was recorded as a backup. Run again when it is up.',
    });
  }
  if (/permission denied/i.test(exit.stderr)) {
    return new DbopsError('DUMP_FAILED', `pg_dump lacks a privilege: ${detail}`, {
      hint: 'Back up with a role that can read every dumped object (the owner, or a role granted pg_read_all_data), or exclude the object.',
    });
  }
  const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
  return new DbopsError('DUMP_FAILED', `pg_dump ${how}: ${detail}`, { hint: 'See the pg_dump message above.' });
}

export function isRecoveryConflict(message: string): boolean {
  return /conflict with recovery/i.test(message);
}

/** A hot standby ended the dump's snapshot (pg_dump's session or dbops's) to replay changes from the primary. */
export function recoveryConflictError(detail: string): DbopsError {
  return new DbopsError('DUMP_FAILED', `The standby cancelled the dump to replay changes from the primary: ${detail}`, {
    hint: 'A dump on a hot standby holds one snapshot for its whole run, and the primary vacuumed rows it still needed. Set hot_standby_feedback = on on the standby (the primary then keeps those rows), or raise max_standby_streaming_delay above the dump time, or back up from the primary. Nothing was recorded as a backup.',
  });
}
