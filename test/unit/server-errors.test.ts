// The one translation of PostgreSQL's errors: SQLSTATE classes a user can act on get their own code and a fix;
// anything else (an error in dbops's own SQL) is left to be reported as a bug. Errors are built the way
// node-postgres builds them (its DatabaseError), and pg_dump's stderr as pg_dump prints it.
import pg from 'pg';
import { DbopsError } from '../../packages/core/src/errors.js';
import {
  translateServerError,
  translateToolError,
  type ServerErrorContext,
} from '../../packages/core/src/databases/postgres/server-errors.js';

function serverError(sqlstate: string, message: string, hint?: string): Error {
  const error = new pg.DatabaseError(message, message.length, 'error');
  Object.assign(error, { code: sqlstate, severity: 'ERROR', ...(hint ? { hint } : {}) });
  return error;
}

const translated = (sqlstate: string, message: string, context: ServerErrorContext = {}) =>
  translateServerError(serverError(sqlstate, message), context);

test.each<[string, string, string, ServerErrorContext?]>([
  ['42501', 'permission denied for table secret', 'PERMISSION_DENIED'],
  ['42501', 'permission denied for schema app', 'PERMISSION_DENIED'],
  ['42501', 'query would be affected by row-level security policy for table "notes"', 'PERMISSION_DENIED'],
  ['53200', 'out of shared memory', 'SERVER_LIMIT'],
  ['53300', 'sorry, too many clients already', 'SERVER_LIMIT'],
  ['53100', 'could not extend file "base/16384/16385": No space left on device', 'SERVER_LIMIT'],
  ['54001', 'stack depth limit exceeded', 'SERVER_LIMIT'],
  ['57014', 'canceling statement due to statement timeout', 'TIMEOUT'],
  ['25P03', 'terminating connection due to idle-in-transaction timeout', 'TIMEOUT'],
  ['57014', 'canceling statement due to user request', 'INTERRUPTED'],
  ['57P01', 'terminating connection due to administrator command', 'INTERRUPTED'],
  ['08006', 'connection failure', 'CONNECTION_LOST'],
  ['40P01', 'deadlock detected', 'CONFLICT'],
  ['40001', 'canceling statement due to conflict with recovery', 'DUMP_FAILED'],
  ['25006', 'cannot execute CREATE DATABASE in a read-only transaction', 'READ_ONLY_SERVER'],
  ['42P01', 'relation "app.gone" does not exist', 'CONFLICT', { relation: 'app.gone' }],
  ['XX001', 'invalid page in block 7 of relation base/16384/16390', 'DATA_CORRUPTED'],
])('SQLSTATE %s (%s) → %s', (sqlstate, message, code, context = {}) => {
  const error = translated(sqlstate, message, context);
  expect(error).toBeInstanceOf(DbopsError);
  expect(error!.code).toBe(code);
  expect(error!.message).toContain(message);
  expect(error!.hint).toBeTruthy();
});

test('a missing privilege names the table with its schema, the role and the GRANT that fixes it', () => {
  const error = translated('42501', 'permission denied for table Mixed Case', {
    role: 'Backup',
    relation: 'public."Mixed Case"',
    backup: true,
  })!;
  expect(error.message).toBe(
    'Role Backup may not read table public."Mixed Case": permission denied for table Mixed Case',
  );
  expect(error.hint).toBe(
    'Grant it: GRANT SELECT ON public."Mixed Case" TO "Backup"; (or GRANT pg_read_all_data TO "Backup"; on PostgreSQL 14+ to read everything) or leave it out of the backup (exclude-tables).',
  );
  expect(translated('42501', 'permission denied for schema app', { role: 'backup' })!.hint).toContain(
    'GRANT USAGE ON SCHEMA app TO backup;',
  );
});

test('a full lock table says how many locks were taken and how to make room', () => {
  const error = translated('53200', 'out of shared memory', { backup: true, locking: { locked: 636, of: 1000 } })!;
  expect(error.message).toBe(
    "PostgreSQL's lock table is full after 636 table locks (the backup has 1000 tables): out of shared memory",
  );
  expect(error.hint).toMatch(
    /max_locks_per_transaction × \(max_connections \+ max_prepared_transactions\).*fewer tables per run/,
  );
});

test('a statement timeout names the input that set it; a read-only server names the input that points at it', () => {
  expect(translated('57014', 'canceling statement due to statement timeout')).toMatchObject({
    code: 'TIMEOUT',
    input: 'statement-timeout',
  });
  expect(
    translated('25006', 'cannot execute DROP SCHEMA in a read-only transaction', { input: 'target-url' }),
  ).toMatchObject({
    code: 'READ_ONLY_SERVER',
    input: 'target-url',
    hint: expect.stringContaining('point target-url at a writable server'),
  });
});

test("errors in dbops's own SQL, and errors that are not the server's, are left alone (reported as bugs)", () => {
  expect(translated('42601', 'syntax error at or near "selec"')).toBeUndefined();
  expect(translated('42703', 'column "nope" does not exist')).toBeUndefined();
  expect(translateServerError(new TypeError("Cannot read properties of undefined (reading 'n')"))).toBeUndefined();
  expect(translateServerError(new DbopsError('DUMP_FAILED', 'already explained'))).toBeUndefined();
  expect(translateServerError('not an error')).toBeUndefined();
});

test('a session the server or the network ended, as node-postgres reports it', () => {
  expect(translateServerError(new Error('Connection terminated unexpectedly'))).toMatchObject({
    code: 'CONNECTION_LOST',
  });
});

test('while connecting: credentials and a missing database name the input; a lost connection is left to the caller', () => {
  const connecting = { input: 'target-url', connecting: { server: 'db:5432', database: 'shop' } };
  expect(translated('28P01', 'password authentication failed for user "x"', connecting)).toMatchObject({
    code: 'CONNECTION_FAILED',
    input: 'target-url',
  });
  expect(translated('3D000', 'database "shop" does not exist', connecting)).toMatchObject({
    code: 'CONNECTION_FAILED',
    message: "Database 'shop' does not exist on db:5432",
  });
  expect(translated('42501', 'permission denied for database shop', { ...connecting, role: 'app' })!.hint).toContain(
    'GRANT CONNECT ON DATABASE shop TO app;',
  );
  expect(translated('53300', 'sorry, too many clients already', connecting)).toMatchObject({
    code: 'SERVER_LIMIT',
    input: 'target-url',
  });
  expect(translated('08006', 'connection failure', connecting)).toBeUndefined();
  expect(translated('57P03', 'the database system is starting up', connecting)).toBeUndefined();
  expect(translateServerError(new Error('Connection terminated unexpectedly'), connecting)).toBeUndefined();
});

describe("pg_dump's stderr", () => {
  test('a refused LOCK TABLE: the table comes from the statement pg_dump names', () => {
    const stderr = [
      'pg_dump: error: query failed: ERROR:  permission denied for table secret',
      'pg_dump: detail: Query was: LOCK TABLE app.secret IN ACCESS SHARE MODE',
    ].join('\n');
    const error = translateToolError(stderr, { role: 'backup', backup: true })!;
    expect(error).toMatchObject({
      code: 'PERMISSION_DENIED',
      message: 'Role backup may not read table app.secret: permission denied for table secret',
    });
    expect(error.hint).toContain('GRANT SELECT ON app.secret TO backup;');
  });

  test('a quoted table name in the statement', () => {
    const stderr =
      'pg_dump: error: query failed: ERROR:  permission denied for table Mixed Case\npg_dump: detail: Query was: LOCK TABLE public."Mixed Case" IN ACCESS SHARE MODE';
    expect(translateToolError(stderr, { role: 'backup' })!.hint).toContain(
      'GRANT SELECT ON public."Mixed Case" TO backup;',
    );
  });

  test("out of shared memory, with the server's hint", () => {
    const stderr =
      'pg_dump: error: query failed: ERROR:  out of shared memory\nHINT:  You might need to increase max_locks_per_transaction.\npg_dump: detail: Query was: LOCK TABLE public.t640 IN ACCESS SHARE MODE';
    expect(translateToolError(stderr, { backup: true })).toMatchObject({ code: 'SERVER_LIMIT' });
  });

  test("pg_dump's own failures (no server ERROR) are left to the caller", () => {
    expect(translateToolError('pg_dump: error: no matching tables were found')).toBeUndefined();
    expect(
      translateToolError('pg_dump: error: could not write to output file: No space left on device'),
    ).toBeUndefined();
  });
});
