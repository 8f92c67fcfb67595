// Trends: earlier reports are read back from history (a directory, or S3) and the report shows growth per day
// and projections, as Mermaid charts in the summary and SVG charts in the HTML report.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MemoryLogger,
  monitorReport,
  parsePgTarget,
  POSTGRES_CHECKS,
  type MonitorReportResult,
  renderMarkdown,
} from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startS3Server, type S3Server } from '../harness/s3.js';

let server: PostgresServer;
const DAY = 86_400_000;
const start = Date.UTC(2026, 10, 1);

beforeAll(async () => {
  server = await startPostgres();
  await server.query(`create table counters (id serial primary key); select setval('counters_id_seq', 1000000);`);
});
afterAll(async () => {
  await server?.stop();
});

/** Three runs `apart` ms apart (the clock is given), using up sequence values and transaction IDs in between. */
async function threeRuns(
  history: { location: string; s3?: Record<string, unknown> },
  days = 90,
  apart = DAY,
): Promise<MonitorReportResult> {
  let last: MonitorReportResult | undefined;
  for (let day = 0; day < 3; day++) {
    await server.query(`select setval('counters_id_seq', ${1_000_000 + day * 100_000})`);
    for (let i = 0; i < 5; i++) await server.query('select txid_current()');
    last = await monitorReport({
      target: parsePgTarget({ url: server.url() }),
      name: 'prod',
      statementTimeoutMs: 10_000,
      budgetMs: 60_000,
      outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-history-')),
      history: { ...history, days },
      log: new MemoryLogger(),
      now: () => new Date(start + day * apart),
    });
  }
  return last!;
}

function expectTrends({ report, files }: MonitorReportResult, html: string) {
  const summary = renderMarkdown(report, POSTGRES_CHECKS);
  expect(report.trends?.reportsRead).toBe(2);
  const size = report.trends!.series.find((s) => s.id === 'database-size')!;
  expect(size.points.map((p) => p.at)).toEqual([0, 1, 2].map((d) => new Date(start + d * DAY).toISOString()));
  const seq = report.trends!.series.find((s) => s.id === 'sequence:public.counters_id_seq')!;
  expect(seq).toMatchObject({ history: { points: 3, days: 2 }, horizonDays: 4 });
  expect(seq.growthPerDay).toBeCloseTo(100_000);
  // 21,000 days away at this rate: two days of history cannot say that, only that it is more than four.
  expect(seq.daysToLimit).toBeUndefined();
  const xid = report.trends!.series.find((s) => s.id === 'xid-age')!;
  expect(xid.growthPerDay).toBeGreaterThan(0);
  expect(xid.daysToLimit).toBeUndefined();
  expect(summary).toContain('```mermaid\nxychart-beta');
  expect(summary).toContain(
    '+100,000/day from 3 reports over 2 days; more than 4 days to the limit at this rate (projected no further than 2× the history)',
  );
  expect(html).toContain('<svg');
  expect(html).toContain('Sequence public.counters_id_seq');
  expect(files.html).toMatch(/report\.html$/);
}

it('reads earlier reports back from a local directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-monitor-hist-'));
  const result = await threeRuns({ location: dir });
  expectTrends(result, await readFile(result.files.html, 'utf8'));
  expect((await readdir(join(dir, 'prod'))).sort()).toEqual([
    '2026-11-01T00-00-00-000Z.json',
    '2026-11-02T00-00-00-000Z.json',
    '2026-11-03T00-00-00-000Z.json',
  ]);
});

it('reads earlier reports back from S3', async () => {
  const s3: S3Server = await startS3Server();
  try {
    await s3.createBucket('ops');
    const result = await threeRuns({
      location: 's3://ops/monitor',
      s3: {
        endpoint: s3.endpoint,
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        forcePathStyle: true,
      },
    });
    expectTrends(result, await readFile(result.files.html, 'utf8'));
  } finally {
    await s3.stop();
  }
});

it('skips, with a warning, a history entry whose generatedAt is not a time, and still writes the report', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-monitor-hist-'));
  await threeRuns({ location: dir });
  // An entry edited by hand or written by something else: the trend charts could not place it.
  await writeFile(
    join(dir, 'prod', '2026-11-03T12-00-00-000Z.json'),
    JSON.stringify({ schemaVersion: 2, generatedAt: 'yesterday', sample: { databaseBytes: 1 } }),
  );
  const log = new MemoryLogger();
  const { report, files } = await monitorReport({
    target: parsePgTarget({ url: server.url() }),
    name: 'prod',
    statementTimeoutMs: 10_000,
    budgetMs: 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-history-')),
    history: { location: dir, days: 90 },
    log,
    now: () => new Date(start + 3 * DAY),
  });
  expect(report.trends?.reportsRead).toBe(3);
  expect(log.lines.join('\n')).toMatch(
    /warn: Skipping history entry .*2026-11-03T12-00-00-000Z\.json: generatedAt 'yesterday' is not a time/,
  );
  expect(await readFile(files.html, 'utf8')).toContain('<svg');
});

it('projects nothing from reports minutes apart, and says how much history there was', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-monitor-hist-'));
  const { report, files } = await threeRuns({ location: dir }, 90, 60_000);
  const summary = renderMarkdown(report, POSTGRES_CHECKS);
  expect(report.trends?.reportsRead).toBe(2);
  for (const s of report.trends!.series) {
    expect(s).not.toHaveProperty('growthPerDay');
    expect(s).not.toHaveProperty('daysToLimit');
  }
  const said = 'not enough history to project (3 reports over 2 min 0 s; needs at least 3 over 1 day)';
  expect(summary).toContain(`- Sequence public.counters_id_seq: 1,200,000, ${said}`);
  expect(summary).not.toMatch(/days\*\* to the limit/);
  expect(await readFile(files.html, 'utf8')).toContain(said);
});

it('looks back only history-days', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-monitor-hist-'));
  const { report } = await threeRuns({ location: dir }, 1);
  // Runs are a day apart: only the previous one is within a day of the last.
  expect(report.trends?.reportsRead).toBe(1);
  expect(report.trends!.series.find((s) => s.id === 'database-size')!.points).toHaveLength(2);
});

it('still writes the report when the history store is down, with a warning', async () => {
  const s3: S3Server = await startS3Server();
  const endpoint = s3.endpoint;
  await s3.stop();
  const log = new MemoryLogger();
  const { report, files } = await monitorReport({
    target: parsePgTarget({ url: server.url() }),
    statementTimeoutMs: 10_000,
    budgetMs: 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-history-')),
    history: {
      location: 's3://ops/monitor',
      s3: { endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true },
      days: 30,
    },
    log,
  });
  expect(report.trends).toBeUndefined();
  expect(JSON.parse(await readFile(files.json, 'utf8')).status).toBe(report.status);
  expect(log.lines).toEqual(
    expect.arrayContaining([expect.stringMatching(/^warn: History at s3:\/\/ops\/monitor is unavailable/)]),
  );
});

it('has no trends section without history', async () => {
  const { report } = await monitorReport({
    target: parsePgTarget({ url: server.url() }),
    checks: POSTGRES_CHECKS,
    statementTimeoutMs: 10_000,
    budgetMs: 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-history-')),
    log: new MemoryLogger(),
  });
  expect(report.trends).toBeUndefined();
  expect(renderMarkdown(report, POSTGRES_CHECKS)).not.toContain('mermaid');
});
