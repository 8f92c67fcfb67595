// Archive before delete on a real PostgreSQL and S3 server: each batch's rows are archived (JSON Lines, zstd, age)
// before its delete commits. The archives, decrypted with the age CLI and zstd -d, hold exactly the deleted rows
// (local directory and S3); the documented load-back command restores them into a copy table; an archive storage
// that fails mid-run (its directory replaced by a file, the S3 server gone) keeps the batch, fails the run clearly and
// loses nothing; a crash between the archive write and the commit (a thrown hook; the connection terminated before
// COMMIT) leaves the rows, and the next run archives and deletes them; the receipt lists only archives of committed
// batches; a run without encryption is refused; no password or passphrase reaches manifests or receipts.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { ArchiveManifest } from '../../packages/core/src/data-retention/archive.js';
import type { DataRetentionPolicy } from '../../packages/core/src/data-retention/policy.js';
import { type PurgeOptions, purgeRetention } from '../../packages/core/src/data-retention/purge.js';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { retentionReceipt } from '../../packages/core/src/data-retention/receipt.js';
import { openStorage } from '../../packages/core/src/storage/index.js';
import { runCli } from '../harness/cli.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';
import { type S3Server, s3Options, startS3Server } from '../harness/s3.js';

const run = promisify(execFile);
const DB = 'app';
const NOW = new Date('2026-06-01T00:00:00Z');
// Row i (1..60) is i × 10 days old: keep 365d expires i ≥ 37 (24 rows), in batches of 10 (3 batches: 10, 10, 4).
const EXPIRED = 24;

let server: PostgresServer;
let s3: S3Server;
let client: pg.Client;
let dir: string;
let identityFile: string;
let recipient: string;

const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => server.query<T>(sql, params, DB);

function policyText(archiveTo: string): string {
  return `version: 1
defaults: { batch-size: 10 }
data:
  - name: audit-logs
    table: audit_log
    by: created_at
    keep: 365d
    archive-to: ${archiveTo}
`;
}

/** A fresh audit_log with typed, awkward values: JSON escapes, newlines, bytea, numeric, nulls. */
async function resetTable(): Promise<void> {
  await q(`DROP TABLE IF EXISTS audit_log, audit_log_copy`);
  await q(
    `CREATE TABLE audit_log (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text, amount numeric(12,2),
      payload jsonb, raw bytea, tags text[])`,
  );
  await q(
    `INSERT INTO audit_log SELECT i, $1::timestamptz - i * interval '10 days',
      CASE WHEN i % 7 = 0 THEN NULL ELSE E'note "' || i || E'"\\nline two \\\\ tab\\t' END,
      i * 1.25, jsonb_build_object('i', i, 'nested', jsonb_build_array(i, 'x')), decode(md5(i::text), 'hex'),
      ARRAY['a' || i, 'b,c']
      FROM generate_series(1, 60) i`,
    [NOW.toISOString()],
  );
}

/** Rows as canonical text, for comparing what was deleted with what an archive holds or a load-back restored. */
async function rowsAsJson(table: string, where = 'true'): Promise<string[]> {
  const rows = await q<{ j: string }>(`SELECT to_jsonb(t)::text AS j FROM ${table} AS t WHERE ${where} ORDER BY id`);
  return rows.map((r) => r.j);
}

async function purge(
  policy: DataRetentionPolicy,
  archiveOpen: (l: string) => ReturnType<typeof openStorage>,
  extra: PurgeOptions = {},
  on: pg.ClientBase = client,
) {
  return purgeRetention(on, policy, {
    now: NOW,
    archive: {
      open: async (location) => {
        const storage = await archiveOpen(location);
        await storage.preflight();
        return storage;
      },
      encryption: { recipients: [recipient] },
    },
    ...extra,
  });
}

/** Decrypts an archive object with the age CLI and decompresses it with zstd -d: its JSON Lines. */
async function openArchive(file: string): Promise<string[]> {
  const { stdout } = await run('sh', ['-c', 'age -d -i "$1" "$2" | zstd -d -q -c', 'sh', identityFile, file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.split('\n').filter((line) => line !== '');
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  s3 = await startS3Server();
  await s3.createBucket('archive');
  client = new pg.Client({ connectionString: server.url(DB) });
  await client.connect();
  dir = await mkdtemp(join(tmpdir(), 'dbops-retention-archive-'));
  identityFile = join(dir, 'key.txt');
  await run('age-keygen', ['-o', identityFile]);
  recipient = (await run('age-keygen', ['-y', identityFile])).stdout.trim();
});

afterAll(async () => {
  await client?.end();
  await s3?.stop();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(resetTable);

it('archives exactly the deleted rows to a directory, with manifests, and the receipt lists them', async () => {
  const archiveDir = join(dir, 'local');
  const expected = await rowsAsJson('audit_log', `created_at < '2025-06-01T00:00:00Z'`);
  expect(expected).toHaveLength(EXPIRED);
  const policy = await parsePolicy(policyText(archiveDir), 'retention.yml');
  const result = await purge(policy, (l) => openStorage(l, { inputName: 'archive-to' }));

  expect(result.outcome).toBe('complete');
  const rule = result.rules[0]!;
  expect(rule.rows).toBe(EXPIRED);
  expect(rule.archives.map((a) => a.rows)).toEqual([10, 10, 4]);
  expect(await q('SELECT 1 FROM audit_log WHERE created_at < $1', ['2025-06-01T00:00:00Z'])).toHaveLength(0);
  expect((await q('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBe(60 - EXPIRED);

  const files = await filesUnder(archiveDir);
  const objects = files.filter((f) => f.endsWith('.jsonl.zst.age'));
  expect(objects).toHaveLength(3);
  expect(files.filter((f) => f.endsWith('.manifest.json'))).toHaveLength(3);
  const archived: string[] = [];
  for (const [i, object] of objects.entries()) {
    const lines = await openArchive(object);
    archived.push(...lines);
    const manifest = JSON.parse(await readFile(`${object}.manifest.json`, 'utf8')) as ArchiveManifest;
    const sha256 = (await run('sha256sum', [object])).stdout.split(' ')[0];
    expect(manifest).toMatchObject({ rule: 'audit-logs', table: 'audit_log', rows: lines.length, sha256 });
    expect(manifest.encryption.method).toBe('age');
    expect(manifest.keyRange.first).toBe(String(JSON.parse(lines[0]!).id));
    expect(manifest.keyRange.last).toBe(String(JSON.parse(lines.at(-1)!).id));
    expect(rule.archives[i]).toMatchObject({ location: object, sha256, rows: lines.length });
  }
  // jsonb text from the archive, re-read through jsonb, equals the deleted rows' jsonb text.
  const normalized = await q<{ j: string }>('SELECT unnest($1::jsonb[])::text AS j', [archived]);
  expect(normalized.map((r) => r.j)).toEqual(expected);

  const receipt = retentionReceipt(result, 'ab'.repeat(32));
  expect(receipt.rules[0]!.archives!.map((a) => [a.location, a.sha256])).toEqual(
    rule.archives.map((a) => [a.location, a.sha256]),
  );

  // The documented load-back (docs/retention.md, "Loading an archive back"), run for real through psql.
  await q('CREATE TABLE audit_log_copy (LIKE audit_log INCLUDING ALL)');
  for (const object of objects) {
    const loadBack = `age -d -i "$KEY" "$ARCHIVE" | zstd -d -q -c | psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q \\
  -c "CREATE TEMP TABLE dbops_archive (line jsonb)" \\
  -c "\\copy dbops_archive FROM pstdin WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" \\
  -c "INSERT INTO audit_log_copy SELECT (jsonb_populate_record(NULL::audit_log_copy, line)).* FROM dbops_archive"`;
    await new Promise<void>((resolve, reject) => {
      const child = spawn('sh', ['-c', loadBack], {
        env: { ...process.env, KEY: identityFile, ARCHIVE: object, DATABASE_URL: server.url(DB) },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load-back exited ${code}`))));
    });
  }
  expect(await rowsAsJson('audit_log_copy')).toEqual(expected);
});

it('archives exactly the deleted rows to S3', async () => {
  const expected = await rowsAsJson('audit_log', `created_at < '2025-06-01T00:00:00Z'`);
  const policy = await parsePolicy(policyText('s3://archive/audit'), 'retention.yml');
  const result = await purge(policy, (l) => openStorage(l, { inputName: 'archive-to', s3: s3Options(s3) }));
  expect(result.outcome).toBe('complete');
  const rule = result.rules[0]!;
  expect(rule.archives).toHaveLength(3);
  // Read the objects through the storage, decrypt and decompress them with the CLIs.
  const storage = await openStorage('s3://archive/audit', { inputName: 'archive-to', s3: s3Options(s3) });
  const archived: string[] = [];
  for (const archive of rule.archives) {
    expect(archive.location).toMatch(/^s3:\/\/archive\/audit\/audit-logs\/.+\.jsonl\.zst\.age$/);
    const key = archive.location.slice('s3://archive/audit/'.length);
    const local = join(dir, `s3-${key.replaceAll('/', '_')}`);
    const body = Buffer.concat(await (await storage.get(key)).toArray());
    await writeFile(local, body);
    expect((await run('sha256sum', [local])).stdout.split(' ')[0]).toBe(archive.sha256);
    archived.push(...(await openArchive(local)));
    const manifest = JSON.parse(
      Buffer.concat(await (await storage.get(`${key}.manifest.json`)).toArray()).toString('utf8'),
    ) as ArchiveManifest;
    expect(manifest.sha256).toBe(archive.sha256);
  }
  const normalized = await q<{ j: string }>('SELECT unnest($1::jsonb[])::text AS j', [archived]);
  expect(normalized.map((r) => r.j)).toEqual(expected);
});

it('keeps the batch when the archive directory goes away mid-run: the run fails clearly, rows intact', async () => {
  // The tests may run as root, for whom a read-only directory is still writable: the rule's folder is moved away
  // and a file put in its place instead, so every later write under it fails (ENOTDIR), as on a lost mount.
  const archiveDir = join(dir, 'gone-local');
  const moved = join(dir, 'gone-local-first-batch');
  const policy = await parsePolicy(policyText(archiveDir), 'retention.yml');
  const result = await purge(policy, (l) => openStorage(l, { inputName: 'archive-to' }), {
    onBatch: async () => {
      await rename(join(archiveDir, 'audit-logs'), moved);
      await writeFile(join(archiveDir, 'audit-logs'), 'not a directory');
    },
  });
  expect(result.outcome).toBe('failed');
  expect(result.error!.message).toContain("Rule 'audit-logs' on audit_log");
  expect(result.error!.message).toContain('10 rows in 1 committed batches stay deleted');
  expect(result.error!.message).toContain('the failed batch was rolled back whole');
  expect(result.error!.message).toContain("Input 'archive-to'");
  expect(result.rules[0]!.rows).toBe(10);
  expect(result.rules[0]!.archives).toHaveLength(1);
  // The second batch's 10 rows and the third's 4 are all still there.
  expect((await q('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBe(60 - 10);
  expect(await filesUnder(moved)).toHaveLength(2); // the first batch's object and manifest only
});

it('keeps the batch when the S3 server goes away mid-run: the run fails clearly, rows intact', async () => {
  const gone = await startS3Server();
  await gone.createBucket('archive');
  try {
    const policy = await parsePolicy(policyText('s3://archive/gone'), 'retention.yml');
    const options = {
      endpoint: gone.endpoint,
      region: gone.region,
      accessKeyId: gone.accessKeyId,
      secretAccessKey: gone.secretAccessKey,
    };
    const result = await purge(policy, (l) => openStorage(l, { inputName: 'archive-to', s3: options }), {
      onBatch: async () => gone.kill(),
    });
    expect(result.outcome).toBe('failed');
    expect(result.error!.message).toContain("Rule 'audit-logs' on audit_log");
    expect(result.error!.message).toContain('the failed batch was rolled back whole');
    expect(result.error!.message).toContain('s3://archive/gone/audit-logs/');
    expect(result.rules[0]!.rows).toBe(10);
    expect(result.rules[0]!.archives).toHaveLength(1);
    expect((await q('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBe(60 - 10);
  } finally {
    await gone.stop().catch(() => undefined);
  }
});

it('loses nothing when the run dies between the archive write and the commit; the next run finishes', async () => {
  const archiveDir = join(dir, 'crash');
  const expected = await rowsAsJson('audit_log', `created_at < '2025-06-01T00:00:00Z'`);
  const policy = await parsePolicy(policyText(archiveDir), 'retention.yml');
  const open = (l: string) => openStorage(l, { inputName: 'archive-to' });
  let archivedBeforeCrash = 0;
  const crashed = await purge(policy, open, {
    afterArchive: () => {
      archivedBeforeCrash++;
      if (archivedBeforeCrash === 2) throw new Error('simulated crash after the archive write');
    },
  });
  expect(crashed.outcome).toBe('failed');
  expect(crashed.rules[0]!.rows).toBe(10);
  // The crashed batch's archive exists, but no receipt names it: it is not among the committed batches' archives.
  expect(crashed.rules[0]!.archives).toHaveLength(1);
  expect((await filesUnder(archiveDir)).filter((f) => f.endsWith('.age'))).toHaveLength(2);
  expect((await q('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBe(60 - 10);

  const next = await purge(policy, open);
  expect(next.outcome).toBe('complete');
  expect(next.rules[0]!.rows).toBe(EXPIRED - 10);
  expect(next.rules[0]!.archives.map((a) => a.rows)).toEqual([10, 4]);
  expect(await q('SELECT 1 FROM audit_log WHERE created_at < $1', ['2025-06-01T00:00:00Z'])).toHaveLength(0);
  // The committed batches' archives of both runs hold every deleted row exactly once.
  const committed = [...crashed.rules[0]!.archives, ...next.rules[0]!.archives].map((a) => a.location);
  const lines: string[] = [];
  for (const object of committed) lines.push(...(await openArchive(object)));
  const normalized = await q<{ j: string }>('SELECT unnest($1::jsonb[])::text AS j ORDER BY 1', [lines]);
  const sorted = await q<{ j: string }>('SELECT unnest($1::text[]) AS j ORDER BY 1', [expected]);
  expect(normalized.map((r) => r.j)).toEqual(sorted.map((r) => r.j));
});

it('loses nothing when the connection dies after the archive write, before COMMIT reaches the server', async () => {
  // Closer to a killed runner than a thrown error: no ROLLBACK is ever sent, the server ends the transaction itself.
  const archiveDir = join(dir, 'killed');
  const policy = await parsePolicy(policyText(archiveDir), 'retention.yml');
  const open = (l: string) => openStorage(l, { inputName: 'archive-to' });
  const doomed = new pg.Client({ connectionString: server.url(DB) });
  await doomed.connect();
  doomed.on('error', () => undefined);
  const pid = (await doomed.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const killed = await purge(
    policy,
    open,
    { afterArchive: async () => void (await q('SELECT pg_terminate_backend($1)', [pid])) },
    doomed,
  );
  await doomed.end().catch(() => undefined);
  expect(killed.outcome).toBe('failed');
  expect(killed.rules[0]!.rows).toBe(0);
  expect(killed.rules[0]!.archives).toEqual([]);
  expect((await filesUnder(archiveDir)).filter((f) => f.endsWith('.age'))).toHaveLength(1);
  expect((await q('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBe(60);

  const next = await purge(policy, open);
  expect(next.outcome).toBe('complete');
  expect(next.rules[0]!.rows).toBe(EXPIRED);
  expect((await q('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBe(60 - EXPIRED);
  // The killed run's object is a duplicate of the next run's first batch; only the next run's are in its result.
  const first = await openArchive((await filesUnder(archiveDir)).filter((f) => f.endsWith('.age'))[0]!);
  expect(await openArchive(next.rules[0]!.archives[0]!.location)).toEqual(first);
});

it('refuses an archiving run without encryption before deleting anything', async () => {
  const policy = await parsePolicy(policyText(join(dir, 'clear')), 'retention.yml');
  const result = await purgeRetention(client, policy, {
    now: NOW,
    archive: { open: (l) => openStorage(l, { inputName: 'archive-to' }) },
  });
  expect(result.outcome).toBe('failed');
  expect(result.error!.message).toContain("Input 'encrypt-to' is required: rule 'audit-logs' archives its rows");
  expect((await q('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBe(60);
});

it('dbops retention-purge archives with a passphrase; neither it nor the password reaches manifests or receipts', async () => {
  const archiveDir = join(dir, 'cli-archive');
  const receipts = join(dir, 'cli-receipts');
  const policyPath = join(dir, 'retention.yml');
  await writeFile(policyPath, policyText(archiveDir));
  const passphrase = 'correct horse battery staple 42';
  const { code, stdout, stderr } = await runCli(
    [
      'retention-purge',
      '--policy',
      policyPath,
      '--database-url',
      server.url(DB),
      '--dry-run',
      'false',
      '--receipts-to',
      receipts,
    ],
    { DBOPS_ENCRYPT_PASSPHRASE: passphrase },
  );
  expect(code).toBe(0);
  expect(stderr).toContain("Rule 'audit-logs': 10 rows archived to");
  expect(stdout).toMatch(/\d+ archive objects \(\d+ rows, encrypted, checksums verified and in the receipt\)/);
  expect((await q('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBeLessThan(60);
  const manifests = (await filesUnder(archiveDir)).filter((f) => f.endsWith('.manifest.json'));
  expect(manifests.length).toBeGreaterThan(0);
  const texts = [
    stdout,
    stderr,
    ...(await Promise.all([...manifests, ...(await filesUnder(receipts))].map((f) => readFile(f, 'utf8')))),
  ];
  for (const text of texts) {
    expect(text).not.toContain(passphrase);
    expect(text).not.toContain(server.password);
    expect(text).not.toContain(encodeURIComponent(server.password));
  }
  const receipt = JSON.parse(texts.at(-1)!);
  expect(receipt.rules[0].archives).toHaveLength(manifests.length);
  expect(JSON.parse(await readFile(manifests[0]!, 'utf8')).encryption).toEqual({ method: 'age', passphrase: true });
  const stored = await q<{ receipt: { rules: { archives: unknown[] }[] } }>(
    'SELECT receipt FROM dbops_retention_receipts',
  );
  expect(stored[0]!.receipt.rules[0]!.archives).toHaveLength(manifests.length);
});
