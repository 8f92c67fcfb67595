// Erasure survives a restore, on PostgreSQL, when a backup and an erasure overlap (issue 16, item 7). The tombstone
// and its delete commit together, but the erasing transaction may start before a backup and commit after the
// backup's snapshot: the backup holds the row rightly, while the live database's tombstone (tombstones-from) says
// it was erased before the backup started. restore-test must say the backup still holds it. Real PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generateIdentity, type RawInputs } from '@dbops/core';
import { completeTombstones, recordTombstones } from '../../packages/core/src/data-retention/tombstones.js';
import { erasureChecks } from '../harness/erasure-checks.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const DB = 'app';
let server: PostgresServer;
let dir: string;
let backups: string;
const key = generateIdentity();

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => server.query<T>(sql, params, DB);

const checks = erasureChecks({
  url: () => server.url(DB),
  scratchUrl: () => server.url('postgres'),
  backups: () => backups,
  key,
});
const { takeBackup } = checks;
const erasedCheck = async (backupId: string, extra: RawInputs = {}) =>
  (await checks.restoreTest(backupId, extra)).check;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  dir = await mkdtemp(join(tmpdir(), 'dbops-tombstones-timing-'));
  backups = join(dir, 'backups');
  await q(`CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, deleted_at timestamptz);
    INSERT INTO users VALUES (1, 'keep@example.com', NULL), (43, 'gone@example.com', now() - interval '40 days'),
                             (44, 'also@example.com', now() - interval '41 days');`);
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('an erasing transaction that began before a backup and committed after its snapshot: the backup still holds the row', async () => {
  const eraser = new pg.Client({ connectionString: server.url(DB) });
  await eraser.connect();
  let during: string;
  try {
    // As a purge batch: the delete and its tombstone in one transaction, which stays open (its archive uploading).
    await eraser.query('BEGIN');
    await eraser.query('DELETE FROM users WHERE id = 43');
    await recordTombstones(eraser, 'users', ['43'], 'retention-purge:deleted-accounts');
    during = await takeBackup();
    await eraser.query('COMMIT');
    // As the purge does once its batch has committed.
    await completeTombstones(eraser);
  } finally {
    await eraser.end();
  }
  expect(await q('SELECT id FROM users ORDER BY id')).toEqual([{ id: 1 }, { id: 44 }]);
  const [stone] = await q<{ late: boolean }>('SELECT completed_at > erased_at AS late FROM dbops_retention_tombstones');
  expect(stone).toEqual({ late: true });
  expect(await erasedCheck(during, { 'tombstones-from': server.url(DB) })).toEqual({
    name: 'erased rows absent',
    passed: true,
    detail:
      '1 tombstones from tombstones-from replayed; this backup predates erasures and still holds those rows (public.users: 1) until it rotates out',
  });
});

it('a row erased and completed before the backup, then back in it, still fails with tombstones-from', async () => {
  const eraser = new pg.Client({ connectionString: server.url(DB) });
  await eraser.connect();
  try {
    await eraser.query('BEGIN');
    await eraser.query('DELETE FROM users WHERE id = 44');
    await recordTombstones(eraser, 'users', ['44'], 'retention-purge:deleted-accounts');
    await eraser.query('COMMIT');
    await completeTombstones(eraser);
  } finally {
    await eraser.end();
  }
  // Back behind dbops's back (an import), then backed up.
  await q("INSERT INTO users VALUES (44, 'also@example.com', NULL)");
  const back = await takeBackup();
  for (const extra of [{ 'tombstones-from': server.url(DB) }, {}]) {
    const check = await erasedCheck(back, extra);
    expect(check).toMatchObject({ passed: false });
    expect(check!.detail).toContain('rows erased before this backup was taken are in it (public.users: 1)');
  }
});

it('a tombstone table from before completion times gets the column, its tombstones completed when they were written', async () => {
  await server.createDatabase('legacy');
  const legacy = new pg.Client({ connectionString: server.url('legacy') });
  await legacy.connect();
  try {
    await legacy.query(`CREATE TABLE users (id int PRIMARY KEY);
      CREATE TABLE public.dbops_retention_salt (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), salt text NOT NULL);
      INSERT INTO public.dbops_retention_salt (salt) VALUES ('00');
      CREATE TABLE public.dbops_retention_tombstones (table_schema text NOT NULL, table_name text NOT NULL,
        key_sha256 text NOT NULL, erased_at timestamptz NOT NULL DEFAULT now(), erased_by text NOT NULL,
        PRIMARY KEY (table_schema, table_name, key_sha256));
      INSERT INTO public.dbops_retention_tombstones VALUES ('public', 'users', 'aa', '2026-01-02T03:04:05Z', 'subject-erase');`);
    await recordTombstones(legacy, 'users', ['7'], 'subject-erase');
    const { rows } = await legacy.query<{ key_sha256: string; completed: string | null }>(
      `SELECT key_sha256, to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS completed
         FROM dbops_retention_tombstones ORDER BY key_sha256 = 'aa' DESC`,
    );
    expect(rows[0]).toEqual({ key_sha256: 'aa', completed: '2026-01-02T03:04:05Z' });
    // The new one: not completed until its transaction has committed and the purge says so.
    expect(rows[1]).toMatchObject({ completed: null });
  } finally {
    await legacy.end();
  }
});
