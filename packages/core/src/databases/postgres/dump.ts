import stringArgv from 'string-argv';
import { DbopsError, invalidInput } from '../../errors.js';
import { spawnProcess, type ProcessExit } from '../../pipeline/child-process.js';
import type { DataExclusions, DumpScope, PartitionSelection } from './inventory.js';
import { isDumpLockTimeout, LOCK_WAIT_INPUT } from './lock-wait.js';
import { isRecoveryConflict, recoveryConflictError, translateToolError } from './server-errors.js';

export { isRecoveryConflict, recoveryConflictError };

/**
 * pg_dump's long options (PostgreSQL 12-18). getopt_long accepts any unambiguous prefix (--form is --format), so
 * a flag is resolved against this list before it is judged.
 */
const LONG_OPTIONS = [
  'data-only',
  'large-objects',
  'blobs',
  'no-large-objects',
  'no-blobs',
  'clean',
  'create',
  'extension',
  'encoding',
  'file',
  'format',
  'jobs',
  'schema',
  'exclude-schema',
  'no-owner',
  'no-reconnect',
  'schema-only',
  'superuser',
  'table',
  'exclude-table',
  'verbose',
  'version',
  'no-privileges',
  'no-acl',
  'compress',
  'binary-upgrade',
  'column-inserts',
  'attribute-inserts',
  'disable-dollar-quoting',
  'disable-triggers',
  'enable-row-security',
  'exclude-extension',
  'exclude-table-and-children',
  'exclude-table-data',
  'exclude-table-data-and-children',
  'extra-float-digits',
  'filter',
  'if-exists',
  'include-foreign-data',
  'inserts',
  'load-via-partition-root',
  'lock-wait-timeout',
  'no-comments',
  'no-publications',
  'no-security-labels',
  'no-subscriptions',
  'no-table-access-method',
  'no-tablespaces',
  'no-toast-compression',
  'no-unlogged-table-data',
  'on-conflict-do-nothing',
  'quote-all-identifiers',
  'rows-per-insert',
  'section',
  'serializable-deferrable',
  'snapshot',
  'strict-names',
  'sync-method',
  'table-and-children',
  'use-set-session-authorization',
  'help',
  'dbname',
  'host',
  'port',
  'username',
  'no-password',
  'password',
  'role',
  'no-statistics',
  'statistics-only',
  'no-data',
  'no-schema',
  'with-statistics',
  'sequence-data',
  'no-policies',
  'with-data',
  'with-schema',
  'no-sync',
];

/** Flags dbops sets itself; letting users override them would break the archive format or leak a password. */
const RESERVED = new Set([
  'file',
  'format',
  'compress',
  'dbname',
  'host',
  'port',
  'username',
  'password',
  'no-password',
  'snapshot',
  'jobs',
  'verbose',
  'version',
  'help',
]);
const RESERVED_SHORT = new Set(['f', 'F', 'Z', 'd', 'h', 'p', 'U', 'W', 'w', 'j', 'v', 'V', '?']);

/** Scope flags have inputs of their own, so that dbops knows which tables the archive must hold. */
const SCOPE: Record<string, string> = {
  schema: 'the schemas input',
  'exclude-schema': 'the exclude-schemas input',
  table: 'the tables input',
  'exclude-table': 'the exclude-tables input',
  // A partitioned table named in these inputs brings its partitions (inventory.ts withPartitions); inheritance
  // children are named too (a pattern such as events*).
  'table-and-children':
    'the tables input, where a partitioned table brings its partitions (name inheritance children too, e.g. public.events*)',
  'exclude-table-and-children':
    'the exclude-tables input, where a partitioned table takes its partitions with it (name inheritance children too, e.g. public.events*)',
  'exclude-table-data-and-children':
    '--exclude-table-data, naming the partitions too (e.g. --exclude-table-data=public.events*)',
  filter: 'the schemas, tables, exclude-schemas and exclude-tables inputs',
};
const SCOPE_SHORT: Record<string, string> = { n: 'schemas', N: 'exclude-schemas', t: 'tables', T: 'exclude-tables' };
/** Short options that take a value (the rest of a clustered argument, or the next argument). */
const SHORT_WITH_VALUE = new Set(['e', 'E', 'f', 'F', 'j', 'n', 'N', 'S', 't', 'T', 'Z', 'd', 'h', 'p', 'U']);

const VALID =
  'extra pg_dump flags other than output, format, compression, connection, job and table-selection flags, e.g. "--no-owner --exclude-table-data=audit_log"';

export function parsePgDumpArgs(text: string | undefined, input = 'pg-dump-args'): string[] {
  if (!text || text.trim() === '') return [];
  const args = stringArgv(text.trim());
  for (const arg of args) {
    if (arg.startsWith('--')) checkLongFlag(arg.slice(2).split('=')[0]!, arg.split('=')[0]!, input);
    else if (arg.startsWith('-') && arg.length > 1) checkShortFlags(arg, input);
  }
  return args;
}

/** The long option a flag names, as getopt_long resolves an unambiguous prefix; with the number of candidates. */
function resolveLongOption(name: string): { option?: string; matches: number } {
  const matches = LONG_OPTIONS.filter((o) => o === name || o.startsWith(name));
  return {
    matches: matches.length,
    ...(matches.includes(name) ? { option: name } : matches.length === 1 ? { option: matches[0]! } : {}),
  };
}

function checkLongFlag(name: string, written: string, input: string): void {
  const { option, matches } = resolveLongOption(name);
  if (!option) {
    throw invalidInput(input, `has ${matches === 0 ? 'an unknown' : 'an ambiguous'} pg_dump option ${written}`, VALID);
  }
  if (SCOPE[option])
    throw invalidInput(
      input,
      `sets ${written}`,
      `${SCOPE[option]}, which dbops also uses to know which tables the archive holds`,
    );
  if (option === LOCK_WAIT_INPUT)
    throw invalidInput(
      input,
      `sets ${written}`,
      `the ${LOCK_WAIT_INPUT} input, which also bounds dbops's own lock waits`,
    );
  if (RESERVED.has(option)) throw invalidInput(input, `sets ${written}, which dbops controls`, VALID);
}

function checkShortFlags(arg: string, input: string): void {
  for (const flag of arg.slice(1)) {
    if (SCOPE_SHORT[flag])
      throw invalidInput(
        input,
        `sets -${flag}`,
        `the ${SCOPE_SHORT[flag]} input, which dbops also uses to know which tables the archive holds`,
      );
    if (RESERVED_SHORT.has(flag)) throw invalidInput(input, `sets -${flag}, which dbops controls`, VALID);
    if (SHORT_WITH_VALUE.has(flag)) return; // the rest of the argument is this option's value
  }
}

/** Long options that take a value, which may be the next argument ("--exclude-table-data audit.log"). */
const LONG_WITH_VALUE = new Set([
  'encoding',
  'file',
  'format',
  'jobs',
  'schema',
  'exclude-schema',
  'superuser',
  'table',
  'exclude-table',
  'compress',
  'exclude-extension',
  'exclude-table-and-children',
  'exclude-table-data',
  'exclude-table-data-and-children',
  'extension',
  'extra-float-digits',
  'filter',
  'lock-wait-timeout',
  'rows-per-insert',
  'section',
  'snapshot',
  'sync-method',
  'table-and-children',
  'dbname',
  'host',
  'port',
  'username',
  'role',
]);

/**
 * What pg-dump-args (already checked by parsePgDumpArgs) leave out of the archive's data, so that dbops counts
 * exactly the rows pg_dump reads, and never reads a table whose data the dump leaves out.
 */
export function dataExclusions(args: string[]): DataExclusions {
  const result: DataExclusions = { tables: [], unlogged: false, all: false };
  for (const { option, value } of options(args)) {
    if (option === 'exclude-table-data' && value !== undefined) result.tables.push(value);
    if (option === 'no-unlogged-table-data') result.unlogged = true;
    if (option === 'schema-only' || option === 's' || option === 'no-data' || option === 'statistics-only')
      result.all = true;
  }
  return result;
}

/**
 * pg-dump-args ask for --enable-row-security (or a prefix getopt_long takes for it, such as --enable): pg_dump then
 * reads only the rows row-level security shows the role.
 */
export function enablesRowSecurity(args: string[]): boolean {
  return [...options(args)].some(({ option }) => option === 'enable-row-security');
}

/**
 * The options of pg-dump-args (already checked): long ones resolved as getopt_long does (undefined if unknown),
 * short ones by their letter; each with its value if it takes one.
 */
function* options(args: string[]): Generator<{ option: string | undefined; value?: string | undefined }> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const [name, ...value] = arg.slice(2).split('=');
      const { option } = resolveLongOption(name!);
      const takesValue = option !== undefined && LONG_WITH_VALUE.has(option);
      yield { option, value: value.length > 0 ? value.join('=') : takesValue ? args[++i] : undefined };
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const flag = arg[j]!;
        if (SHORT_WITH_VALUE.has(flag)) {
          // Its value is the rest of the argument, or the next argument.
          yield { option: flag, value: j < arg.length - 1 ? arg.slice(j + 1) : args[++i] };
          break;
        }
        yield { option: flag };
      }
    }
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
  /** The role pg_dump connects as, which privilege errors name. */
  role?: string;
  /** Dump in the directory format with this many jobs into `path` (which must not exist), instead of one archive. */
  directory?: { path: string; jobs: number };
  /** The flags that select the partitions of the partitioned tables the scope names (partitionArgs). */
  partitionArgs?: string[];
}

export function pgDumpArgs(command: Omit<DumpCommand, 'pgDump' | 'env' | 'signal' | 'output'>): string[] {
  const { directory } = command;
  // --verbose makes the leader say "finished item <dumpId> ..." as each worker closes a table's file.
  const format = directory
    ? ['--format=directory', `--jobs=${directory.jobs}`, `--file=${directory.path}`, '--verbose']
    : ['--format=custom'];
  const args = [...format, '--compress=0', '--no-password'];
  if (command.snapshot) args.push(`--snapshot=${command.snapshot}`);
  if (command.lockWaitTimeoutMs) args.push(`--lock-wait-timeout=${Math.round(command.lockWaitTimeoutMs)}`);
  refuseDatabasePatterns(command.scope);
  for (const p of command.scope.schemas) args.push(`--schema=${p}`);
  for (const p of command.scope.excludeSchemas) args.push(`--exclude-schema=${p}`);
  for (const p of command.scope.tables) args.push(`--table=${p}`);
  for (const p of command.scope.excludeTables) args.push(`--exclude-table=${p}`);
  return [...args, ...(command.partitionArgs ?? []), ...command.extraArgs];
}

/**
 * The most partitions a pg_dump before 16 is given one by one. Each is a --table of its own (up to ~140 bytes):
 * the command line must stay well inside Linux's ARG_MAX (2 MiB with the environment; beyond it the dump cannot
 * start, E2BIG), and pg_dump before 16 looks each pattern up with a query of its own.
 */
export const MAX_PARTITIONS_NAMED = 5000;

/**
 * pg_dump's flags for the partitions the scope's partitioned tables bring (inventory.ts withPartitions). pg_dump 16
 * and newer selects them itself, with --table-and-children / --exclude-table-and-children on each partitioned table
 * named: a few flags, however many partitions. An older one is given each partition, up to MAX_PARTITIONS_NAMED;
 * beyond that the backup is refused before it starts, with the ways round it.
 */
export function partitionArgs(pgDumpMajor: number, partitions: PartitionSelection): string[] {
  const { tables, excludeTables } = partitions;
  if (pgDumpMajor >= 16)
    return [
      ...tables.parents.map((p) => `--table-and-children=${p}`),
      ...excludeTables.parents.map((p) => `--exclude-table-and-children=${p}`),
    ];
  const count = tables.names.length + excludeTables.names.length;
  if (count > MAX_PARTITIONS_NAMED) {
    const input = tables.names.length >= excludeTables.names.length ? 'tables' : 'exclude-tables';
    throw invalidInput(
      input,
      `names partitioned tables with ${count} partitions, which pg_dump ${pgDumpMajor} must be given one by one (dbops gives it at most ${MAX_PARTITIONS_NAMED})`,
      `a pattern that matches the partitions themselves (e.g. public.events*), or a schema in schemas / exclude-schemas; or pg_dump 16 or newer in pg-bin-dir, which selects the partitions itself`,
    );
  }
  return [...tables.names.map((p) => `--table=${p}`), ...excludeTables.names.map((p) => `--exclude-table=${p}`)];
}

/** pg_dump dumps one database: the databases inputs are MongoDB's. */
function refuseDatabasePatterns(scope: DumpScope): void {
  const input = scope.databases?.length ? 'databases' : scope.excludeDatabases?.length ? 'exclude-databases' : '';
  if (!input) return;
  throw invalidInput(
    input,
    'does not apply to PostgreSQL: a PostgreSQL backup covers the one database its URL names',
    'no databases for a postgres:// URL; one backup per database (choose schemas with schemas and exclude-schemas)',
  );
}

/** Starts pg_dump writing a custom-format archive, uncompressed (dbops compresses faster), to its stdout. */
export function startDump(command: DumpCommand) {
  return spawnProcess(command.pgDump, pgDumpArgs(command), {
    env: command.env,
    ...(command.signal ? { signal: command.signal } : {}),
    ...(command.output === undefined ? {} : { output: command.output }),
    onFailure: (exit) => dumpFailure(exit, command.role),
  });
}

export function dumpFailure(exit: ProcessExit, role: string | undefined): DbopsError {
  const detail = exit.stderr.split('\n').filter(Boolean).slice(-3).join(' | ') || 'no message';
  if (isDumpLockTimeout(exit.stderr)) {
    // The backup operation names the sessions in the way.
    return new DbopsError('DUMP_FAILED', `pg_dump waited longer than ${LOCK_WAIT_INPUT} for a table lock: ${detail}`, {
      input: LOCK_WAIT_INPUT,
    });
  }
  // Before "terminating connection": a standby ends conflicting sessions with that message too.
  if (isRecoveryConflict(exit.stderr)) return recoveryConflictError(detail);
  if (
    /server closed the connection|connection to server .* lost|terminating connection|could not receive data/i.test(
      exit.stderr,
    )
  ) {
    return new DbopsError('DUMP_FAILED', `The PostgreSQL server closed the connection during the dump: ${detail}`, {
      hint: 'The server restarted or was stopped mid-dump; nothing was recorded as a backup. Run again when it is up.',
    });
  }
  // pg_dump fails when a -n / -t pattern matches nothing at all.
  const unmatched = /no matching (tables|schemas) were found/.exec(exit.stderr);
  if (unmatched) {
    const input = unmatched[1] === 'tables' ? 'tables' : 'schemas';
    return invalidInput(
      input,
      `matches no ${unmatched[1]} in the database (pg_dump: ${detail})`,
      `pg_dump ${input === 'tables' ? '-t' : '-n'} patterns naming existing ${unmatched[1]}, e.g. ${input === 'tables' ? 'public.orders, sales.*' : 'public, sales'} (unquoted names fold to lower case; a table without its schema must be on the search path)`,
    );
  }
  const server = translateToolError(exit.stderr, { backup: true, ...(role ? { role } : {}) });
  if (server) return server;
  const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
  return new DbopsError('DUMP_FAILED', `pg_dump ${how}: ${detail}`, { hint: 'See the pg_dump message above.' });
}
