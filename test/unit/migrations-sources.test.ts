// Finding a project's migrations without running its tool: Prisma's folder from prisma.config.ts, package.json or
// the default schema places; node-pg-migrate from its dependency; a folder's layout; and the bad inputs (no
// folder, an unknown layout, a provider other than postgresql).
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbopsError } from '../../packages/core/src/errors.js';
import { findMigrationSource, recogniseLayout } from '../../packages/core/src/migrations/find-source.js';
import { fromConfig } from '../../packages/core/src/migrations/prisma-project.js';
import { PrismaSource } from '../../packages/core/src/migrations/prisma-source.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'migrations');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbops-sources-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), text);
}

async function failure(promise: Promise<unknown>): Promise<DbopsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbopsError);
  return error as DbopsError;
}

test('Prisma: migrations.path of prisma.config.ts, relative to the project', async () => {
  await write(
    'prisma.config.ts',
    `import { defineConfig } from 'prisma/config';
// migrations: { path: 'commented/out' },
export default defineConfig({ schema: 'db/schema.prisma', migrations: { seed: 'tsx seed.ts', path: 'db/history' } });`,
  );
  await cp(join(FIXTURES, 'prisma'), join(dir, 'db', 'history'), { recursive: true });
  const source = await findMigrationSource({ projectDir: dir });
  expect(source).toBeInstanceOf(PrismaSource);
  expect(source.folder).toBe(join(dir, 'db', 'history'));
  expect((await source.list()).map((m) => m.name)).toEqual([
    '20260101000000_init',
    '20260102000000_order_status',
    '20260103000000_orders_index_concurrently',
    '20260104000000_audit_fails_halfway',
  ]);
});

test('Prisma: beside the schema named in prisma.config.ts, in package.json, or in the default places', async () => {
  expect(fromConfig(`defineConfig({ schema: "prisma/app.prisma" })`)).toEqual({ schema: 'prisma/app.prisma' });
  expect(fromConfig('defineConfig({ schema: path.join(__dirname, "x") })')).toEqual({});

  await write('prisma.config.ts', `export default defineConfig({ schema: 'db/app.prisma' })`);
  await write('db/migrations/1_init/migration.sql', 'SELECT 1;');
  expect((await findMigrationSource({ projectDir: dir })).folder).toBe(join(dir, 'db', 'migrations'));
  await rm(join(dir, 'prisma.config.ts'));

  await write('package.json', JSON.stringify({ prisma: { schema: 'db/app.prisma' } }));
  expect((await findMigrationSource({ projectDir: dir })).folder).toBe(join(dir, 'db', 'migrations'));
  await rm(join(dir, 'package.json'));

  await write('prisma/schema/models.prisma', ''); // a multi-file schema folder
  await write('prisma/schema/migrations/1_init/migration.sql', 'SELECT 1;');
  expect((await findMigrationSource({ projectDir: dir })).folder).toBe(join(dir, 'prisma', 'schema', 'migrations'));
});

test('Prisma: a project without a migrations folder says where it looked', async () => {
  await write('prisma/schema.prisma', 'datasource db { provider = "postgresql" }');
  const error = await failure(findMigrationSource({ projectDir: dir }));
  expect(error.message).toBe(
    `No migrations folder at ${join(dir, 'prisma', 'migrations')} (from ${join(dir, 'prisma', 'schema.prisma')})`,
  );
  expect(error.code).toBe('INVALID_INPUT');
});

test('Prisma: migration_lock.toml naming another provider is refused', async () => {
  await write('prisma/migrations/migration_lock.toml', 'provider = "mysql"\n');
  await write('prisma/migrations/1_init/migration.sql', 'CREATE TABLE t (id int);');
  const error = await failure(new PrismaSource(join(dir, 'prisma', 'migrations')).list());
  expect(error.message).toContain('names provider "mysql", not postgresql');
  await write('prisma/migrations/migration_lock.toml', 'provider = \n');
  expect((await failure(new PrismaSource(join(dir, 'prisma', 'migrations')).list())).message).toContain(
    'is not valid TOML',
  );
});

test('node-pg-migrate: recognised from the dependency; files in the order of their numbers', async () => {
  await write('package.json', JSON.stringify({ dependencies: { 'node-pg-migrate': '^9' } }));
  await write('migrations/20_b.js', 'exports.up = () => {};');
  await write('migrations/3_a.sql', '-- Up Migration\nSELECT 1;\n-- Down Migration\nSELECT 2;');
  await write('migrations/notes.md', 'not a migration');
  const source = await findMigrationSource({ projectDir: dir });
  expect(source.tool).toBe('node-pg-migrate');
  expect((await source.list()).map((m) => [m.name, m.sql])).toEqual([
    ['3_a', '-- Up Migration\nSELECT 1;\n'],
    ['20_b', undefined],
  ]);
});

test('an explicit folder is recognised by its layout', async () => {
  await write('a/20260101_init/migration.sql', 'SELECT 1;');
  await write('b/1700000000000_init.ts', 'export const up = () => {};');
  await write('c/1700000000000_init.sql', '-- Up Migration\nSELECT 1;');
  await write('d/001_init.sql', 'SELECT 1;');
  await write('d/002_more.sql', 'SELECT 2;');
  expect(await recogniseLayout(join(dir, 'a'))).toBe('prisma');
  expect(await recogniseLayout(join(dir, 'b'))).toBe('node-pg-migrate');
  expect(await recogniseLayout(join(dir, 'c'))).toBe('node-pg-migrate');
  const sql = await findMigrationSource({ projectDir: dir, path: 'd' });
  expect(sql.tool).toBe('sql');
  expect(sql.tracking.reason).toContain('keeps no record');
  expect((await sql.list()).map((m) => m.name)).toEqual(['001_init', '002_more']);
  // The tool can be named when the layout alone does not say.
  expect((await findMigrationSource({ projectDir: dir, path: 'd', tool: 'prisma' })).tool).toBe('prisma');
});

test('bad input: no folder, a folder of an unknown layout, a project with no migrations', async () => {
  expect((await failure(findMigrationSource({ projectDir: dir, path: 'nowhere' }))).message).toBe(
    `No migrations folder at ${join(dir, 'nowhere')}`,
  );
  await write('odd/README.md', '# nothing here');
  await write('odd/seed.json', '{}');
  const unknown = await failure(findMigrationSource({ projectDir: dir, path: 'odd' }));
  expect(unknown.message).toBe(`${join(dir, 'odd')} has no layout dbops knows`);
  expect(unknown.hint).toContain('name the tool explicitly');
  expect((await failure(findMigrationSource({ projectDir: dir }))).message).toBe(`No migrations found in ${dir}`);
});
