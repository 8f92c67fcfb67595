// `dbops retention-purge --policy` and `dbops retention-verify` from a terminal, on a real PostgreSQL and S3 server:
// the dry run prints the plan and deletes nothing; a real run purges and appends a receipt to a directory, to S3 and
// to dbops_retention_receipts; the next run chains to it; verify passes, then names the receipt a flipped byte
// altered; a purge stopped by an error still leaves its receipt; a tampered chain head stops the next run before it
// deletes; the policy's backups: section is rotated; the password appears nowhere; bad input exits 2 naming it.
// The policy sits in a git checkout: receipts carry its commit, and verify names the last one applied.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { backup, FULL_SCOPE, listBackups, MemoryLogger, openStorage, parsePgTarget, Secrets } from '@dbops/core';
import pg from 'pg';
import { runCli } from '../harness/cli.js';
import { runActionAsGitHub } from '../harness/github-action.js';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startS3Server, type S3Server } from '../harness/s3.js';

const DB = 'app';
// Audit row i (1..200) is i × 3 days old: keep 365d expires i ≥ 122 (79 rows); row 150 is under a legal hold.
const PURGED_FIRST = 78;

const POLICY = `version: 1
defaults: { batch-size: 20 }
holds:
  - table: legal_holds
data:
  - name: audit-logs
    table: audit_log
    by: created_at
    keep: 365d
`;

let server: PostgresServer;
let s3: S3Server;
let dir: string;
let policyPath: string;
let receipts: string;
let s3Env: NodeJS.ProcessEnv;
let policyCommit: string;

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => server.query<T>(sql, params, DB);
const auditRows = async () => (await q<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0]!.n;
const purge = (...args: string[]) =>
  runCli(['retention-purge', '--policy', policyPath, '--database-url', server.url(DB), ...args], s3Env);
const readReceipt = async (sequence: number) =>
  JSON.parse(await readFile(join(receipts, 'retention', `${String(sequence).padStart(8, '0')}.json`), 'utf8'));

function expectNoPassword(...texts: string[]) {
  for (const text of texts) {
    expect(text).not.toContain(server.password);
    expect(text).not.toContain(encodeURIComponent(server.password));
  }
}

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  s3 = await startS3Server();
  await s3.createBucket('receipts');
  s3Env = {
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  };
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-action-'));
  policyPath = join(dir, 'retention.yml');
  receipts = join(dir, 'receipts');
  await writeFile(policyPath, POLICY);
  const git = async (...args: string[]) =>
    (await promisify(execFile)('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]))
      .stdout;
  await git('init', '-q');
  await git('add', 'retention.yml');
  await git('commit', '-q', '-m', 'retention policy');
  policyCommit = (await git('rev-parse', 'HEAD')).trim();
  await q(`CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
    CREATE TABLE audit_log (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text NOT NULL);
    INSERT INTO legal_holds VALUES ('audit_log', '150');
    INSERT INTO audit_log SELECT i, now() - i * interval '3 days', 'note-' || i FROM generate_series(1, 200) i;`);
});

afterAll(async () => {
  await s3?.stop();
  await server?.stop();
});

it('prints the plan in a dry run (the default) and deletes nothing', async () => {
  const { code, stdout, stderr } = await purge();
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain('Data retention plan (dry run: nothing was deleted)');
  expect(stdout).toContain(`${PURGED_FIRST} rows would be purged`);
  // Rule, expired, held, under a minimum, to purge: the plan's own counts.
  expect(stdout).toMatch(new RegExp(`audit-logs.*audit_log.*\\b79\\b.*\\b1\\b.*\\b0\\b.*\\b${PURGED_FIRST}\\b`));
  expect(stdout).toMatch(new RegExp(`Policy commit.*${policyCommit.slice(0, 12)}`));
  expect(await auditRows()).toBe(200);
  expect(await q("SELECT to_regclass('public.dbops_retention_receipts') AS t")).toEqual([{ t: null }]);
  await expect(readdir(receipts)).rejects.toMatchObject({ code: 'ENOENT' });
  expectNoPassword(stdout, stderr);
});

// GitHub fills every action.yml default into the inputs (keep-min-verified: '0', connect-timeout: '10', ...): a
// default is not "given", so it does not collide with policy.
it('runs with policy as GitHub runs the action, every action.yml default filled in', async () => {
  const run = await runActionAsGitHub('retention-purge', { policy: policyPath, 'database-url': server.url(DB) });
  expect(run.commands).toEqual([]);
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({ outcome: 'planned', 'rows-purged': String(PURGED_FIRST), rules: 'audit-logs' });
  expect(await auditRows()).toBe(200);
  expectNoPassword(run.stdout, run.stderr, run.summary);
});

it('purges with dry-run false and appends the first receipt to receipts-to and the receipts table', async () => {
  const { code, stdout, stderr } = await purge('--dry-run', 'false', '--receipts-to', receipts, '--json');
  expect(code).toBe(0);
  expect(await auditRows()).toBe(200 - PURGED_FIRST);
  const remaining = await q<{ id: number }>('SELECT id::int AS id FROM audit_log WHERE id >= 122 ORDER BY id');
  expect(remaining).toEqual([{ id: 150 }]);
  const json = JSON.parse(stdout);
  expect(json.purge).toMatchObject({ outcome: 'complete', rules: [{ rule: 'audit-logs', rows: PURGED_FIRST }] });
  expect(json.purge.rules[0].batches).toBe(4); // 20 + 20 + 20 + 18
  const first = await readReceipt(1);
  expect(first).toMatchObject({
    format: 'dbops.retention-receipt/1',
    policy: 'retention',
    sequence: 1,
    previousSha256: null,
    outcome: 'complete',
    rules: [{ rule: 'audit-logs', table: 'audit_log', rows: PURGED_FIRST, batches: 4, complete: true }],
    policyCommit: { sha: policyCommit, uncommittedChanges: false },
  });
  expect(json.receipt).toEqual({
    location: join(receipts, 'retention', '00000001.json'),
    sequence: 1,
    sha256: first.sha256,
    table: 'public.dbops_retention_receipts',
  });
  const rows = await q('SELECT policy, sequence, sha256, previous_sha256 FROM dbops_retention_receipts');
  expect(rows).toEqual([{ policy: 'retention', sequence: 1, sha256: first.sha256, previous_sha256: null }]);
  const text = await readFile(join(receipts, 'retention', '00000001.json'), 'utf8');
  expectNoPassword(stdout, stderr, text);
  expect(text).not.toMatch(/note-/); // no row data
});

it('chains the next run to the previous receipt, and prints what it purged', async () => {
  await q(`INSERT INTO audit_log SELECT i, now() - interval '400 days', 'note-' || i FROM generate_series(201, 210) i`);
  const { code, stdout } = await purge('--dry-run', 'false', '--receipts-to', receipts);
  expect(code).toBe(0);
  expect(stdout).toContain('Data retention: 10 rows purged in 1 rules (complete)');
  expect(stdout).toContain(join(receipts, 'retention', '00000002.json'));
  const [first, second] = [await readReceipt(1), await readReceipt(2)];
  expect(second).toMatchObject({ sequence: 2, previousSha256: first.sha256, rules: [{ rows: 10 }] });
  expect(second.sha256).not.toBe(first.sha256);
});

it('stores receipts in S3 and verifies that chain', async () => {
  await q(`INSERT INTO audit_log SELECT i, now() - interval '400 days', 'note-' || i FROM generate_series(211, 215) i`);
  const run = await purge('--dry-run', 'false', '--receipts-to', 's3://receipts/prod');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('s3://receipts/prod/retention/00000001.json');
  expectNoPassword(run.stdout, run.stderr);
  const verify = await runCli(['retention-verify', '--receipts', 's3://receipts/prod'], s3Env);
  expect(verify.code).toBe(0);
  expect(verify.stdout).toContain('1 receipts, every link intact');
  expect(verify.stdout).toContain('Last policy applied');
  expect(verify.stdout).toContain(`commit ${policyCommit.slice(0, 12)}, SHA-256`);
  // Both chains are in the table; each keeps its own links.
  expect(await q<{ n: number }>('SELECT count(*)::int AS n FROM dbops_retention_receipts')).toEqual([{ n: 3 }]);
});

it('verifies the local chain, then names the receipt a flipped byte altered and exits 1', async () => {
  const ok = await runCli(['retention-verify', '--receipts', receipts]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('2 receipts, every link intact');
  const file = join(receipts, 'retention', '00000001.json');
  const original = await readFile(file);
  const at = original.indexOf(`"rows": ${PURGED_FIRST}`) + `"rows": `.length;
  const tampered = Buffer.from(original);
  tampered[at] = tampered[at]! ^ 0x01; // '7' → '6': 68 rows
  await writeFile(file, tampered);
  const broken = await runCli(['retention-verify', '--receipts', receipts]);
  expect(broken.code).toBe(1);
  expect(broken.stdout).toContain('the chain is broken');
  expect(broken.stderr).toMatch(/Receipt 1 of 'retention' \(.*00000001\.json\) was altered: its content hashes to/);
  // The second receipt's link is intact; the first broken entry is named, not the last.
  expect(broken.stderr).not.toContain('00000002.json');
  // A receipt removed from the chain is named too: the next one sits where it should be.
  await writeFile(file, original);
  await rm(file);
  const gap = await runCli(['retention-verify', '--receipts', receipts]);
  expect(gap.code).toBe(1);
  expect(gap.stderr).toMatch(
    /Receipt 1 of 'retention' \(.*00000002\.json\) is where receipt 1 should be: a receipt is missing/,
  );
});

it('refuses bad input with exit 2 and a message naming it', async () => {
  const missing = await runCli([
    'retention-purge',
    '--policy',
    join(dir, 'nope.yml'),
    '--database-url',
    server.url(DB),
  ]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/policy.*cannot be read.*nope\.yml/);

  const ghostPath = join(dir, 'ghost.yml');
  await writeFile(
    ghostPath,
    `${POLICY}  - name: ghost-rows\n    table: public.ghosts\n    by: created_at\n    keep: 30d\n`,
  );
  const ghost = await runCli(['retention-purge', '--policy', ghostPath, '--database-url', server.url(DB)]);
  expect(ghost.code).toBe(2);
  expect(ghost.stderr).toContain("line 10: rule 'ghost-rows' field 'table': public.ghosts does not exist");
  expectNoPassword(ghost.stdout, ghost.stderr);

  const both = await runCli([
    'retention-purge',
    '--policy',
    policyPath,
    '--database-url',
    server.url(DB),
    '--keep-daily',
    '7',
  ]);
  expect(both.code).toBe(2);
  expect(both.stderr).toContain("Input 'keep-daily' is given together with policy");

  const noUrl = await runCli(['retention-purge', '--policy', policyPath]);
  expect(noUrl.code).toBe(2);
  expect(noUrl.stderr).toContain("Input 'database-url' is required with policy");

  const noReceipts = await purge('--dry-run', 'false');
  expect(noReceipts.code).toBe(2);
  expect(noReceipts.stderr).toContain("Input 'receipts-to' is required when dry-run is false");
  expect(await auditRows()).toBe(200 - PURGED_FIRST); // nothing of the refused runs was deleted
});

it("rotates the policy's backups: section with the same dry-run, next to the data", async () => {
  const backups = join(dir, 'backups');
  for (const day of ['2026-01-05', '2026-02-05', '2026-03-05'])
    await backup({
      target: parsePgTarget({ url: server.url(DB) }),
      to: backups,
      name: 'app',
      compression: 'gzip',
      compressionLevel: 1,
      recipients: [],
      scope: FULL_SCOPE,
      pgDumpArgs: [],
      exactCountMaxBytes: 1 << 20,
      env: process.env,
      secrets: new Secrets(),
      log: new MemoryLogger(),
      clock: () => new Date(`${day}T02:00:00Z`),
    });
  const path = join(dir, 'with-backups.yml');
  await writeFile(path, `${POLICY}backups:\n  from: ${backups}\n  keep-last: 1\n`);
  const ids = async () =>
    (await listBackups(await openStorage(backups, { inputName: 'from' }))).map((b) => b.manifest.backupId);
  const before = await ids();
  expect(before).toHaveLength(3);
  const args = ['retention-purge', '--policy', path, '--database-url', server.url(DB)];
  const dry = await runCli([...args, '--json'], s3Env);
  expect(dry.code).toBe(0);
  expect(JSON.parse(dry.stdout).rotation.deletedIds).toHaveLength(2);
  expect(await ids()).toEqual(before);
  const real = await runCli([...args, '--dry-run', 'false', '--receipts-to', receipts], s3Env);
  expect(real.code).toBe(0);
  expect(real.stdout).toContain('Rotation of app');
  expect(await ids()).toHaveLength(1);
  expect((await ids())[0]).toBe([...before].sort().at(-1));
});

it('records a purge stopped by an error in its receipt, and a tampered chain head stops the next run before it deletes', async () => {
  const chain = join(dir, 'receipts-failed');
  await q(`INSERT INTO audit_log SELECT i, now() - interval '400 days', 'note-' || i FROM generate_series(216, 240) i;
    CREATE TABLE audit_ref (id int PRIMARY KEY, log_id bigint REFERENCES audit_log);
    INSERT INTO audit_ref VALUES (1, 238);`);
  // Batch 1 (216-235) commits; batch 2 (236-240) meets the foreign key on 238 and is rolled back whole.
  const failed = await purge('--dry-run', 'false', '--receipts-to', chain);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(
    /error \[CHECK_FAILED\]: Rule 'audit-logs' on audit_log: .*audit_ref.*20 rows in 1 committed batches stay deleted/,
  );
  expect(failed.stdout).toContain('Data retention: 20 rows purged in 1 rules (failed)');
  const remaining = async () =>
    (await q<{ id: number }>('SELECT id::int AS id FROM audit_log WHERE id > 200 ORDER BY id')).map((r) => r.id);
  expect(await remaining()).toEqual([236, 237, 238, 239, 240]);
  const file = join(chain, 'retention', '00000001.json');
  const receipt = JSON.parse(await readFile(file, 'utf8'));
  expect(receipt).toMatchObject({ outcome: 'failed', errorCode: 'CHECK_FAILED', rules: [{ rows: 20, batches: 1 }] });
  // The server's message (which may quote keys) is not kept; hashes and the commit are hex that may hold "238".
  expect(JSON.stringify(receipt).replace(/[0-9a-f]{40,64}/g, '')).not.toContain('238');

  await q('DELETE FROM audit_ref');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('"rows": 20', '"rows": 21'));
  const refused = await purge('--dry-run', 'false', '--receipts-to', chain);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/INTEGRITY_FAILED\]: The last receipt .*00000001\.json was altered/);
  expect(await remaining()).toEqual([236, 237, 238, 239, 240]);
});

it('a second run of the same policy while one is at work is refused before it deletes, and appends no link', async () => {
  const chain = join(dir, 'receipts-locked');
  await q(`INSERT INTO audit_log SELECT i, now() - interval '400 days', 'note-' || i FROM generate_series(301, 310) i`);
  const rows = await auditRows();
  const mine = async () => (await q<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE id > 300'))[0]!.n;
  // The other run: a session holding the policy's chain lock, as a purge or a subject erase holds it while it works.
  const other = new pg.Client({ connectionString: server.url(DB) });
  await other.connect();
  try {
    await other.query("SELECT pg_advisory_lock(hashtextextended('dbops receipt chain retention', 0))");
    const refused = await purge('--dry-run', 'false', '--receipts-to', chain);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "error [CONFLICT]: Another run of policy 'retention' (a retention-purge or a subject erase) is at work on this database: nothing was deleted",
    );
    expect(await auditRows()).toBe(rows);
    await expect(readdir(join(chain, 'retention'))).rejects.toThrow();
    // A dry run deletes nothing and appends nothing: it does not wait for the other run.
    expect((await purge()).code).toBe(0);
  } finally {
    await other.end();
  }
  // Once the other run's session has ended, the purge goes on.
  const done = await purge('--dry-run', 'false', '--receipts-to', chain);
  expect(done.code).toBe(0);
  expect(await mine()).toBe(0);
});

it('stores the receipt before it VACUUMs: a VACUUM waiting on a lock never holds back the record of what went', async () => {
  const chain = join(dir, 'receipts-vacuum');
  const path = join(dir, 'vacuum-order.yml');
  await writeFile(
    path,
    POLICY.replace('defaults: { batch-size: 20 }', 'defaults: { batch-size: 20, lock-timeout: 1m }').replace(
      'table: audit_log',
      'table: vacuum_log',
    ),
  );
  await q(`CREATE TABLE vacuum_log (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text NOT NULL);
    INSERT INTO vacuum_log SELECT i, now() - interval '400 days', 'note-' || i FROM generate_series(1, 30) i;`);
  // SHARE UPDATE EXCLUSIVE lets the batches' deletes through but not VACUUM, which waits up to lock-timeout.
  const locker = new pg.Client({ connectionString: server.url(DB) });
  await locker.connect();
  let run: Promise<Awaited<ReturnType<typeof runCli>>> | undefined;
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE vacuum_log IN SHARE UPDATE EXCLUSIVE MODE');
    run = runCli(
      ['retention-purge', '--policy', path, '--database-url', server.url(DB), '--dry-run', 'false'].concat([
        '--receipts-to',
        chain,
        '--json',
      ]),
      s3Env,
    );
    const vacuumWaiting = async () =>
      (
        await q<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE 'VACUUM%vacuum_log%' AND wait_event_type = 'Lock'",
        )
      )[0]!.n === 1;
    expect(await eventually(vacuumWaiting, 30_000)).toBe(true);
    // While VACUUM waits, the rows are gone and the receipt that says so is already stored.
    expect(await q('SELECT count(*)::int AS n FROM vacuum_log')).toEqual([{ n: 0 }]);
    const receipt = JSON.parse(await readFile(join(chain, 'vacuum-order', '00000001.json'), 'utf8'));
    expect(receipt).toMatchObject({ outcome: 'complete', rules: [{ table: 'vacuum_log', rows: 30 }] });
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
  const done = await run!;
  expect(done.code).toBe(0);
  expect(JSON.parse(done.stdout).purge.vacuum).toEqual([
    { table: 'vacuum_log', outcome: 'vacuumed', durationMs: expect.any(Number) },
  ]);
});
