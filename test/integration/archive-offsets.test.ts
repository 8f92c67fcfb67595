// The data offsets written into a streamed archive's TOC (databases/postgres/archive-offsets.ts): a custom-format
// archive pg_dump wrote to a pipe has every offset unset; after writeDataOffsets its TOC says exactly what pg_dump
// itself writes when its output is a file (pg_restore --verbose prints each entry's "Data Pos"), pg_restore -j
// restores it, and an archive it cannot walk to its end is left byte for byte as it was.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDataOffsets } from '../../packages/core/src/databases/postgres/archive-offsets.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

let server: PostgresServer;
let dir: string;
let bin: (tool: string) => string;

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'dbops-offsets-'));
  bin = (tool) => (existsSync(join(server.binDir, tool)) ? join(server.binDir, tool) : tool);
  await server.createDatabase('shop');
  // Tables of different sizes (rows big enough for many chunks), a large object, an empty table, a sequence.
  for (const sql of [
    'CREATE TABLE customers (id bigint PRIMARY KEY, name text, note text)',
    "INSERT INTO customers SELECT g, 'customer ' || g, repeat(md5(g::text), 20) FROM generate_series(1, 20000) g",
    'CREATE TABLE orders (id serial PRIMARY KEY, customer bigint REFERENCES customers, total numeric)',
    'INSERT INTO orders (customer, total) SELECT 1 + g % 20000, g * 1.5 FROM generate_series(1, 30000) g',
    'CREATE TABLE empty_one (id int)',
    "SELECT lo_from_bytea(0, decode(repeat('ab', 50000), 'hex'))",
  ])
    await server.query(sql, [], 'shop');
}, 60_000);
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** pg_dump -Fc -Z0 of shop: through a pipe (as a backup streams it) or with -f (a seekable file). */
function dump(to: string, via: 'pipe' | 'file'): void {
  const args = ['-Fc', '-Z0', '-d', server.url('shop')];
  if (via === 'file') execFileSync(bin('pg_dump'), [...args, '-f', to]);
  else execFileSync('bash', ['-o', 'pipefail', '-c', `"$0" "$@" | cat > '${to}'`, bin('pg_dump'), ...args]);
}

/** Each TOC entry's data position, as pg_restore reads it: "Data Pos" lines of its verbose script, by entry. */
function dataPositions(archive: string): string[] {
  const script = execFileSync(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      `"$0" --verbose --data-only -f - "$1" 2>/dev/null | grep '^-- Data Pos: '`,
      bin('pg_restore'),
      archive,
    ],
    { encoding: 'utf8' },
  );
  return script.trim().split('\n');
}

test("writes what pg_dump writes into a streamed archive's TOC, and pg_restore -j restores it", async () => {
  const piped = join(dir, 'piped.dump');
  const seekable = join(dir, 'file.dump');
  dump(piped, 'pipe');
  dump(seekable, 'file');
  const expected = dataPositions(seekable);
  // The seekable dump has real positions; the streamed one none (0 for every entry).
  expect(expected.filter((line) => line !== '-- Data Pos: 0').length).toBeGreaterThanOrEqual(4);
  expect(new Set(dataPositions(piped))).toEqual(new Set(['-- Data Pos: 0']));

  const outcome = await writeDataOffsets(piped);
  expect(outcome).toEqual({ kind: 'written', entries: expected.filter((line) => line !== '-- Data Pos: 0').length });
  expect(dataPositions(piped)).toEqual(expected);
  // A second pass finds them there.
  expect(await writeDataOffsets(piped)).toEqual({ kind: 'present' });

  await server.createDatabase('restored');
  const restored = spawnSync(bin('pg_restore'), ['-j2', '--exit-on-error', '-d', server.url('restored'), piped], {
    encoding: 'utf8',
  });
  expect(restored.stderr).toBe('');
  expect(restored.status).toBe(0);
  const [counts] = await server.query(
    'SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT sum(total) FROM orders)::text AS total, (SELECT count(*) FROM pg_largeobject_metadata)::int AS objects',
    [],
    'restored',
  );
  expect(counts).toEqual({ customers: 20000, total: `${(1.5 * 30000 * 30001) / 2}.0`, objects: 1 });
}, 60_000);

test('leaves an archive it cannot walk to its end as it is: truncated, not custom format', async () => {
  const piped = join(dir, 'truncated.dump');
  dump(piped, 'pipe');
  await truncate(piped, (await readFile(piped)).length - 3);
  const before = await readFile(piped);
  const outcome = await writeDataOffsets(piped);
  expect(outcome).toMatchObject({ kind: 'left' });
  expect((outcome as { reason: string }).reason).toMatch(/ends at byte|runs past the archive's end/);
  // Byte for byte (Buffer.equals: jest's toEqual walks 14 MB element by element for minutes).
  expect((await readFile(piped)).equals(before)).toBe(true);

  const text = join(dir, 'plain.sql');
  await writeFile(text, 'SELECT 1;\n');
  expect(await writeDataOffsets(text)).toEqual({ kind: 'left', reason: 'not a pg_dump archive' });
  expect(await writeDataOffsets(dir)).toEqual({ kind: 'left', reason: 'a directory-format archive has no offsets' });
});
