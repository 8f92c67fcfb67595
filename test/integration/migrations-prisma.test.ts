// Migration status and blockers read from real `_prisma_migrations` rows, written by Prisma's own migration engine
// (test/harness/prisma.ts): applied with durations, a migration failing halfway (P3009 on the next deploy), marked
// rolled back, edited after it was applied, missing from the repository, and pending.
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { migrationBlockers } from '../../packages/core/src/migrations/blockers.js';
import { findMigrationSource } from '../../packages/core/src/migrations/find-source.js';
import { PrismaSource } from '../../packages/core/src/migrations/prisma-source.js';
import { readMigrationStatus, type MigrationStatus } from '../../packages/core/src/migrations/status.js';
import { prismaProject, type PrismaProject } from '../harness/prisma.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const INIT = '20260101000000_init';
const STATUS = '20260102000000_order_status';
const CONCURRENTLY = '20260103000000_orders_index_concurrently';
const FAILS = '20260104000000_audit_fails_halfway';

let server: PostgresServer;
let project: PrismaProject;
let client: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('shop');
  project = await prismaProject(server.url('shop'), [INIT, STATUS]);
  client = new pg.Client({ connectionString: server.url('shop') });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await project?.remove();
  await server?.stop();
});

async function status(): Promise<MigrationStatus> {
  return readMigrationStatus(await findMigrationSource({ projectDir: project.dir }), client);
}

const states = (s: MigrationStatus) => Object.fromEntries(s.migrations.map((m) => [m.name, m.state]));

test('before any deploy, every migration is pending and the table does not exist yet', async () => {
  const before = await status();
  expect(before.tool).toBe('prisma');
  expect(before.folder).toBe(project.migrations);
  expect(before.pending).toEqual([INIT, STATUS]);
  expect(migrationBlockers(before)).toEqual([]);
});

test('what Prisma applied is applied, with the checksum it recorded and each duration', async () => {
  const deploy = await project.deploy();
  expect(deploy.output).toContain('applied'); // "All migrations have been successfully applied."
  expect(deploy.code).toBe(0);

  const source = new PrismaSource(project.migrations);
  const records = await source.readApplied(client);
  const files = await source.list();
  // Our sha256 of migration.sql is byte for byte what Prisma's engine recorded.
  expect(records.map((r) => [r.name, r.checksum])).toEqual(files.map((m) => [m.name, m.sha256]));

  const after = await status();
  expect(states(after)).toEqual({ [INIT]: 'applied', [STATUS]: 'applied' });
  expect(after.counts.applied).toBe(2);
  expect(after.pending).toEqual([]);
  for (const entry of after.migrations) {
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(entry.finishedAt!.getTime()).toBeGreaterThanOrEqual(entry.startedAt!.getTime());
  }
  // The whole script reached PostgreSQL: the default with `;` and the $$ body are intact.
  await client.query(`INSERT INTO users (email) VALUES ('A@Example.com')`);
  expect((await client.query('SELECT email, note FROM users')).rows).toEqual([
    { email: 'a@example.com', note: 'semi;colon; in a string' },
  ]);
});

// It left nothing, Prisma refuses the next deploy (P3009), and resolving it clears the block.
test('a migration failing halfway is failed and a blocker', async () => {
  await project.add(CONCURRENTLY, FAILS);
  const pendingBefore = await status();
  expect(pendingBefore.pending).toEqual([CONCURRENTLY, FAILS]);

  const failedDeploy = await project.deploy();
  expect(failedDeploy.code).not.toBe(0);
  expect(failedDeploy.output).toContain('division by zero');

  const failed = await status();
  expect(states(failed)).toMatchObject({ [CONCURRENTLY]: 'applied', [FAILS]: 'failed' });
  expect(failed.failed).toEqual([FAILS]);
  expect(failed.migrations.find((m) => m.name === FAILS)?.logs).toContain('division by zero');
  // PostgreSQL ran the script as one transaction: its first statements were rolled back with it.
  expect((await client.query(`SELECT to_regclass('audit') AS audit`)).rows[0].audit).toBeNull();

  const [blocker, ...others] = migrationBlockers(failed);
  expect(others).toEqual([]);
  expect(blocker).toMatchObject({ kind: 'failed', migration: FAILS });
  expect(blocker!.message).toContain('division by zero');
  expect(blocker!.commands).toEqual([
    `npx prisma migrate resolve --rolled-back "${FAILS}"`,
    `npx prisma migrate resolve --applied "${FAILS}"`,
  ]);

  // The blocker is real: Prisma itself refuses the next deploy.
  const blocked = await project.deploy();
  expect(blocked.code).not.toBe(0);
  expect(blocked.output).toContain('P3009');

  // Its recovery command, run for real, clears it: the migration is rolled back and pending again.
  expect((await project.resolve('rolled-back', FAILS)).code).toBe(0);
  const resolved = await status();
  expect(states(resolved)[FAILS]).toBe('rolled-back');
  expect(resolved.pending).toEqual([FAILS]);
  expect(migrationBlockers(resolved)).toEqual([]);
});

test('a migration edited after it was applied is a blocker naming the file', async () => {
  const file = join(project.migrations, STATUS, 'migration.sql');
  const original = await readFile(file, 'utf8');
  await appendFile(file, 'CREATE INDEX "orders_total_idx" ON "orders"("total");\n');
  try {
    const edited = await status();
    expect(states(edited)[STATUS]).toBe('edited-after-applied');
    const blocker = migrationBlockers(edited, { projectDir: project.dir }).find(
      (b) => b.kind === 'edited-after-applied',
    );
    expect(blocker?.migration).toBe(STATUS);
    expect(blocker?.commands).toEqual([`git log --follow -p -- migrations/${STATUS}/migration.sql`]);
  } finally {
    await writeFile(file, original);
  }
  expect(states(await status())[STATUS]).toBe('applied');
});

test('a migration the database has but the repository does not is a blocker', async () => {
  await rm(join(project.migrations, INIT), { recursive: true });
  try {
    const missing = await status();
    expect(missing.migrations.at(-1)).toMatchObject({ name: INIT, state: 'missing-from-repository' });
    const blocker = migrationBlockers(missing).find((b) => b.kind === 'missing-from-repository');
    expect(blocker?.migration).toBe(INIT);
    expect(blocker?.commands).toContain(`DELETE FROM "public"."_prisma_migrations" WHERE migration_name = '${INIT}';`);
  } finally {
    await project.add(INIT);
  }
});
