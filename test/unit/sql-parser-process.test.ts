// The migrations' SQL is parsed in a process of its own (parse-files.ts says why): results come back per file, in
// order, as the in-process parser gave them; and the bundle's copy of that process runs on its own beside index.js.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseFiles } from '../../packages/core/src/migrations/lint/parse-files.js';

const GOOD = "SET lock_timeout = '2s';\n-- why\nCREATE INDEX CONCURRENTLY i ON t (a);\nSELECT ';' AS semi;\n";
const BAD = 'SELECT 1;\nSELEC 2;\n';

test('each text is parsed, in order: statements with byte ranges, comments, errors with their offset', async () => {
  const [good, bad, empty] = await parseFiles([GOOD, BAD, '']);
  expect(good!.error).toBeUndefined();
  expect(good!.statements!.map((s) => Object.keys(s.node)[0])).toEqual(['VariableSetStmt', 'IndexStmt', 'SelectStmt']);
  expect(good!.statements!.map((s) => GOOD.slice(s.firstToken, s.end))).toEqual([
    "SET lock_timeout = '2s'",
    'CREATE INDEX CONCURRENTLY i ON t (a)',
    "SELECT ';' AS semi",
  ]);
  expect(good!.comments).toEqual([{ text: '-- why', start: 25, end: 31 }]);
  expect(bad!.error).toEqual({ message: expect.stringContaining('syntax error at or near "SELEC"'), offset: 10 });
  expect(empty).toEqual({ statements: [], comments: [] });
});

test('no texts start no process', async () => {
  // A started process would die on this preload and fail the call.
  await withBrokenPreload(async () => expect(await parseFiles([])).toEqual([]));
});

test("the bundle's parser process runs beside index.js and gives the same results", async () => {
  const bundled = spawnSync(process.execPath, ['--liftoff-only', join('actions', 'dist', 'sql-parser-process.js')], {
    input: JSON.stringify([GOOD, BAD]),
    encoding: 'utf8',
  });
  expect(bundled.stderr).toBe('');
  expect(bundled.status).toBe(0);
  expect(JSON.parse(bundled.stdout)).toEqual(await parseFiles([GOOD, BAD]));
});

test('a parser process that dies before reading its input is an error naming it, with its stderr', async () => {
  // 8 MiB of input: more than the pipe takes before the child would read it, so its death breaks the pipe too.
  await withBrokenPreload(() =>
    expect(parseFiles(['SELECT 1;'.repeat(1024 * 1024)])).rejects.toThrow(
      /The SQL parser process \(sql-parser-process\.js\) exited 1: [\s\S]*dbops-test-preload/,
    ),
  );
});

/** Runs `body` with a NODE_OPTIONS preload that cannot be found: any node process started meanwhile exits 1. */
async function withBrokenPreload(body: () => Promise<unknown>): Promise<void> {
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --require=/nonexistent/dbops-test-preload.cjs`;
  try {
    await body();
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}
