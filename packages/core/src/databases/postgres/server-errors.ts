import { DbopsError, type ErrorCode } from '../../errors.js';

/**
 * PostgreSQL's errors that a user can act on (a missing privilege, a server limit, a timeout, a session ended by the
 * server), translated once for every PostgreSQL path: dbops's own sessions (by SQLSTATE) and pg_dump's stderr (by
 * the server's message, which is all pg_dump prints). Anything not recognised is left alone: an error in dbops's
 * own SQL is a bug and is reported as one.
 */
export interface ServerErrorContext {
  /** The role the session ran as: GRANT hints name it. */
  role?: string;
  /** The table the failed statement read, schema-qualified (the server's message names it without the schema). */
  relation?: string;
  /** While locking tables in one transaction: how many were locked, of how many. */
  locking?: { locked: number; of: number };
  /** A backup: its scope inputs can leave an object out, and its counts lock every table. */
  backup?: boolean;
  /** The input naming the server (database-url, target-url): errors about the server itself name it. */
  input?: string;
  /** Connecting: the server and the database. */
  connecting?: { server: string; database: string };
}

interface ServerMessage {
  sqlstate: string;
  message: string;
  hint?: string;
}

/** A PostgreSQL error (node-postgres's DatabaseError, or a session the server ended) as a DbopsError; else undefined. */
export function translateServerError(error: unknown, context: ServerErrorContext = {}): DbopsError | undefined {
  if (error instanceof DbopsError || !(error instanceof Error)) return undefined;
  const { code, severity, hint } = error as Error & { code?: unknown; severity?: unknown; hint?: unknown };
  if (typeof code === 'string' && typeof severity === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    // Connecting, a lost connection or a server still starting is the caller's to explain (host, port, TLS).
    if (context.connecting && (code.startsWith('08') || code.startsWith('57'))) return undefined;
    return translate(
      { sqlstate: code, message: error.message, ...(typeof hint === 'string' ? { hint } : {}) },
      context,
      error,
    );
  }
  // node-postgres's own words for a connection the server (or the network) closed under a session.
  if (
    !context.connecting &&
    /Connection terminated|connection error and is not queryable|ECONNRESET/i.test(error.message)
  ) {
    return translate({ sqlstate: '08006', message: error.message }, context, error);
  }
  return undefined;
}

/** Server errors as pg_dump prints them ("query failed: ERROR:  permission denied for table t"), matched by message. */
const BY_MESSAGE: Array<[RegExp, string]> = [
  [/permission denied|must be owner of|row-level security policy/i, '42501'],
  [/out of shared memory|max_locks_per_transaction/i, '53200'],
  [/too many connections|remaining connection slots are reserved/i, '53300'],
  [/could not (extend|write to) file|no space left on device/i, '53100'],
  [/canceling statement due to statement timeout/i, '57014'],
  [/deadlock detected/i, '40P01'],
  [
    /invalid page in block|could not read block|unexpected zero page|missing chunk number|invalid memory alloc request size/i,
    'XX001',
  ],
  [/cannot execute .* in a read-only transaction/i, '25006'],
];

/** The server's error in a client tool's stderr, translated; undefined when it holds none of the known classes. */
export function translateToolError(stderr: string, context: ServerErrorContext = {}): DbopsError | undefined {
  const message = /ERROR:\s+(.*)$/m.exec(stderr)?.[1]?.trim();
  if (!message) return undefined;
  const sqlstate = BY_MESSAGE.find(([pattern]) => pattern.test(message))?.[1];
  if (!sqlstate) return undefined;
  // pg_dump names the statement: "Query was: LOCK TABLE app.secret IN ACCESS SHARE MODE", "COPY app.secret (...) TO stdout;".
  const relation =
    /Query was: (?:LOCK TABLE|COPY|SELECT .* FROM)\s+(?:ONLY\s+)?((?:"(?:[^"]|"")+"|[^\s(".]+)(?:\.(?:"(?:[^"]|"")+"|[^\s(".]+))?)/i.exec(
      stderr,
    )?.[1];
  const hint = /HINT:\s+(.*)$/m.exec(stderr)?.[1]?.trim();
  return translate(
    { sqlstate, message, ...(hint ? { hint } : {}) },
    { ...context, ...(relation ? { relation } : {}) },
    undefined,
  );
}

function translate(error: ServerMessage, context: ServerErrorContext, cause: unknown): DbopsError | undefined {
  const { sqlstate, message } = error;
  const make = (code: ErrorCode, text: string, hint: string, input?: string) =>
    new DbopsError(code, text, { hint, ...(input ? { input } : {}), ...(cause === undefined ? {} : { cause }) });
  const connect = context.connecting;
  const input = context.input ?? 'database-url';

  if (connect && (sqlstate === '28P01' || sqlstate === '28000')) {
    return make(
      'CONNECTION_FAILED',
      `PostgreSQL refused the credentials for ${connect.server}: ${message}`,
      `Check the user and password in ${input}, or the user / password inputs and PGPASSWORD where you set them (percent-encode special characters in a URL's password).`,
      input,
    );
  }
  if (connect && sqlstate === '3D000') {
    return make(
      'CONNECTION_FAILED',
      `Database '${connect.database}' does not exist on ${connect.server}`,
      `Check the database name at the end of ${input} (or the dbname input).`,
      input,
    );
  }
  if (sqlstate === '42501') return permissionDenied(error, context, make);
  if (sqlstate === '53200' && /shared memory/i.test(message)) {
    const locked = context.locking
      ? ` after ${context.locking.locked} table locks (the backup has ${context.locking.of} tables)`
      : '';
    return make(
      'SERVER_LIMIT',
      `PostgreSQL's lock table is full${locked}: ${message}`,
      `${context.backup ? 'A backup reads every table in one transaction and holds a lock on each until it ends (pg_dump does the same), so' : 'Every table a transaction touches holds a lock until it ends, and'} the server's lock table must have room for them all: raise max_locks_per_transaction (room = max_locks_per_transaction × (max_connections + max_prepared_transactions); it takes a server restart)${context.backup ? ', or back up fewer tables per run with the schemas / tables inputs' : ''}.`,
    );
  }
  if (sqlstate === '53300') {
    return make(
      'SERVER_LIMIT',
      `PostgreSQL has no connection slot left: ${message}`,
      'Close idle sessions (a connection pooler helps) or raise max_connections on the server, then run again.',
      context.input,
    );
  }
  if (sqlstate === '53100') {
    return make(
      'SERVER_LIMIT',
      `The PostgreSQL server's disk is full: ${message}`,
      'Free space on the server (or give it a larger volume), then run again.',
    );
  }
  if (sqlstate.startsWith('53') || sqlstate.startsWith('54')) {
    return make(
      'SERVER_LIMIT',
      `PostgreSQL reached a limit (SQLSTATE ${sqlstate}): ${message}`,
      error.hint ?? 'Raise the server setting the message names, or ask the server for less at a time.',
    );
  }
  if (sqlstate === '57014' && /statement timeout/i.test(message)) {
    // Every action that limits its queries calls that input statement-timeout.
    return make(
      'TIMEOUT',
      `PostgreSQL ended a query that ran past its time limit: ${message}`,
      `Raise statement-timeout (or leave it unset), or check the role's and database's own statement_timeout (ALTER ROLE / ALTER DATABASE ... SET statement_timeout)${context.backup ? '; a lower exact-count-max-size counts fewer tables exactly' : ''}.`,
      'statement-timeout',
    );
  }
  if (sqlstate === '25P03' || sqlstate === '57P05') {
    return make(
      'TIMEOUT',
      `PostgreSQL ended a session that sat idle past its time limit: ${message}`,
      'The server ends sessions idle for longer than its idle_session_timeout / idle_in_transaction_session_timeout: raise it for this role (ALTER ROLE ... SET), then run again.',
    );
  }
  if (isRecoveryConflict(message)) return recoveryConflictError(message);
  if (sqlstate.startsWith('57')) {
    return make(
      'INTERRUPTED',
      `The PostgreSQL server stopped the run's session: ${message}`,
      'The server shut down or restarted, or an administrator ended the query or session (pg_cancel_backend, pg_terminate_backend). Nothing was recorded; run again when the server is up.',
    );
  }
  if (sqlstate.startsWith('08')) {
    return make(
      'CONNECTION_LOST',
      `The connection to PostgreSQL was lost: ${message}`,
      'The server restarted or the network dropped the connection (a proxy or NAT idle timeout?). Nothing was recorded; run again.',
    );
  }
  if (sqlstate.startsWith('40')) {
    return make(
      'CONFLICT',
      `PostgreSQL aborted the run's transaction because of a concurrent one: ${message}`,
      "Another session's locks or changes conflicted with this run (a migration, a long transaction). Run again; schedule it away from migrations if it recurs.",
    );
  }
  if (sqlstate === '42P01' && context.relation) {
    return make(
      'CONFLICT',
      `Table ${context.relation} was dropped while the run read it: ${message}`,
      'A migration changed the schema during the run; run again.',
    );
  }
  if (sqlstate === '25006') {
    return make(
      'READ_ONLY_SERVER',
      `The PostgreSQL server accepts no writes: ${message}`,
      `The server is a hot standby or runs with default_transaction_read_only = on: point ${input} at a writable server (the primary, or a throwaway one).`,
      context.input,
    );
  }
  if (sqlstate === 'XX001' || sqlstate === 'XX002') {
    return make(
      'DATA_CORRUPTED',
      `PostgreSQL found damaged data${context.relation ? ` in ${context.relation}` : ''}: ${message}`,
      "The server's data files are damaged (disk or memory fault): check it (amcheck, pg_checksums), and recover the damaged table from an earlier backup. Nothing was recorded.",
    );
  }
  return undefined;
}

type Make = (code: ErrorCode, text: string, hint: string, input?: string) => DbopsError;

function permissionDenied(error: ServerMessage, context: ServerErrorContext, make: Make): DbopsError {
  const role = context.role ? sqlName(context.role) : 'the role';
  const who = context.role ? `Role ${context.role}` : 'The role';
  const rls = /row-level security policy for table "?([^"]+)"?/i.exec(error.message);
  if (rls) {
    const table = qualify(rls[1]!, context.relation);
    return make(
      'PERMISSION_DENIED',
      `${who} is subject to row-level security on ${table}: ${error.message}`,
      `Row-level security would hide rows from the dump: back up as the table's owner or a role with BYPASSRLS (ALTER ROLE ${role} BYPASSRLS), or add --enable-row-security to pg-dump-args to back up only the rows the role sees.`,
    );
  }
  const denied =
    /permission denied for (table|sequence|view|materialized view|foreign table|schema|database|function|large object) (.+)$/i.exec(
      error.message,
    );
  if (!denied) {
    return make(
      'PERMISSION_DENIED',
      `${who} lacks a privilege: ${error.message}`,
      error.hint ??
        "Run as a role that has the privilege the message names (the objects' owner, or a role granted pg_read_all_data for reading).",
    );
  }
  const kind = denied[1]!.toLowerCase();
  const name =
    kind === 'schema' || kind === 'database' || kind === 'function' || kind === 'large object'
      ? denied[2]!
      : qualify(denied[2]!, context.relation);
  const leaveOut = context.backup
    ? ` or leave it out of the backup (${kind === 'schema' ? 'exclude-schemas' : 'exclude-tables'})`
    : '';
  const grant =
    kind === 'schema'
      ? `GRANT USAGE ON SCHEMA ${name} TO ${role};`
      : kind === 'database'
        ? `GRANT CONNECT ON DATABASE ${name} TO ${role};`
        : kind === 'function' || kind === 'large object'
          ? undefined
          : `GRANT SELECT ON ${kind === 'sequence' ? 'SEQUENCE ' : ''}${name} TO ${role};`;
  const readAll =
    kind === 'database' ? '' : ` (or GRANT pg_read_all_data TO ${role}; on PostgreSQL 14+ to read everything)`;
  return make(
    'PERMISSION_DENIED',
    `${who} may not read ${kind} ${name}: ${error.message}`,
    grant
      ? `Grant it: ${grant}${readAll}${leaveOut}.`
      : `Run as a role that may use it (its owner, or one granted pg_read_all_data)${leaveOut}.`,
  );
}

/** The server names a table without its schema; the run knows which one it read. */
function qualify(name: string, relation: string | undefined): string {
  const bare = name.replace(/^"|"$/g, '');
  if (relation && (relation === bare || relation.endsWith(`.${bare}`) || relation.endsWith(`."${bare}"`)))
    return relation;
  return name;
}

/** A name as SQL writes it: quoted unless it is a plain lower-case identifier. */
export function sqlName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
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
