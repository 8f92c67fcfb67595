// Status from the repository and the tool's record, as Prisma reads its rows (rolled-back rows no longer count, a
// later successful attempt wins), and the blockers with their recovery commands.
import { migrationBlockers } from '../../packages/core/src/migrations/blockers.js';
import { sha256Hex } from '../../packages/core/src/migrations/checksum.js';
import { PrismaSource } from '../../packages/core/src/migrations/prisma-source.js';
import type { AppliedRecord, RepositoryMigration } from '../../packages/core/src/migrations/source.js';
import { SqlFolderSource } from '../../packages/core/src/migrations/sql-folder-source.js';
import { migrationStatus } from '../../packages/core/src/migrations/status.js';

const source = new PrismaSource('/app/prisma/migrations');
const file = (name: string, sql = `-- ${name}\nSELECT 1;\n`): RepositoryMigration => ({
  name,
  file: `/app/prisma/migrations/${name}/migration.sql`,
  sha256: sha256Hex(sql),
  sql,
});
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute));
const row = (m: RepositoryMigration, fields: Partial<AppliedRecord>): AppliedRecord => ({
  name: m.name,
  checksum: m.sha256,
  startedAt: at(0),
  finishedAt: at(1),
  rolledBackAt: null,
  logs: null,
  ...fields,
});

test('each state, the lists and counts, and durations from the record', () => {
  const [a, b, c, d, e] = ['1_a', '2_b', '3_c', '4_d', '5_e'].map((name) => file(name)) as RepositoryMigration[];
  const status = migrationStatus(
    source,
    [a!, b!, c!, d!, e!],
    [
      row(a!, { startedAt: at(0), finishedAt: at(2) }),
      // b failed once, was rolled back, then applied: applied
      row(b!, { finishedAt: null, rolledBackAt: at(3), logs: 'ERROR: boom' }),
      row(b!, { startedAt: at(4), finishedAt: at(5) }),
      row(c!, { finishedAt: null, logs: 'Error querying the database: ERROR: division by zero' }),
      row(d!, { finishedAt: null, rolledBackAt: at(6) }),
      row(file('0_gone'), {}),
    ],
  );
  expect(status.migrations.map((m) => [m.name, m.state])).toEqual([
    ['1_a', 'applied'],
    ['2_b', 'applied'],
    ['3_c', 'failed'],
    ['4_d', 'rolled-back'],
    ['5_e', 'pending'],
    ['0_gone', 'missing-from-repository'],
  ]);
  expect(status.migrations[0]!.durationMs).toBe(120_000);
  expect(status.migrations[1]!.durationMs).toBe(60_000);
  expect(status.pending).toEqual(['4_d', '5_e']);
  expect(status.failed).toEqual(['3_c']);
  expect(status.applied).toEqual(['1_a', '2_b']);
  expect(status.counts).toMatchObject({
    applied: 2,
    failed: 1,
    'rolled-back': 1,
    pending: 1,
    'missing-from-repository': 1,
  });
});

test('an edit after applying is found by checksum; a change of line endings alone is not an edit', () => {
  const applied = file('1_a', 'CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);\n');
  const edited = file('1_a', 'CREATE TABLE t (id int);\nCREATE INDEX i ON t (id, id);\n');
  const crlf = file('1_a', 'CREATE TABLE t (id int);\r\nCREATE INDEX i ON t (id);\r\n');
  expect(migrationStatus(source, [edited], [row(applied, {})]).migrations[0]!.state).toBe('edited-after-applied');
  expect(migrationStatus(source, [crlf], [row(applied, {})]).migrations[0]!.state).toBe('applied');
  expect(migrationStatus(source, [applied], [row(crlf, {})]).migrations[0]!.state).toBe('applied');
});

test('without a record every migration is unknown, and nothing blocks', () => {
  const status = migrationStatus(new SqlFolderSource('/app/sql'), [file('001_init')], undefined);
  expect(status.migrations.map((m) => m.state)).toEqual(['unknown']);
  expect(status.tracking.reason).toBeDefined();
  expect(migrationBlockers(status)).toEqual([]);
});

test("blockers carry the exact recovery commands, with the project's own Prisma command", () => {
  const [a, b] = [file('1_a'), file('2_b')];
  const status = migrationStatus(
    source,
    [a!, b!],
    [
      row(a!, { checksum: sha256Hex('the applied version') }),
      row(b!, {
        finishedAt: null,
        logs: 'external connector error\nError querying the database: ERROR: relation "x" does not exist\n   0: ...',
      }),
      row(file("9_it's gone"), {}),
    ],
  );
  const blockers = migrationBlockers(status, { prismaCommand: 'pnpm prisma', projectDir: '/app' });
  expect(blockers.map((b) => [b.kind, b.migration])).toEqual([
    ['edited-after-applied', '1_a'],
    ['failed', '2_b'],
    ['missing-from-repository', "9_it's gone"],
  ]);
  expect(blockers[0]!.commands).toEqual(['git log --follow -p -- prisma/migrations/1_a/migration.sql']);
  expect(blockers[1]!.message).toContain('ERROR: relation "x" does not exist');
  expect(blockers[1]!.commands).toEqual([
    'pnpm prisma migrate resolve --rolled-back "2_b"',
    'pnpm prisma migrate resolve --applied "2_b"',
  ]);
  expect(blockers[2]!.commands).toEqual([
    `git log --all --stat -- 'prisma/migrations/9_it'\\''s gone*'`,
    `DELETE FROM "public"."_prisma_migrations" WHERE migration_name = '9_it''s gone';`,
  ]);
});
