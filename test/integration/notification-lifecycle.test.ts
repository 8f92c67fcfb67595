// Failure notifications with a lifecycle, for every action (here the real backup against a real PostgreSQL): with
// alert-state a failure that persists is sent once and again only when its error changes, the first success after it
// sends a recovery; inside a maintenance window nothing is sent, and a failure that outlasts the window is sent on the
// first failed run after it. A local HTTP server receives exactly what the webhook channel sends.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDefinition, DbopsError, MemoryLogger, type RawInputs, Secrets, withNotifications } from '@dbops/core';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

let pg: PostgresServer;
let http: Server;
let hook: string;
let received: Array<{ status: string; title: string; text: string; data: Record<string, string> }> = [];
let work: string;
const backup = withNotifications(backupDefinition);
const PASSWORD = 'lifecycle s3cret';

/** A window from an hour ago to an hour from now, and one that starts two hours from now and lasts one. */
const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(11, 16);
const NOW_WINDOW = `daily ${at(-1)}-${at(1)} UTC`;
const LATER_WINDOW = `daily ${at(2)}-${at(3)} UTC`;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.query('create table t as select g from generate_series(1, 10) g');
  http = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  hook = `http://127.0.0.1:${(http.address() as { port: number }).port}/hook`;
});

afterAll(async () => {
  await pg?.stop();
  http?.close();
});

beforeEach(async () => {
  received = [];
  work = await mkdtemp(join(tmpdir(), 'dbops-lifecycle-'));
});

afterEach(() => rm(work, { recursive: true, force: true }));

function context() {
  return {
    log: new MemoryLogger(),
    secrets: new Secrets(),
    env: {},
    signal: new AbortController().signal,
    github: { repository: 'acme/shop', runId: '7', runUrl: 'https://github.com/acme/shop/actions/runs/7' },
  };
}

/** One backup run: 'ok' backs up the real database; 'refused' and 'missing' fail in two different ways. */
async function run(kind: 'ok' | 'refused' | 'missing', inputs: RawInputs = {}, ctx = context()) {
  const url =
    kind === 'ok'
      ? pg.url()
      : kind === 'refused'
        ? pg.url('postgres', 'postgres', PASSWORD)
        : pg.url('no_such_database');
  const outcome = await backup
    .run({ 'database-url': url, to: join(work, 'backups'), 'notify-webhook': hook, ...inputs }, ctx)
    .then(
      () => 'ok',
      (e: unknown) => (e as DbopsError).code,
    );
  return { outcome, log: ctx.log.lines };
}

test('a persisting failure is sent once, again when its error changes, and its end sends a recovery', async () => {
  const state = { 'alert-state': join(work, 'state'), 'alert-key': 'backup-prod' };
  expect((await run('refused', state)).outcome).toBe('CONNECTION_FAILED');
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ status: 'failure', title: 'dbops backup failed in acme/shop' });
  expect(received[0]!.text).not.toMatch(/failed runs since/);

  const repeat = await run('refused', state);
  expect(received).toHaveLength(1);
  expect(repeat.log.some((l) => /error already notified \(2 failed runs since .+\): not notified again/.test(l))).toBe(
    true,
  );

  await run('missing', state);
  expect(received).toHaveLength(2);
  expect(received[1]!.status).toBe('failure');
  expect(received[1]!.text).toMatch(
    /does not exist.*\(The error changed; 3 failed runs since \d{4}-\d\d-\d\dT.+Z\.\)$/,
  );
  expect(received[1]!.data).toMatchObject({ 'failed-runs': '3' });

  expect((await run('ok', state)).outcome).toBe('ok');
  expect(received).toHaveLength(3);
  expect(received[2]).toMatchObject({ status: 'ok', title: 'dbops backup recovered in acme/shop' });
  expect(received[2]!.text).toMatch(/Recovered after 3 failed runs since /);
  expect(received[2]!.data).toMatchObject({ recovered: 'true', 'failed-runs': '3' });

  await run('ok', state);
  expect(received).toHaveLength(3);

  // The state is small JSON objects under the key, the newest last; no password in any of them.
  const files = await readdir(join(work, 'state', 'backup-prod'));
  expect(files.length).toBe(5);
  const texts = await Promise.all(files.map((f) => readFile(join(work, 'state', 'backup-prod', f), 'utf8')));
  expect(JSON.parse(texts.at(-1)!)).toEqual({ version: 2, told: {} });
  const second = JSON.parse(texts[1]!);
  expect(second).toMatchObject({ failing: { runs: 2, error: expect.stringMatching(/^CONNECTION_FAILED: /) } });
  // What the webhook was delivered, so that a message it missed would be sent by the next run.
  expect(second.told).toEqual({ webhook: second.failing.error });
  for (const text of texts) expect(text).not.toContain('s3cret');
});

test('inside a maintenance window a failure is not sent; outlasting the window, it is', async () => {
  const state = { 'alert-state': join(work, 'state') };
  const quiet = await run('refused', { ...state, 'maintenance-window': NOW_WINDOW });
  expect(quiet.outcome).toBe('CONNECTION_FAILED');
  expect(received).toEqual([]);
  expect(
    quiet.log.some((l) => l.includes(`failed inside the maintenance window '${NOW_WINDOW}': no notification`)),
  ).toBe(true);

  await run('refused', { ...state, 'maintenance-window': LATER_WINDOW });
  expect(received).toHaveLength(1);
  expect(received[0]!.status).toBe('failure');
  expect(received[0]!.text).toMatch(/\(2 failed runs since .+\.\)$/);

  // A streak that stayed inside a window and ends there ends quietly: nobody was told, nobody needs a recovery.
  await rm(join(work, 'state'), { recursive: true });
  expect((await run('refused', { ...state, 'maintenance-window': NOW_WINDOW })).outcome).toBe('CONNECTION_FAILED');
  expect((await run('ok', { ...state, 'maintenance-window': NOW_WINDOW })).outcome).toBe('ok');
  expect(received).toHaveLength(1);
});

test('alert-state at the backup location, under the backup name: the backups stay, the state is read back', async () => {
  // The default backup name of the database is "postgres": the state shares that folder with the backups' files.
  const state = { 'alert-state': join(work, 'backups'), 'alert-key': 'postgres' };
  for (let i = 0; i < 11; i++) expect((await run('ok', state)).outcome).toBe('ok');
  const folder = join(work, 'backups', 'postgres');
  const manifests = (await readdir(folder)).filter((f) => f.endsWith('.manifest.json'));
  expect(manifests).toHaveLength(11);
  // Pruning keeps ten state objects and touches nothing else.
  expect((await readdir(folder)).filter((f) => /^\d{4}-\d\d-\d\dT.*Z\.json$/.test(f))).toHaveLength(10);

  // The state is read back from among the backups: a persisting failure is sent once.
  await run('refused', state);
  const repeat = await run('refused', state);
  expect(received.map((r) => r.status)).toEqual(['failure']);
  expect(repeat.log.filter((l) => l.startsWith('warn:'))).toEqual([]);
  expect((await readdir(folder)).filter((f) => f.endsWith('.manifest.json'))).toEqual(manifests);
});

test('without alert-state every failed run outside a window is sent, and none inside one', async () => {
  const outcomes = [
    await run('refused', { 'maintenance-window': NOW_WINDOW }),
    await run('refused', { 'maintenance-window': LATER_WINDOW }),
    await run('refused', {}),
  ].map((r) => r.outcome);
  expect(outcomes).toEqual(['CONNECTION_FAILED', 'CONNECTION_FAILED', 'CONNECTION_FAILED']);
  expect(received.map((r) => r.status)).toEqual(['failure', 'failure']);
});

test('a bad alert-key or maintenance window is refused before the run, naming the input and the valid form', async () => {
  for (const [inputs, input, form] of [
    [{ 'alert-state': join(work, 'state'), 'alert-key': '../other' }, 'alert-key', /e\.g\. backup-prod/],
    [{ 'maintenance-window': 'Sun 25:00-03:00 UTC' }, 'maintenance-window', /HH:MM/],
  ] as const) {
    const error = await backup
      .run({ 'database-url': pg.url(), to: join(work, 'backups'), ...inputs }, context())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbopsError);
    expect((error as DbopsError).code).toBe('INVALID_INPUT');
    expect((error as DbopsError).message).toContain(`'${input}'`);
    expect((error as DbopsError).hint).toMatch(form);
  }
  // Nothing was backed up.
  expect(await readdir(work)).toEqual([]);
});
