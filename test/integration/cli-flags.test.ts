// The compiled `dbops` (packages/cli/lib/main.js) run as a process, as a terminal runs it: how its flags are read
// before any operation sees them. A repeated list flag keeps every value, a repeated single-value flag is refused,
// and a mistyped flag is named without echoing the value typed after its '='.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cleanEnv, spawnNode } from '../harness/github-action.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'packages', 'cli', 'lib', 'main.js');
const DB = 'flags';

let server: PostgresServer;
let work: string;

beforeAll(async () => {
  // The test runs the compiled CLI: compile it first, so it never runs stale JavaScript.
  const compiling = run(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/cli'],
    {
      cwd: ROOT,
    },
  );
  [server, work] = await Promise.all([startPostgres(), mkdtemp(join(tmpdir(), 'dbops-cli-flags-'))]);
  await server.createDatabase(DB);
  await server.query(
    'create table items (id int primary key); insert into items select generate_series(1, 10)',
    [],
    DB,
  );
  await compiling;
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function dbops(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnNode(CLI, args, work, { ...cleanEnv(), PATH: `${server.binDir}:${process.env.PATH}`, ...env });
}

async function ageKey(name: string): Promise<{ file: string; recipient: string }> {
  const file = join(work, `${name}.key`);
  await run('age-keygen', ['-o', file]);
  return { file, recipient: (await run('age-keygen', ['-y', file])).stdout.trim() };
}

test('--encrypt-to given twice encrypts to both recipients: each identity decrypts the backup', async () => {
  const [a, b] = await Promise.all([ageKey('a'), ageKey('b')]);
  const to = join(work, 'backups');
  const backup = await dbops(['backup', '--to', to, '--encrypt-to', a.recipient, '--encrypt-to', b.recipient], {
    DATABASE_URL: server.url(DB),
  });
  expect({ code: backup.code, stderr: backup.code === 0 ? '' : backup.stderr }).toEqual({ code: 0, stderr: '' });
  const manifestFile = (await readdir(join(to, DB))).find((f) => f.endsWith('.manifest.json'))!;
  const manifest = JSON.parse(await readFile(join(to, DB, manifestFile), 'utf8'));
  const object = join(to, manifest.object.key);
  // With plain age, as a user without dbops would (the backup is a standard age file).
  for (const key of [a, b]) {
    const decrypted = join(work, `decrypted-${key === a ? 'a' : 'b'}.zst`);
    await run('age', ['--decrypt', '--identity', key.file, '--output', decrypted, object]);
    const dump = (await run('sh', ['-c', `zstd -dc '${decrypted}' | head -c 5`])).stdout;
    expect(dump).toBe('PGDMP');
  }
});

test('--tables given twice backs up both tables', async () => {
  await server.query('create table a (id int); create table b (id int); create table c (id int)', [], DB);
  const to = join(work, 'tables');
  const backup = await dbops(['backup', '--to', to, '--tables', 'public.a', '--tables', 'public.b', '--json'], {
    DATABASE_URL: server.url(DB),
  });
  expect({ code: backup.code, stderr: backup.code === 0 ? '' : backup.stderr }).toEqual({ code: 0, stderr: '' });
  const { backupId } = JSON.parse(backup.stdout);
  const manifest = JSON.parse(await readFile(join(to, DB, `${backupId}.manifest.json`), 'utf8'));
  expect(manifest.tables.map((t: { name: string }) => t.name).sort()).toEqual(['a', 'b']);
});

test('a single-value flag given twice is refused, naming the flag, before anything runs', async () => {
  const to = join(work, 'twice');
  const result = await dbops(['backup', '--to', to, '--database-url', server.url(DB), '--database-url', server.url()]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^error: option '--database-url' was given more than once/);
  await expect(readdir(to)).rejects.toThrow(/ENOENT/);
  for (const text of [result.stdout, result.stderr]) expect(text).not.toContain(encodeURIComponent(server.password));
});

test('a mistyped --flag=URL names the flag and never prints the password', async () => {
  const password = 'typo-pw-7f3a';
  const typo = await dbops(['backup', `--databse-url=postgres://u:${password}@h/db`, '--to', work]);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toMatch(/^error: unknown option '--databse-url'$/m);
  expect(typo.stdout + typo.stderr).not.toContain(password);
  // An unknown short flag glued to its value: dbops has no short flags, so only `-d` is named.
  const glued = await dbops(['backup', `-dpostgres://u:${password}@h/db`]);
  expect(glued.code).toBe(2);
  expect(glued.stderr).toMatch(/^error: unknown option '-d'$/m);
  expect(glued.stdout + glued.stderr).not.toContain(password);
});
