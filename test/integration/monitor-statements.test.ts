// slow-statements over the pg_stat_statements column sets of PostgreSQL 12, 13-16 and 17/18, on a real server.
// The extension needs shared_preload_libraries (a restart) to collect anything, so each database here gets the
// real extension with its view swapped for one that has the columns of the version under test and known rows.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSettings, MemoryLogger, monitorReport, parsePgTarget, POSTGRES_CHECKS } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const VERSIONS = {
  // 12: total_time / mean_time, blk_read_time / blk_write_time
  pg12: 'total_time, mean_time, blk_read_time, blk_write_time',
  // 13-16: total_exec_time / mean_exec_time (plus planning times)
  pg13: 'total_plan_time, total_exec_time, mean_exec_time, blk_read_time, blk_write_time',
  // 17 and 18: shared_blk_read_time / shared_blk_write_time, local_ ones added
  pg17: 'total_plan_time, total_exec_time, mean_exec_time, shared_blk_read_time, shared_blk_write_time, local_blk_read_time',
};

async function fakeStatements(database: string, columns: string): Promise<void> {
  await server.createDatabase(database);
  const names = columns.split(', ');
  // Two statements: 2 s mean (warning), 8 s mean (critical), each with its time columns filled by position.
  const value = (name: string, mean: number) =>
    /mean/.test(name) ? mean * 1000 : /total/.test(name) ? mean * 1000 * 20 : 500;
  const row = (id: number, mean: number, text: string) =>
    `select ${id}::bigint as queryid, 20::bigint as calls, 5::bigint as rows, '${text.replace(/'/g, "''")}'::text as query,
            10::oid as userid, (select oid from pg_database where datname = current_database()) as dbid,
            ${names.map((n) => `${value(n, mean)}::float8 as ${n}`).join(', ')}`;
  await server.query(`create extension pg_stat_statements`, [], database);
  await server.query(`alter extension pg_stat_statements drop view pg_stat_statements`, [], database);
  await server.query(`drop view pg_stat_statements`, [], database);
  await server.query(
    `create view pg_stat_statements as ${row(1, 2, "select * from orders where email = 'a@b.c'")} union all ${row(2, 8, 'select count(*) from events')}`,
    [],
    database,
  );
}

it.each(Object.entries(VERSIONS))('reads the %s column names', async (database, columns) => {
  await fakeStatements(database, columns);
  const checks = POSTGRES_CHECKS.filter((c) => c.id === 'slow-statements');
  const { report } = await monitorReport({
    target: parsePgTarget({ url: server.url(database) }),
    checks,
    settings: defaultSettings(checks),
    statementTimeoutMs: 5000,
    budgetMs: 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-pgss-')),
    log: new MemoryLogger(),
  });
  const [result] = report.checks;
  expect(result).toMatchObject({ status: 'critical' });
  expect(result!.findings.map((f) => [f.subject, f.severity, f.value])).toEqual([
    ['queryid 2', 'critical', 8],
    ['queryid 1', 'warning', 2],
  ]);
  // Literals are masked; the I/O time comes from whichever block-time columns the version has.
  expect(result!.findings[1]!.detail).toBe(`20 calls, 40.0 s total, 1.0 s I/O: select * from orders where email = '?'`);
});
