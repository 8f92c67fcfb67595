// The lint rules on real SQL through PostgreSQL's own parser (libpg-query): each rule found at its line and column
// with its reason and rewrite, what must not be flagged (new tables, NOT VALID, CONCURRENTLY alone, lock_timeout
// set), suppressions, parse errors as findings, and severity from table sizes.
import {
  lintMigrations,
  withTableSize,
  type LintFinding,
  type LintOptions,
} from '../../packages/core/src/migrations/lint/lint.js';

const PRISMA: LintOptions = { transactionMode: 'implicit-script' };

async function lint(sql: string, options: LintOptions = { transactionMode: 'none' }): Promise<LintFinding[]> {
  return lintMigrations([{ name: 'm', file: 'm.sql', sql }], options);
}

const rules = (findings: LintFinding[]) => findings.map((f) => f.rule);
const at = (findings: LintFinding[]) => findings.map((f) => [f.rule, f.line, f.column]);

test('each rule is found on an existing table, at its line and column', async () => {
  const findings = await lint(`SET lock_timeout = '2s';
CREATE INDEX users_email ON users (email);
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid(),
  ALTER COLUMN email SET NOT NULL,
  ALTER COLUMN age TYPE bigint;
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0);
ALTER TABLE orders ADD CONSTRAINT orders_ref UNIQUE (ref), ADD PRIMARY KEY (id);
ALTER TABLE orders DROP COLUMN legacy;
ALTER TABLE orders RENAME COLUMN ref TO reference;
ALTER TABLE orders RENAME TO purchases;
DROP TABLE archive.old_orders;
VACUUM FULL users;
CLUSTER users USING users_pkey;
`);
  expect(at(findings)).toEqual(
    [
      ['create-index-non-concurrently', 2, 1],
      ['add-column-volatile-default', 3, 30],
      ['set-not-null', 3, 1],
      ['alter-column-type', 5, 16],
      ['constraint-without-not-valid', 6, 24],
      ['constraint-without-not-valid', 7, 24],
      ['add-unique-constraint', 8, 24],
      ['add-unique-constraint', 8, 64],
      ['drop-column', 9, 1],
      ['rename-column', 10, 1],
      ['rename-table', 11, 1],
      ['drop-table', 12, 1],
      ['vacuum-full', 13, 1],
      ['cluster', 14, 1],
    ].sort((a, b) => (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number)),
  );
  expect(findings.every((f) => f.severity === 'warning' && f.file === 'm.sql' && f.migration === 'm')).toBe(true);
  expect(findings.find((f) => f.rule === 'drop-table')?.table).toBe('archive.old_orders');
});

test('each finding says why and gives the rewrite, with the statement itself where it can', async () => {
  const [index] = await lint(`SET lock_timeout = '2s';\nCREATE UNIQUE INDEX users_email ON users (email);`);
  expect(index!.reason).toContain('blocks every write');
  expect(index!.fix).toMatch(/^CREATE UNIQUE INDEX CONCURRENTLY users_email ON users \(email\);/);
  const [notNull] = await lint(`SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;`);
  expect(notNull!.fix).toContain('ADD CONSTRAINT email_not_null CHECK (email IS NOT NULL) NOT VALID');
  const [fk] = await lint(
    `SET lock_timeout = '2s';\nALTER TABLE o ADD CONSTRAINT o_fk FOREIGN KEY (u) REFERENCES u (id);`,
  );
  expect(fk!.fix).toContain('VALIDATE CONSTRAINT o_fk');
});

test('the safe forms are not flagged', async () => {
  expect(
    await lint(`SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_ref UNIQUE USING INDEX orders_ref_idx;
ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE orders ADD COLUMN state text DEFAULT 'new;old';
VACUUM ANALYZE orders;
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; ALTER TABLE orders DROP COLUMN x; $$;
`),
  ).toEqual([]);
  // CONCURRENTLY alone in a Prisma migration runs outside any transaction.
  expect(await lint('CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);', PRISMA)).toEqual([]);
});

test('tables created by the migrations being linted are new: not flagged, in later files either', async () => {
  const findings = await lintMigrations(
    [
      {
        name: 'one',
        file: 'one.sql',
        sql: 'CREATE TABLE "Post" (id serial PRIMARY KEY, title text);\nCREATE INDEX post_title ON "Post" (title);',
      },
      {
        name: 'two',
        file: 'two.sql',
        sql:
          'ALTER TABLE "Post" ADD CONSTRAINT post_fk FOREIGN KEY (id) REFERENCES users (id), ' +
          'ALTER COLUMN title SET NOT NULL;',
      },
    ],
    PRISMA,
  );
  expect(findings).toEqual([]);
});

// Explicit BEGIN, a multi-statement Prisma script, a node-pg-migrate file.
test('CONCURRENTLY inside a transaction is an error', async () => {
  const concurrently = 'CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);';
  expect(rules(await lint(`BEGIN;\n${concurrently}\nCOMMIT;`))).toContain('concurrently-in-transaction');
  expect(rules(await lint(`COMMIT;\n${concurrently}`))).toEqual([]); // after the transaction ended
  const prisma = await lint(`SET lock_timeout = '2s';\n${concurrently}`, PRISMA);
  expect(prisma).toEqual([
    expect.objectContaining({ rule: 'concurrently-in-transaction', severity: 'error', line: 2 }),
  ]);
  expect(rules(await lint(concurrently, { transactionMode: 'per-file' }))).toEqual(['concurrently-in-transaction']);
  expect(rules(await lint('DROP INDEX CONCURRENTLY i; REINDEX INDEX CONCURRENTLY j;', PRISMA))).toEqual([
    'concurrently-in-transaction',
    'concurrently-in-transaction',
  ]);
});

test('volatile defaults, serial, identity and stored generated columns rewrite the table', async () => {
  const sql = (column: string) => `SET lock_timeout = '1s'; ALTER TABLE t ADD COLUMN ${column};`;
  for (const column of [
    'c float DEFAULT random()',
    'c bigserial',
    'c int GENERATED ALWAYS AS IDENTITY',
    'c int GENERATED ALWAYS AS (a * 2) STORED',
    'c timestamptz DEFAULT clock_timestamp()',
  ]) {
    expect(rules(await lint(sql(column)))).toEqual(['add-column-volatile-default']);
  }
  expect(rules(await lint(sql('c int UNIQUE')))).toEqual(['add-unique-constraint']);
  expect(rules(await lint(sql('c int REFERENCES u (id)')))).toEqual(['constraint-without-not-valid']);
});

test('missing lock_timeout: once a file, at the first lock of an existing table; not when set or given', async () => {
  const sql = 'ALTER TABLE a DROP COLUMN x;\nALTER TABLE b DROP COLUMN y;';
  const missing = (await lint(sql)).filter((f) => f.rule === 'missing-lock-timeout');
  expect(missing).toEqual([expect.objectContaining({ line: 1, table: 'a', severity: 'warning' })]);
  expect(rules(await lint(`SET LOCAL lock_timeout TO '3s';\n${sql}`))).not.toContain('missing-lock-timeout');
  expect(rules(await lint(`SELECT set_config('lock_timeout', '3s', false);\n${sql}`))).not.toContain(
    'missing-lock-timeout',
  );
  expect(
    rules(
      await lintMigrations([{ name: 'm', file: 'm.sql', sql }], { transactionMode: 'none', lockTimeoutGiven: true }),
    ),
  ).not.toContain('missing-lock-timeout');
  expect(rules(await lint('CREATE TABLE n (id int);\nALTER TABLE n ADD COLUMN x int;'))).toEqual([]);
});

test('a suppression with a reason silences one rule for its statement; without a reason it is a finding', async () => {
  const findings = await lint(`-- dbops-lint-disable missing-lock-timeout reason: run in the maintenance window
-- dbops-lint-disable drop-column reason: the column has been unused since v2
ALTER TABLE a DROP COLUMN x;
ALTER TABLE b DROP COLUMN y; -- dbops-lint-disable drop-column reason: trailing, on the statement's own line
ALTER TABLE c DROP COLUMN z;
-- dbops-lint-disable set-not-null
ALTER TABLE d ALTER COLUMN w SET NOT NULL;
/* dbops-lint-disable no-such-rule reason: typo */
ALTER TABLE e RENAME TO f;
`);
  expect(at(findings)).toEqual([
    ['drop-column', 5, 1],
    ['invalid-suppression', 6, 1],
    ['set-not-null', 7, 1],
    ['invalid-suppression', 8, 1],
    ['rename-table', 9, 1],
  ]);
  expect(findings[1]!.reason).toContain('gives no reason');
  expect(findings[3]!.reason).toContain('no-such-rule');
});

test('a migration that does not parse is a finding at its line and column; the others are still linted', async () => {
  const findings = await lintMigrations(
    [
      {
        name: 'bad',
        file: 'bad.sql',
        sql:
          "SELECT 'é';\nALTER TABLE users ADD COLUMN note text;\n" + 'ALTER TABLE "usé" ADD COLUMN o text DEFALT 1;\n',
      },
      { name: 'unterminated', file: 'u.sql', sql: "SELECT 'never closed;\n" },
      { name: 'good', file: 'good.sql', sql: 'ALTER TABLE users DROP COLUMN note;' },
    ],
    { transactionMode: 'none' },
  );
  // The column counts characters (38 in bytes).
  expect(findings[0]).toMatchObject({ rule: 'parse-error', severity: 'error', migration: 'bad', line: 3, column: 37 });
  expect(findings[0]!.reason).toContain('syntax error at or near "DEFALT"');
  expect(findings[1]).toMatchObject({ rule: 'parse-error', migration: 'unterminated', line: 1 });
  expect(findings.filter((f) => f.migration === 'good').map((f) => f.rule)).toEqual([
    'drop-column',
    'missing-lock-timeout',
  ]);
});

test('columns count characters, not bytes, after multi-byte text', async () => {
  const [finding] = await lint("SET lock_timeout = '1s'; SELECT 'ü€'; ALTER TABLE t DROP COLUMN c;");
  expect(finding).toMatchObject({ rule: 'drop-column', line: 1, column: 39 }); // 42 in bytes
});

test('with table sizes, a lock or rewrite of a small table is info and of a big one an error', async () => {
  const sql =
    "SET lock_timeout = '1s';\nCREATE INDEX a_x ON small (x);\nCREATE INDEX b_x ON big (x);\n" +
    'CREATE INDEX c_x ON absent (x);\nDROP TABLE big;';
  const seen: string[][] = [];
  const findings = await lintMigrations([{ name: 'm', file: 'm.sql', sql }], {
    transactionMode: 'none',
    bigTable: { bytes: 1_000_000, rows: 10_000 },
    tableSizes: async (tables) => {
      seen.push(tables.map((t) => t.name));
      return new Map([
        ['small', { bytes: 16_384, rows: 3 }],
        ['big', { bytes: 8_192, rows: 50_000 }],
      ]);
    },
  });
  expect(seen).toEqual([['small', 'big', 'absent']]); // one lookup, size-sensitive rules only
  expect(findings.map((f) => [f.rule, f.table, f.severity])).toEqual([
    ['create-index-non-concurrently', 'small', 'info'],
    ['create-index-non-concurrently', 'big', 'error'],
    ['create-index-non-concurrently', 'absent', 'warning'],
    ['drop-table', 'big', 'warning'],
  ]);
  expect(findings[1]!.reason).toContain('~50,000 rows');
  expect(withTableSize(findings[2]!, { bytes: 2_000_000 }, { bytes: 1_000_000, rows: 10_000 }).severity).toBe('error');
});
