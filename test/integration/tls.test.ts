// TLS to PostgreSQL with libpq's sslmode semantics, for dbops's own sessions and for pg_dump (libpq) alike. The
// server has a certificate for "localhost" from a CA of its own, and refuses the role used here without TLS, so
// a backup that succeeds proves every session of it (Node's and pg_dump's) used TLS.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDefinition, type DbopsError, MemoryLogger, Secrets, type RawInputs } from '@dbops/core';
import { startPostgres, TLS_ONLY_ROLE, type PostgresServer } from '../harness/postgres.js';

const CLI = join(process.cwd(), 'packages', 'cli', 'lib', 'main.js');
let server: PostgresServer;
let otherCa: PostgresServer;
let work: string;
const PASSWORD = 'tls-only-secret';

beforeAll(async () => {
  [server, otherCa] = await Promise.all([startPostgres({ tls: true }), startPostgres({ tls: true })]);
  await server.query(`create role ${TLS_ONLY_ROLE} login password '${PASSWORD}'`);
  await server.createDatabase('shop');
  await server.query(
    `create table public.orders (id int primary key, note text); insert into public.orders select g, md5(g::text) from generate_series(1, 500) g; grant select on public.orders to ${TLS_ONLY_ROLE}`,
    [],
    'shop',
  );
  work = await mkdtemp(join(tmpdir(), 'dbops-tls-'));
});
afterAll(async () => {
  await Promise.all([server?.stop(), otherCa?.stop()]);
  await rm(work, { recursive: true, force: true });
});

/** A backup of shop as the TLS-only role, to `host` with `query` on the URL (and more inputs). */
async function backupOver(host: string, query: string, inputs: RawInputs = {}) {
  const to = await mkdtemp(join(work, 'to-'));
  const url = `postgres://${TLS_ONLY_ROLE}:${PASSWORD}@${host}:${server.port}/shop${query}`;
  const run = backupDefinition.run(
    { 'database-url': url, to, ...inputs },
    { log: new MemoryLogger(), secrets: new Secrets(), env: {}, signal: new AbortController().signal },
  );
  return {
    run,
    files: async () => (await readdir(to, { recursive: true })).filter((f) => f.endsWith('.manifest.json')),
  };
}

test('sslmode=disable is refused by a server that requires TLS: CONNECTION_FAILED naming database-url', async () => {
  const { run, files } = await backupOver('127.0.0.1', '?sslmode=disable', { 'connect-timeout': '2' });
  const error = (await run.catch((e: unknown) => e)) as DbopsError;
  expect(error).toMatchObject({ code: 'CONNECTION_FAILED', input: 'database-url' });
  expect(error.message).toMatch(/no encryption|pg_hba/);
  expect(await files()).toEqual([]);
});

test('sslmode=require encrypts without checking the certificate, and the CLI prints no warning of the pg library', async () => {
  const { run, files } = await backupOver('127.0.0.1', '?sslmode=require');
  await run;
  expect(await files()).toHaveLength(1);
  // pg-connection-string warns that it reads "require" as verify-full; dbops applies libpq's meaning itself.
  const to = await mkdtemp(join(work, 'cli-'));
  const url = `postgres://${TLS_ONLY_ROLE}:${PASSWORD}@127.0.0.1:${server.port}/shop?sslmode=require`;
  const cli = spawnSync(process.execPath, [CLI, 'backup', '--to', to], {
    env: { PATH: process.env.PATH, DATABASE_URL: url },
    encoding: 'utf8',
  });
  expect(cli.status).toBe(0);
  expect(cli.stderr).not.toMatch(/SECURITY WARNING|Warning/);
});

test('verify-full checks the chain and the host name; verify-ca the chain only', async () => {
  const ca = { 'ssl-root-cert': server.tls!.caFile };
  const named = await backupOver('localhost', '?sslmode=verify-full', ca);
  await named.run;
  expect(await named.files()).toHaveLength(1);

  // The certificate is for "localhost", not 127.0.0.1.
  const byAddress = await backupOver('127.0.0.1', '?sslmode=verify-full', { ...ca, 'connect-timeout': '2' });
  expect(await byAddress.run.catch((e: unknown) => e)).toMatchObject({
    code: 'CONNECTION_FAILED',
    message: expect.stringMatching(/127\.0\.0\.1/),
  });
  expect(await byAddress.files()).toEqual([]);

  const chainOnly = await backupOver('127.0.0.1', '?sslmode=verify-ca', { 'ssl-root-cert': server.tls!.caPem }); // PEM text works too
  await chainOnly.run;
  expect(await chainOnly.files()).toHaveLength(1);

  // libpq's own URL parameter for the CA file works as the input does.
  const inUrl = await backupOver(
    'localhost',
    `?sslmode=verify-full&sslrootcert=${encodeURIComponent(server.tls!.caFile)}`,
  );
  await inUrl.run;
  expect(await inUrl.files()).toHaveLength(1);
});

test('a certificate from another CA fails verification: CONNECTION_FAILED, nothing written', async () => {
  const { run, files } = await backupOver('localhost', '?sslmode=verify-full', {
    'ssl-root-cert': otherCa.tls!.caFile,
    'connect-timeout': '2',
  });
  const error = (await run.catch((e: unknown) => e)) as DbopsError;
  expect(error).toMatchObject({ code: 'CONNECTION_FAILED', input: 'database-url' });
  expect(error.message).toMatch(/certificate/i);
  expect(await files()).toEqual([]);
});

test('verify-ca without a CA is refused before connecting, naming ssl-root-cert', async () => {
  const { run } = await backupOver('127.0.0.1', '?sslmode=verify-ca');
  expect(await run.catch((e: unknown) => e)).toMatchObject({ code: 'INVALID_INPUT', input: 'ssl-root-cert' });
});
