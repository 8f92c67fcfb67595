// A streamed backup's S3 part size follows the dump source's size hint (storage/s3-upload.ts): a hint that misses
// most of the database (its large objects live in pg_largeobject, which no table inventory lists) gives S3's
// smallest parts, and an upload past 10,000 of them fails.
import { FULL_SCOPE, MemoryLogger, parsePgTarget } from '@dbops/core';
import { postgresEngine } from '../../packages/core/src/databases/postgres/engine.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

test('a database of large objects and no tables: the size hint covers the large objects', async () => {
  await server.createDatabase('blobs');
  // Four large objects of 1 MiB of random bytes each (nothing for the storage to compress).
  await server.query(
    `select lo_from_bytea(0, (select string_agg(decode(md5(random()::text || g), 'hex'), ''::bytea)
                              from generate_series(1, 65536) g))
       from generate_series(1, 4)`,
    [],
    'blobs',
  );
  const [row] = await server.query<{ bytes: string }>(
    'select sum(octet_length(lo_get(oid))) as bytes from pg_largeobject_metadata',
    [],
    'blobs',
  );
  const bytes = Number(row!.bytes);
  expect(bytes).toBe(4 * 1024 * 1024);
  const settings = { scope: FULL_SCOPE, extraArgs: [], exactCountMaxBytes: 0, env: process.env };
  const hint = await postgresEngine.withDumpSource(
    parsePgTarget({ url: server.url('blobs') }),
    settings,
    { log: new MemoryLogger() },
    async (source) => source.sizeHint,
  );
  expect(hint).toBeGreaterThanOrEqual(bytes);
});
