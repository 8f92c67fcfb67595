// `dbops monitor-report` and its alias `dbops monitor` from a terminal: the same report, exit codes by fail-on,
// --json, thresholds errors as input errors, and no password in anything printed.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { runCli } from '../harness/cli.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const cli = (...args: string[]) => runCli(args);

it('prints the report as `dbops monitor`, failing on critical findings by default', async () => {
  const out = await mkdtemp(join(tmpdir(), 'dbops-monitor-cli-'));
  const { stdout, stderr, code } = await cli('monitor', '--database-url', server.url(), '--output-dir', out);
  // The harness runs with fsync off: a critical setting, so the default fail-on critical fails the run.
  expect(code).toBe(1);
  expect(stdout).toMatch(/Database health: CRITICAL/);
  expect(stdout).toMatch(/Key settings\s+fsync\s+off/);
  expect(stderr).toMatch(/error \[CHECK_FAILED\]: The health report of postgres is critical/);
  // Critical findings are logged as errors (error annotations on GitHub), warnings as warnings.
  expect(stderr).toMatch(/^error: CRITICAL Key settings: fsync/m);
  for (const text of [stdout, stderr]) {
    expect(text).not.toContain(server.password);
    expect(text).not.toContain(encodeURIComponent(server.password));
  }
});

it('prints JSON with --json and exits 0 with fail-on never', async () => {
  const out = await mkdtemp(join(tmpdir(), 'dbops-monitor-cli-'));
  const { stdout, code } = await cli(
    'monitor-report',
    '--database-url',
    server.url(),
    '--output-dir',
    out,
    '--fail-on',
    'never',
    '--json',
  );
  expect(code).toBe(0);
  const report = JSON.parse(stdout);
  expect(report).toMatchObject({ schemaVersion: 2, name: 'postgres', status: 'critical' });
});

it('an output-dir that cannot be a directory fails as an input error naming output-dir', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-monitor-cli-'));
  const file = join(dir, 'a-file');
  await writeFile(file, '');
  for (const outputDir of [file, join(file, 'below'), '/proc/dbops-monitor']) {
    const { stderr, code } = await cli('monitor', '--database-url', server.url(), '--output-dir', outputDir);
    expect(code).toBe(2);
    expect(stderr).toContain(`error [INVALID_INPUT]: Input 'output-dir' (${outputDir})`);
    expect(stderr.trim().split('\n')).toHaveLength(2); // the error and its fix: refused before any check ran
  }
});

it.each([
  ['--name', '../elsewhere', 'name'],
  ['--history-days', 'abc', 'history-days'],
])('%s %s is refused before anything runs, naming the input', async (flag, value, input) => {
  const { stderr, code } = await cli(
    'monitor',
    '--database-url',
    server.url(),
    flag,
    value,
    '--output-dir',
    await mkdtemp(join(tmpdir(), 'dbops-monitor-cli-')),
  );
  expect(code).toBe(2);
  expect(stderr).toMatch(new RegExp(`^error \\[INVALID_INPUT\\]: Input '${input}'`));
});

it('with --json, an error is JSON on stdout too (a script parses stdout), with no secret in it', async () => {
  const { stdout, code } = await cli(
    'monitor',
    '--database-url',
    server.url('no_such_database'),
    '--json',
    '--connect-timeout',
    'abc',
  );
  expect(code).toBe(2);
  expect(JSON.parse(stdout)).toEqual({
    error: {
      code: 'INVALID_INPUT',
      message: "Input 'connect-timeout' 'abc' is not a whole number",
      input: 'connect-timeout',
      hint: 'a whole number from 1 to 600',
    },
  });
});

it("an error that echoes a mistyped value hides the URL's password in it, before anything has parsed the URL", async () => {
  // The password pasted into the wrong flag: the input error quotes the value it refuses.
  const { stdout, stderr, code } = await cli(
    'monitor',
    '--database-url',
    server.url(),
    '--json',
    '--connect-timeout',
    server.password,
  );
  expect(code).toBe(2);
  expect(JSON.parse(stdout).error.message).toBe("Input 'connect-timeout' '***' is not a whole number");
  expect(stdout + stderr).not.toContain(server.password);
});

it('rejects a thresholds file with a typo as an input error naming the key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-monitor-cli-'));
  await writeFile(join(dir, 't.yml'), 'checks:\n  table-bloat:\n    warnng: 40%\n');
  const { stderr, code } = await cli(
    'monitor',
    '--database-url',
    server.url(),
    '--thresholds',
    join(dir, 't.yml'),
    '--output-dir',
    dir,
  );
  expect(code).toBe(2);
  expect(stderr).toContain(
    `error [INVALID_INPUT]: Input 'thresholds' file ${join(dir, 't.yml')}: checks.table-bloat.warnng is not a known setting`,
  );
  expect(stderr).toMatch(/fix: one of: enabled, warning, critical, exclude, min-size/);
});

it('rejects an unknown fail-on value', async () => {
  const { stderr, code } = await cli('monitor', '--database-url', server.url(), '--fail-on', 'sometimes');
  expect(code).toBe(2);
  expect(stderr).toMatch(/Input 'fail-on' has an unknown value 'sometimes'.*\n.*one of critical, warning, never/);
});
