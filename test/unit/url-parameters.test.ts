// A PostgreSQL URL's query parameters are applied or refused, never ignored: a typo such as sslmod=require once
// made a backup connect without TLS and exit 0, where psql refuses the URL.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbopsError, parsePgTarget } from '@dbops/core';
import { runCli } from '../harness/cli.js';

const PASSWORD = 's3cr3t-pw';
const url = (query: string) => `postgres://app:${PASSWORD}@db.internal:5432/shop?${query}`;

function refusal(query: string, input = 'database-url'): DbopsError {
  try {
    parsePgTarget({ url: url(query) }, input);
  } catch (error) {
    return error as DbopsError;
  }
  throw new Error(`?${query} was accepted`);
}

const UNAPPLIED = ['sslmod=require', 'sslmode=require&ssl_mode=verify-full', 'ssl=true', 'target_session_attrs=any'];

test.each(UNAPPLIED)('?%s is refused by name with INVALID_INPUT, listing the parameters dbops accepts', (query) => {
  const unknown = query
    .split('&')
    .map((p) => p.split('=')[0]!)
    .find((name) => name !== 'sslmode')!;
  const error = refusal(query, 'target-url');
  expect(error).toBeInstanceOf(DbopsError);
  expect(error.code).toBe('INVALID_INPUT');
  expect(error.message).toBe(`Input 'target-url' has an unknown parameter '${unknown}'`);
  expect(error.hint).toContain('sslmode, sslrootcert, service, passfile');
});

test.each(['sslcert=client.crt', 'sslidentity=id.p12', 'sslpassword=x', 'sslaccept=strict'])(
  "Prisma's TLS parameter ?%s is refused by name with what to do instead",
  (query) => {
    const name = query.split('=')[0]!;
    const error = refusal(query);
    expect(error.message).toBe(`Input 'database-url' has Prisma's parameter '${name}', which dbops does not apply`);
    expect(error.hint).toMatch(name === 'sslaccept' ? /sslmode=verify-full/ : /client certificates/);
  },
);

test("Prisma's own parameters are kept apart from dbops's session, never applied to it", () => {
  const query = 'schema=app&connection_limit=5&pool_timeout=10&pgbouncer=true&statement_cache_size=0&socket_timeout=5';
  const target = parsePgTarget({ url: url(`sslmode=require&${query}`) });
  expect(target).toMatchObject({ sslMode: 'require', database: 'shop', user: 'app' });
  expect(target.prismaParameters).toEqual(Object.fromEntries(new URLSearchParams(query)));
});

test('?options= (libpq -c settings) is refused clearly, not dropped', () => {
  const error = refusal('options=-c%20search_path%3Dshop');
  expect(error.message).toBe("Input 'database-url' has the parameter 'options', which dbops does not apply");
  expect(error.hint).toContain('ALTER ROLE');
});

test('the parameters dbops applies still work, and those it sets itself are left to it', () => {
  const target = parsePgTarget({ url: url('sslmode=require&application_name=mine&keepalives=0&host=db.other') });
  const expected = { sslMode: 'require', host: 'db.other', user: 'app', password: PASSWORD, database: 'shop' };
  expect(target).toMatchObject(expected);
});

test('no message or hint holds the password, even when it sits in the query or a parameter name', () => {
  const queries = [`password=${PASSWORD}&sslmod=require`, `sslmod=${PASSWORD}`, `${PASSWORD}`, `x%20${PASSWORD}=1`];
  for (const query of queries) {
    const error = refusal(query);
    expect(`${error.message} ${error.hint}`).not.toContain(PASSWORD);
    expect(`${error.message} ${error.hint}`).not.toContain('s3cr3t');
  }
});

test('dbops backup with ?sslmod=require exits before connecting, naming the parameter, not the password', async () => {
  const to = await mkdtemp(join(tmpdir(), 'dbops-url-parameters-'));
  const run = await runCli(['backup', '--database-url', url('sslmod=require'), '--to', to]);
  expect(run.code).not.toBe(0);
  expect(run.stderr).toContain("unknown parameter 'sslmod'");
  expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  expect(await readdir(to)).toEqual([]);
});
