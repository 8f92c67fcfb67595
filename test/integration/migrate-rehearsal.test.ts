// Rehearsal against a real PostgreSQL: migrations run by Prisma's own engine and by psql, a sampler watching
// pg_locks while they run, and what it reports per migration (the strongest lock, on which table, for how long,
// thresholds), a failing migration named with its error, and a scratch URL naming database-url refused.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { NodePgMigrateSource } from '../../packages/core/src/migrations/node-pg-migrate-source.js';
import { PrismaSource } from '../../packages/core/src/migrations/prisma-source.js';
import { type RehearsalOptions, rehearseMigrations } from '../../packages/core/src/migrations/rehearsal/rehearse.js';
import { SqlFolderSource } from '../../packages/core/src/migrations/sql-folder-source.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { prismaProject, type PrismaProject, PRISMA_DEPLOY } from '../harness/prisma.js';
import { rejection } from '../harness/errors.js';

const NODE_PG_MIGRATE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'node_modules',
  'node-pg-migrate',
  'bin',
  'node-pg-migrate.js',
);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRISMA_ENV = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
// Enough rows that rewriting the table and building an index on it span many samples.
const ROWS = 400_000;
const INTERVAL_MS = 10;

let server: PostgresServer;
const projects: PrismaProject[] = [];
const folders: string[] = [];

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('production');
});

afterAll(async () => {
  for (const p of projects) await p.remove();
  for (const f of folders) await rm(f, { recursive: true, force: true });
  await server?.stop();
});

async function writeMigration(project: PrismaProject, name: string, sql: string): Promise<void> {
  await mkdir(join(project.migrations, name));
  await writeFile(join(project.migrations, name, 'migration.sql'), sql);
}

/** A scratch database as a restored backup would be: orders applied by Prisma and full of rows, then two pending. */
async function prismaScratch(database: string): Promise<PrismaProject> {
  await server.createDatabase(database);
  const project = await prismaProject(server.url(database));
  projects.push(project);
  await writeMigration(
    project,
    '20261101000000_orders',
    'CREATE TABLE "orders" ("id" SERIAL PRIMARY KEY, "total" INTEGER NOT NULL, "note" TEXT NOT NULL);\n',
  );
  expect((await project.deploy()).code).toBe(0);
  await server.query(
    `INSERT INTO orders (total, note) SELECT g, md5(g::text) FROM generate_series(1, ${ROWS}) g`,
    [],
    database,
  );
  await server.query('ANALYZE orders', [], database);
  await writeMigration(
    project,
    '20261201000000_total_bigint',
    '-- AlterTable: rewrites the table\nALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE BIGINT;\n',
  );
  await writeMigration(
    project,
    '20261202000000_note_index',
    '-- CreateIndex\nCREATE INDEX "orders_note_idx" ON "orders"("note");\n',
  );
  return project;
}

function prismaOptions(database: string, project: PrismaProject): RehearsalOptions {
  return {
    scratchUrl: server.url(database),
    databaseUrl: server.url('production'),
    source: new PrismaSource(project.migrations),
    command: PRISMA_DEPLOY,
    cwd: project.dir,
    env: PRISMA_ENV,
    secrets: new Secrets(),
    lockTimeoutMs: 5000,
    sampleIntervalMs: INTERVAL_MS,
    log: new MemoryLogger(),
  };
}

describe('Prisma migrations rehearsed', () => {
  test('a table rewrite holds ACCESS EXCLUSIVE, an index build SHARE, each on the table, with its size', async () => {
    const project = await prismaScratch('rehearse_tight');
    const log = new MemoryLogger();
    const result = await rehearseMigrations({
      ...prismaOptions('rehearse_tight', project),
      maxLockTimeMs: 1,
      maxDurationMs: 1,
      log,
    });

    expect(result.tool).toBe('prisma');
    expect(result.command.succeeded).toBe(true);
    expect(result.failure).toBeUndefined();
    expect(result.attribution).toEqual(['tool-timestamps']);
    expect(result.migrations.map((m) => [m.name, m.outcome])).toEqual([
      ['20261201000000_total_bigint', 'applied'],
      ['20261202000000_note_index', 'applied'],
    ]);
    const [rewrite, index] = result.migrations;

    expect(rewrite!.strongestLock).toMatchObject({ mode: 'ACCESS EXCLUSIVE', relation: 'public.orders' });
    expect(rewrite!.strongestLock!.heldMs).toBeGreaterThan(0);
    expect(rewrite!.strongestLock!.samples).toBeGreaterThan(1);
    expect(rewrite!.strongestLock!.rowsEstimate).toBeGreaterThan(ROWS * 0.9);
    expect(rewrite!.strongestLock!.rowsEstimate).toBeLessThan(ROWS * 1.1);
    expect(rewrite!.strongestLock!.sizeBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(rewrite!.durationMs).toBeGreaterThan(0);
    expect(rewrite!.summary).toMatch(
      /^20261201000000_total_bigint holds ACCESS EXCLUSIVE on public\.orders \(\d+ k rows, [\d.]+ MiB\) for \d+/,
    );

    expect(index!.strongestLock).toMatchObject({ mode: 'SHARE', relation: 'public.orders' });
    expect(index!.locks.map((l) => l.relation)).toEqual(['public.orders']);
    expect(index!.strongestLock!.heldMs).toBeGreaterThan(0);
    expect(index!.summary).toMatch(/^20261202000000_note_index holds SHARE on public\.orders/);

    // Prisma's bookkeeping table is not reported, and nothing was left unplaced.
    expect(result.unattributed).toEqual([]);

    // A 1 ms max-lock-time and max-duration: both migrations are over both.
    expect(result.passed).toBe(false);
    expect(result.violations.map((v) => [v.threshold, v.migration])).toEqual([
      ['max-lock-time', '20261201000000_total_bigint'],
      ['max-duration', '20261201000000_total_bigint'],
      ['max-lock-time', '20261202000000_note_index'],
      ['max-duration', '20261202000000_note_index'],
    ]);
    expect(rewrite!.violations[1]!.message).toMatch(
      /^20261201000000_total_bigint ran \d+ ms|^20261201000000_total_bigint ran [\d.]+ s/,
    );
    expect(rewrite!.violations[1]!.actualMs).toBe(rewrite!.durationMs);
    expect(rewrite!.violations[0]!.message).toMatch(
      /^20261201000000_total_bigint holds ACCESS EXCLUSIVE on public\.orders for .+, over max-lock-time 1 ms$/,
    );
    expect(log.lines).toContain(`info: ${rewrite!.summary}`);

    expect(result.sampling.samples).toBeGreaterThan(2);
    expect(result.sampling.samplingMs).toBeGreaterThan(0);
    expect(result.sampling.errors).toEqual([]);
    // The scratch database really was migrated.
    const [column] = await server.query(
      `SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'total'`,
      [],
      'rehearse_tight',
    );
    expect(column!.data_type).toBe('bigint');
  });

  test('generous thresholds pass the same migrations', async () => {
    const project = await prismaScratch('rehearse_loose');
    const result = await rehearseMigrations({
      ...prismaOptions('rehearse_loose', project),
      maxLockTimeMs: 3_600_000,
      maxDurationMs: 3_600_000,
    });
    expect(result.migrations.map((m) => m.strongestLock?.mode)).toEqual(['ACCESS EXCLUSIVE', 'SHARE']);
    expect(result.violations).toEqual([]);
    expect(result.migrations.every((m) => m.violations.length === 0)).toBe(true);
    expect(result.passed).toBe(true);
  });

  test('a migration that fails is a result naming it and the database error; the next one did not run', async () => {
    await server.createDatabase('rehearse_fails');
    const project = await prismaProject(server.url('rehearse_fails'), [
      '20260101000000_init',
      '20260104000000_audit_fails_halfway',
    ]);
    projects.push(project);
    await writeMigration(project, '20260105000000_after', 'ALTER TABLE "orders" ADD COLUMN "late" TEXT;\n');

    const result = await rehearseMigrations(prismaOptions('rehearse_fails', project));
    expect(result.command.succeeded).toBe(false);
    expect(result.passed).toBe(false);
    expect(result.failure).toEqual({ migration: '20260104000000_audit_fails_halfway', error: 'division by zero' });
    expect(result.migrations.map((m) => [m.name, m.outcome])).toEqual([
      ['20260101000000_init', 'applied'],
      ['20260104000000_audit_fails_halfway', 'failed'],
      ['20260105000000_after', 'not-run'],
    ]);
    const failed = result.migrations[1]!;
    expect(failed.error).toBe('division by zero');
    expect(failed.summary).toMatch(/^20260104000000_audit_fails_halfway failed: division by zero/);
    expect(result.migrations[2]!.summary).toBe('20260105000000_after did not run: an earlier migration failed');
    expect(result.command.lastLines.join('\n')).toContain('20260104000000_audit_fails_halfway');
  });
});

describe('the scratch database', () => {
  test('target-url naming the database in database-url is refused before the command runs', async () => {
    const secrets = new Secrets();
    const options: RehearsalOptions = {
      scratchUrl: server.url('production'),
      // Another spelling of the same server: localhost for 127.0.0.1.
      databaseUrl: server.url('production').replace('@127.0.0.1:', '@localhost:'),
      source: new SqlFolderSource(ROOT),
      command: `psql "$DATABASE_URL" -X -c 'CREATE TABLE touched (id int)'`,
      cwd: ROOT,
      secrets,
      lockTimeoutMs: 0,
      log: new MemoryLogger(),
    };
    expect(options.databaseUrl).not.toBe(options.scratchUrl);
    const error = await rejection(rehearseMigrations(options));
    expect(error.code).toBe('UNSAFE_TARGET');
    expect(error.input).toBe('target-url');
    expect(error.message).toContain('target-url names the same database as database-url');
    expect(error.message).toContain('/production');
    expect(error.message).not.toContain(server.password);
    const touched = await server.query(`SELECT to_regclass('touched') AS t`, [], 'production');
    expect(touched[0]!.t).toBeNull();

    // Another database on the same server is a scratch database like any other.
    await server.createDatabase('rehearse_other');
    const other = await rehearseMigrations({ ...options, scratchUrl: server.url('rehearse_other') });
    expect(other.command.succeeded).toBe(true);
    const created = await server.query(`SELECT to_regclass('touched') AS t`, [], 'rehearse_other');
    expect(created[0]!.t).toBe('touched');
  });
});

describe('plain SQL files run by psql', () => {
  test('each lock is attributed to the file whose statement took it', async () => {
    await server.createDatabase('rehearse_psql');
    const project = await mkdtemp(join(tmpdir(), 'dbops-rehearse-'));
    folders.push(project);
    const migrations = join(project, 'migrations');
    await mkdir(migrations);
    await writeFile(
      join(migrations, '001_items.sql'),
      `CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL, label text NOT NULL);\nINSERT INTO items SELECT g, g, md5(g::text) FROM generate_series(1, ${ROWS}) g;\nANALYZE items;\n`,
    );
    await writeFile(
      join(migrations, '002_items_n_bigint.sql'),
      '-- rewrites items\nALTER TABLE items ALTER COLUMN n TYPE bigint;\n',
    );
    await writeFile(join(migrations, '003_items_label_index.sql'), 'CREATE INDEX items_label_idx ON items (label);\n');
    const secrets = new Secrets();
    const result = await rehearseMigrations({
      scratchUrl: server.url('rehearse_psql'),
      databaseUrl: server.url('production'),
      source: new SqlFolderSource(migrations),
      command: 'for f in migrations/*.sql; do psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f "$f" || exit 1; done',
      cwd: project,
      secrets,
      lockTimeoutMs: 5000,
      sampleIntervalMs: INTERVAL_MS,
      maxLockTimeMs: 1,
      log: new MemoryLogger(),
    });
    expect(result.tool).toBe('sql');
    expect(result.command.succeeded).toBe(true);
    expect(result.attribution).toEqual(['query-text']);
    const byName = new Map(result.migrations.map((m) => [m.name, m]));
    expect(byName.get('002_items_n_bigint')).toMatchObject({
      outcome: 'ran',
      strongestLock: { mode: 'ACCESS EXCLUSIVE', relation: 'public.items' },
    });
    expect(byName.get('002_items_n_bigint')!.strongestLock!.heldMs).toBeGreaterThan(0);
    expect(byName.get('002_items_n_bigint')!.durationMs).toBeUndefined();
    expect(byName.get('003_items_label_index')!.strongestLock).toMatchObject({
      mode: 'SHARE',
      relation: 'public.items',
    });
    // 001's INSERT into the table it created (committed by psql's autocommit first) takes ROW EXCLUSIVE, its ANALYZE
    // SHARE UPDATE EXCLUSIVE: neither blocks writes, so no max-lock-time violation for it.
    const first = byName.get('001_items')!;
    expect(['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE']).toContain(first.strongestLock!.mode);
    expect(first.strongestLock!.relation).toBe('public.items');
    expect(first.violations).toEqual([]);
    expect(result.violations.map((v) => v.migration)).toEqual(
      expect.arrayContaining(['002_items_n_bigint', '003_items_label_index']),
    );
    expect(result.unattributed).toEqual([]);
  });
});

/** A project folder with the given migration files (name → SQL) in migrations/. */
async function sqlProject(files: Record<string, string>): Promise<{ dir: string; migrations: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-rehearse-'));
  folders.push(dir);
  const migrations = join(dir, 'migrations');
  await mkdir(migrations);
  for (const [name, sql] of Object.entries(files)) await writeFile(join(migrations, name), sql);
  return { dir, migrations };
}

describe('node-pg-migrate, all pending migrations in one transaction', () => {
  test('each lock goes to the migration that took it, held until the transaction commits', async () => {
    await server.createDatabase('rehearse_npm');
    // The restored copy: tables full of rows that node-pg-migrate did not create.
    await server.query(
      `CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL);
       INSERT INTO items SELECT g, g FROM generate_series(1, ${ROWS}) g; ANALYZE items;
       CREATE TABLE tags (id int PRIMARY KEY, label text NOT NULL);
       INSERT INTO tags SELECT g, md5(g::text) FROM generate_series(1, ${ROWS / 2}) g; ANALYZE tags;`,
      [],
      'rehearse_npm',
    );
    const project = await sqlProject({
      '1700000000001_items-n-bigint.sql':
        '-- Up Migration\nALTER TABLE items ALTER COLUMN n TYPE bigint;\n\n-- Down Migration\n',
      '1700000000002_tags-label-index.sql':
        '-- Up Migration\nCREATE INDEX tags_label_idx ON tags (label);\n\n-- Down Migration\nDROP INDEX tags_label_idx;\n',
    });
    const result = await rehearseMigrations({
      scratchUrl: server.url('rehearse_npm'),
      source: new NodePgMigrateSource(project.migrations),
      command: `"${process.execPath}" "${NODE_PG_MIGRATE}" up --migrations-dir migrations`,
      cwd: project.dir,
      secrets: new Secrets(),
      lockTimeoutMs: 5000,
      sampleIntervalMs: INTERVAL_MS,
      log: new MemoryLogger(),
    });
    expect(result.tool).toBe('node-pg-migrate');
    expect(result.command.succeeded).toBe(true);
    expect(result.attribution).toEqual(['query-text']);
    expect(result.migrations.map((m) => [m.name, m.outcome, m.strongestLock?.mode, m.strongestLock?.relation])).toEqual(
      [
        ['1700000000001_items-n-bigint', 'applied', 'ACCESS EXCLUSIVE', 'public.items'],
        ['1700000000002_tags-label-index', 'applied', 'SHARE', 'public.tags'],
      ],
    );
    const [rewrite, index] = result.migrations;
    // The rewrite's ACCESS EXCLUSIVE lasts through the next migration's index build, to the one commit: longer than
    // the SHARE taken after it and released with it.
    expect(rewrite!.strongestLock!.heldMs).toBeGreaterThan(index!.strongestLock!.heldMs);
    expect(rewrite!.durationMs).toBeUndefined(); // pgmigrations keeps no duration
    expect(rewrite!.strongestLock!.rowsEstimate).toBeGreaterThan(ROWS * 0.9);
    expect(result.unattributed).toEqual([]);
  });
});

describe('a migration queued behind another session', () => {
  test('the wait is measured, the lock timeout is the failure, the other session is reported apart', async () => {
    await server.createDatabase('rehearse_wait');
    await server.query('CREATE TABLE accounts (id int PRIMARY KEY)', [], 'rehearse_wait');
    const project = await sqlProject({
      '001_accounts_plan.sql': 'ALTER TABLE accounts ADD COLUMN plan text;\n',
    });
    const blocker = new pg.Client({ connectionString: server.url('rehearse_wait') });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE accounts IN ACCESS SHARE MODE');
      const result = await rehearseMigrations({
        scratchUrl: server.url('rehearse_wait'),
        source: new SqlFolderSource(project.migrations),
        command: 'psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f migrations/001_accounts_plan.sql',
        cwd: project.dir,
        secrets: new Secrets(),
        lockTimeoutMs: 1000,
        sampleIntervalMs: INTERVAL_MS,
        log: new MemoryLogger(),
      });
      expect(result.passed).toBe(false);
      expect(result.failure).toEqual({
        migration: '001_accounts_plan',
        error: 'canceling statement due to lock timeout',
      });
      const [migration] = result.migrations;
      expect(migration).toMatchObject({ name: '001_accounts_plan', outcome: 'failed' });
      expect(migration!.strongestLock).toMatchObject({
        mode: 'ACCESS EXCLUSIVE',
        relation: 'public.accounts',
        samples: 0,
      });
      expect(migration!.strongestLock!.waitedMs).toBeGreaterThan(0);
      expect(migration!.summary).toMatch(
        /^001_accounts_plan failed: canceling statement due to lock timeout; before that it waited [\d.]+ (ms|s) for ACCESS EXCLUSIVE on public\.accounts \(.*\) without getting it$/,
      );
      // The blocker is no migration's: it is listed apart.
      expect(result.unattributed.map((l) => [l.mode, l.relation])).toEqual([['ACCESS SHARE', 'public.accounts']]);
    } finally {
      await blocker.end();
    }
  });
});

describe('a cancelled rehearsal', () => {
  test('throws CANCELLED, not a result, and leaves no session of its own behind', async () => {
    await server.createDatabase('rehearse_cancel');
    const controller = new AbortController();
    const run = rehearseMigrations({
      scratchUrl: server.url('rehearse_cancel'),
      source: new SqlFolderSource(ROOT),
      command: `psql "$DATABASE_URL" -X -c 'SELECT pg_sleep(60)'`,
      cwd: ROOT,
      secrets: new Secrets(),
      lockTimeoutMs: 0,
      log: new MemoryLogger(),
      signal: controller.signal,
    });
    // Cancel once the command's session is running its statement.
    expect(
      await eventually(async () => {
        const rows = await server.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = 'rehearse_cancel' AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()`,
        );
        return rows.length > 0;
      }),
    ).toBe(true);
    controller.abort();
    const error = await rejection(run);
    expect(error.code).toBe('CANCELLED');
    expect(
      await eventually(async () => {
        const rows = await server.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = 'rehearse_cancel' AND application_name = 'dbops'`,
        );
        return rows.length === 0;
      }),
    ).toBe(true);
  });
});
