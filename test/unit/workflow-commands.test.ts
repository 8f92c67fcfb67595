// The runner's protocol as the GitHub adapter writes it (packages/github/src/workflow-commands.ts): the lines and
// files a runner reads, byte for byte, with the escapes that keep a message's % CR LF (and a property's : ,) from
// ending or splitting a command. The action tests (backup-secrets, migrate-deploy) read the same through a real run.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as runner from '../../packages/github/src/workflow-commands.js';

let stdout: string[];
let write: typeof process.stdout.write;
const saved = { ...process.env };

beforeEach(() => {
  stdout = [];
  write = process.stdout.write;
  process.stdout.write = ((chunk: string) => stdout.push(chunk) > 0) as typeof process.stdout.write;
});

afterEach(() => {
  process.stdout.write = write;
  process.env = { ...saved };
});

test('inputs: INPUT_<NAME> with spaces as underscores, trimmed; unset is empty', () => {
  process.env['INPUT_DATABASE-URL'] = '  postgres://x  ';
  process.env.INPUT_MY_INPUT = 'v';
  expect(runner.getInput('database-url')).toBe('postgres://x');
  expect(runner.getInput('my input')).toBe('v');
  expect(runner.getInput('not-set')).toBe('');
});

test('commands escape % CR LF in messages, and : , too in properties; empty properties are left out', async () => {
  runner.setSecret('p%ss\nword');
  runner.debug('50%\r\ndone');
  runner.info('plain % text');
  runner.warning('careful');
  runner.error('bad: a, b\nnext', { file: 'db/m:1,2.sql', startLine: 3, startColumn: 0, title: 'dbops X' });
  await runner.group('Step', async () => runner.info('inside'));
  expect(stdout.join('')).toBe(
    [
      '::add-mask::p%25ss%0Aword',
      '::debug::50%25%0D%0Adone',
      'plain % text',
      '::warning::careful',
      '::error title=dbops X,file=db/m%3A1%2C2.sql,line=3::bad: a, b%0Anext',
      '::group::Step',
      'inside',
      '::endgroup::',
      '',
    ].join('\n'),
  );
});

test('outputs go to GITHUB_OUTPUT as heredocs, the summary is appended to GITHUB_STEP_SUMMARY', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-runner-'));
  try {
    process.env.GITHUB_OUTPUT = join(dir, 'output');
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary.md');
    await writeFile(process.env.GITHUB_OUTPUT, '');
    await writeFile(process.env.GITHUB_STEP_SUMMARY, '# before\n');
    runner.setOutput('backup-id', 'one\ntwo');
    runner.setOutput('size', '12');
    await runner.appendSummary('| a |\n');
    const output = await readFile(process.env.GITHUB_OUTPUT, 'utf8');
    expect(output).toMatch(
      /^backup-id<<(ghadelimiter_[0-9a-f-]{36})\none\ntwo\n\1\nsize<<(ghadelimiter_[0-9a-f-]{36})\n12\n\2\n$/,
    );
    expect(await readFile(process.env.GITHUB_STEP_SUMMARY, 'utf8')).toBe('# before\n| a |\n');
    expect(stdout).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('without GITHUB_OUTPUT an output is the set-output command; without GITHUB_STEP_SUMMARY the summary fails', async () => {
  delete process.env.GITHUB_OUTPUT;
  delete process.env.GITHUB_STEP_SUMMARY;
  runner.setOutput('name', 'a%b');
  expect(stdout.join('')).toBe('\n::set-output name=name::a%25b\n');
  await expect(runner.appendSummary('x')).rejects.toThrow(/GITHUB_STEP_SUMMARY/);
});
