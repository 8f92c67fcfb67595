// restore-test's checks input: the file's name says its kind (.json: MongoDB pipeline checks, else SQL), and a
// malformed file is refused naming the input, the check and what is wrong, before anything restores.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPipelineCheck } from '../../packages/core/src/restore/pipeline-checks.js';
import { DbopsError } from '../../packages/core/src/errors.js';
import { readChecksFile } from '../../packages/core/src/restore/checks.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbops-checks-file-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const at = join(dir, name);
  await writeFile(at, text);
  return at;
}

async function refusal(path: string): Promise<DbopsError> {
  const error = await readChecksFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbopsError);
  expect((error as DbopsError).code).toBe('INVALID_INPUT');
  expect((error as DbopsError).input).toBe('checks');
  return error as DbopsError;
}

const PIPELINE = [
  {
    name: 'paid orders',
    collection: 'orders',
    pipeline: [{ $match: { status: 'paid', at: { $gte: { $date: '2026-01-01T00:00:00Z' } } } }, { $count: 'n' }],
    expect: [{ n: 12 }],
  },
];

test('a .json file is read as pipeline checks, Extended JSON values as BSON values', async () => {
  const checks = await readChecksFile(await file('mongo-checks.JSON', JSON.stringify(PIPELINE)));
  expect(checks).toHaveLength(1);
  const [check] = checks;
  if (!check || !isPipelineCheck(check)) throw new Error('expected a pipeline check');
  expect(check).toMatchObject({ name: 'paid orders', collection: 'orders', expect: [{ n: 12 }] });
  expect(check.pipeline[0]?.$match.at.$gte).toEqual(new Date('2026-01-01T00:00:00Z'));
});

test('any other file is read as SQL checks', async () => {
  const checks = await readChecksFile(
    await file('restore-checks.sql', '-- name: orders\nselect count(*) from orders\n'),
  );
  expect(checks).toEqual([{ name: 'orders', sql: 'select count(*) from orders' }]);
  expect(isPipelineCheck(checks[0]!)).toBe(false);
});

test.each([
  [
    'not an array',
    { name: 'n', collection: 'c', pipeline: [], expect: [] },
    'is a JSON object, not an array of checks',
  ],
  ['empty', [], 'holds no checks'],
  ['a check that is not an object', ['select 1'], 'has check number 1 that is not an object'],
  ['a check without a name', [{ collection: 'c', pipeline: [], expect: [] }], 'has check number 1 without a name'],
  ['a check without a collection', [{ name: 'n', pipeline: [], expect: [] }], "has check 'n' without a collection"],
  [
    'a pipeline that is not an array of stages',
    [{ name: 'n', collection: 'c', pipeline: { $count: 'n' }, expect: [] }],
    "has check 'n' whose pipeline is not an array of stages",
  ],
  [
    'a $merge stage',
    [{ name: 'n', collection: 'c', pipeline: [{ $merge: { into: 'x' } }], expect: [] }],
    "has check 'n' with a $merge stage, which writes",
  ],
  [
    'expect not an array',
    [{ name: 'n', collection: 'c', pipeline: [], expect: { n: 1 } }],
    "has check 'n' whose expect is not an array of documents",
  ],
])('a .json checks file that is %s is refused naming checks and the check', async (_, content, said) => {
  const error = await refusal(await file(`bad-${said.length}.json`, JSON.stringify(content)));
  expect(error.message).toBe(`Input 'checks' ${said}`);
  expect(error.hint).toMatch(/JSON array of \{"name", "collection", "pipeline"/);
});

test('a .json file that is not JSON, or cannot be read, is refused naming checks', async () => {
  expect((await refusal(await file('broken.json', '[{'))).message).toMatch(/^Input 'checks' is not valid JSON/);
  const missing = await refusal(join(dir, 'missing.json'));
  expect(missing.message).toMatch(/names a file that cannot be read/);
  expect(missing.hint).toMatch(/\.json for MongoDB/);
});

test('SQL before the first -- name: line is refused naming the file and its line, not dropped', async () => {
  const path = await file(
    'unnamed-first.sql',
    '-- restore checks for prod\n\nselect count(*) > 0 from users;\n-- name: orders\nselect count(*) from orders\n',
  );
  const error = await refusal(path);
  expect(error.message).toBe(
    `Input 'checks' has SQL before its first '-- name:' line (${path}, line 3), a check without a name`,
  );
  expect(error.hint).toMatch(/each check starts with a `-- name: <name>` line/);
});

test('comments and blank lines before the first -- name: line are a header, not a check', async () => {
  const checks = await readChecksFile(
    await file('header.sql', '-- restore checks for prod\n\n-- name: orders\nselect count(*) from orders\n'),
  );
  expect(checks).toEqual([{ name: 'orders', sql: 'select count(*) from orders' }]);
});
