// The npm package of the CLI as a user gets it (docs/install.md): scripts/pack-cli.mjs packs it, npm installs the
// tarball offline into an empty prefix (it has no dependencies to fetch), and the installed `dbops` runs from a
// folder outside this repository, so nothing of the checkout's node_modules can resolve: --version, --help, then a
// real encrypted backup and a restore-test of it, with every secret in the environment.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { definitions, DBOPS_VERSION } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { packCli } from '../../scripts/pack-cli.mjs';

const run = promisify(execFile);

let server: PostgresServer;
let work: string;
let prefix: string;
let tarball: string;

beforeAll(async () => {
  server = await startPostgres();
  work = await mkdtemp(join(tmpdir(), 'dbops-cli-package-'));
  // The package bundles the compiled CLI: compile it first, so the test never packs stale JavaScript.
  await run(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/cli']);
  tarball = await packCli(join(work, 'package'));
  prefix = join(work, 'prefix');
  await mkdir(join(work, 'empty'));
  await run('npm', ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], {
    cwd: join(work, 'empty'),
    env: { ...process.env, npm_config_loglevel: 'error', npm_config_engine_strict: 'false' },
  });
}, 600_000);

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The installed `dbops`, from the empty folder, with this Node (24) and the PostgreSQL clients on PATH only. */
async function dbops(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const path = [join(prefix, 'bin'), dirname(process.execPath), server.binDir, '/usr/local/bin', '/usr/bin', '/bin'];
  try {
    const { stdout, stderr } = await run(join(prefix, 'bin', 'dbops'), args, {
      cwd: join(work, 'empty'),
      env: { PATH: path.join(':'), HOME: work, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('the tarball holds the bundle and nothing to install: no dependencies, no install scripts', async () => {
  expect(tarball).toMatch(new RegExp(`dbops-${DBOPS_VERSION.replace(/\./g, '\\.')}\\.tgz$`));
  const installed = join(prefix, 'lib', 'node_modules', 'dbops');
  const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
  expect(manifest).toMatchObject({ name: 'dbops', version: DBOPS_VERSION, bin: { dbops: 'bin/dbops.js' } });
  expect(manifest.dependencies ?? {}).toEqual({});
  expect(manifest.scripts).toBeUndefined();
  expect((await readdir(installed)).sort()).toEqual(['README.md', 'bin', 'dist', 'package.json']);
  expect(await readdir(join(installed, 'dist'))).toEqual(
    expect.arrayContaining(['index.js', 'libpg-query.wasm', 'licenses.txt']),
  );
});

test('dbops --version prints the version and --help every command, outside the repository', async () => {
  expect(await dbops(['--version'])).toEqual({ code: 0, stdout: `${DBOPS_VERSION}\n`, stderr: '' });
  const help = await dbops(['--help']);
  expect(help.code).toBe(0);
  for (const definition of definitions) expect(help.stdout).toContain(`  ${definition.name}`);
});

test('npx runs the tarball without installing it, offline', async () => {
  const { stdout } = await run(
    'npm',
    ['exec', '--offline', '--yes', `--package=${tarball}`, '--', 'dbops', '--version'],
    {
      cwd: join(work, 'empty'),
      env: { ...process.env, npm_config_cache: join(work, 'npm-cache'), npm_config_loglevel: 'error' },
    },
  );
  expect(stdout).toBe(`${DBOPS_VERSION}\n`);
});

test('the installed dbops backs up a real database (manifest written) and restore-tests it', async () => {
  await server.createDatabase('app');
  await server.query('create table items (id int primary key, name text)', [], 'app');
  await server.query("insert into items select g, 'item ' || g from generate_series(1, 25) g", [], 'app');
  const backups = join(work, 'backups');
  const passphrase = 'correct horse battery staple';

  const backup = await dbops(['backup', '--to', backups, '--json'], {
    DATABASE_URL: server.url('app'),
    DBOPS_ENCRYPT_PASSPHRASE: passphrase,
  });
  expect({ code: backup.code, stderr: backup.code === 0 ? '' : backup.stderr }).toEqual({ code: 0, stderr: '' });
  const { backupId } = JSON.parse(backup.stdout);
  const manifest = JSON.parse(await readFile(join(backups, 'app', `${backupId}.manifest.json`), 'utf8'));
  expect(manifest).toMatchObject({
    backupId,
    database: 'app',
    dumpTool: { name: 'pg_dump' },
    object: { encryption: { method: 'age', passphrase: true }, compression: { algorithm: 'zstd' } },
  });
  expect(manifest.tables).toEqual([expect.objectContaining({ schema: 'public', name: 'items', rows: 25 })]);

  const drill = await dbops(['restore-test', '--from', backups, '--json'], {
    DBOPS_TARGET_URL: server.url(),
    DBOPS_DECRYPT_PASSPHRASE: passphrase,
  });
  expect({ code: drill.code, stderr: drill.code === 0 ? '' : drill.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(drill.stdout)).toMatchObject({ backupId, rows: 25 });

  for (const text of [backup.stdout, backup.stderr, drill.stdout, drill.stderr]) {
    expect(text).not.toContain(server.password);
    expect(text).not.toContain(passphrase);
  }
});
