// The DATABASE_URL of a Prisma project works for dbops: `prisma init` writes ?schema=public and Prisma URLs carry
// pool settings (connection_limit, pgbouncer...), once refused as unknown parameters. Prisma's TLS parameters that
// dbops cannot honour alike are refused naming the form that does, and a typo is still refused.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDefinition, type DbopsError, MemoryLogger, Secrets } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
let work: string;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('shop');
  await server.query(
    'create table public.orders (id int primary key); insert into public.orders values (1)',
    [],
    'shop',
  );
  work = await mkdtemp(join(tmpdir(), 'dbops-prisma-url-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

async function backup(query: string) {
  const to = await mkdtemp(join(work, 'to-'));
  const run = backupDefinition.run(
    { 'database-url': `${server.url('shop')}?${query}`, to },
    { log: new MemoryLogger(), secrets: new Secrets(), env: {}, signal: new AbortController().signal },
  );
  return {
    run,
    manifests: async () => (await readdir(to, { recursive: true })).filter((f) => f.endsWith('.manifest.json')),
  };
}

test('a Prisma URL (?schema=public&connection_limit=5&pool_timeout=10&pgbouncer=true) backs up', async () => {
  const { run, manifests } = await backup('schema=public&connection_limit=5&pool_timeout=10&pgbouncer=true');
  await run;
  expect(await manifests()).toHaveLength(1);
});

test("Prisma's sslaccept=strict is refused naming it and the libpq form that verifies the certificate", async () => {
  const { run, manifests } = await backup('schema=public&sslaccept=strict');
  const error = (await run.catch((e: unknown) => e)) as DbopsError;
  expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'database-url' });
  expect(error.message).toContain("'sslaccept'");
  expect(error.hint).toContain('sslmode=verify-full');
  expect(await manifests()).toEqual([]);
});

test('a typo (?sslmod=require) is still refused, not connected without TLS', async () => {
  const { run, manifests } = await backup('schema=public&sslmod=require');
  const error = (await run.catch((e: unknown) => e)) as DbopsError;
  expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'database-url' });
  expect(error.message).toContain("unknown parameter 'sslmod'");
  expect(await manifests()).toEqual([]);
});
