// node-pg-migrate as a second real tool behind the same MigrationSource: its layout (numbered .sql and .js files),
// its `pgmigrations` table as the tool itself writes it, and a lint finding the tool then proves right.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrationBlockers } from '../../packages/core/src/migrations/blockers.js';
import { findMigrationSource } from '../../packages/core/src/migrations/find-source.js';
import { lintMigrations } from '../../packages/core/src/migrations/lint/lint.js';
import { readMigrationStatus } from '../../packages/core/src/migrations/status.js';
import type { MigrationSource } from '../../packages/core/src/migrations/source.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'node_modules', 'node-pg-migrate', 'bin', 'node-pg-migrate.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'migrations', 'node-pg-migrate');

let server: PostgresServer;
let projectDir: string;
let client: pg.Client;
let source: MigrationSource;

/** node-pg-migrate's own CLI, with DATABASE_URL in its environment. */
function nodePgMigrate(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args, '--migrations-dir', 'migrations'],
      {
        cwd: projectDir,
        env: { ...process.env, DATABASE_URL: server.url('accounts') },
      },
      (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` }),
    );
  });
}

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('accounts');
  projectDir = await mkdtemp(join(tmpdir(), 'dbops-npm-'));
  await cp(FIXTURES, join(projectDir, 'migrations'), { recursive: true });
  await writeFile(
    join(projectDir, 'package.json'),
    JSON.stringify({ devDependencies: { 'node-pg-migrate': '^9.0.0' } }),
  );
  client = new pg.Client({ connectionString: server.url('accounts') });
  await client.connect();
  source = await findMigrationSource({ projectDir });
});

afterAll(async () => {
  await client?.end();
  if (projectDir) await rm(projectDir, { recursive: true, force: true });
  await server?.stop();
});

test('the project is recognised as node-pg-migrate, its files listed in the order the tool runs them', async () => {
  expect(source.tool).toBe('node-pg-migrate');
  expect(source.tracking.table).toBe('"public"."pgmigrations"');
  const migrations = await source.list();
  expect(migrations.map((m) => m.name)).toEqual([
    '1700000000000_create-accounts',
    '1700000000001_accounts-email-index',
    '1700000000002_accounts-plan',
  ]);
  // Only the up section of a SQL migration runs (and is linted); a JavaScript migration has no SQL.
  expect(migrations[0]!.sql).not.toContain('DROP TABLE');
  expect(migrations[1]!.sql).toBeUndefined();
});

test('status reads pgmigrations as the tool wrote it', async () => {
  expect((await readMigrationStatus(source, client)).pending).toHaveLength(3); // no table yet

  const up = await nodePgMigrate('up', '2');
  expect(up.code).toBe(0);
  const status = await readMigrationStatus(source, client);
  expect(status.applied).toEqual(['1700000000000_create-accounts', '1700000000001_accounts-email-index']);
  expect(status.pending).toEqual(['1700000000002_accounts-plan']);
  expect(status.migrations[0]!.finishedAt).toBeInstanceOf(Date);
  expect(migrationBlockers(status)).toEqual([]);
  const { rows } = await client.query(`SELECT motto FROM accounts LIMIT 0`);
  expect(rows).toEqual([]);
});

test('lint flags CONCURRENTLY in a file the tool runs in a transaction, and the tool then fails on it', async () => {
  const pending = (await source.list()).filter((m) => m.name === '1700000000002_accounts-plan');
  const findings = await lintMigrations(
    pending.map((m) => ({ name: m.name, file: m.file, sql: m.sql! })),
    {
      transactionMode: source.transactionMode,
    },
  );
  expect(findings.find((f) => f.rule === 'concurrently-in-transaction')).toMatchObject({
    severity: 'error',
    line: 4,
    column: 1,
  });

  const up = await nodePgMigrate('up');
  expect(up.code).not.toBe(0);
  expect(up.output).toContain('cannot run inside a transaction block');
  // The tool rolled the file back and recorded nothing: it is still pending, not failed.
  const status = await readMigrationStatus(source, client);
  expect(status.pending).toEqual(['1700000000002_accounts-plan']);
  expect(status.failed).toEqual([]);
});

test('a migration missing from the repository is a blocker whose command clears it', async () => {
  await rm(join(projectDir, 'migrations', '1700000000001_accounts-email-index.js'));
  const status = await readMigrationStatus(source, client);
  expect(status.migrations.at(-1)).toMatchObject({
    name: '1700000000001_accounts-email-index',
    state: 'missing-from-repository',
  });
  const [blocker] = migrationBlockers(status);
  const forget = blocker!.commands.find((c) => c.startsWith('DELETE'));
  expect(forget).toBe(`DELETE FROM "public"."pgmigrations" WHERE name = '1700000000001_accounts-email-index';`);
  await client.query(forget!);
  expect(migrationBlockers(await readMigrationStatus(source, client))).toEqual([]);
});
