// `dbops list --json` reports a backup's stored size over every stored file: for a parallel dump, its toc.dat and
// every part, as the terminal table does (issue 17).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDefinition, MemoryLogger, Secrets, type BackupManifest } from '../../packages/core/src/index.js';
import { runCli } from '../harness/cli.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'dbops-list-parallel-'));
  server = await startPostgres();
  await server.createDatabase('shop');
  await server.query(
    `create table a (id int primary key, body text);
     insert into a select g, repeat(md5(g::text), 4) from generate_series(1, 3000) g;
     create table b (id int primary key, body text);
     insert into b select g, md5(g::text) from generate_series(1, 2000) g;`,
    [],
    'shop',
  );
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('list --json counts all of a parallel backup parts in storedBytes, not only its toc.dat', async () => {
  const to = join(work, 'backups');
  const context = {
    log: new MemoryLogger(),
    secrets: new Secrets(),
    env: process.env,
    signal: new AbortController().signal,
  };
  const report = await backupDefinition.run({ 'database-url': server.url('shop'), to, jobs: '2' }, context);
  const manifest = report.json as BackupManifest;
  expect(manifest.object.format).toBe('pg_dump-directory');
  const partsBytes = manifest.parts!.reduce((sum, part) => sum + part.storedBytes, 0);
  expect(partsBytes).toBeGreaterThan(0);

  const { code, stdout } = await runCli(['list', '--from', to, '--json']);
  expect(code).toBe(0);
  const listed = JSON.parse(stdout) as Array<{ backupId: string; storedBytes: number }>;
  expect(listed).toHaveLength(1);
  expect(listed[0]!.backupId).toBe(manifest.backupId);
  expect(listed[0]!.storedBytes).toBe(manifest.object.storedBytes + partsBytes);
}, 120_000);
