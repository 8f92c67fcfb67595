import { mkdtemp, readFile, rm, symlink, writeFile, readdir } from 'node:fs/promises';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupDefinition,
  checkFreshnessDefinition,
  DbopsError,
  generateIdentity,
  listBackups,
  listDefinition,
  openStorage,
  MemoryLogger,
  restoreDefinition,
  restoreTestDefinition,
  retentionPurgeDefinition,
  Secrets,
  type ActionReport,
  type RawInputs,
  renderSummary,
} from '@dbops/core';
import { dbopsLockWaits, loadFidelityFixture, startPostgres, type PostgresServer } from '../harness/postgres.js';
import { databaseContents, diffContents } from '../harness/database-snapshot.js';
import { eventually } from '../harness/eventually.js';
import { childPids } from '../harness/processes.js';
import { mountSmallDisk, smallDiskAvailable } from '../harness/small-disk.js';

// A restore must reproduce the database exactly: the fidelity fixture is backed up from one server and
// restore-tested onto another (as a GitHub service container would be), then compared table by table.
let source: PostgresServer;
let target: PostgresServer;
let dir: string;
const key = generateIdentity();

function context(signal = new AbortController().signal) {
  return { log: new MemoryLogger(), secrets: new Secrets(), env: process.env, signal };
}

async function runBackup(extra: RawInputs = {}): Promise<ActionReport> {
  return backupDefinition.run(
    { 'database-url': source.url('fidelity'), to: dir, 'encrypt-to': key.recipient, ...extra },
    context(),
  );
}

async function runRestoreTest(extra: RawInputs = {}, ctx = context()): Promise<ActionReport> {
  return restoreTestDefinition.run(
    { from: dir, 'target-url': target.url('postgres'), 'decrypt-with': key.identity, ...extra },
    ctx,
  );
}

async function scratchDatabases(server: PostgresServer): Promise<string[]> {
  const rows = await server.query<{ datname: string }>(
    "select datname from pg_database where datname like 'dbops_restore_%'",
  );
  return rows.map((r) => r.datname);
}

beforeAll(async () => {
  [source, target] = await Promise.all([startPostgres(), startPostgres()]);
  dir = await mkdtemp(join(tmpdir(), 'dbops-restore-test-'));
  await loadFidelityFixture(source, 'fidelity');
});

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

test('backup → restore-test reproduces the fidelity database exactly', async () => {
  const backup = await runBackup();
  const ctx = context();
  const report = await runRestoreTest({ keep: 'true', 'max-age': '1h', 'max-restore-time': '10m' }, ctx);
  const result = report.json as {
    scratchDatabase: string;
    passed: boolean;
    checks: Array<{ name: string; passed: boolean; detail: string }>;
  };
  expect(report.failure).toBeUndefined();
  expect(result.checks.filter((c) => !c.passed)).toEqual([]);
  expect(report.outputs['backup-id']).toBe(backup.outputs['backup-id']);
  expect(Number(report.outputs['checks-failed'])).toBe(0);
  expect(result.checks.map((c) => c.name)).toEqual(
    expect.arrayContaining([
      'schema fingerprint',
      'row counts (exact)',
      'tables present',
      'freshness (RPO)',
      'restore time (RTO)',
    ]),
  );

  const restored = await databaseContents(target.url(result.scratchDatabase));
  const original = await databaseContents(source.url('fidelity'));
  expect(diffContents(original, restored)).toEqual([]);
  expect(Object.keys(original.tables).length).toBeGreaterThan(10);
  await target.query(`drop database "${result.scratchDatabase}"`);
});

test('the scratch database is dropped after a test unless keep is set', async () => {
  await runBackup();
  const before = await scratchDatabases(target);
  await runRestoreTest();
  expect(await scratchDatabases(target)).toEqual(before);
});

test('user checks, RPO and RTO failures are reported per check and fail the run', async () => {
  const checksFile = join(dir, 'checks.sql');
  await writeFile(
    checksFile,
    [
      '-- name: restored orders exist',
      "select count(*) from pg_class where relname = 'no such table';",
      '-- name: a passing check',
      'select true;',
    ].join('\n'),
  );
  const report = await runRestoreTest({ checks: checksFile, 'max-age': '1s', 'max-restore-time': '0s' }, context());
  const checks = (report.json as { checks: Array<{ name: string; passed: boolean; detail: string }> }).checks;
  const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
  expect(byName['restored orders exist']).toMatchObject({ passed: false, detail: 'returned "0"' });
  expect(byName['a passing check']).toMatchObject({ passed: true });
  expect(byName['restore time (RTO)']!.passed).toBe(false);
  expect(report.failure).toBeInstanceOf(DbopsError);
  expect((report.failure as DbopsError).code).toBe('CHECK_FAILED');
  expect(renderSummary(report.results)).toContain('❌ fail');
  expect(report.outputs['checks-failed']).toBe(String(checks.filter((c) => !c.passed).length));
});

test('cancelled during a long check: CANCELLED, the query ended on the server and the scratch database dropped', async () => {
  await runBackup();
  const checksFile = join(dir, 'slow-check.sql');
  await writeFile(checksFile, '-- name: a check that never ends\nselect pg_sleep(600) is null;\n');
  const sleeping = async () =>
    (
      await target.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep(600)%' and state = 'active'`,
      )
    )[0]!.n;
  const before = await scratchDatabases(target);
  const controller = new AbortController();
  const running = runRestoreTest({ checks: checksFile }, context(controller.signal));
  running.catch(() => undefined);
  expect(await eventually(async () => (await sleeping()) === 1, 60_000)).toBe(true);
  const abortedAt = Date.now();
  controller.abort();
  await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
  // The hint tells what a cancelled restore test left, not what a cancelled backup leaves.
  const { hint } = (await running.catch((e: unknown) => e)) as DbopsError;
  expect(hint).toMatch(/no verification record was written, and the scratch database is dropped/);
  expect(hint).not.toMatch(/upload|complete backup/);
  // Well before the checks' own 60 s statement timeout would have ended the query.
  expect(Date.now() - abortedAt).toBeLessThan(20_000);
  expect(await sleeping()).toBe(0);
  expect(await scratchDatabases(target)).toEqual(before);
});

test('a server that ends idle sessions: the scratch database is still dropped after a restore that outlasts the timeout', async () => {
  await runBackup();
  // The check sleeps 2 s on its own, active session; the session that created the scratch database sits idle meanwhile.
  const checksFile = join(dir, 'slow-enough-check.sql');
  await writeFile(checksFile, '-- name: a check longer than the idle timeout\nselect count(*) from pg_sleep(2);\n');
  const before = await scratchDatabases(target);
  await target.query(`alter role "${target.superuser}" set idle_session_timeout = '1s'`);
  try {
    const ctx = context();
    const report = await runRestoreTest({ checks: checksFile }, ctx);
    expect(report.failure).toBeUndefined();
    expect(ctx.log.lines.filter((l) => /Could not drop/.test(l))).toEqual([]);
  } finally {
    await target.query(`alter role "${target.superuser}" reset idle_session_timeout`);
  }
  expect(await scratchDatabases(target)).toEqual(before);
});

test('a changed row count is caught', async () => {
  // Back up, then restore-test a manifest whose exact counts no longer match what the archive holds.
  const backup = await runBackup();
  const storage = await openStorage(dir, { inputName: 'from' });
  const entry = (await listBackups(storage)).find((e) => e.manifest.backupId === backup.outputs['backup-id'])!;
  const tampered = {
    ...entry.manifest,
    tables: entry.manifest.tables.map((t, i) => (i === 0 && t.rows !== undefined ? { ...t, rows: t.rows + 1 } : t)),
  };
  await writeFile(join(dir, entry.manifestKey), JSON.stringify(tampered));
  const report = await runRestoreTest({ 'backup-id': backup.outputs['backup-id']! });
  const checks = (report.json as { checks: Array<{ name: string; passed: boolean }> }).checks;
  expect(checks.find((c) => c.name === 'row counts (exact)')!.passed).toBe(false);
});

describe('integrity failures stop before anything is restored', () => {
  let objectPath: string;
  let backupId: string;
  let original: Buffer;

  beforeAll(async () => {
    const backup = await runBackup({ name: 'integrity' });
    backupId = backup.outputs['backup-id']!;
    objectPath = backup.outputs.location!;
    original = await readFile(objectPath);
  });
  afterEach(async () => writeFile(objectPath, original));

  async function failure(extra: RawInputs = {}): Promise<DbopsError> {
    const before = await scratchDatabases(target);
    const error = await runRestoreTest({ name: 'integrity', 'backup-id': backupId, ...extra }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DbopsError);
    expect(await scratchDatabases(target)).toEqual(before);
    return error as DbopsError;
  }

  test('a wrong key', async () => {
    const error = await failure({ 'decrypt-with': generateIdentity().identity });
    expect(error.code).toBe('DECRYPTION_FAILED');
    expect(error.message).toMatch(/identit|key/i);
  });

  test('a flipped byte', async () => {
    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
    await writeFile(objectPath, flipped);
    const error = await failure();
    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.message).toMatch(/corrupt|checksum/i);
  });

  test("a flipped byte in an unencrypted backup: INTEGRITY_FAILED with zstd's own error", async () => {
    const plain = await runBackup({ name: 'integrity-plain', 'encrypt-to': '' });
    const path = plain.outputs.location!;
    const bytes = await readFile(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await writeFile(path, bytes);
    const error = await runRestoreTest({ name: 'integrity-plain', 'decrypt-with': '' }).then(
      () => undefined,
      (e: unknown) => e as DbopsError,
    );
    expect(error?.code).toBe('INTEGRITY_FAILED');
    expect(error?.message).toMatch(/corrupt: .* does not match the SHA-256 in its manifest \(reading it: zstd failed/);
  });

  test('a truncated object', async () => {
    await writeFile(objectPath, original.subarray(0, original.length - 1000));
    const error = await failure();
    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.message).toMatch(/truncated/);
  });

  test('a missing manifest', async () => {
    const manifestPath = objectPath.replace(/\.dump\.zst\.age$/, '.manifest.json');
    const manifest = await readFile(manifestPath);
    await rm(manifestPath);
    try {
      const error = await failure();
      expect(error.code).toBe('NO_BACKUP');
      expect(error.message).toMatch(/has no manifest/);
    } finally {
      await writeFile(manifestPath, manifest);
    }
  });

  test('a missing object (its manifest still there): INTEGRITY_FAILED, and no zstd left waiting for it', async () => {
    await rm(objectPath);
    const error = await failure();
    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.message).toMatch(/is missing/);
    expect(error.message).toContain(objectPath);
    // A decompressor started before the read failed would wait for input for ever and keep the process alive.
    expect(childPids(process.pid, 'zstd')).toEqual([]);
  });

  test('no key for an encrypted backup', async () => {
    const error = await failure({ 'decrypt-with': '' });
    expect(error.code).toBe('DECRYPTION_FAILED');
    expect(error.input).toBe('decrypt-with');
  });
});

test('restore-test refuses to restore onto the database the backup came from', async () => {
  await runBackup();
  const error = await restoreTestDefinition
    .run({ from: dir, name: 'fidelity', 'target-url': source.url('fidelity'), 'decrypt-with': key.identity }, context())
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DbopsError);
  expect((error as DbopsError).code).toBe('UNSAFE_TARGET');
  expect((error as DbopsError).input).toBe('target-url');
});

test("a target that refuses the connection: the error names target-url, not the backup's database-url", async () => {
  await runBackup({ name: 'target-errors' });
  const missing = await runRestoreTest({ name: 'target-errors', 'target-url': target.url('no_such_database') }).catch(
    (e: unknown) => e,
  );
  expect(missing).toMatchObject({ code: 'CONNECTION_FAILED', input: 'target-url' });
  expect((missing as DbopsError).hint).toContain('end of target-url');
  const refused = await runRestoreTest({
    name: 'target-errors',
    'target-url': target.url('postgres', target.superuser, 'not-the-password'),
  }).catch((e: unknown) => e);
  expect(refused).toMatchObject({ code: 'CONNECTION_FAILED', input: 'target-url' });
  expect((refused as DbopsError).hint).toMatch(/^Check the user and password in target-url/);
});

test('decrypt-with naming a directory or a missing file: INVALID_INPUT saying which, before anything is fetched', async () => {
  for (const [value, problem] of [
    [dir, 'names a directory, not an identity file'],
    [join(dir, 'no-such-key.txt'), 'names a file that does not exist'],
  ] as const) {
    const error = await runRestoreTest({ 'decrypt-with': value }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      input: 'decrypt-with',
      message: `Input 'decrypt-with' ${problem}: ${value}`,
    });
  }
});

test('no backup at all says so', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'dbops-empty-'));
  const error = await restoreTestDefinition
    .run({ from: empty, 'target-url': target.url('postgres') }, context())
    .catch((e: unknown) => e);
  expect((error as DbopsError).code).toBe('NO_BACKUP');
  await rm(empty, { recursive: true });
});

test('a from directory that does not exist is a mistyped path, not an empty catalog, for every command that reads', async () => {
  const missing = join(dir, 'no-such-directory');
  const runs: Array<[string, () => Promise<unknown>]> = [
    ['restore-test', () => runRestoreTest({ from: missing })],
    ['list', () => listDefinition.run({ from: missing }, context())],
    ['rotate', () => retentionPurgeDefinition.run({ from: missing, 'keep-last': '1' }, context())],
    ['check-freshness', () => checkFreshnessDefinition.run({ from: missing, 'max-age': '26h' }, context())],
  ];
  for (const [command, run] of runs) {
    const error = await run().catch((e: unknown) => e);
    expect([command, error]).toEqual([
      command,
      expect.objectContaining({
        code: 'STORAGE_NOT_FOUND',
        input: 'from',
        message: `Input 'from': the directory ${missing} does not exist`,
      }),
    ]);
  }
  const file = join(dir, 'not-a-directory');
  await writeFile(file, '');
  expect(await listDefinition.run({ from: file }, context()).catch((e: unknown) => e)).toMatchObject({
    code: 'INVALID_INPUT',
    input: 'from',
  });
});

describe('dbops restore (a real recovery)', () => {
  test('restores into an empty database, refuses a non-empty one without clean, and takes a safety backup with clean', async () => {
    await runBackup({ name: 'recovery' });
    await target.createDatabase('recovered');
    const restoreInputs = {
      from: dir,
      name: 'recovery',
      'target-url': target.url('recovered'),
      'decrypt-with': key.identity,
    };

    const first = await restoreDefinition.run(restoreInputs, context());
    expect(first.failure).toBeUndefined();
    expect(first.outputs['safety-backup-id']).toBe('');
    expect(
      diffContents(await databaseContents(source.url('fidelity')), await databaseContents(target.url('recovered'))),
    ).toEqual([]);

    // Someone writes to the restored database; a second restore must not silently overwrite it.
    await target.query('create table public.written_after_restore (x int)', [], 'recovered');
    const refused = await restoreDefinition.run(restoreInputs, context()).catch((e: unknown) => e);
    expect((refused as DbopsError).code).toBe('UNSAFE_TARGET');
    expect((refused as DbopsError).input).toBe('clean');
    expect(
      await target.query("select 1 from pg_class where relname = 'written_after_restore'", [], 'recovered'),
    ).toHaveLength(1);

    const replaced = await restoreDefinition.run({ ...restoreInputs, clean: 'true' }, context());
    expect(replaced.failure).toBeUndefined();
    const safetyId = replaced.outputs['safety-backup-id']!;
    expect(safetyId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    const safety = await listBackups(await openStorage(dir, { inputName: 'from' }), { name: 'pre-restore/recovery' });
    expect(safety.map((e) => e.manifest.backupId)).toEqual([safetyId]);
    expect(safety[0]!.manifest.tables.map((t) => t.name)).toContain('written_after_restore');
    expect(await readdir(join(dir, 'pre-restore', 'recovery'))).toHaveLength(2);
  });
});

test('a restore without a name never picks the safety backup a previous restore took (it is newer than every backup)', async () => {
  const own = await mkdtemp(join(tmpdir(), 'dbops-restore-latest-'));
  try {
    const taken = await backupDefinition.run(
      { 'database-url': source.url('fidelity'), to: own, name: 'app', 'encrypt-to': key.recipient },
      context(),
    );
    await target.createDatabase('latest_target');
    await target.query('create table public.replaced_state (x int)', [], 'latest_target');
    const latest = {
      from: own,
      'target-url': target.url('latest_target'),
      'decrypt-with': key.identity,
      clean: 'true',
    };
    const first = await restoreDefinition.run(latest, context());
    expect(first.outputs['backup-id']).toBe(taken.outputs['backup-id']);
    expect(first.outputs['safety-backup-id']).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    // "Restore the latest backup" again: the newest is now pre-restore/app, the state the first restore replaced.
    const second = await restoreDefinition.run(latest, context());
    expect(second.outputs['backup-id']).toBe(taken.outputs['backup-id']);
    expect(await target.query("select 1 from pg_class where relname = 'replaced_state'", [], 'latest_target')).toEqual(
      [],
    );
    // Asked for, a safety backup is restored like any other (the second restore took one too: name the first's).
    const undo = await restoreDefinition.run(
      { ...latest, name: 'pre-restore/app', 'backup-id': first.outputs['safety-backup-id']! },
      context(),
    );
    expect(undo.outputs['backup-id']).toBe(first.outputs['safety-backup-id']);
    expect(
      await target.query("select 1 from pg_class where relname = 'replaced_state'", [], 'latest_target'),
    ).toHaveLength(1);
  } finally {
    await rm(own, { recursive: true, force: true });
  }
});

describe('dbops restore touches nothing until the backup is fetched and verified, and says what it left', () => {
  test('a wrong key with clean: DECRYPTION_FAILED, no safety backup taken, the target as it was', async () => {
    await runBackup({ name: 'wrong-key-clean' });
    await target.createDatabase('in_use');
    await target.query('create table public.precious (x int); insert into public.precious values (42)', [], 'in_use');
    const failure = await restoreDefinition
      .run(
        {
          from: dir,
          name: 'wrong-key-clean',
          'target-url': target.url('in_use'),
          'decrypt-with': generateIdentity().identity,
          clean: 'true',
        },
        context(),
      )
      .catch((e: unknown) => e);
    expect((failure as DbopsError).code).toBe('DECRYPTION_FAILED');
    expect(await target.query('select x from public.precious', [], 'in_use')).toEqual([{ x: 42 }]);
    expect(
      await listBackups(await openStorage(dir, { inputName: 'from' }), { name: 'pre-restore/wrong-key-clean' }),
    ).toEqual([]);
  });

  test('a safety-backup-to that cannot be written: the error names safety-backup-to, and the target keeps its data', async () => {
    await runBackup({ name: 'bad-safety-to' });
    await target.createDatabase('safety_to_target');
    await target.query(
      'create table public.precious (x int); insert into public.precious values (3)',
      [],
      'safety_to_target',
    );
    const file = join(dir, 'a-regular-file');
    await writeFile(file, 'not a directory');
    const inputs = {
      from: dir,
      name: 'bad-safety-to',
      'target-url': target.url('safety_to_target'),
      'decrypt-with': key.identity,
      clean: 'true',
    };
    const below = await restoreDefinition
      .run({ ...inputs, 'safety-backup-to': join(file, 'backups') }, context())
      .catch((e: unknown) => e);
    expect(below).toMatchObject({ code: 'INVALID_INPUT', input: 'safety-backup-to' });
    expect((below as DbopsError).message).toContain("Input 'safety-backup-to'");
    const malformed = await restoreDefinition
      .run({ ...inputs, 'safety-backup-to': 's3:/bucket' }, context())
      .catch((e: unknown) => e);
    expect(malformed).toMatchObject({ code: 'INVALID_INPUT', input: 'safety-backup-to' });
    expect(await target.query('select x from public.precious', [], 'safety_to_target')).toEqual([{ x: 3 }]);
  });

  test('cancelled while emptying the target waits on a lock: CANCELLED, and the target keeps its data', async () => {
    await runBackup({ name: 'cancel-clean' });
    await target.createDatabase('locked_target');
    await target.query(
      'create table public.precious (x int); insert into public.precious values (7)',
      [],
      'locked_target',
    );
    // An application's open transaction has read the table: dropping it waits for that transaction to end.
    const app = new pg.Client({ connectionString: target.url('locked_target') });
    app.on('error', () => undefined);
    await app.connect();
    try {
      await app.query('begin');
      await app.query('select * from public.precious');
      const controller = new AbortController();
      const running = restoreDefinition.run(
        {
          from: dir,
          name: 'cancel-clean',
          'target-url': target.url('locked_target'),
          'decrypt-with': key.identity,
          clean: 'true',
        },
        context(controller.signal),
      );
      running.catch(() => undefined);
      expect(await eventually(async () => (await dbopsLockWaits(target, 'locked_target')) === 1, 60_000)).toBe(true);
      controller.abort();
      await expect(running).rejects.toMatchObject({ code: 'CANCELLED', message: 'The run was cancelled' });
      // The hint says what a cancelled restore left (the target as it was), not a backup's aborted uploads.
      const { hint } = (await running.catch((e: unknown) => e)) as DbopsError;
      expect(hint).toMatch(/locked_target was not changed/);
      expect(hint).not.toMatch(/upload|complete backup/);
      await app.query('commit'); // the lock goes away: an emptying left waiting would go ahead now
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await target.query('select x from public.precious', [], 'locked_target')).toEqual([{ x: 7 }]);
    } finally {
      await app.end().catch(() => undefined);
    }
  });

  test('pg_restore failing after the target was emptied: the error says so and names the safety backup', async () => {
    await runBackup({ name: 'fails-after-clean' });
    await target.createDatabase('emptied_target');
    await target.query('create table public.old_data (x int)', [], 'emptied_target');
    const bin = await mkdtemp(join(tmpdir(), 'dbops-failing-restore-'));
    try {
      for (const tool of ['pg_dump', 'psql']) await symlink(join(target.binDir, tool), join(bin, tool));
      await writeFile(
        join(bin, 'pg_restore'),
        // Restoring into a database fails; the safety backup's own checks (--list, a read-through) still work.
        `#!/bin/sh\ncase "$1" in --dbname=*)\n` +
          `  echo 'pg_restore: error: could not execute query: ERROR:  role "app_owner" does not exist' >&2; exit 1;;\nesac\n` +
          `exec '${target.binDir}/pg_restore' "$@"\n`,
        { mode: 0o755 },
      );
      const failure = await restoreDefinition
        .run(
          {
            from: dir,
            name: 'fails-after-clean',
            'target-url': target.url('emptied_target'),
            'decrypt-with': key.identity,
            clean: 'true',
            'pg-bin-dir': bin,
          },
          context(),
        )
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DbopsError);
      const error = failure as DbopsError;
      expect(error.code).toBe('RESTORE_FAILED');
      expect(error.message).toMatch(
        /^pg_restore failed: .*role "app_owner" does not exist, after .*emptied_target was emptied: it now holds a partial restore$/,
      );
      const safety = await listBackups(await openStorage(dir, { inputName: 'from' }), {
        name: 'pre-restore/fails-after-clean',
      });
      expect(safety).toHaveLength(1);
      expect(error.hint).toContain(`safety backup ${safety[0]!.manifest.backupId}`);
      expect(error.hint).toMatch(/^See the pg_restore errors/); // pg_restore's own advice stays first
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  test('a server that ends idle sessions: no session of a clean restore sits idle through the safety backup or pg_restore', async () => {
    await runBackup({ name: 'idle-timeout' });
    await target.createDatabase('idle_target');
    await target.query('create table public.old_data (x int)', [], 'idle_target');
    await target.query("alter database idle_target set idle_session_timeout = '1s'");
    const bin = await mkdtemp(join(tmpdir(), 'dbops-slow-tools-'));
    try {
      await symlink(join(target.binDir, 'psql'), join(bin, 'psql'));
      // A large database: its safety backup and its restore each take longer than the timeout.
      for (const tool of ['pg_dump', 'pg_restore']) {
        await writeFile(
          join(bin, tool),
          `#!/bin/sh
case "$1" in --version) ;; *) sleep 2;; esac
exec '${target.binDir}/${tool}' "$@"
`,
          { mode: 0o755 },
        );
      }
      const restored = await restoreDefinition.run(
        {
          from: dir,
          name: 'idle-timeout',
          'target-url': target.url('idle_target'),
          'decrypt-with': key.identity,
          clean: 'true',
          'pg-bin-dir': bin,
        },
        context(),
      );
      expect(restored.failure).toBeUndefined();
      expect(restored.outputs['safety-backup-id']).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
      expect(
        diffContents(await databaseContents(source.url('fidelity')), await databaseContents(target.url('idle_target'))),
      ).toEqual([]);
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});

// A restore writes the uncompressed archive to TMPDIR. A full disk there is the machine's problem, not the
// backup's: it must say so (not "corrupt, choose another backup"), and before the download when it can.
describe('a full TMPDIR', () => {
  let backupId: string;
  let manifestPath: string;
  let manifestText: string;

  beforeAll(async () => {
    const backup = await runBackup({ name: 'disk-full' });
    backupId = backup.outputs['backup-id']!;
    manifestPath = backup.outputs.location!.replace(/\.dump\.zst\.age$/, '.manifest.json');
    manifestText = await readFile(manifestPath, 'utf8');
  });
  afterEach(async () => {
    await writeFile(manifestPath, manifestText);
  });

  /** Restore-tests the backup whose manifest says its archive is `rawBytes`, with TMPDIR at `tempDir`. */
  async function restoreTestWith(rawBytes: number, tempDir: string): Promise<unknown> {
    const manifest = JSON.parse(manifestText) as { object: { rawBytes: number } };
    await writeFile(manifestPath, JSON.stringify({ ...manifest, object: { ...manifest.object, rawBytes } }));
    return runRestoreTest({ name: 'disk-full' }, { ...context(), env: { ...process.env, TMPDIR: tempDir } }).catch(
      (e: unknown) => e,
    );
  }

  test('too little space for the archive: RESTORE_FAILED before the download, naming the sizes and TMPDIR', async () => {
    const tempDir = await mkdtemp(join(tmpdir(), 'dbops-tmp-'));
    try {
      const before = await scratchDatabases(target);
      const failure = await restoreTestWith(2 ** 45, tempDir); // 32 TiB: more than any disk here has free
      expect(failure).toBeInstanceOf(DbopsError);
      expect((failure as DbopsError).code).toBe('RESTORE_FAILED');
      expect((failure as DbopsError).message).toMatch(
        new RegExp(`^Restoring backup ${backupId} needs 32\\.0 TiB for its archive in ${tempDir}, which has .+ free$`),
      );
      expect((failure as DbopsError).hint).toMatch(/nothing is wrong with the backup.*TMPDIR/);
      expect(await readdir(tempDir)).toEqual([]);
      expect(await scratchDatabases(target)).toEqual(before);
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  });

  // A small tmpfs is the disk that fills up; mounting one needs root, or sudo without a password (GitHub's runners).
  (smallDiskAvailable ? test : test.skip)(
    'the disk fills up during the download: RESTORE_FAILED "no space left on device", not a corrupt backup',
    async () => {
      const rawBytes = (JSON.parse(manifestText) as { object: { rawBytes: number } }).object.rawBytes;
      // Half the archive fits: enough to start writing, too little to finish.
      const disk = await mountSmallDisk(rawBytes / 2);
      const small = disk.path;
      try {
        const failure = await restoreTestWith(1, small); // as if another process took the space after the check
        expect((failure as DbopsError).code).toBe('RESTORE_FAILED');
        expect((failure as DbopsError).message).toMatch(
          new RegExp(`^Writing the archive of backup ${backupId} to ${small} failed: .*no space left on device`, 'i'),
        );
        expect(await readdir(small)).toEqual([]);
        expect(childPids(process.pid, 'zstd')).toEqual([]);
      } finally {
        await disk.unmount();
      }
    },
  );
});
