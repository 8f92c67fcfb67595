import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import {
  backupDefinition,
  DbopsError,
  MemoryLogger,
  Secrets,
  verifySignature,
  withNotifications,
  type RawInputs,
} from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

// Slack, Teams and webhooks cannot be reached here: a local HTTP server receives exactly what dbops would send.
// E-mail goes to a real SMTP server (smtp-server) with STARTTLS and authentication.
interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let pg: PostgresServer;
let http: Server;
let httpUrl: string;
let received: Received[] = [];
let failWith = 0; // when non-zero, the HTTP server answers with this status
let smtp: SMTPServer;
let smtpPort: number;
let ca: string;
let certDir: string;
const mails: Array<{ from: string; to: string[]; data: string; user?: string }> = [];
const backup = withNotifications(backupDefinition);

function context(github = true) {
  return {
    log: new MemoryLogger(),
    secrets: new Secrets(),
    env: process.env,
    signal: new AbortController().signal,
    ...(github
      ? { github: { repository: 'acme/shop', runId: '77', runUrl: 'https://github.com/acme/shop/actions/runs/77' } }
      : {}),
  };
}

beforeAll(async () => {
  pg = await startPostgres();
  await pg.query('create table t as select g from generate_series(1, 10) g');
  http = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = failWith || 200;
      res.end(failWith ? 'boom' : 'ok');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}`;

  certDir = await mkdtemp(join(tmpdir(), 'dbops-smtp-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  ca = await readFile(join(certDir, 'cert.pem'), 'utf8');
  smtp = new SMTPServer({
    key: await readFile(join(certDir, 'key.pem')),
    cert: ca,
    authOptional: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 's3cret p@ss') callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        // Undo quoted-printable soft line breaks so assertions read the text as sent.
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: data.replace(/=\r?\n/g, ''),
          user: session.user as string,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpPort = (smtp.server.address() as { port: number }).port;
});

afterAll(async () => {
  await pg?.stop();
  http?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await rm(certDir, { recursive: true, force: true });
});

beforeEach(() => {
  received = [];
  failWith = 0;
  mails.length = 0;
});

async function runBackup(inputs: RawInputs, ctx = context()) {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-notify-'));
  try {
    return await backup.run({ 'database-url': pg.url(), to: dir, ...inputs }, ctx);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('notify-on always: Slack, Teams and the signed webhook receive exactly the documented payloads', async () => {
  const report = await runBackup({
    'notify-on': 'always',
    'notify-slack': `${httpUrl}/slack/T000/B000/XXXX`,
    'notify-teams': `${httpUrl}/teams`,
    'notify-webhook': `${httpUrl}/hook`,
    'notify-webhook-secret': 'hmac-secret',
  });
  const byPath = Object.fromEntries(received.map((r) => [r.path.split('/')[1], r]));
  expect(Object.keys(byPath).sort()).toEqual(['hook', 'slack', 'teams']);

  const slack = JSON.parse(byPath.slack!.body);
  expect(slack.text).toBe(`dbops backup succeeded in acme/shop: Backup of postgres complete`);
  expect(slack.blocks[0]).toEqual({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: ':large_green_circle: *dbops backup succeeded in acme/shop*\nBackup of postgres complete',
    },
  });
  expect(slack.blocks.at(-1)).toEqual({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: '<https://github.com/acme/shop/actions/runs/77|Open the workflow run>' }],
  });
  expect(slack.attachments).toHaveLength(1);
  expect(slack.attachments[0].color).toBe('#2eb886');
  expect(slack.attachments[0].blocks[0].elements[0].text).toContain(
    `Status: *OK* · *backup-id*: ${report.outputs['backup-id']}`,
  );

  const teams = JSON.parse(byPath.teams!.body);
  expect(teams.type).toBe('message');
  const card = teams.attachments[0];
  expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
  expect(card.content.body[0]).toMatchObject({
    type: 'TextBlock',
    text: 'dbops backup succeeded in acme/shop',
    color: 'good',
  });
  expect(card.content.body[2].facts).toContainEqual({ title: 'backup-id', value: report.outputs['backup-id'] });
  expect(card.content.actions).toEqual([
    { type: 'Action.OpenUrl', title: 'Open the workflow run', url: 'https://github.com/acme/shop/actions/runs/77' },
  ]);

  const hook = byPath.hook!;
  expect(hook.headers['content-type']).toBe('application/json');
  expect(verifySignature('hmac-secret', hook.body, hook.headers['x-dbops-signature-256'] as string)).toBe(true);
  expect(verifySignature('other-secret', hook.body, hook.headers['x-dbops-signature-256'] as string)).toBe(false);
  expect(JSON.parse(hook.body)).toEqual({
    schema: 'dbops.alert/v1',
    source: 'backup',
    status: 'ok',
    title: 'dbops backup succeeded in acme/shop',
    text: 'Backup of postgres complete',
    items: [],
    link: 'https://github.com/acme/shop/actions/runs/77',
    data: report.outputs,
  });
});

test('notify-on failure (the default): a successful run sends nothing, a failed one sends its error without secrets', async () => {
  await runBackup({ 'notify-webhook': `${httpUrl}/hook` });
  expect(received).toEqual([]);

  const wrong = pg.url('postgres', 'postgres', 'wrong p@ss:w/rd%');
  const error = await backup
    .run({ 'database-url': wrong, to: '/tmp/never-written', 'notify-webhook': `${httpUrl}/hook` }, context())
    .catch((e: unknown) => e);
  expect((error as DbopsError).code).toBe('CONNECTION_FAILED');
  expect(received).toHaveLength(1);
  const body = JSON.parse(received[0]!.body);
  expect(body).toMatchObject({ status: 'failure', title: 'dbops backup failed in acme/shop' });
  expect(body.text).toContain('refused the credentials');
  expect(received[0]!.body).not.toContain('wrong p@ss');
  expect(received[0]!.body).not.toContain(encodeURIComponent('wrong p@ss:w/rd%'));
});

test('e-mail over SMTP with STARTTLS and authentication', async () => {
  const smtpUrl = `smtp://mailer:${encodeURIComponent('s3cret p@ss')}@127.0.0.1:${smtpPort}`;
  const report = await runBackup({
    'notify-on': 'success',
    'notify-smtp-url': smtpUrl,
    'notify-email-from': 'dbops@acme.example',
    'notify-email-to': 'oncall@acme.example, dba@acme.example',
    'notify-smtp-ca': ca,
  });
  expect(mails).toHaveLength(1);
  expect(mails[0]).toMatchObject({
    from: 'dbops@acme.example',
    to: ['oncall@acme.example', 'dba@acme.example'],
    user: 'mailer',
  });
  expect(mails[0]!.data).toContain('Subject: dbops backup succeeded in acme/shop');
  expect(mails[0]!.data).toContain(`backup-id: ${report.outputs['backup-id']}`);
  expect(mails[0]!.data).toContain('Workflow run: https://github.com/acme/shop/actions/runs/77');
});

test('a failing notification is a warning and never changes the result, either way', async () => {
  failWith = 500;
  const ctx = context();
  const report = await runBackup({ 'notify-on': 'always', 'notify-webhook': `${httpUrl}/hook` }, ctx);
  expect(report.failure).toBeUndefined();
  expect(report.outputs['backup-id']).toMatch(/^\d{8}T/);
  expect(received.length).toBe(3); // bounded retries: three attempts, then give up
  expect(ctx.log.lines.some((l) => /^warn: Could not send the alert via webhook: webhook: HTTP 500/.test(l))).toBe(
    true,
  );

  const unreachable = `smtp://u:p@127.0.0.1:1`;
  const failing = await backup
    .run(
      {
        'database-url': pg.url('no_such_db'),
        to: '/tmp/never-written',
        'notify-smtp-url': unreachable,
        'notify-email-from': 'a@b.c',
        'notify-email-to': 'd@e.f',
      },
      context(),
    )
    .catch((e: unknown) => e);
  expect((failing as DbopsError).code).toBe('CONNECTION_FAILED');
});

test.each([
  [{ 'notify-slack': 'hooks.slack.com/services/T0' }, 'notify-slack'],
  [{ 'notify-webhook': 'ftp://example.com/hook' }, 'notify-webhook'],
  [{ 'notify-webhook': 'https://user:pw@example.com/hook' }, 'notify-webhook'],
  [{ 'notify-webhook-secret': 'x' }, 'notify-webhook-secret'],
  [{ 'notify-on': 'sometimes' }, 'notify-on'],
  [
    { 'notify-smtp-url': 'mail.example.com:25', 'notify-email-to': 'a@b.c', 'notify-email-from': 'd@e.f' },
    'notify-smtp-url',
  ],
  [{ 'notify-smtp-url': 'smtp://mail.example.com' }, 'notify-email-to'],
])('bad notification input is refused before the backup starts: %p', async (inputs, input) => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-notify-bad-'));
  const error = await backup.run({ 'database-url': pg.url(), to: dir, ...inputs }, context()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DbopsError);
  expect((error as DbopsError).input).toBe(input);
  expect(execFileSync('find', [dir, '-type', 'f']).toString()).toBe('');
  await rm(dir, { recursive: true, force: true });
});
