// libpq's own files, end to end: a password file (PGPASSFILE, ~/.pgpass) and connection services (?service= in the
// URL, PGSERVICE; PGSERVICEFILE, ~/.pg_service.conf) work for dbops's own session and for pg_dump / pg_restore
// alike, as libpq users expect, and the password in them shows nowhere. Through the compiled CLI as a child
// process, so the environment is the real one, against a real server and a role that needs its password.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const CLI = resolve(fileURLToPath(import.meta.url), '..', '..', '..', 'packages', 'cli', 'lib', 'main.js');
const ROLE = 'app_ops';
// Every character that needs escaping somewhere: ':' and '\' in a password file, '@', '#', '/' and '%' in a URL.
const PASSWORD = 'Pw7:back\\slash@#/%x';

let server: PostgresServer;
let work: string;

beforeAll(async () => {
  server = await startPostgres();
  await server.query(`create role ${ROLE} login superuser password '${PASSWORD.replace(/'/g, "''")}'`);
  await server.createDatabase('shop');
  await server.query('create table public.orders as select g as id from generate_series(1, 100) g', [], 'shop');
  work = await mkdtemp(join(tmpdir(), 'dbops-libpq-files-'));
});

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A line of a password file: ':' and '\' escaped. */
function passfileLine(host: string, port: string, database: string, user: string, password: string): string {
  const escapeValue = (text: string) => text.replace(/[\\:]/g, (c) => `\\${c}`);
  return [host, port, database, user, password].map((field) => (field === '*' ? field : escapeValue(field))).join(':');
}

async function privateFile(path: string, text: string, mode = 0o600): Promise<string> {
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

function dbops(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Nothing of the test's own environment that libpq or dbops would read: each run gets exactly what it is given.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(PG|DATABASE_URL|DBOPS_|HOME$|NODE_OPTIONS)/.test(k)),
  );
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: work,
      env: { ...base, HOME: join(work, 'empty-home'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function expectNoPassword(...texts: string[]): void {
  for (const text of texts) {
    for (const form of [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(PASSWORD).toString('base64'), 'Pw7'])
      expect(text).not.toContain(form);
  }
}

/** Backs up shop, then restore-tests that backup: both must connect with what the files say. */
async function backupAndRestoreTest(
  name: string,
  backupArgs: string[],
  restoreArgs: string[],
  env: Record<string, string>,
) {
  const to = join(work, name);
  const backup = await dbops(['backup', '--to', to, '--compression', 'gzip', ...backupArgs], env);
  expect({ code: backup.code, stderr: backup.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('pg_dump') });
  expect(await readdir(join(to, 'shop'))).toHaveLength(2);
  const test = await dbops(['restore-test', '--from', to, ...restoreArgs], env);
  expect({ code: test.code, stderr: test.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  expect(test.stdout).toMatch(/all checks passed/);
  expect(test.stdout).toMatch(/row counts.*pass.*1 tables? match/);
  expectNoPassword(backup.stdout, backup.stderr, test.stdout, test.stderr);
}

const url = (database: string) => `postgres://${ROLE}@${server.host}:${server.port}/${database}`;

test('PGPASSFILE: a URL without a password works for backup and restore-test (pg_dump and pg_restore included)', async () => {
  const passfile = await privateFile(
    join(work, 'pgpass'),
    `# dbops test\n${passfileLine('otherhost', '*', '*', ROLE, 'wrong')}\n${passfileLine(server.host, String(server.port), '*', ROLE, PASSWORD)}\n`,
  );
  await backupAndRestoreTest('passfile', [], ['--target-url', url('postgres')], {
    DATABASE_URL: url('shop'),
    PGPASSFILE: passfile,
  });
});

test('~/.pgpass, the default password file', async () => {
  const home = join(work, 'home');
  await mkdir(home);
  await privateFile(join(home, '.pgpass'), `${passfileLine('*', '*', '*', ROLE, PASSWORD)}\n`);
  await backupAndRestoreTest('home-pgpass', [], ['--target-url', url('postgres')], {
    DATABASE_URL: url('shop'),
    HOME: home,
  });
});

test('a service file through ?service= in the URL (PGSERVICEFILE), for the source and the target alike', async () => {
  const services = await privateFile(
    join(work, 'services.conf'),
    [
      '# connection services',
      '[shop]',
      `host=${server.host}`,
      `port=${server.port}`,
      'dbname=shop',
      `user=${ROLE}`,
      `password=${PASSWORD}`,
      'application_name=ignored',
      '',
      '[scratch]',
      `host = ${server.host}`,
      `port = ${server.port}`,
      'dbname = postgres',
      `user = ${ROLE}`,
      `password = ${PASSWORD}`,
      '',
    ].join('\n'),
  );
  await backupAndRestoreTest('service-url', [], ['--target-url', 'postgres:///?service=scratch'], {
    DATABASE_URL: 'postgres:///?service=shop',
    PGSERVICEFILE: services,
  });
});

test('PGSERVICE with ~/.pg_service.conf, no URL at all; a service without a password takes it from the password file', async () => {
  const home = join(work, 'service-home');
  await mkdir(home);
  await privateFile(
    join(home, '.pg_service.conf'),
    `[shop]\nhost=${server.host}\nport=${server.port}\ndbname=shop\nuser=${ROLE}\n`,
  );
  const passfile = await privateFile(
    join(work, 'pgpass-for-service'),
    `${passfileLine(server.host, String(server.port), '*', ROLE, PASSWORD)}\n`,
  );
  // The target is the same service with another database: the dbname input overrides the service's.
  await backupAndRestoreTest('pgservice', [], ['--dbname', 'postgres'], {
    PGSERVICE: 'shop',
    HOME: home,
    PGPASSFILE: passfile,
  });
});

test('mistakes are named: a service that does not exist, a parameter dbops does not apply, a password file others can read', async () => {
  const services = await privateFile(
    join(work, 'bad-services.conf'),
    `[shop]\nhost=${server.host}\nsslcert=/tmp/client.crt\n`,
  );
  const missing = await dbops(['backup', '--to', join(work, 'bad')], {
    DATABASE_URL: 'postgres:///?service=nope',
    PGSERVICEFILE: services,
  });
  expect(missing.stderr).toMatch(
    /error \[INVALID_INPUT\]: Connection service 'nope' \(the service parameter of database-url\) is not defined in .*bad-services\.conf/,
  );
  expect(missing.code).toBe(2);
  const unsupported = await dbops(['backup', '--to', join(work, 'bad')], {
    PGSERVICE: 'shop',
    PGSERVICEFILE: services,
  });
  expect(unsupported.stderr).toMatch(
    /error \[INVALID_INPUT\]: Connection service 'shop' \(PGSERVICE\): .*bad-services\.conf, line 3 sets sslcert, which dbops does not support/,
  );
  expect(unsupported.code).toBe(2);

  const shared = await privateFile(
    join(work, 'shared-pgpass'),
    `${passfileLine('*', '*', '*', ROLE, PASSWORD)}\n`,
    0o644,
  );
  const ignored = await dbops(['backup', '--to', join(work, 'bad')], { DATABASE_URL: url('shop'), PGPASSFILE: shared });
  expect(ignored.stderr).toMatch(
    /error \[INVALID_INPUT\]: The password file .*shared-pgpass has group or world access/,
  );
  expect(ignored.stderr).toMatch(/chmod 600/);
  expect(ignored.code).toBe(2);
  expectNoPassword(missing.stderr, unsupported.stderr, ignored.stderr, ignored.stdout);
  expect(await readdir(join(work, 'bad')).catch(() => [])).toEqual([]);
});
