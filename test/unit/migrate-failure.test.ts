// The pure parts of explaining a failed migration: statements cut where PostgreSQL cuts them (never at a `;` inside a
// string, a quoted identifier, a comment or a $$ body), PostgreSQL's error cursor mapped to a line and column of the
// file, the database error read from Prisma's logs (both engines) and psql's output, runtime errors placed by
// inference, whether a file runs as one transaction, and the recovery commands in the project's command style.
import type { DbopsError } from '../../packages/core/src/errors.js';
import { parseDatabaseError } from '../../packages/core/src/migrations/failure/database-error.js';
import { lineAndColumn, locateError } from '../../packages/core/src/migrations/failure/error-location.js';
import {
  prismaCommandOf,
  prismaResolveCommand,
  restoreAdvice,
} from '../../packages/core/src/migrations/failure/recovery.js';
import { splitSqlStatements } from '../../packages/core/src/migrations/failure/sql-statements.js';
import { transactionScope } from '../../packages/core/src/migrations/failure/transaction-scope.js';

const AWKWARD = [
  "INSERT INTO notes (body) VALUES ('semi;colon; in a string', E'it\\'s; escaped');", // line 1
  'CREATE TABLE "odd;name" ("a;b" int); -- a comment; with semicolons', // line 2
  '/* block; /* nested; */ still; comment */', // line 3
  'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$', // line 4
  'BEGIN', // line 5
  '  RETURN 1; -- inside the body;', // line 6
  'END;', // line 7
  '$$;', // line 8
  'CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $fn$ SELECT $$;$$ $fn$;', // line 9
  'SELECT $1::int, 10 / 2;', // line 10
  'ALTER TABLE orders ADD COLUMN total numeric NOT NULL;', // line 11
  '',
].join('\n');

describe('statements', () => {
  test('a `;` inside a string, an identifier, a comment or a dollar-quoted body does not end a statement', () => {
    const statements = splitSqlStatements(AWKWARD);
    expect(statements.map((s) => lineAndColumn(AWKWARD, s.start).line)).toEqual([1, 2, 4, 9, 10, 11]);
    expect(statements[1]!.text).toBe('CREATE TABLE "odd;name" ("a;b" int)');
    expect(statements[2]!.text).toContain('RETURN 1; -- inside the body;');
    expect(statements[2]!.text.endsWith('$$')).toBe(true);
    expect(statements[3]!.text).toBe('CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $fn$ SELECT $$;$$ $fn$');
    // The searchable form blanks string contents and comments, keeping every offset.
    expect(statements[0]!.code).not.toContain('semi');
    expect(statements[0]!.code.length).toBe(statements[0]!.text.length);
  });

  test('a file without a final `;` and one of only comments', () => {
    expect(splitSqlStatements('SELECT 1;\nSELECT 2').map((s) => s.text)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(splitSqlStatements('-- nothing; here\n/* nor; here */\n')).toEqual([]);
  });
});

describe('error position to line', () => {
  test("PostgreSQL's cursor (characters into the script) lands on the right line and column past strings and $$ bodies", () => {
    const offset = AWKWARD.indexOf('total numeric');
    const position = [...AWKWARD.slice(0, offset)].length + 1;
    const location = locateError(AWKWARD, { message: 'type "numerik" does not exist', position, from: 'tool-record' });
    expect(location).toMatchObject({ line: 11, column: 31, statementLine: 11, basis: 'position' });
    expect(location!.statement).toBe('ALTER TABLE orders ADD COLUMN total numeric NOT NULL');
  });

  test('characters, not UTF-16 units or bytes: an emoji and accents before the error', () => {
    const sql = "INSERT INTO t VALUES ('café 🎉; ok');\nSELECT nocol FROM t;\n";
    const position = [...sql.slice(0, sql.indexOf('nocol'))].length + 1;
    expect(locateError(sql, { message: 'column "x" does not exist', position, from: 'tool-record' })).toMatchObject({
      line: 2,
      column: 8,
      basis: 'position',
    });
  });

  test('node-pg-migrate sends the up section only: the cursor counts from where it starts', () => {
    const sql = '-- Up Migration\nCREATE TABLE a (id int);\nSELECT nope;\n-- Down Migration\nDROP TABLE a;\n';
    const up = 'CREATE TABLE a (id int);\nSELECT nope;\n';
    const position = up.indexOf('nope') + 1;
    expect(
      locateError(
        sql,
        { message: 'column "nope" does not exist', position, from: 'command-output' },
        { scriptOffset: sql.indexOf(up) },
      ),
    ).toMatchObject({ line: 3, column: 8 });
  });

  test('a runtime error without a position: the only division in the file, not the one in a string or comment', () => {
    const sql = [
      'CREATE TABLE audit (id serial PRIMARY KEY, note text);',
      "INSERT INTO audit (note) VALUES ('1/0; not a division'); -- nor 1/0 here",
      '',
      'UPDATE audit SET id = id / 0;',
    ].join('\n');
    const location = locateError(sql, { message: 'division by zero', sqlstate: '22012', from: 'tool-record' });
    expect(location).toMatchObject({ line: 4, statementLine: 4, basis: 'only-candidate' });
    expect(location!.column).toBeUndefined();
    // Two divisions: no guess.
    expect(
      locateError(`${sql}\nSELECT 2 / 0;`, { message: 'division by zero', sqlstate: '22012', from: 'tool-record' }),
    ).toBeUndefined();
  });

  test('a lock timeout: the one statement that locks a table the file did not create', () => {
    const sql =
      'CREATE TABLE fresh (id int);\nALTER TABLE fresh ADD COLUMN x int;\nALTER TABLE "Orders" ADD COLUMN y int;\n';
    expect(
      locateError(sql, { message: 'canceling statement due to lock timeout', sqlstate: '55P03', from: 'tool-record' }),
    ).toMatchObject({ line: 3, basis: 'only-candidate', statement: 'ALTER TABLE "Orders" ADD COLUMN y int' });
  });

  test('a file of one statement: that statement, whatever the error', () => {
    expect(
      locateError('-- one\nCREATE UNIQUE INDEX CONCURRENTLY i ON t (c);\n', {
        message: 'Unique constraint failed: (c)',
        from: 'tool-record',
      }),
    ).toMatchObject({ line: 2, statementLine: 2, basis: 'only-candidate' });
  });

  test('a syntax error names the word: its one place in the file', () => {
    const sql = "CREATE TABLE a (note text DEFAULT 'SELEC');\nSELEC 1;\n";
    expect(locateError(sql, { message: 'syntax error at or near "SELEC"', from: 'tool-record' })).toMatchObject({
      line: 2,
      column: 1,
      basis: 'named-in-message',
    });
  });

  test("psql's line: the statement whose `;` is on it", () => {
    const sql = 'CREATE TABLE a (id int);\nSELECT\n  1 / 0;\n';
    const error = parseDatabaseError('psql:migrations/002_a.sql:3: ERROR:  division by zero', 'command-output')!;
    expect(error).toMatchObject({
      message: 'division by zero',
      sqlstate: '22012',
      toolLine: 3,
      toolFile: 'migrations/002_a.sql',
    });
    expect(locateError(sql, error)).toMatchObject({ line: 3, statementLine: 2, basis: 'tool-line' });
  });
});

describe('the database error', () => {
  test("Prisma 6's WebAssembly engine: the message only; the SQLSTATE is implied by it", () => {
    const logs =
      'external connector error\nError querying the database: ERROR: division by zero\n   0: sql_schema_connector::apply_migration::apply_script\n           with migration_name="20260201000000_probe"';
    expect(parseDatabaseError(logs, 'tool-record')).toEqual({
      message: 'division by zero',
      sqlstate: '22012',
      from: 'tool-record',
    });
  });

  test('Prisma\'s native engine: SQLSTATE, position, and the line of its "Position:" excerpt', () => {
    const logs = [
      'A migration failed to apply. New migrations cannot be applied before the error is recovered from.',
      '',
      'Migration name: 20260201000000_probe',
      '',
      'Database error code: 42703',
      '',
      'Database error:',
      'ERROR: column "nocol" does not exist',
      'HINT: Perhaps you meant to reference the column "a.col".',
      '',
      'Position:',
      '\x1b[1m  0\x1b[0m',
      '\x1b[1m  1\x1b[0m CREATE TABLE a (id int);',
      '\x1b[1m  2\x1b[1;31m SELECT nocol FROM a;\x1b[0m',
      '',
      'DbError { severity: "ERROR", parsed_severity: Some(Error), code: SqlState(E42703), message: "column \\"nocol\\" does not exist", detail: None, hint: Some("Perhaps you meant to reference the column \\"a.col\\"."), position: Some(Original(33)), where_: None, schema: None, table: None, column: None, datatype: None, constraint: None, file: Some("parse_relation.c"), line: Some(3722), routine: Some("errorMissingColumn") }',
    ].join('\n');
    expect(parseDatabaseError(logs, 'tool-record')).toEqual({
      message: 'column "nocol" does not exist',
      sqlstate: '42703',
      hint: 'Perhaps you meant to reference the column "a.col".',
      position: 33,
      toolLine: 2,
      from: 'tool-record',
    });
  });

  test("node-postgres's DatabaseError as Node prints it (node-pg-migrate): message, SQLSTATE, position, detail", () => {
    const output = [
      'Error executing:',
      'SELECT nocolumn FROM invoices;',
      'error: column "nocolumn" does not exist',
      '    at /app/node_modules/pg/lib/client.js:545:17',
      '    at async Migration.apply (/app/node_modules/node-pg-migrate/dist/migration.js:140:7) {',
      '  length: 108,',
      "  severity: 'ERROR',",
      "  code: '42703',",
      "  detail: 'Key (id)=(1) is referenced.',",
      '  hint: undefined,',
      "  position: '81',",
      '}',
    ].join('\n');
    expect(parseDatabaseError(output, 'command-output')).toEqual({
      message: 'column "nocolumn" does not exist',
      sqlstate: '42703',
      detail: 'Key (id)=(1) is referenced.',
      position: 81,
      from: 'command-output',
    });
  });

  test('no database error in the text: undefined', () => {
    expect(parseDatabaseError('sh: 1: prisma: not found', 'command-output')).toBeUndefined();
  });
});

describe('one transaction or not', () => {
  test('Prisma: a plain script is one transaction; COMMIT or CONCURRENTLY is not, with its line', () => {
    expect(transactionScope('CREATE TABLE a (id int);\nSELECT 1/0;', 'implicit-script')).toEqual({
      oneTransaction: true,
    });
    expect(transactionScope("CREATE TABLE a (note text DEFAULT 'COMMIT;');\n-- COMMIT;\n", 'implicit-script')).toEqual({
      oneTransaction: true,
    });
    expect(transactionScope('CREATE TABLE a (id int);\nCOMMIT;\nSELECT 1/0;', 'implicit-script')).toMatchObject({
      oneTransaction: false,
      line: 2,
      reason: expect.stringContaining('COMMIT at line 2'),
    });
    expect(
      transactionScope('SAVEPOINT s;\nINSERT INTO t VALUES (1);\nROLLBACK TO SAVEPOINT s;\n', 'implicit-script'),
    ).toEqual({ oneTransaction: true });
    expect(transactionScope('CREATE INDEX CONCURRENTLY i ON t (c);', 'implicit-script')).toMatchObject({
      oneTransaction: false,
      line: 1,
    });
  });

  test('an unknown runner: one transaction only when the file wraps itself in BEGIN ... COMMIT', () => {
    expect(transactionScope('CREATE TABLE a (id int);\nSELECT 1/0;', 'none').oneTransaction).toBe(false);
    expect(transactionScope('BEGIN;\nCREATE TABLE a (id int);\nSELECT 1/0;\nCOMMIT;', 'none').oneTransaction).toBe(
      true,
    );
  });
});

describe('recovery commands', () => {
  test("the project's Prisma CLI and flags, taken from its deploy command", () => {
    const prisma = prismaCommandOf('npx prisma migrate deploy --schema db/schema.prisma');
    expect(prismaResolveCommand(prisma, 'rolled-back', '20260104_audit')).toBe(
      'npx prisma migrate resolve --rolled-back "20260104_audit" --schema db/schema.prisma',
    );
    expect(prismaResolveCommand(prismaCommandOf('pnpm exec prisma migrate deploy'), 'applied', 'x')).toBe(
      'pnpm exec prisma migrate resolve --applied "x"',
    );
    expect(prismaResolveCommand(prismaCommandOf('npm run deploy', 'yarn prisma'), 'applied', 'x')).toBe(
      'yarn prisma migrate resolve --applied "x"',
    );
    expect(() => prismaCommandOf('npm run deploy')).toThrow(
      /Input 'command' \(`npm run deploy`\) does not say `migrate deploy`/,
    );
    // The hint names the input that exists (command), not one that does not.
    const refused = (() => {
      try {
        prismaCommandOf('npm run deploy');
      } catch (error) {
        return error as DbopsError;
      }
    })();
    expect(refused?.input).toBe('command');
    expect(refused?.hint).toContain('npx prisma migrate deploy');
  });

  test('the restore command with the real flags, and what it would lose', () => {
    const advice = restoreAdvice({
      id: '20261206T031500Z-a1b2',
      location: 's3://acme-backups/prod/pre-deploy',
      takenAt: new Date('2026-12-06T03:15:00Z'),
      encryption: 'recipients',
    });
    expect(advice.command).toBe(
      'dbops restore --from s3://acme-backups/prod/pre-deploy --backup-id 20261206T031500Z-a1b2 --target-url "$DATABASE_URL" --clean --decrypt-with "$BACKUP_AGE_IDENTITY"',
    );
    expect(advice.loses).toBe('every write since 2026-12-06T03:15:00.000Z');
    // A passphrase-encrypted backup: decrypt-passphrase through its environment variable, never an identity.
    const byPassphrase = restoreAdvice({ id: 'b2', location: '/b', takenAt: new Date(0), encryption: 'passphrase' });
    expect(byPassphrase.command).toBe(
      'DBOPS_DECRYPT_PASSPHRASE="$BACKUP_PASSPHRASE" dbops restore --from /b --backup-id b2 --target-url "$DATABASE_URL" --clean',
    );
    expect(restoreAdvice({ id: 'b1', location: '/var/backups/my db', takenAt: new Date(0) }).command).toBe(
      `dbops restore --from '/var/backups/my db' --backup-id b1 --target-url "$DATABASE_URL" --clean`,
    );
  });
});
