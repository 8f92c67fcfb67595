import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { backupDefinition, generateIdentity, MemoryLogger, Secrets } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

// The manifest a real backup writes must validate against the documented schema (docs/manifest.schema.json).
const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv2020 = require('ajv/dist/2020').default as new (options: object) => { compile(schema: object): Validator };
const addFormats = require('ajv-formats').default as (ajv: object) => void;

let server: PostgresServer;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'dbops-manifest-'));
  await server.query(
    "create table public.items (id int primary key, label text); insert into items select g, 'item ' || g from generate_series(1, 500) g",
  );
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

test.each([
  ['age recipients', { 'encrypt-to': generateIdentity().recipient }],
  ['a passphrase', { 'encrypt-passphrase': 'correct horse battery staple' }],
  ['no encryption', {}],
])('a manifest with %s validates against docs/manifest.schema.json', async (_label, extra) => {
  const env = { ...process.env, GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '42', GITHUB_SHA: 'abc123' };
  const report = await backupDefinition.run(
    { 'database-url': server.url(), to: dir, ...extra },
    {
      log: new MemoryLogger(),
      secrets: new Secrets(),
      env,
      signal: new AbortController().signal,
      github: { repository: 'acme/shop', runId: '42' },
    },
  );
  const manifest = JSON.parse(await readFile(report.outputs.manifest!, 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(await readFile('docs/manifest.schema.json', 'utf8')));
  expect(validate(manifest) ? [] : validate.errors).toEqual([]);
  expect(manifest.tables).toEqual([
    { schema: 'public', name: 'items', rows: 500, rowEstimate: expect.any(Number), bytes: expect.any(Number) },
  ]);
  expect(manifest.github).toMatchObject({ repository: 'acme/shop', runId: '42' });
  expect(JSON.stringify(manifest)).not.toContain('correct horse');
});
