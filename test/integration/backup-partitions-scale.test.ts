// A partitioned table of many partitions named in tables / exclude-tables: the backup brings (or leaves out) every
// partition without one pattern per partition. The inventory selects them by OID (a query of a few parameters,
// whatever the partition count: per-partition patterns made it thousands of regular expressions, and over 32,767
// partitions more bind parameters than the protocol allows), and pg_dump 16+ is given --table-and-children on the
// partitioned table rather than a --table per partition. pg_stat_statements shows the listing query as the server
// ran it; a pg-bin-dir whose pg_dump writes down its arguments shows what pg_dump was given.
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDefinition, MemoryLogger, Secrets, type BackupManifest, type RawInputs } from '@dbops/core';
import { pgArchive116ClientBinDir, startPostgres, type PostgresServer } from '../harness/postgres.js';

const DB = 'partitioned';
const PARTITIONS = 1500;
let server: PostgresServer;
let dir: string;

beforeAll(async () => {
  server = await startPostgres({
    // pg_dump and the row counts each lock every partition: more than the default lock table holds.
    settings: { shared_preload_libraries: 'pg_stat_statements', max_locks_per_transaction: '256' },
  });
  dir = await mkdtemp(join(tmpdir(), 'dbops-partitions-'));
  await server.createDatabase(DB);
  await server.query(
    `create extension pg_stat_statements;
     create table public.big (id int not null) partition by list (id);
     do $$ begin
       for i in 1..${PARTITIONS} loop
         execute format('create table public.big_%s partition of public.big for values in (%s)', i, i);
       end loop;
     end $$;
     insert into public.big select generate_series(1, ${PARTITIONS});
     create table public.other (id int);
     insert into public.other values (1), (2);
     create table public.readings (at date not null, site int not null) partition by range (at);
     create table public.readings_2024 partition of public.readings
       for values from ('2024-01-01') to ('2025-01-01') partition by list (site);
     create table public.readings_2024_1 partition of public.readings_2024 for values in (1);
     insert into public.readings select date '2024-01-01' + g, 1 from generate_series(1, 7) g;`,
    [],
    DB,
  );
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function backupOf(label: string, inputs: RawInputs): Promise<BackupManifest> {
  await server.query('select pg_stat_statements_reset()', [], DB);
  const result = await backupDefinition.run(
    { 'database-url': server.url(DB), to: join(dir, label), compression: 'none', ...inputs },
    { log: new MemoryLogger(), secrets: new Secrets(), env: process.env, signal: new AbortController().signal },
  );
  return result.json as BackupManifest;
}

/** The inventory's listing query as the server ran it: its bind parameters and regular-expression matches. */
async function listingQuery(): Promise<{ parameters: number; regexes: number }> {
  const rows = await server.query<{ query: string }>(
    `select query from pg_stat_statements where query like '%as estimate%' and query like '%order by n.nspname, c.relname%'`,
    [],
    DB,
  );
  expect(rows).toHaveLength(1);
  const query = rows[0]!.query;
  return { parameters: new Set(query.match(/\$\d+/g)).size, regexes: query.match(/ ~ /g)?.length ?? 0 };
}

/** pg_stat_statements shows the query's constants as $n too (about 20 of them): far fewer than the partitions. */
const FEW = 50;

const partitionRows = (manifest: BackupManifest) =>
  manifest.tables.filter((t) => t.schema === 'public' && /^big_\d+$/.test(t.name));

describe(`the machine's pg_dump (${PARTITIONS} partitions)`, () => {
  test('tables naming the partitioned table: every partition is listed and counted, by a query of a few parameters', async () => {
    const manifest = await backupOf('tables', { tables: 'public.big' });
    const partitions = partitionRows(manifest);
    expect(partitions).toHaveLength(PARTITIONS);
    expect(manifest.tables).toHaveLength(PARTITIONS);
    expect(partitions.every((t) => t.rows === 1)).toBe(true);
    // The user's one pattern (a regular expression for the name, one for the schema) and the partitions' OIDs in
    // one array: not a pattern (two parameters) per partition.
    const listing = await listingQuery();
    expect(listing.regexes).toBe(2);
    expect(listing.parameters).toBeLessThan(FEW);
  });

  test('exclude-tables naming it: every partition is left out, by a query of a few parameters', async () => {
    const manifest = await backupOf('exclude', { schemas: 'public', 'exclude-tables': 'public.big, public.readings' });
    expect(manifest.tables.map((t) => [t.name, t.rows])).toEqual([['other', 2]]);
    const listing = await listingQuery();
    expect(listing.regexes).toBe(5); // the schema's, and two for each excluded pattern
    expect(listing.parameters).toBeLessThan(FEW);
  });
});

describe('pg_dump 16 or newer: --table-and-children, not a --table per partition', () => {
  let bin: string;
  let argsFile: string;
  beforeAll(async () => {
    const real = pgArchive116ClientBinDir(); // throws, naming scripts/install-test-deps.sh, where it was not built
    bin = join(dir, 'recording-bin');
    argsFile = join(dir, 'pg_dump-args');
    await mkdir(bin);
    for (const tool of ['pg_restore', 'psql']) await symlink(join(real, tool), join(bin, tool));
    await writeFile(
      join(bin, 'pg_dump'),
      `#!/bin/bash\nif [ "$1" != --version ]; then printf '%s\\n' "$@" > '${argsFile}'; fi\nexec '${real}/pg_dump' "$@"\n`,
    );
    await chmod(join(bin, 'pg_dump'), 0o755);
  });
  const pgDumpArgs = async () => (await readFile(argsFile, 'utf8')).split('\n').filter(Boolean);

  test('tables naming the partitioned table', async () => {
    const manifest = await backupOf('tables-16', { tables: 'public.big', 'pg-bin-dir': bin });
    expect(partitionRows(manifest)).toHaveLength(PARTITIONS);
    expect(partitionRows(manifest).every((t) => t.rows === 1)).toBe(true);
    const args = await pgDumpArgs();
    expect(args.filter((a) => /^--(table|exclude-table)/.test(a))).toEqual([
      '--table=public.big',
      '--table-and-children="public"."big"',
    ]);
  });

  test('exclude-tables naming it', async () => {
    const manifest = await backupOf('exclude-16', {
      schemas: 'public',
      'exclude-tables': 'public.big, public.readings',
      'pg-bin-dir': bin,
    });
    expect(manifest.tables.map((t) => [t.name, t.rows])).toEqual([['other', 2]]);
    const args = await pgDumpArgs();
    expect(args.filter((a) => /^--(table|exclude-table)/.test(a))).toEqual([
      '--exclude-table=public.big',
      '--exclude-table=public.readings',
      '--exclude-table-and-children="public"."big"',
      '--exclude-table-and-children="public"."readings"',
    ]);
  });

  test('a partitioned table of partitioned tables: the leaves come with it', async () => {
    const manifest = await backupOf('sub-partitions-16', { tables: 'public.readings', 'pg-bin-dir': bin });
    expect(manifest.tables.map((t) => [t.name, t.rows])).toEqual([['readings_2024_1', 7]]);
    expect((await pgDumpArgs()).filter((a) => /^--(table|exclude-table)/.test(a))).toEqual([
      '--table=public.readings',
      '--table-and-children="public"."readings"',
    ]);
  });
});
