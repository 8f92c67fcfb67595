// Bad input and faults of the backup action (issue 2, "Bad input and faults"), through backupDefinition.run().
// Every case asserts the DbopsError code, that the message names what is wrong, and that nothing was written:
// no object, no manifest, no partial file, no multipart upload, and no pg_dump process left running.
import {
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  backupDefinition,
  DbopsError,
  MemoryLogger,
  restoreTestDefinition,
  Secrets,
  type ErrorCode,
  type RawInputs,
} from '../../packages/core/src/index.js';
import { eventually } from '../harness/eventually.js';
import { dbopsLockWaits, startPostgres, type PostgresServer } from '../harness/postgres.js';
import { childPids, killQuietly, liveProcesses } from '../harness/processes.js';
import { startS3Server, type S3Server, s3Client } from '../harness/s3.js';
import { mountSmallDisk, smallDiskAvailable } from '../harness/small-disk.js';

const run = promisify(execFile);
const BUCKET = 'dbops-faults';
const SMALL_DB = 'app';
const BIG_DB = 'big';

let small: PostgresServer;
/** A cluster with ~150 MB of incompressible-ish text, so a dump lasts long enough to be interrupted. Crashed last. */
let big: PostgresServer;
let s3: S3Server;
let s3client: S3Client;
let work: string;
let realBinDir: string;
let recipient: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-faults-'));
  [small, big, s3] = await Promise.all([startPostgres(), startPostgres(), startS3Server()]);
  await s3.createBucket(BUCKET);
  s3client = rawClient(s3);
  // The client tools next to the server binaries (Debian: /usr/lib/postgresql/<n>/bin; /usr/bin/pg_dump is only
  // pg_wrapper), else the pg_dump on PATH.
  realBinDir = existsSync(path.join(small.binDir, 'pg_dump'))
    ? small.binDir
    : path.dirname((await run('bash', ['-c', 'command -v pg_dump'])).stdout.trim());
  const keyFile = path.join(work, 'key.txt');
  await run('age-keygen', ['-o', keyFile]);
  recipient = (await run('age-keygen', ['-y', keyFile])).stdout.trim();

  await small.createDatabase(SMALL_DB);
  await small.query(
    `create table public.accounts (id int primary key, owner text, note text);
     insert into public.accounts select g, 'owner ' || g, md5(g::text) || md5((g + 1)::text) from generate_series(1, 3000) g;
     create table public.events (id int, payload text);
     insert into public.events select g, repeat(md5(g::text), 4) from generate_series(1, 2000) g;
     analyze;`,
    [],
    SMALL_DB,
  );

  await big.createDatabase(BIG_DB);
  // ~1M rows of md5 hex (~150 MB dumped, ~75 MB after zstd): several seconds of dump on a 2-core machine.
  await big.query(
    `create table public.blobs (id int, a text, b text, c text, d text);
     insert into public.blobs select g, md5(g::text), md5((g * 2)::text), md5((g * 3)::text), md5((g * 5)::text)
       from generate_series(1, 1000000) g;
     analyze;`,
    [],
    BIG_DB,
  );
}, 180_000);

afterAll(async () => {
  s3client?.destroy();
  await Promise.all([small?.stop(), big?.stop(), s3?.stop()]);
  if (work) {
    await run('chattr', ['-R', '-i', work]).catch(() => undefined);
    await fs.rm(work, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------------------

describe('bad input: a clear error naming the input, and nothing written', () => {
  // Every row has all four entries: jest passes a `done` callback in place of a missing last argument.
  const cases: Array<[string, RawInputs, string, RegExp]> = [
    [
      'a URL that is not a PostgreSQL URL',
      { 'database-url': 'mysql://root:hunter2secret@db:3306/app' },
      'database-url',
      /postgres:\/\//,
    ],
    [
      'a URL with an unencoded / in the password',
      { 'database-url': 'postgres://u:hun/ter2secret@localhost:5432/db' },
      'database-url',
      /percent-encode/,
    ],
    [
      'a URL with an invalid port',
      { 'database-url': 'postgres://u:hunter2secret@localhost:0/db' },
      'database-url',
      /port/,
    ],
    [
      'a URL without a database',
      { 'database-url': 'postgres://u:hunter2secret@localhost:5432/' },
      'database-url',
      /database/,
    ],
    ['a missing URL', { 'database-url': undefined }, 'database-url', /required/],
    ['an unknown compression', { compression: 'lz4' }, 'compression', /lz4/],
    ['a zstd level out of range', { 'compression-level': '25' }, 'compression-level', /1 to 19/],
    ['a level that is not a number', { 'compression-level': 'fast' }, 'compression-level', /'fast'/],
    ['a gzip level out of range', { compression: 'gzip', 'compression-level': '10' }, 'compression-level', /1 to 9/],
    ['a level with compression none', { compression: 'none', 'compression-level': '3' }, 'compression-level', /none/],
    ['a malformed age recipient', { 'encrypt-to': 'age1notarealkey' }, 'encrypt-to', /age recipient/],
    [
      'a second, malformed recipient',
      { 'encrypt-to': 'RECIPIENT, ssh-ed25519 AAAAC3Nza' },
      'encrypt-to',
      /age recipient/,
    ],
    [
      'recipients and a passphrase together',
      { 'encrypt-to': 'RECIPIENT', 'encrypt-passphrase': 'hunter2secret' },
      'encrypt-passphrase',
      /encrypt-to/,
    ],
    [
      'pg-dump-args setting --file',
      { 'pg-dump-args': '--no-owner --file=/tmp/elsewhere.dump' },
      'pg-dump-args',
      /--file/,
    ],
    ['pg-dump-args setting -f', { 'pg-dump-args': '-f /tmp/elsewhere.dump' }, 'pg-dump-args', /-f/],
    ['pg-dump-args setting the format', { 'pg-dump-args': '--format=plain' }, 'pg-dump-args', /--format/],
    ['pg-dump-args setting the host', { 'pg-dump-args': '--host=evil.example.com' }, 'pg-dump-args', /--host/],
    ['an unknown s3-checksum', { to: `s3://${BUCKET}/bad`, 's3-checksum': 'ALWAYS' }, 's3-checksum', /WHEN_REQUIRED/],
    [
      'an s3-endpoint that is not a URL',
      { to: `s3://${BUCKET}/bad`, 's3-endpoint': 'minio:9000' },
      's3-endpoint',
      /http/,
    ],
    ['a bucket name with capitals', { to: 's3://Bad_Bucket/prefix' }, 'to', /bucket/],
    ['an unsupported scheme in to', { to: 'gs://bucket/prefix' }, 'to', /gs:\/\//],
    [
      's3: with one slash (which would be a local folder named "s3:")',
      { to: 's3:/bucket/prefix' },
      'to',
      /two slashes/,
    ],
    [
      'a secret access key without its key id',
      { to: `s3://${BUCKET}/bad`, 's3-secret-access-key': 'hunter2secret' },
      's3-access-key-id',
      /set both/,
    ],
    [
      'an s3-region that is not a region',
      { to: `s3://${BUCKET}/bad`, 's3-region': 'not a region!' },
      's3-region',
      /eu-west-1/,
    ],
    ['a connect-timeout that is not a number', { 'connect-timeout': 'abc' }, 'connect-timeout', /not a whole number/],
    ['a connect-timeout in exponent notation', { 'connect-timeout': '1e1' }, 'connect-timeout', /not a whole number/],
    ['a name longer than a directory name can be', { name: `prod/${'x'.repeat(300)}` }, 'name', /at most 200/],
  ];

  test.each(cases)('%s', async (_label, inputs, input, pattern) => {
    const to = path.join(work, `bad-${randomBytes(4).toString('hex')}`);
    const resolved = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [k, v?.replace('RECIPIENT', recipient)]),
    );
    const error = await expectError(backupRun(small, SMALL_DB, { to, ...resolved }), 'INVALID_INPUT');
    expect(error.message).toContain(`'${input}'`);
    expect(error.input).toBe(input);
    expect(error.hint).toBeTruthy();
    expect(`${error.message} ${error.hint}`).toMatch(pattern);
    expect(error.message).not.toContain('hunter2secret');
    expect(error.message).not.toContain(small.password);
    // Refused before anything was created: not even the directory.
    await expect(fs.stat(to)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await objectsIn(s3client, BUCKET, '')).toEqual([]);
  });

  test('an age secret key given as the recipient is refused, masked, and never echoed', async () => {
    const { stdout } = await run('age-keygen');
    const secretKey = stdout.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
    const to = path.join(work, 'secret-key');
    const secrets = new Secrets();
    const log = new MemoryLogger();
    const error = await expectError(
      backupRun(small, SMALL_DB, { to, 'encrypt-to': secretKey }, { secrets, log }),
      'INVALID_INPUT',
    );
    expect(error.input).toBe('encrypt-to');
    expect(error.message).toContain("'encrypt-to'");
    expect(error.message).toMatch(/secret key/);
    const said = [error.message, error.hint ?? '', ...log.lines].join('\n');
    expect(said).not.toContain(secretKey);
    expect(said).not.toContain(secretKey.toLowerCase());
    expect(said).not.toContain(secretKey.slice('AGE-SECRET-KEY-'.length, 40));
    // Registered as a secret, so the adapters mask it wherever it might still show up.
    expect(secrets.redact(`x ${secretKey} y`)).toBe('x *** y');
    await expect(fs.stat(to)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('a local path below a regular file: INVALID_INPUT naming to, nothing created', async () => {
    const file = path.join(work, 'a-regular-file');
    await fs.writeFile(file, 'not a directory');
    const error = await expectError(backupRun(small, SMALL_DB, { to: path.join(file, 'backups') }), 'INVALID_INPUT');
    expect(error.input).toBe('to');
    expect(error.message).toContain("'to'");
    expect(error.message).toMatch(/not a directory/);
    expect(await fs.readFile(file, 'utf8')).toBe('not a directory');
  });

  test.each([
    ['the directory itself', ''],
    ['a directory to be created inside it', 'nested/backups'],
  ])('an unwritable local path (%s): STORAGE_ACCESS_DENIED naming to, nothing written', async (_label, below) => {
    const locked = await unwritableDirectory();
    const before = await fs.readdir(locked);
    const to = below ? path.join(locked, below) : locked;
    const error = await expectError(backupRun(small, SMALL_DB, { to }), 'STORAGE_ACCESS_DENIED');
    expect(error.input).toBe('to');
    expect(error.message).toContain("'to'");
    expect(error.message).toMatch(/not writable|read-only/);
    expect(error.hint).toMatch(/writ/);
    expect(await fs.readdir(locked)).toEqual(before);
  });

  test('a missing bucket: STORAGE_NOT_FOUND naming to and the bucket, nothing created', async () => {
    const error = await expectError(
      backupRun(small, SMALL_DB, { to: 's3://no-such-bucket/prod', ...s3Inputs(s3) }),
      'STORAGE_NOT_FOUND',
    );
    expect(error.input).toBe('to');
    expect(error.message).toContain("'to'");
    expect(error.message).toContain("'no-such-bucket'");
    expect(error.hint).toMatch(/Create the bucket/);
    const listing = await fetch(`${s3.endpoint}/`).then((r) => r.text());
    expect(listing).not.toContain('no-such-bucket');
    expect(await objectsIn(s3client, BUCKET, '')).toEqual([]);
  });

  test('wrong S3 credentials: STORAGE_ACCESS_DENIED, the secret key never shown, nothing uploaded', async () => {
    // s3rver checks the access key id only (not the signature): an unknown key id is what it refuses.
    const secret = `wrong-secret-${randomBytes(8).toString('hex')}`;
    const log = new MemoryLogger();
    const error = await expectError(
      backupRun(
        small,
        SMALL_DB,
        {
          to: `s3://${BUCKET}/creds`,
          's3-endpoint': s3.endpoint,
          's3-access-key-id': 'NOT-A-KEY',
          's3-secret-access-key': secret,
        },
        { log },
      ),
      'STORAGE_ACCESS_DENIED',
    );
    expect(error.message).toContain("'to'");
    expect(error.message).toMatch(/access denied/i);
    expect(error.hint).toMatch(/AWS_ACCESS_KEY_ID/);
    expect([error.message, error.hint, ...log.lines].join('\n')).not.toContain(secret);
    expect(await objectsIn(s3client, BUCKET, '')).toEqual([]);
    expect(await uploadsIn(s3client, BUCKET, '')).toEqual([]);
  });

  test('a wrong database password: CONNECTION_FAILED naming database-url, the password never shown', async () => {
    const to = path.join(work, 'wrong-password');
    const wrong = `wr@ng:${randomBytes(6).toString('hex')}`;
    const error = await expectError(
      backupRun(small, SMALL_DB, { to, 'database-url': small.url(SMALL_DB, small.superuser, wrong) }),
      'CONNECTION_FAILED',
    );
    expect(error.input).toBe('database-url');
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(encodeURIComponent(wrong));
    expect(await filesUnder(to)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('cancellation before the dump starts', () => {
  // A pg-bin-dir whose tools log their arguments: a cancelled run must not start pg_dump at all (a dump of a large
  // database would otherwise run to its end, for hours, before the cancellation is noticed).
  let logged: string;
  let argvLog: string;
  beforeAll(async () => {
    logged = path.join(work, 'logged-bin');
    argvLog = path.join(work, 'logged-argv.log');
    await fs.mkdir(logged);
    for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
      await fs.writeFile(
        path.join(logged, tool),
        `#!/bin/sh\necho "${tool} $*" >> '${argvLog}'\nexec '${realBinDir}/${tool}' "$@"\n`,
        { mode: 0o755 },
      );
    }
  });
  const dumpsStarted = async () =>
    (await fs.readFile(argvLog, 'utf8').catch(() => '')).split('\n').filter((l) => l.startsWith('pg_dump --format'));

  test('a run whose signal is already aborted: CANCELLED, no dump started, nothing stored', async () => {
    await fs.rm(argvLog, { force: true });
    const to = path.join(work, 'cancel-before');
    const controller = new AbortController();
    controller.abort();
    await expectError(
      backupRun(small, SMALL_DB, { to, 'pg-bin-dir': logged }, { signal: controller.signal }),
      'CANCELLED',
    );
    expect(await dumpsStarted()).toEqual([]);
    expect(await filesUnder(to)).toEqual([]);
    await expectNoDumpLeft(small);
  });

  test('cancelled while waiting to retry a refused connection: CANCELLED (not a connection error), nothing stored', async () => {
    const to = path.join(work, 'cancel-connect');
    // A port nobody listens on: connection refused is transient, so dbops waits and retries.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const controller = new AbortController();
    const log = new MemoryLogger();
    const running = backupDefinition.run(
      { 'database-url': `postgres://postgres:hunter2secret@127.0.0.1:${port}/app`, to },
      { log, secrets: new Secrets(), env: cleanEnv(), signal: controller.signal },
    );
    running.catch(() => undefined);
    let settled = false;
    running.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && !log.lines.some((l) => /retry 1/.test(l)))
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.lines.some((l) => /retry 1/.test(l))).toBe(true);
    controller.abort();
    const error = await expectError(running, 'CANCELLED');
    expect(error.message).not.toContain('hunter2secret');
    expect(await filesUnder(to)).toEqual([]);
  });

  test('cancelled while the table inventory waits on a lock: CANCELLED, no dump started, nothing stored', async () => {
    await fs.rm(argvLog, { force: true });
    const to = path.join(work, 'cancel-inventory');
    // Another session holds an exclusive lock: the backup's inventory (sizes, exact row counts) waits for it.
    const locker = new pg.Client({ connectionString: small.url(SMALL_DB) });
    locker.on('error', () => undefined);
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table public.events in access exclusive mode');
      const controller = new AbortController();
      const running = backupRun(small, SMALL_DB, { to, 'pg-bin-dir': logged }, { signal: controller.signal });
      running.catch(() => undefined);
      expect(await eventually(async () => (await dbopsLockWaits(small)) > 0, 60_000)).toBe(true);
      controller.abort(); // the workflow is cancelled while dbops waits...
      await expectError(running, 'CANCELLED');
      // ...and its query is gone from the server while the lock is still held: it would otherwise wait, then count.
      expect(await eventually(async () => (await dbopsLockWaits(small)) === 0)).toBe(true);
      await locker.query('rollback');
      expect(await dumpsStarted()).toEqual([]);
      expect(await filesUnder(to)).toEqual([]);
      await expectNoDumpLeft(small);
    } finally {
      await locker.end().catch(() => undefined);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('verification: dumps other tools would call a success', () => {
  let fakes: string;
  beforeAll(async () => {
    fakes = path.join(work, 'fake-bin');
    await fakeBinDir('truncated', `"${realBinDir}/pg_dump" "$@" | head -c 20000\nexit 0`);
    // pg_dump reads --version only as its first argument: keep the version probe working.
    await fakeBinDir(
      'schema-only',
      `if [ "$1" = "--version" ]; then exec "${realBinDir}/pg_dump" --version; fi\nexec "${realBinDir}/pg_dump" --schema-only "$@"`,
    );
    const version = `if [ "$1" = "--version" ]; then exec "${realBinDir}/pg_dump" --version; fi`;
    // pg_dump as it dies when the server goes away: its output is cut short and closed a moment before it exits
    // 1, too late for the abort to change how it ended (SIGTERM is ignored here as an exiting process ignores it).
    await fakeBinDir(
      'server-gone',
      `${version}\ntrap '' TERM\n"${realBinDir}/pg_dump" "$@" | head -c 20000\n` +
        `exec 1>&-\nsleep 1\necho 'pg_dump: error: server closed the connection unexpectedly' >&2\nexit 1`,
    );
    // Like the real pg_dump, these exit 1 saying "terminated by user" on SIGTERM (its handler in parallel.c).
    const onTerm = `trap 'kill $! 2>/dev/null; echo "pg_dump: terminated by user" >&2; exit 1' TERM`;
    // Writes bytes that are no archive at all until it is stopped.
    await fakeBinDir(
      'not-an-archive',
      `${version}\n${onTerm}\nwhile :; do head -c 65536 /dev/urandom; done &\nwait $!`,
    );
    // Writes a whole archive, then keeps its output open until it is stopped.
    await fakeBinDir('holds-output', `${version}\n${onTerm}\n"${realBinDir}/pg_dump" "$@"\nsleep 600 &\nwait $!`);
    await fakeBinDir(
      'too-old',
      `echo "$*" >> "${fakes}/too-old/argv.log"\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 12.0"; exit 0; fi\nexec "${realBinDir}/pg_dump" "$@"`,
    );
  });

  async function fakeBinDir(name: string, pgDumpBody: string): Promise<void> {
    const dir = path.join(fakes, name);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'pg_dump'), `#!/bin/sh\n${pgDumpBody}\n`, { mode: 0o755 });
    for (const tool of ['pg_restore', 'psql']) await fs.symlink(path.join(realBinDir, tool), path.join(dir, tool));
  }

  test('the fake pg_dump really truncates (the fixture dump is larger than 20000 bytes)', async () => {
    const { stdout } = await run(
      path.join(realBinDir, 'pg_dump'),
      ['--format=custom', '--compress=0', '-d', SMALL_DB],
      {
        env: {
          ...cleanEnv(),
          PGHOST: small.host,
          PGPORT: String(small.port),
          PGUSER: small.superuser,
          PGPASSWORD: small.password,
        },
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(stdout.length).toBeGreaterThan(100_000);
  });

  test.each([
    ['a truncated dump that exits 0', 'truncated', 'local'],
    ['a truncated dump that exits 0', 'truncated', 's3'],
    ['a schema-only dump of a non-empty database', 'schema-only', 'local'],
    ['a schema-only dump of a non-empty database', 'schema-only', 's3'],
  ])('%s (%s) to %s: VERIFY_FAILED, nothing stored', async (_label, fake, where) => {
    const prefix = `verify-${fake}`;
    const to = where === 'local' ? path.join(work, prefix) : `s3://${BUCKET}/${prefix}`;
    const log = new MemoryLogger();
    const error = await expectError(
      backupRun(
        small,
        SMALL_DB,
        { to, 'pg-bin-dir': path.join(fakes, fake), 'encrypt-to': recipient, ...(where === 's3' ? s3Inputs(s3) : {}) },
        { log },
      ),
      'VERIFY_FAILED',
    );
    expect(error.message).toMatch(
      fake === 'truncated' ? /truncated|could not read|table of contents/i : /no table data.*2 tables/i,
    );
    if (where === 'local') expect(await filesUnder(to)).toEqual([]);
    else {
      expect(await objectsIn(s3client, BUCKET, prefix)).toEqual([]);
      expect(await uploadsIn(s3client, BUCKET, prefix)).toEqual([]);
    }
    await expectNoDumpLeft(small);
  });

  test('pg_dump failing just after its truncated archive ended: DUMP_FAILED names the cause, not the truncation', async () => {
    // The archive readers see the early end first and stop the run; the report must still be pg_dump's own failure.
    const prefix = 'verify-server-gone';
    const error = await expectError(
      backupRun(small, SMALL_DB, {
        to: `s3://${BUCKET}/${prefix}`,
        'pg-bin-dir': path.join(fakes, 'server-gone'),
        'encrypt-to': recipient,
        ...s3Inputs(s3),
      }),
      'DUMP_FAILED',
    );
    expect(error.message).toMatch(/server closed the connection/);
    expect(await objectsIn(s3client, BUCKET, prefix)).toEqual([]);
    expect(await uploadsIn(s3client, BUCKET, prefix)).toEqual([]);
  });

  test('an archive check that fails while pg_dump runs: VERIFY_FAILED, not pg_dump\'s "terminated by user"', async () => {
    const prefix = 'verify-not-an-archive';
    const error = await expectError(
      backupRun(small, SMALL_DB, {
        to: `s3://${BUCKET}/${prefix}`,
        'pg-bin-dir': path.join(fakes, 'not-an-archive'),
        'encrypt-to': recipient,
        ...s3Inputs(s3),
      }),
      'VERIFY_FAILED',
    );
    expect(error.message).not.toMatch(/terminated by user/);
    expect(await objectsIn(s3client, BUCKET, prefix)).toEqual([]);
    expect(await uploadsIn(s3client, BUCKET, prefix)).toEqual([]);
    await expectNoDumpLeft(small);
  });

  test("zstd killed mid-dump: the run fails at once with zstd's error, and stops pg_dump", async () => {
    // The fake pg_dump never ends its output by itself: the run can only end if zstd's death stops it.
    const prefix = 'verify-zstd-killed';
    const zstdKilled = pollUntil(async () => {
      const [zstd] = childPids(process.pid, 'zstd');
      if (zstd === undefined) return false;
      killQuietly(zstd);
      return true;
    }, 20);
    const error = await expectError(
      backupRun(small, SMALL_DB, {
        to: `s3://${BUCKET}/${prefix}`,
        'pg-bin-dir': path.join(fakes, 'holds-output'),
        'encrypt-to': recipient,
        ...s3Inputs(s3),
      }),
      'DUMP_FAILED',
    );
    await zstdKilled.stop();
    expect(error.message).toMatch(/zstd .*SIGKILL/);
    expect(await objectsIn(s3client, BUCKET, prefix)).toEqual([]);
    expect(await uploadsIn(s3client, BUCKET, prefix)).toEqual([]);
    await expectNoDumpLeft(small);
  });

  test('a client older than the server: CLIENT_TOO_OLD before any dump starts', async () => {
    const to = path.join(work, 'too-old');
    const error = await expectError(
      backupRun(small, SMALL_DB, { to, 'pg-bin-dir': path.join(fakes, 'too-old') }),
      'CLIENT_TOO_OLD',
    );
    expect(error.message).toBe(`pg_dump 12 cannot dump a PostgreSQL ${small.majorVersion} server`);
    expect(error.input).toBe('pg-bin-dir');
    expect(error.hint).toContain(`postgresql-client-${small.majorVersion}`);
    expect(error.hint).toContain('pg-bin-dir');
    // pg_dump was asked for its version, and never to dump.
    const calls = (await fs.readFile(path.join(fakes, 'too-old', 'argv.log'), 'utf8')).trim().split('\n');
    expect(calls).toEqual(calls.map(() => '--version'));
    expect(await filesUnder(to)).toEqual([]);
  });

  test('a pg-bin-dir without the client tools: INVALID_INPUT naming pg-bin-dir', async () => {
    const empty = path.join(fakes, 'empty');
    await fs.mkdir(empty, { recursive: true });
    const to = path.join(work, 'no-tools');
    const error = await expectError(backupRun(small, SMALL_DB, { to, 'pg-bin-dir': empty }), 'INVALID_INPUT');
    expect(error.input).toBe('pg-bin-dir');
    expect(error.message).toContain("'pg-bin-dir'");
    expect(await filesUnder(to)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('another client deleting the object as the manifest is written (a rotation that listed it as a leftover)', () => {
  test('VERIFY_FAILED, and no manifest is left describing an object that is gone', async () => {
    const prefix = 'deleted-under-manifest';
    const client = rawClient(s3);
    s3.beforeEach(async ({ method, path: requestPath }) => {
      if (method !== 'PUT' || !requestPath.endsWith('.manifest.json')) return;
      const objectKey = requestPath.slice(`/${BUCKET}/`.length).replace(/\.manifest\.json$/, '.dump.zst.age');
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: objectKey }));
    });
    try {
      const error = await expectError(
        backupRun(small, SMALL_DB, { to: `s3://${BUCKET}/${prefix}`, 'encrypt-to': recipient, ...s3Inputs(s3) }),
        'VERIFY_FAILED',
      );
      expect(error.message).toMatch(/disappeared as its manifest was written/);
    } finally {
      s3.beforeEach(undefined);
    }
    expect(await objectsIn(client, BUCKET, `${prefix}/`)).toEqual([]);
  });
});

describe('the answer to the manifest PUT lost after S3 stored it (a reset connection; the SDK retries)', () => {
  test('the backup succeeds: the retry meets its own manifest, and the manifest and object both remain', async () => {
    const prefix = 'lost-manifest-answer';
    const client = rawClient(s3);
    const from = s3.requests.length;
    s3.loseResponse(({ method, path: requestPath }) => method === 'PUT' && requestPath.endsWith('.manifest.json'));
    let outputs: Record<string, string>;
    try {
      ({ outputs } = await backupRun(small, SMALL_DB, {
        to: `s3://${BUCKET}/${prefix}`,
        'encrypt-to': recipient,
        ...s3Inputs(s3),
      }));
    } finally {
      s3.loseResponse(undefined);
    }
    const manifestPuts = s3.requests.slice(from).filter((r) => r.method === 'PUT' && r.path.endsWith('.manifest.json'));
    expect(manifestPuts).toHaveLength(2); // the one whose answer was lost, and the retry
    const stored = await objectsIn(client, BUCKET, `${prefix}/`);
    expect(stored.filter((key) => key.endsWith('.manifest.json'))).toHaveLength(1);
    expect(stored.filter((key) => key.endsWith('.dump.zst.age'))).toHaveLength(1);
    expect(outputs['backup-id']).toBeTruthy();
  });
});

describe('a failed backup whose manifest cannot be removed', () => {
  test('its object is kept for the manifest, and the error reports both failures', async () => {
    const prefix = 'manifest-undeletable';
    const client = rawClient(s3);
    // The manifest's read-back is refused (the run fails after the manifest is stored), and so is its delete.
    s3.beforeEach(async ({ method, path: requestPath }) => {
      if (!requestPath.endsWith('.manifest.json')) return;
      if (method === 'GET' || method === 'DELETE') return { status: 403, code: 'AccessDenied' };
    });
    let error: DbopsError;
    try {
      error = await expectError(
        backupRun(small, SMALL_DB, { to: `s3://${BUCKET}/${prefix}`, 'encrypt-to': recipient, ...s3Inputs(s3) }),
        'STORAGE_ACCESS_DENIED',
      );
    } finally {
      s3.beforeEach(undefined);
    }
    expect(error.message).toMatch(/access denied while reading .*\.manifest\.json/);
    expect(error.message).toMatch(/manifest s3:\/\/.*\.manifest\.json could not be removed/);
    expect(error.hint).toMatch(/\.dump\.zst\.age was kept/);
    const stored = await objectsIn(client, BUCKET, `${prefix}/`);
    expect(stored.filter((key) => key.endsWith('.manifest.json'))).toHaveLength(1);
    expect(stored.filter((key) => key.endsWith('.dump.zst.age'))).toHaveLength(1);
  });
});

describe('restoring: a download that breaks off', () => {
  test('the connection drops mid-download: STORAGE_FAILED saying so, not a corrupt backup; nothing restored', async () => {
    const prefix = 'restore-broken-download';
    const backup = await backupRun(small, SMALL_DB, {
      to: `s3://${BUCKET}/${prefix}`,
      'encrypt-to': recipient,
      ...s3Inputs(s3),
    });
    const size = Number(backup.outputs.size);
    expect(size).toBeGreaterThan(8192); // larger than the manifest, which must still download whole
    const scratch = () =>
      small.query<{ datname: string }>("select datname from pg_database where datname like 'dbops_restore_%'");
    const before = await scratch();
    s3.cutDownloads(Math.floor(size / 2));
    try {
      const error = await expectError(
        restoreTestDefinition.run(
          {
            from: `s3://${BUCKET}/${prefix}`,
            'target-url': small.url('postgres'),
            'decrypt-with': path.join(work, 'key.txt'),
            ...s3Inputs(s3),
          },
          runContext(),
        ),
        'STORAGE_FAILED',
      );
      expect(error.message).toMatch(/broke off/);
      expect(error.message).toContain(backup.outputs['backup-id']!);
      expect(error.hint).toMatch(/run again/);
    } finally {
      s3.cutDownloads(undefined);
    }
    expect(await scratch()).toEqual(before);
    expect(childPids(process.pid, 'zstd')).toEqual([]);
  });
});

describe('faults in the middle of a run (a ~150 MB dump)', () => {
  test('cancelled through the AbortSignal while writing to a local directory: CANCELLED, no partial file, no pg_dump', async () => {
    const to = path.join(work, 'cancel-local');
    const controller = new AbortController();
    let seenPartial = 0;
    const watcher = pollUntil(async () => {
      const partial = (await filesUnder(to)).filter((f) => /\.partial-/.test(f));
      const size = partial.length === 1 ? ((await fs.stat(partial[0]!).catch(() => undefined))?.size ?? 0) : 0;
      if (size < 4 * 1024 * 1024) return false;
      seenPartial = size;
      controller.abort();
      return true;
    });
    const error = await expectError(backupRun(big, BIG_DB, { to }, { signal: controller.signal }), 'CANCELLED');
    await watcher.stop();
    expect(seenPartial).toBeGreaterThan(0); // the run really was cancelled half way
    expect(error.message).toMatch(/cancel/i);
    expect(await filesUnder(to)).toEqual([]);
    await expectNoDumpLeft(big);
  });

  // A small tmpfs is the disk that fills up; mounting one needs root, or sudo without a password (GitHub's runners).
  (smallDiskAvailable ? test : test.skip)(
    'the local disk fills up mid-dump: STORAGE_FAILED naming to and "no space", no partial file, no pg_dump',
    async () => {
      const disk = await mountSmallDisk(4 * 1024 * 1024);
      try {
        const to = path.join(disk.path, 'backups');
        const error = await expectError(backupRun(big, BIG_DB, { to }), 'STORAGE_FAILED');
        expect(error.input).toBe('to');
        expect(error.message).toMatch(
          new RegExp(
            `^Input 'to' \\(${to}\\): ${to}/${BIG_DB}/\\d{8}T\\d{6}Z-[0-9a-f]{6}\\.dump\\.zst: no space left on the device after \\d\\.\\d MiB of it were written$`,
          ),
        );
        expect(error.hint).toMatch(/Free disk space/);
        expect(await filesUnder(to)).toEqual([]);
        await expectNoDumpLeft(big);
      } finally {
        await disk.unmount();
      }
    },
  );

  test('cancelled mid-write with gzip (Node reads the archive itself): CANCELLED, no partial file, no pg_dump', async () => {
    const to = path.join(work, 'cancel-gzip');
    const controller = new AbortController();
    const watcher = pollUntil(async () => {
      const partial = (await filesUnder(to)).filter((f) => /\.partial-/.test(f));
      if (partial.length !== 1 || ((await fs.stat(partial[0]!).catch(() => undefined))?.size ?? 0) < 1024 * 1024)
        return false;
      controller.abort();
      return true;
    });
    await expectError(backupRun(big, BIG_DB, { to, compression: 'gzip' }, { signal: controller.signal }), 'CANCELLED');
    await watcher.stop();
    expect(await filesUnder(to)).toEqual([]);
    await expectNoDumpLeft(big);
  });

  test('cancelled as pg_dump starts, with gzip (before Node reads the archive): CANCELLED at once, no pg_dump', async () => {
    const to = path.join(work, 'cancel-gzip-early');
    const controller = new AbortController();
    let sawDump = false;
    const watcher = pollUntil(async () => {
      if (!childDumpRunning()) return false;
      sawDump = true;
      controller.abort();
      return true;
    }, 2);
    await expectError(backupRun(big, BIG_DB, { to, compression: 'gzip' }, { signal: controller.signal }), 'CANCELLED');
    await watcher.stop();
    expect(sawDump).toBe(true); // the cancel came while the dump ran, not before it
    expect(await filesUnder(to)).toEqual([]);
    await expectNoDumpLeft(big);
  });

  test('cancelled through the AbortSignal while uploading to S3: CANCELLED, multipart upload aborted, no pg_dump', async () => {
    const prefix = 'cancel-s3';
    const controller = new AbortController();
    let seenUpload = false;
    const watcher = pollUntil(async () => {
      if ((await uploadsIn(s3client, BUCKET, prefix)).length === 0) return false;
      seenUpload = true;
      controller.abort();
      return true;
    });
    const error = await expectError(
      backupRun(
        big,
        BIG_DB,
        { to: `s3://${BUCKET}/${prefix}`, ...s3Inputs(s3), 'encrypt-to': recipient },
        { signal: controller.signal },
      ),
      'CANCELLED',
    );
    await watcher.stop();
    expect(seenUpload).toBe(true);
    expect(error.message).toMatch(/cancel/i);
    expect(await objectsIn(s3client, BUCKET, prefix)).toEqual([]);
    expect(await uploadsIn(s3client, BUCKET, prefix)).toEqual([]);
    await expectNoDumpLeft(big);
  });

  test('the S3 endpoint stopped mid-upload: STORAGE_FAILED naming s3-endpoint, no manifest, no object, no pg_dump', async () => {
    const gone = await startS3Server();
    await gone.createBucket(BUCKET);
    const client = rawClient(gone);
    const prefix = 'endpoint-gone';
    let killed = false;
    const watcher = pollUntil(async () => {
      if ((await uploadsIn(client, BUCKET, prefix)).length === 0) return false;
      await gone.kill();
      killed = true;
      return true;
    });
    let revived: S3Server | undefined;
    let revivedClient: S3Client | undefined;
    try {
      const log = new MemoryLogger();
      const error = await expectError(
        backupRun(big, BIG_DB, { to: `s3://${BUCKET}/${prefix}`, ...s3Inputs(gone) }, { log }),
        'STORAGE_FAILED',
      );
      await watcher.stop();
      expect(killed).toBe(true);
      expect(error.input).toBe('s3-endpoint');
      expect(error.message).toContain(gone.endpoint);
      expect(error.message).toMatch(/could not reach/);
      await expectNoDumpLeft(big);

      // Bring the same data back to look at what the run left.
      revived = await startS3Server({ port: gone.port, directory: gone.directory });
      revivedClient = rawClient(revived);
      expect(await objectsIn(revivedClient, BUCKET, prefix)).toEqual([]);
      // While the endpoint is down nobody can abort the multipart upload, so one may survive until it returns.
      // It must not survive silently: then the error has to say so and how to clean up (a lifecycle rule).
      const uploads = await uploadsIn(revivedClient, BUCKET, prefix);
      const warned =
        /incomplete multipart upload may remain/i.test(error.hint ?? '') &&
        /AbortIncompleteMultipartUpload/.test(error.hint ?? '');
      expect({ leftoverUploads: uploads.length, warned }).toEqual({
        leftoverUploads: uploads.length,
        warned: uploads.length > 0 || warned,
      });
    } finally {
      await watcher.stop();
      client.destroy();
      revivedClient?.destroy();
      await (revived ?? gone).stop();
    }
  });

  // Last: it kills the big cluster.
  test('the PostgreSQL server crashed mid-dump: DUMP_FAILED, no manifest, no object, upload aborted, no pg_dump', async () => {
    const prefix = 'crash';
    let crashedDuringCopy = false;
    const watcher = pollUntil(async () => {
      const active = await big
        .query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where application_name = 'dbops' and state = 'active' and query ilike 'copy %'`,
        )
        .catch(() => [{ n: '0' }]);
      if (Number(active[0]!.n) === 0) return false;
      await big.crash();
      crashedDuringCopy = true;
      return true;
    }, 20);
    const error = await expectError(
      backupRun(big, BIG_DB, { to: `s3://${BUCKET}/${prefix}`, ...s3Inputs(s3), 'encrypt-to': recipient }),
      'DUMP_FAILED',
    );
    await watcher.stop();
    expect(crashedDuringCopy).toBe(true);
    expect(error.message).toMatch(/server closed the connection|connection .* lost|terminating connection/i);
    expect(error.hint).toMatch(/nothing was recorded/i);
    expect(await objectsIn(s3client, BUCKET, prefix)).toEqual([]);
    expect(await uploadsIn(s3client, BUCKET, prefix)).toEqual([]);
    await expectNoDumpLeft(big);
  });
});

// ---------------------------------------------------------------------------------------------------------

function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PG|AWS_|DATABASE_URL|DBOPS_)/.test(k)));
}

function backupRun(
  server: PostgresServer,
  database: string,
  inputs: RawInputs,
  options: { signal?: AbortSignal; secrets?: Secrets; log?: MemoryLogger } = {},
) {
  return backupDefinition.run({ 'database-url': server.url(database), ...inputs }, runContext(options));
}

function runContext(options: { signal?: AbortSignal; secrets?: Secrets; log?: MemoryLogger } = {}) {
  return {
    log: options.log ?? new MemoryLogger(),
    secrets: options.secrets ?? new Secrets(),
    env: cleanEnv(),
    signal: options.signal ?? new AbortController().signal,
  };
}

function s3Inputs(server: S3Server): RawInputs {
  return {
    's3-endpoint': server.endpoint,
    's3-access-key-id': server.accessKeyId,
    's3-secret-access-key': server.secretAccessKey,
  };
}

function rawClient(server: S3Server): S3Client {
  return s3Client(server, { maxAttempts: 1 });
}

async function objectsIn(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const { Contents = [] } = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return Contents.map((o) => o.Key ?? '');
}

async function uploadsIn(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const { Uploads = [] } = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  return Uploads.map((u) => u.Key ?? '');
}

async function expectError(promise: Promise<unknown>, code: ErrorCode): Promise<DbopsError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof DbopsError))
    throw new Error(
      `expected a DbopsError ${code}, got ${caught === undefined ? 'success' : String((caught as Error)?.stack ?? caught)}`,
    );
  if (caught.code !== code) throw new Error(`expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * A directory this process cannot write into. Root ignores permission bits, so as root it is an immutable
 * directory (chattr +i), or, where the container lacks CAP_LINUX_IMMUTABLE, /sys (read-only or refusing files).
 */
async function unwritableDirectory(): Promise<string> {
  const directory = path.join(work, `locked-${randomBytes(3).toString('hex')}`);
  await fs.mkdir(directory);
  if (process.getuid?.() !== 0) {
    await fs.chmod(directory, 0o555);
    return directory;
  }
  try {
    await run('chattr', ['+i', directory]);
    return directory;
  } catch {
    return '/sys';
  }
}

/**
 * pg_dump processes talking to this server (their environment carries PGPORT; the password never is in argv),
 * and pg_restore / zstd children of this process. Waits a little for processes that are already exiting.
 */
async function expectNoDumpLeft(server: PostgresServer): Promise<void> {
  const find = () =>
    liveProcesses().flatMap(({ pid, name: comm, ppid }) => {
      const found: string[] = [];
      try {
        if (
          comm === 'pg_dump' &&
          readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`PGPORT=${server.port}`)
        )
          found.push(`pg_dump ${pid}`);
      } catch {
        // exited while we looked
      }
      if (['pg_restore', 'zstd', 'pg_dump'].includes(comm) && ppid === process.pid) found.push(`${comm} ${pid}`);
      return found;
    });
  const deadline = Date.now() + 10_000;
  let left = find();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = find();
  }
  expect(left).toEqual([]);
}

/**
 * Whether a pg_dump started by this process is dumping. Every run first probes `pg_dump --version` (a child named
 * pg_dump too, for a few ms): a poll that caught the probe would cancel before the dump, not as it starts.
 */
function childDumpRunning(): boolean {
  return childPids(process.pid, 'pg_dump').some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').includes('--format=custom');
    } catch {
      return false; // exited while we looked
    }
  });
}

/** Runs check every intervalMs until it returns true; stop() ends the loop and waits for a check in flight. */
function pollUntil(check: () => Promise<boolean>, intervalMs = 50): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        if (await check()) return;
      } catch {
        // a failed look (e.g. a listing racing a delete) is retried
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
