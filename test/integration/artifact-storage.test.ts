import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  backupDefinition,
  DbopsError,
  withNotifications,
  generateIdentity,
  MemoryLogger,
  restoreTestDefinition,
  Secrets,
  type ArtifactStorageOpener,
} from '@dbops/core';
import { ArtifactStorage, restArtifactLookup, type ArtifactApi } from '../../packages/github/src/artifact-storage.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

// GitHub's artifact service cannot run here: the test stands in for @actions/artifact at its boundary, records the
// exact calls dbops makes, and keeps the uploaded files so a later "run" can download them. The project's GitHub
// workflow exercises the real service.
let pg: PostgresServer;
let service: string; // where the fake artifact service keeps uploaded artifacts
const key = generateIdentity();

class RecordingArtifactApi implements ArtifactApi {
  readonly calls: unknown[][] = [];
  async uploadArtifact(name: string, files: string[], rootDirectory: string, options?: { retentionDays?: number }) {
    this.calls.push(['uploadArtifact', name, files.map((f) => relative(rootDirectory, f)), options]);
    await cp(rootDirectory, join(service, '7001'), { recursive: true });
    return { id: 7001, size: 1 };
  }
  async downloadArtifact(id: number, options?: { path?: string; findBy?: unknown }) {
    this.calls.push(['downloadArtifact', id, { ...options, path: options?.path ? '<staging>' : undefined }]);
    await cp(join(service, String(id)), options!.path!, { recursive: true });
    return { downloadPath: options!.path! };
  }
}

const context = (artifacts: ArtifactStorageOpener) => ({
  log: new MemoryLogger(),
  secrets: new Secrets(),
  env: process.env,
  signal: new AbortController().signal,
  artifacts,
});

beforeAll(async () => {
  pg = await startPostgres();
  await pg.query('create table orders as select g as id, md5(g::text) as ref from generate_series(1, 1000) g');
  service = await mkdtemp(join(tmpdir(), 'dbops-artifact-service-'));
});
afterAll(async () => {
  await pg?.stop();
  await rm(service, { recursive: true, force: true });
});

test('backup to artifact://NAME uploads object and manifest together; restore-test in a later run downloads the newest', async () => {
  const upload = new RecordingArtifactApi();
  const report = await backupDefinition.run(
    {
      'database-url': pg.url(),
      to: 'artifact://db-backup',
      'encrypt-to': key.recipient,
      'artifact-retention-days': '5',
    },
    context((name, { retentionDays }) =>
      ArtifactStorage.open(name, {
        api: upload,
        lookup: async () => undefined,
        repository: 'acme/shop',
        ...(retentionDays ? { retentionDays } : {}),
      }),
    ),
  );
  const id = report.outputs['backup-id']!;
  expect(report.outputs.location).toBe(`artifact://db-backup/postgres/${id}.dump.zst.age`);
  expect(upload.calls).toEqual([
    [
      'uploadArtifact',
      'db-backup',
      [`postgres/${id}.dump.zst.age`, `postgres/${id}.manifest.json`],
      { retentionDays: 5 },
    ],
  ]);

  // A later workflow run: the REST lookup (a local server standing in for api.github.com) finds artifact 7001.
  const requests: IncomingMessage[] = [];
  const api = createServer((req, res) => {
    requests.push(req);
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        total_count: 1,
        artifacts: [{ id: 7001, name: 'db-backup', expired: false, workflow_run: { id: 4242 } }],
      }),
    );
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  try {
    const download = new RecordingArtifactApi();
    const drill = await restoreTestDefinition
      .run(
        {
          from: 'artifact://db-backup',
          'target-url': pg.url('postgres'),
          database: 'postgres',
          'decrypt-with': key.identity,
          record: 'false',
        },
        context((name) =>
          ArtifactStorage.open(name, {
            api: download,
            lookup: restArtifactLookup(apiUrl, 'acme/shop', 'ghs_token123'),
            repository: 'acme/shop',
            token: 'ghs_token123',
          }),
        ),
      )
      .catch((e: unknown) => e);
    // The source database is the target's "postgres": restore-test refuses it, after having read the backup.
    expect((drill as DbopsError).code).toBe('UNSAFE_TARGET');
    expect(download.calls).toEqual([
      [
        'downloadArtifact',
        7001,
        {
          path: '<staging>',
          findBy: { token: 'ghs_token123', workflowRunId: 4242, repositoryOwner: 'acme', repositoryName: 'shop' },
        },
      ],
    ]);
    expect(requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['GET', '/repos/acme/shop/actions/artifacts?name=db-backup&per_page=20', 'Bearer ghs_token123'],
    ]);

    await pg.createDatabase('drills');
    const passed = await restoreTestDefinition.run(
      { from: 'artifact://db-backup', 'target-url': pg.url('drills'), 'decrypt-with': key.identity, record: 'false' },
      context((name) =>
        ArtifactStorage.open(name, {
          api: new RecordingArtifactApi(),
          lookup: restArtifactLookup(apiUrl, 'acme/shop', 'ghs_token123'),
          repository: 'acme/shop',
          token: 'ghs_token123',
        }),
      ),
    );
    expect(passed.failure).toBeUndefined();
    expect(passed.outputs['backup-id']).toBe(id);
  } finally {
    api.close();
  }
  expect(await readdir(join(service, '7001', 'postgres'))).toHaveLength(2);
});

test('artifact:// outside GitHub Actions is refused with an explanation', async () => {
  const error = await backupDefinition
    .run(
      { 'database-url': pg.url(), to: 'artifact://db-backup' },
      { log: new MemoryLogger(), secrets: new Secrets(), env: process.env, signal: new AbortController().signal },
    )
    .catch((e: unknown) => e);
  expect((error as DbopsError).code).toBe('INVALID_INPUT');
  expect((error as DbopsError).input).toBe('to');
  expect((error as DbopsError).message).toMatch(/GitHub artifact/);
});

test('alert-state: artifact://NAME is refused before the run: an artifact cannot keep state between runs', async () => {
  const upload = new RecordingArtifactApi();
  const opened: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'dbops-artifact-state-'));
  try {
    const error = await withNotifications(backupDefinition)
      .run(
        {
          'database-url': pg.url(),
          to: dir,
          'alert-state': 'artifact://dbops-state',
          'notify-webhook': 'http://127.0.0.1:1/h',
        },
        context(async (name) => {
          opened.push(name);
          return ArtifactStorage.open(name, { api: upload, lookup: async () => undefined, repository: 'acme/shop' });
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbopsError);
    expect((error as DbopsError).input).toBe('alert-state');
    expect((error as DbopsError).message).toBe(
      "Input 'alert-state' is 'artifact://dbops-state': an artifact cannot keep state between runs",
    );
    // Refused before anything ran: no backup taken, no artifact opened.
    expect(await readdir(dir)).toEqual([]);
    expect(opened).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the lookup of earlier artifacts gives up on an API that never answers', async () => {
  const server = createServer(() => {}); // takes the request, never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const error = await restArtifactLookup(
      apiUrl,
      'acme/shop',
      'ghs_token123',
      fetch,
      300,
    )('db-backup').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbopsError);
    expect((error as DbopsError).code).toBe('STORAGE_FAILED');
    expect((error as DbopsError).message).toBe('Listing artifacts named db-backup failed: no answer within 0.3 s');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}, 20_000);
