// Inputs a user can get wrong are refused when they are read, as INVALID_INPUT (exit 2) naming the input and the
// part at fault: never later, dressed as a connection error, and never with a fragment of a password in the text.
// Through the CLI's own program, against a real server.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { runCli } from '../harness/cli.js';

let server: PostgresServer;
let work: string;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('app');
  await server.query('create table public.t as select 1 as x', [], 'app');
  work = await mkdtemp(join(tmpdir(), 'dbops-inputs-'));
});

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('durations are range-checked when read', () => {
  test.each([
    ['backup', 'statement-timeout', '99999999d', /longer than PostgreSQL and Node\.js timers allow/],
    ['backup', 'statement-timeout', '25d', /longer than PostgreSQL and Node\.js timers allow/],
    ['backup', 'statement-timeout', '0.0001s', /shorter than a millisecond/],
    ['backup', 'lock-wait-timeout', '99999999d', /longer than PostgreSQL and Node\.js timers allow/],
    ['backup', 'keep-within', `${'9'.repeat(400)}d`, /longer than any duration dbops takes/],
    ['monitor-report', 'statement-timeout', '99999999d', /longer than PostgreSQL and Node\.js timers allow/],
    ['monitor-report', 'time-budget', '99999999d', /longer than PostgreSQL and Node\.js timers allow/],
    ['check-freshness', 'max-age', `${'9'.repeat(400)}d`, /longer than any duration dbops takes/],
  ])('%s --%s %s: INVALID_INPUT naming it, exit 2, nothing stored', async (command, input, value, problem) => {
    const to = join(work, `durations-${command}-${input}`);
    const where =
      command === 'check-freshness' ? ['--from', work] : command === 'backup' ? ['--to', to] : ['--output-dir', to];
    const result = await runCli([command, ...where, `--${input}`, value], { DATABASE_URL: server.url('app') });
    expect(result.stderr).toMatch(new RegExp(`error \\[INVALID_INPUT\\]: Input '${input}' '${value}' `));
    expect(result.stderr).toMatch(problem);
    expect(result.code).toBe(2);
    expect(await readdir(to).catch(() => [])).toEqual([]);
  });

  test('the largest timeout PostgreSQL takes still works', async () => {
    const result = await runCli(
      ['backup', '--to', join(work, 'max-timeout'), '--statement-timeout', '24d', '--compression', 'gzip'],
      { DATABASE_URL: server.url('app') },
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  });
});

describe('URLs: the error names the part at fault and echoes none of the value', () => {
  // A password full of the characters that cut or split a URL, with distinct fragments that must never show.
  const password = 'Qx7@ss:5432/Wm3#Jr5?Tk9';
  const fragments = ['Qx7', 'Wm3', 'Jr5', 'Tk9'];
  const expectNoFragment = (text: string) => {
    for (const fragment of fragments) expect(text).not.toContain(fragment);
  };

  test.each([
    ['an unencoded @, / , # and ?', password, /has an '@' after its host part/],
    ['an unencoded @ (before the host)', 'Qx7@Wm3', /has more than one '@' before its host/],
    ['an unencoded # (the rest is cut off)', 'Qx7#Wm3', /has an '@' after its host part/],
    ['an unencoded /', 'Qx7/Wm3', /has an '@' after its host part/],
    ['a stray %', 'Qx7%Wm3', /a '%' in its user name or password that does not start a percent-encoded character/],
  ])(
    'database-url with %s in the password: INVALID_INPUT, exit 2, no fragment in any output',
    async (_what, secret, problem) => {
      const url = `postgres://postgres:${secret}@${server.host}:${server.port}/app`;
      const result = await runCli(['backup', '--to', join(work, 'urls')], { DATABASE_URL: url });
      expect(result.stderr).toMatch(/error \[INVALID_INPUT\]: Input 'database-url' /);
      expect(result.stderr).toMatch(problem);
      expect(result.stderr).toMatch(/@ → %40, # → %23/);
      expect(result.code).toBe(2);
      expectNoFragment(result.stderr);
      expectNoFragment(result.stdout);
    },
  );

  test('target-url is checked alike', async () => {
    const result = await runCli([
      'restore-test',
      '--from',
      work,
      '--target-url',
      `postgres://postgres:${password}@${server.host}:${server.port}/postgres`,
    ]);
    expect(result.stderr).toMatch(/error \[INVALID_INPUT\]: Input 'target-url' has an '@' after its host part/);
    expect(result.code).toBe(2);
    expectNoFragment(result.stderr);
  });

  test('a port out of range is called that, not a password encoding problem', async () => {
    const result = await runCli(['backup', '--to', join(work, 'urls')], {
      DATABASE_URL: `postgres://postgres:pw@${server.host}:99999/app`,
    });
    expect(result.stderr).toMatch(/error \[INVALID_INPUT\]: Input 'database-url' has a port out of range/);
    expect(result.stderr).toMatch(/the port is a number from 1 to 65535/);
    expect(result.stderr.split('\n').find((line) => line.startsWith('error'))).not.toMatch(/password|encod/i);
    expect(result.code).toBe(2);
    const word = await runCli(['backup', '--to', join(work, 'urls')], {
      DATABASE_URL: `postgres://postgres@${server.host}:Wm3/app`,
    });
    expect(word.stderr).toMatch(/Input 'database-url' has a port that is not a number/);
    expectNoFragment(word.stderr);
  });

  test.each([
    ['s3-endpoint', 'http://127.0.0.1:99999', /has a port out of range/],
    ['s3-endpoint', 'https://key:Qx7Wm3@s3.example.com', /has a user name or password in it/],
    ['notify-webhook', 'https://hooks.example.com:99999/Qx7', /has a port out of range/],
    ['notify-slack', 'https://hooks.example.com:Wm3/services/T/B/X', /has a port that is not a number/],
    ['notify-smtp-url', 'smtp://me:Qx7/Wm3@smtp.example.com:587', /has an '@' after its host part/],
    ['notify-smtp-url', 'smtp://me:pw@smtp.example.com:99999', /has a port out of range/],
  ])('--%s %s: INVALID_INPUT naming the part, exit 2, nothing echoed', async (input, value, problem) => {
    const result = await runCli(
      [
        'backup',
        '--to',
        join(work, 'http'),
        `--${input}`,
        value,
        '--notify-email-to',
        'ops@example.com',
        '--notify-email-from',
        'dbops@example.com',
      ],
      { DATABASE_URL: server.url('app') },
    );
    expect(result.stderr).toMatch(new RegExp(`error \\[INVALID_INPUT\\]: Input '${input}' `));
    expect(result.stderr).toMatch(problem);
    expect(result.code).toBe(2);
    expectNoFragment(result.stderr);
    expect(await readdir(join(work, 'http')).catch(() => [])).toEqual([]);
  });

  test('what stays valid: encoded passwords, an e-mail address as SMTP user, and an @ in a webhook path', async () => {
    const ok = await runCli(
      [
        'backup',
        '--to',
        join(work, 'valid'),
        '--compression',
        'gzip',
        '--notify-smtp-url',
        'smtp://me@example.com:pw@127.0.0.1:2525',
        '--notify-email-to',
        'ops@example.com',
        '--notify-email-from',
        'dbops@example.com',
        '--notify-on',
        'failure',
        '--notify-teams',
        'http://127.0.0.1:9/webhookb2/aaaa@bbbb/IncomingWebhook/cccc',
      ],
      { DATABASE_URL: server.url('app') },
    );
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  });
});
