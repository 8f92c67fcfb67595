// Backups taken on a hot standby, the usual way to keep a dump's load off the primary. A dump holds one snapshot
// for its whole run; when the primary vacuums rows that snapshot still needs, the standby cancels the dump (unless
// hot_standby_feedback is on). That failure must say so and how to fix it, and leave nothing behind.
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupDefinition,
  DbopsError,
  MemoryLogger,
  openStorage,
  readManifest,
  Secrets,
  type RawInputs,
} from '@dbops/core';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { childPids } from '../harness/processes.js';
import { startStandby, type Standby } from '../harness/standby.js';

let primary: PostgresServer;
let standby: Standby;
let work: string;

beforeAll(async () => {
  primary = await startPostgres();
  // Two tables of ~350 kB: the first one's COPY fits in the socket buffers between the server and a stalled pg_dump,
  // so its session is idle in its transaction, waiting to COPY the second, when the primary vacuums.
  for (const table of ['accounts', 'orders']) {
    await primary.query(
      `create table public.${table} as select g as id, md5(g::text) || md5((g * 7)::text) as note from generate_series(1, 5000) g`,
    );
    await primary.query(`alter table public.${table} add primary key (id)`);
  }
  standby = await startStandby(primary);
  work = await mkdtemp(join(tmpdir(), 'dbops-standby-backup-'));
}, 120_000);

afterAll(async () => {
  await standby?.stop();
  await primary?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const run = (inputs: RawInputs) =>
  backupDefinition.run(
    { 'database-url': standby.url(), ...inputs },
    {
      log: new MemoryLogger(),
      secrets: new Secrets(),
      env: { PATH: process.env.PATH ?? '' },
      signal: new AbortController().signal,
    },
  );

it('backs up from the standby, recorded as the same database as the primary', async () => {
  const to = join(work, 'plain');
  const result = await run({ to });
  const manifest = await readManifest(
    await openStorage(to, { inputName: 'to' }),
    result.outputs.manifest!.slice(to.length + 1),
  );
  expect(manifest.tables.find((t) => t.name === 'orders')?.rows).toBe(5000);
  // Rotation keeps one history per source: a standby's backups belong with its primary's.
  const primaryId = (
    await primary.query<{ id: string }>('select system_identifier::text as id from pg_control_system()')
  )[0]!.id;
  expect(manifest.source.systemIdentifier).toBe(primaryId);
});

it('a dump the standby cancels for a conflict with recovery: DUMP_FAILED naming the cause and the fix, nothing stored', async () => {
  await standby.configure('max_standby_streaming_delay = 0');
  // A pg_dump whose output stalls until `release` exists: the dump surely holds its snapshot when the primary vacuums.
  const bin = join(work, 'stalling-bin');
  const release = join(work, 'release');
  const real = primary.binDir;
  await mkdir(bin);
  for (const tool of ['pg_restore', 'psql']) await symlink(join(real, tool), join(bin, tool));
  await writeFile(
    join(bin, 'pg_dump'),
    `#!/bin/bash
set -o pipefail
if [ "$1" = --version ]; then exec '${real}/pg_dump' "$@"; fi
'${real}/pg_dump' "$@" | { while [ ! -e '${release}' ]; do sleep 0.05; done; exec cat; }
`,
  );
  await chmod(join(bin, 'pg_dump'), 0o755);

  const to = join(work, 'conflict');
  const running = run({ to, 'pg-bin-dir': bin }).then(
    () => undefined,
    (error: unknown) => error,
  );
  try {
    // The first table's COPY is done (into the buffers) and the session waits, in its transaction, for the next one.
    const betweenTables = await eventually(async () => {
      const rows = await standby.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where query like 'COPY public.accounts%' and state = 'idle in transaction'`,
      );
      return rows[0]?.n === 1;
    }, 30_000);
    expect(betweenTables).toBe(true);
    await primary.query('delete from public.orders where id % 2 = 0');
    await primary.query('vacuum public.orders');
    // Replaying the vacuum ends the sessions whose snapshot needs those rows: the dump's and dbops's own.
    await standby.caughtUp();
  } finally {
    await writeFile(release, ''); // never leave the dump stalled, even when the test fails
  }

  const error = (await running) as DbopsError;
  expect(error).toBeInstanceOf(DbopsError);
  expect(error.code).toBe('DUMP_FAILED');
  expect(error.message).toMatch(
    /^The standby cancelled the dump to replay changes from the primary: .*conflict with recovery/,
  );
  expect(error.hint).toMatch(/hot_standby_feedback = on/);
  expect(error.hint).toMatch(/max_standby_streaming_delay/);
  const files = await readdir(to, { recursive: true, withFileTypes: true }).catch(() => []);
  expect(files.filter((entry) => !entry.isDirectory())).toEqual([]);
  expect(childPids(process.pid, 'pg_dump')).toEqual([]);
}, 60_000);
