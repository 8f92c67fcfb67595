// How findClientTools picks a pg_dump among several installations. The installations are directories of small
// scripts that answer `--version` like pg_dump does and record each call, so a test can see which were probed. The
// search roots are laid out like Homebrew's (ROOT/postgresql@16/bin).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findClientTools, findRestoreTools } from '../../packages/core/src/databases/postgres/client-tools.js';
import { DbopsError } from '../../packages/core/src/errors.js';

let work: string;
let calls: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-client-tools-'));
  calls = path.join(work, 'calls.log');
});
afterAll(() => fs.rm(work, { recursive: true, force: true }));
beforeEach(() => fs.rm(calls, { force: true }));

/** A bin directory whose pg_dump reports `version`; pg_restore and psql exist beside it. */
async function installation(dir: string, version: string): Promise<string> {
  const bin = path.join(work, dir);
  await fs.mkdir(bin, { recursive: true });
  const script = `#!/bin/sh\necho "${bin}" >> "${calls}"\necho "pg_dump (PostgreSQL) ${version}"\n`;
  for (const tool of ['pg_dump', 'pg_restore', 'psql'])
    await fs.writeFile(path.join(bin, tool), script, { mode: 0o755 });
  return bin;
}

async function probed(): Promise<string[]> {
  return (await fs.readFile(calls, 'utf8').catch(() => '')).split('\n').filter(Boolean).sort();
}

test("an installation of the server's major wins, and PATH (usually a slow wrapper) is not probed at all", async () => {
  const root = path.join(work, 'exact');
  const v16 = await installation('exact/postgresql@16/bin', '16.4');
  const v17 = await installation('exact/postgresql@17/bin', '17.2');
  const onPath = await installation('exact-path', '16.9');

  const tools = await findClientTools(16, { searchRoots: [root], path: onPath });

  expect(tools).toMatchObject({ binDir: v16, major: 16, version: '16.4', pgRestore: path.join(v16, 'pg_restore') });
  expect(await probed()).toEqual([v16, v17].sort());
});

test('without an exact match among the installations, PATH is probed and its exact match is preferred to a newer client', async () => {
  const root = path.join(work, 'inexact');
  const v15 = await installation('inexact/postgresql@15/bin', '15.8');
  const v17 = await installation('inexact/postgresql@17/bin', '17.2');
  const onPath = await installation('inexact-path', '16.3');

  const tools = await findClientTools(16, { searchRoots: [root], path: `/nonexistent:${onPath}` });

  expect(tools).toMatchObject({ binDir: onPath, major: 16 });
  expect(await probed()).toEqual([onPath, v15, v17].sort());
});

test('with no exact match anywhere, the oldest client newer than the server is chosen', async () => {
  const root = path.join(work, 'newer');
  await installation('newer/postgresql@18/bin', '18.0');
  const v17 = await installation('newer/postgresql@17/bin', '17.2');

  expect(await findClientTools(16, { searchRoots: [root], path: '' })).toMatchObject({ binDir: v17, major: 17 });
});

test('only older clients: CLIENT_TOO_OLD, naming the client to install', async () => {
  const root = path.join(work, 'older');
  await installation('older/postgresql@14/bin', '14.12');

  const error = await findClientTools(16, { searchRoots: [root], path: '' }).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(DbopsError);
  expect(error).toMatchObject({ code: 'CLIENT_TOO_OLD', input: 'pg-bin-dir' });
  expect((error as DbopsError).hint).toContain('postgresql-client-16');
});

describe('findRestoreTools: pg_restore must read the archive; the target server may be newer', () => {
  test('a PostgreSQL 17 target and a pg_dump 15 archive: pg_restore 15 when it is all there is', async () => {
    const root = path.join(work, 'restore-newer-server');
    const v15 = await installation('restore-newer-server/postgresql@15/bin', '15.18');

    expect(await findRestoreTools(15, 17, { searchRoots: [root], path: '' })).toMatchObject({ binDir: v15, major: 15 });
  });

  test("the target server's own major is preferred when it reads the archive", async () => {
    const root = path.join(work, 'restore-prefer');
    await installation('restore-prefer/postgresql@15/bin', '15.18');
    const v17 = await installation('restore-prefer/postgresql@17/bin', '17.2');
    await installation('restore-prefer/postgresql@18/bin', '18.0');

    expect(await findRestoreTools(15, 17, { searchRoots: [root], path: '' })).toMatchObject({ binDir: v17 });
  });

  test('an older target server: the oldest pg_restore that reads the archive', async () => {
    const root = path.join(work, 'restore-older-server');
    const v16 = await installation('restore-older-server/postgresql@16/bin', '16.4');
    await installation('restore-older-server/postgresql@17/bin', '17.2');

    expect(await findRestoreTools(16, 14, { searchRoots: [root], path: '' })).toMatchObject({ binDir: v16 });
  });

  test('only a pg_restore older than the archive: CLIENT_TOO_OLD saying it cannot read the archive', async () => {
    const root = path.join(work, 'restore-too-old');
    await installation('restore-too-old/postgresql@15/bin', '15.18');

    const error = await findRestoreTools(17, 17, { searchRoots: [root], path: '' }).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'CLIENT_TOO_OLD',
      input: 'pg-bin-dir',
      message: 'pg_restore 15 cannot read an archive written by pg_dump 17',
    });
    expect((error as DbopsError).hint).toContain('postgresql-client-17');
  });
});
