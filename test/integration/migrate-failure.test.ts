// A failed `prisma migrate deploy`, explained, against a real PostgreSQL and Prisma's real migration engine (the
// harness's Prisma 6.19.3 wasm engine writes the `_prisma_migrations` rows): the failed migration, the database error
// and its line, the state it left proven from the schema fingerprints (rolled back whole, or what remains after a
// COMMIT or a failed CONCURRENTLY), the recovery and restore commands, a lock timeout naming its table, the password in
// no text of the record, and resolve-failed: rolled-back (done only when nothing was applied; after it a fixed
// migration deploys).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { takeSchemaSnapshot } from '../../packages/core/src/migrations/schema-snapshot.js';
import type { DbopsError } from '../../packages/core/src/errors.js';
import { explainFailure, type FailureExplanation } from '../../packages/core/src/migrations/failure/explain-failure.js';
import type { PreDeployBackup } from '../../packages/core/src/migrations/failure/recovery.js';
import { resolveRolledBack } from '../../packages/core/src/migrations/failure/resolve-rolled-back.js';
import { findMigrationSource } from '../../packages/core/src/migrations/find-source.js';
import { PrismaSource } from '../../packages/core/src/migrations/prisma-source.js';
import { runMigrationCommand } from '../../packages/core/src/migrations/run-command.js';
import { readMigrationStatus } from '../../packages/core/src/migrations/status.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';
import { type PrismaProject, prismaProject, PRISMA_CLI, PRISMA_DEPLOY } from '../harness/prisma.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRISMA = `"${process.execPath}" "${PRISMA_CLI}"`;
const ENV = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const BACKUP: PreDeployBackup = {
  id: '20261206T030000Z-pre',
  location: 's3://acme-backups/prod/pre-deploy',
  takenAt: new Date('2026-12-06T03:00:00Z'),
};

let server: PostgresServer;
const clients: pg.Client[] = [];
const projects: PrismaProject[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  for (const p of projects) await p.remove();
  for (const cleanup of cleanups) await cleanup();
  await server?.stop();
});

async function connect(database: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: server.url(database) });
  await c.connect();
  clients.push(c);
  return c;
}

/** A database and a Prisma project on it, with the fixtures named already deployed. */
async function setup(database: string, deployed: string[] = []) {
  await server.createDatabase(database);
  const project = await prismaProject(server.url(database), deployed);
  projects.push(project);
  if (deployed.length > 0) expect((await project.deploy()).code).toBe(0);
  return { project, client: await connect(database), source: new PrismaSource(project.migrations) };
}

async function addMigration(project: PrismaProject, name: string, sql: string): Promise<void> {
  await mkdir(join(project.migrations, name), { recursive: true });
  await writeFile(join(project.migrations, name, 'migration.sql'), sql);
}

/** What migrate-deploy will do: status and schema before, the command, status and schema after, explained. */
async function deployAndExplain(
  database: string,
  setupResult: Awaited<ReturnType<typeof setup>>,
  options: { lockTimeoutMs?: number; command?: string; backup?: PreDeployBackup; secrets?: Secrets } = {},
): Promise<{ explanation: FailureExplanation; error: DbopsError }> {
  const { project, client, source } = setupResult;
  const secrets = options.secrets ?? new Secrets();
  const statusBefore = await readMigrationStatus(source, client);
  const schemaBefore = await takeSchemaSnapshot(client);
  let error: DbopsError | undefined;
  try {
    await runMigrationCommand({
      command: options.command ?? PRISMA_DEPLOY,
      cwd: project.dir,
      databaseUrl: server.url(database),
      secrets,
      lockTimeoutMs: options.lockTimeoutMs ?? 5000,
      env: ENV,
    });
  } catch (e) {
    error = e as DbopsError;
  }
  expect(error?.code).toBe('CHECK_FAILED');
  const explanation = await explainFailure({
    source,
    statusBefore,
    statusAfter: await readMigrationStatus(source, client),
    schemaBefore,
    schemaAfter: await takeSchemaSnapshot(client),
    outcome: { error },
    ...(options.backup ? { backup: options.backup } : {}),
    command: PRISMA_DEPLOY,
    projectDir: project.dir,
    secrets,
  });
  return { explanation, error: error! };
}

async function tableExists(client: pg.Client, table: string): Promise<boolean> {
  return (await client.query('SELECT to_regclass($1) IS NOT NULL AS e', [table])).rows[0].e;
}

describe('a migration failing midway, rolled back whole', () => {
  test('division by zero after creating a table: "nothing of it was applied", proven; the error, its line, the commands', async () => {
    const s = await setup('halfway', ['20260101000000_init']);
    await s.project.add('20260104000000_audit_fails_halfway');
    const { explanation: e } = await deployAndExplain('halfway', s, { backup: BACKUP });
    const name = '20260104000000_audit_fails_halfway';

    expect(e.migration).toEqual({ name, file: `migrations/${name}/migration.sql` });
    expect(e.error).toMatchObject({ kind: 'database-error', message: 'division by zero', sqlstate: '22012' });
    expect(e.error.from).toBe('tool-record'); // _prisma_migrations.logs
    expect(e.location).toMatchObject({ line: 7, statementLine: 7, statement: 'SELECT 1 / 0', basis: 'only-candidate' });

    // The proof: the same fingerprint before and after, and the table the migration created is not there.
    expect(e.state).toMatchObject({ kind: 'nothing-applied', proof: 'fingerprint-unchanged' });
    expect(e.state.summary).toMatch(/^Nothing of it was applied/);
    expect(e.fingerprints.after).toBe(e.fingerprints.before);
    expect(e.schemaChanges).toEqual([]);
    expect(await tableExists(s.client, 'audit')).toBe(false);
    expect(e.appliedBefore).toEqual([]);
    expect(e.stillPending).toEqual([name]);

    const [fix, byHand, restore] = e.routes;
    expect(fix!.commands).toEqual([`${PRISMA} migrate resolve --rolled-back "${name}"`, PRISMA_DEPLOY]);
    expect(fix!.steps[0]).toBe(`Fix migrations/${name}/migration.sql (line 7: division by zero).`);
    expect(byHand!.commands).toEqual([`${PRISMA} migrate resolve --applied "${name}"`]);
    expect(restore!.commands).toEqual([
      'dbops restore --from s3://acme-backups/prod/pre-deploy --backup-id 20261206T030000Z-pre --target-url "$DATABASE_URL" --clean',
    ]);
    expect(e.restore?.loses).toBe('every write since 2026-12-06T03:00:00.000Z');
    expect(e.lines.join('\n')).toContain('Restoring it is never automatic');
    expect(e.routes).toHaveLength(3);
  });

  test('after migrations applied earlier in the same run: their changes are told apart, nothing of the failed one remains', async () => {
    const s = await setup('same_run');
    await s.project.add('20260101000000_init', '20260102000000_order_status', '20260104000000_audit_fails_halfway');
    const { explanation: e } = await deployAndExplain('same_run', s);

    expect(e.migration?.name).toBe('20260104000000_audit_fails_halfway');
    expect(e.appliedBefore).toEqual(['20260101000000_init', '20260102000000_order_status']);
    expect(e.fingerprints.after).not.toBe(e.fingerprints.before);
    expect(e.state).toMatchObject({ kind: 'nothing-applied', proof: 'changes-are-earlier-migrations' });
    // _prisma_migrations, created by this first deploy, is the tool's, no migration's change.
    expect(e.schemaChanges.filter((c) => c.name.includes('_prisma_migrations'))).toEqual([]);
    expect(e.schemaChanges).toEqual(
      expect.arrayContaining([
        { change: 'added', kind: 'table', name: 'public.users' },
        { change: 'added', kind: 'table', name: 'public.orders' },
        { change: 'added', kind: 'function', name: 'public.normalize_email()' },
      ]),
    );
    // Children of new tables are not listed again.
    expect(e.schemaChanges.filter((c) => c.kind === 'column')).toEqual([]);
    expect(e.restore).toBeUndefined(); // backup: false
    expect(e.routes.map((r) => r.title)).toEqual([
      'Fix the migration and deploy it again',
      'Finish it by hand and mark it applied',
    ]);
  });
});

describe('a migration that leaves part of itself', () => {
  test('an explicit COMMIT: what ran before it is listed, and resolve-failed: rolled-back refuses', async () => {
    const s = await setup('committed', ['20260101000000_init']);
    const name = '20260105000000_ledger_commit';
    await addMigration(
      s.project,
      name,
      [
        'CREATE TABLE "ledger" ("id" INTEGER NOT NULL);',
        'CREATE INDEX "ledger_id_idx" ON "ledger"("id");',
        'ALTER TABLE "orders" ADD COLUMN "currency" TEXT;',
        'COMMIT;',
        'ALTER TABLE "users" ADD COLUMN "nickname" TEXT;',
        'SELECT 1 / 0;',
        '',
      ].join('\n'),
    );
    const { explanation: e } = await deployAndExplain('committed', s);

    expect(e.migration?.name).toBe(name);
    expect(e.location).toMatchObject({ line: 6, basis: 'only-candidate' });
    expect(e.state.kind).toBe('partly-applied');
    if (e.state.kind !== 'partly-applied') throw new Error('unreachable');
    expect(e.state.reason).toContain('COMMIT at line 4');
    expect(e.state.changes).toEqual([
      { change: 'added', kind: 'table', name: 'public.ledger' },
      { change: 'added', kind: 'column', name: 'public.orders.currency', definition: 'text' },
    ]);
    expect(await tableExists(s.client, 'ledger')).toBe(true);
    expect(e.routes[0]!.steps[0]).toContain('added table public.ledger; added column public.orders.currency (text)');

    const error = await resolveRolledBack({
      explanation: e,
      source: s.source,
      client: s.client,
      command: PRISMA_DEPLOY,
      cwd: s.project.dir,
      databaseUrl: server.url('committed'),
      secrets: new Secrets(),
      env: { ...ENV, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true' },
    }).catch((x: DbopsError) => x);
    expect(error).toMatchObject({ code: 'CHECK_FAILED', input: 'resolve-failed' });
    expect((error as DbopsError).message).toMatch(
      /refused to mark 20260105000000_ledger_commit rolled back.*partly-applied/,
    );
    expect((error as DbopsError).hint).toContain('Undo what it left');
    // Nothing was marked: Prisma still sees the failed migration.
    expect((await readMigrationStatus(s.source, s.client)).failed).toEqual([name]);
  });

  test('CREATE UNIQUE INDEX CONCURRENTLY failing on duplicates leaves its invalid index: listed, and refused', async () => {
    const s = await setup('concurrently', ['20260101000000_init']);
    await s.client.query(`INSERT INTO users (email) VALUES ('a@x'), ('b@x')`);
    await s.client.query(`UPDATE users SET note = 'same'`);
    const name = '20260106000000_unique_note';
    await addMigration(s.project, name, 'CREATE UNIQUE INDEX CONCURRENTLY "users_note_key" ON "users"("note");\n');
    const { explanation: e } = await deployAndExplain('concurrently', s);

    // Prisma's driver adapter words PostgreSQL's 'could not create unique index' its own way.
    expect(e.error).toMatchObject({ message: 'Unique constraint failed: (note)', sqlstate: '23505' });
    expect(e.location).toMatchObject({ line: 1, statementLine: 1 });
    expect(e.state.kind).toBe('partly-applied');
    if (e.state.kind !== 'partly-applied') throw new Error('unreachable');
    expect(e.state.reason).toContain('CREATE UNIQUE INDEX CONCURRENTLY');
    expect(e.state.changes).toEqual([
      {
        change: 'added',
        kind: 'index',
        name: 'public.users_note_key',
        definition: 'CREATE UNIQUE INDEX users_note_key ON public.users USING btree (note)',
      },
    ]);
    const refused = await resolveRolledBack({
      explanation: e,
      source: s.source,
      client: s.client,
      command: PRISMA_DEPLOY,
      cwd: s.project.dir,
      databaseUrl: server.url('concurrently'),
      secrets: new Secrets(),
      env: ENV,
    }).catch((x: DbopsError) => x);
    expect(refused).toMatchObject({ code: 'CHECK_FAILED', input: 'resolve-failed' });
  });
});

test('a lock timeout: another session holds a lock on the table; explained naming it', async () => {
  const s = await setup('locked', ['20260101000000_init']);
  const name = '20260107000000_orders_note';
  await addMigration(
    s.project,
    name,
    'CREATE TABLE "extra" ("id" INTEGER);\n\n-- AlterTable\nALTER TABLE "orders" ADD COLUMN "note" TEXT;\n',
  );
  const holder = await connect('locked');
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE orders IN ACCESS SHARE MODE');
  try {
    const { explanation: e } = await deployAndExplain('locked', s, { lockTimeoutMs: 300 });
    expect(e.error).toMatchObject({
      kind: 'lock-timeout',
      message: 'canceling statement due to lock timeout',
      sqlstate: '55P03',
      table: '"orders"',
    });
    expect(e.location).toMatchObject({ line: 4, statementLine: 4, basis: 'only-candidate' });
    expect(e.lines.join('\n')).toContain('for a lock on "orders" that another session held');
    expect(e.state).toMatchObject({ kind: 'nothing-applied', proof: 'fingerprint-unchanged' });
  } finally {
    await holder.query('ROLLBACK');
  }
});

test('resolve-failed: rolled-back on a whole rollback: Prisma sees it rolled back, and the fixed migration deploys', async () => {
  const s = await setup('resolved', ['20260101000000_init']);
  await s.project.add('20260104000000_audit_fails_halfway');
  const { explanation } = await deployAndExplain('resolved', s);
  const name = '20260104000000_audit_fails_halfway';
  expect(explanation.state.kind).toBe('nothing-applied');

  // Blocked until resolved (P3009), and status says so.
  const blocked = await s.project.deploy();
  expect(blocked.code).not.toBe(0);
  expect(blocked.output).toMatch(/P3009|failed migrations/);
  const failedStatus = await s.project.status();
  expect(failedStatus.code).not.toBe(0);
  expect(failedStatus.output).toMatch(new RegExp(`have failed:\\s+${name}`));

  const lines: string[] = [];
  const resolved = await resolveRolledBack({
    explanation,
    source: s.source,
    client: s.client,
    command: PRISMA_DEPLOY,
    cwd: s.project.dir,
    databaseUrl: server.url('resolved'),
    secrets: new Secrets(),
    env: { ...ENV, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true' },
    onLine: (line) => lines.push(line),
  });
  expect(resolved.command).toBe(`${PRISMA} migrate resolve --rolled-back "${name}"`);
  expect(resolved.command).not.toContain(server.password);
  expect(resolved.status.migrations.find((m) => m.name === name)?.state).toBe('rolled-back');
  expect(resolved.status.pending).toEqual([name]);

  // The fix: the division goes; deploy runs it anew.
  await writeFile(
    join(s.project.migrations, name, 'migration.sql'),
    'CREATE TABLE "audit" ("id" SERIAL PRIMARY KEY, "message" TEXT NOT NULL);\n',
  );
  expect((await s.project.status()).code).toBe(0);
  const deployed = await s.project.deploy();
  expect(deployed.code).toBe(0);
  expect(await tableExists(s.client, 'audit')).toBe(true);
  const after = await readMigrationStatus(s.source, s.client);
  expect(after.migrations.find((m) => m.name === name)?.state).toBe('applied');
  expect(after.failed).toEqual([]);

  // A second resolve finds nothing failed any more and refuses (the proof was for a schema that has changed).
  await expect(
    resolveRolledBack({
      explanation,
      source: s.source,
      client: s.client,
      command: PRISMA_DEPLOY,
      cwd: s.project.dir,
      databaseUrl: server.url('resolved'),
      secrets: new Secrets(),
      env: ENV,
    }),
  ).rejects.toMatchObject({ code: 'CHECK_FAILED', message: expect.stringMatching(/the schema changed since/) });
});

test('the database password appears in no text of the record, even when the command and the error print it', async () => {
  const s = await setup('secret', ['20260101000000_init']);
  const password = server.password;
  const name = '20260108000000_leaky';
  // The error message itself carries the password, and so does the statement in the file that raised it.
  await addMigration(
    s.project,
    name,
    `CREATE TABLE "t" ("id" INTEGER);\nDO $$ BEGIN RAISE EXCEPTION 'cannot use %', '${password.replace(/'/g, "''")}'; END $$;\n`,
  );
  const secrets = new Secrets();
  const { explanation: e, error } = await deployAndExplain('secret', s, {
    command: `echo "deploying to $DATABASE_URL"; ${PRISMA_DEPLOY}`,
    secrets,
    backup: BACKUP,
  });
  expect(error.message).toContain('deploying to');
  expect(e.migration?.name).toBe(name);
  expect(e.error.message).toMatch(/^cannot use \*\*\*/);
  expect(e.lines[0]).toContain('cannot use ***');
  const text = JSON.stringify(e);
  expect(text).not.toContain(password);
  expect(text).not.toContain(encodeURIComponent(password));
  expect(text).not.toContain(server.url('secret'));
  expect(e.state.kind).toBe('nothing-applied');
});

describe('node-pg-migrate', () => {
  const CLI = join(ROOT, 'node_modules', 'node-pg-migrate', 'bin', 'node-pg-migrate.js');
  const COMMAND = `"${process.execPath}" "${CLI}" up --migrations-dir migrations`;

  test('a failing file: named from the output, its error and line, rolled back whole; rerun and record routes; resolve refused', async () => {
    await server.createDatabase('npm_accounts');
    const dir = await mkdtemp(join(tmpdir(), 'dbops-npm-failure-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'migrations'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ devDependencies: { 'node-pg-migrate': '^9.0.0' } }));
    await writeFile(
      join(dir, 'migrations', '1700000000000_create-accounts.sql'),
      '-- Up Migration\nCREATE TABLE accounts (id serial PRIMARY KEY);\n-- Down Migration\nDROP TABLE accounts;\n',
    );
    await writeFile(
      join(dir, 'migrations', '1700000000001_invoices.sql'),
      "-- Up Migration\nCREATE TABLE invoices (id int, note text DEFAULT 'a;b');\nSELECT nocolumn FROM invoices;\n-- Down Migration\nDROP TABLE invoices;\n",
    );
    const client = await connect('npm_accounts');
    const source = await findMigrationSource({ projectDir: dir });
    expect(source.tool).toBe('node-pg-migrate');
    const secrets = new Secrets();
    const statusBefore = await readMigrationStatus(source, client);
    const schemaBefore = await takeSchemaSnapshot(client);
    const error = await runMigrationCommand({
      command: COMMAND,
      cwd: dir,
      databaseUrl: server.url('npm_accounts'),
      secrets,
      lockTimeoutMs: 5000,
    }).catch((x: DbopsError) => x);
    const e = await explainFailure({
      source,
      statusBefore,
      statusAfter: await readMigrationStatus(source, client),
      schemaBefore,
      schemaAfter: await takeSchemaSnapshot(client),
      outcome: { error },
      command: COMMAND,
      projectDir: dir,
      secrets,
    });
    expect(e.migration).toEqual({ name: '1700000000001_invoices', file: 'migrations/1700000000001_invoices.sql' });
    // node-pg-migrate runs all pending files in one transaction: the first is rolled back with the failed one.
    expect(e.appliedBefore).toEqual([]);
    expect(e.stillPending).toEqual(['1700000000000_create-accounts', '1700000000001_invoices']);
    expect(e.error).toMatchObject({ message: 'column "nocolumn" does not exist', sqlstate: '42703' });
    expect(e.location).toMatchObject({ line: 3, column: 8, basis: 'position' });
    // Only pgmigrations (the tool's own table, created outside the transaction) is new: no migration's change.
    expect(e.fingerprints.after).not.toBe(e.fingerprints.before);
    expect(e.schemaChanges).toEqual([]);
    expect(e.state).toMatchObject({ kind: 'nothing-applied', proof: 'fingerprint-unchanged' });
    expect(await tableExists(client, 'invoices')).toBe(false);
    expect(e.routes.map((r) => r.commands)).toEqual([
      [COMMAND],
      [`INSERT INTO "public"."pgmigrations" (name, run_on) VALUES ('1700000000001_invoices', now());`],
    ]);

    await expect(
      resolveRolledBack({
        explanation: e,
        source,
        client,
        command: COMMAND,
        cwd: dir,
        databaseUrl: server.url('npm_accounts'),
        secrets,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', input: 'resolve-failed' });
  });
});
