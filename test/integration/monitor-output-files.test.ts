// The report's files on a file system that fills up: each run writes all of them whole or none of them, so a
// Prometheus textfile collector or a later step never reads half a file, and a failed run leaves the last good
// report as it was.
import { mkdir, readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MemoryLogger,
  monitorReport,
  parsePgTarget,
  parseThresholds,
  POSTGRES_CHECKS,
  type MonitorSettings,
} from '@dbops/core';
import { mountSmallDisk, type SmallDisk } from '../harness/small-disk.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const FILES = ['metrics.prom', 'report.html', 'report.json', 'summary.md'];

let server: PostgresServer;
let disk: SmallDisk;

beforeAll(async () => {
  server = await startPostgres();
  await server.query(
    `create table orders (id serial primary key, note text); insert into orders (note) select 'n' || g from generate_series(1, 100) g;`,
  );
  disk = await mountSmallDisk(1024 * 1024);
});
afterAll(async () => {
  await disk?.unmount();
  await server?.stop();
});

async function run(outputDir: string, settings?: MonitorSettings) {
  return monitorReport({
    target: parsePgTarget({ url: server.url() }),
    checks: POSTGRES_CHECKS,
    ...(settings ? { settings } : {}),
    statementTimeoutMs: 10_000,
    budgetMs: 60_000,
    outputDir,
    log: new MemoryLogger(),
  });
}

/** Fills the disk so that about `free` bytes are left. */
async function leave(free: number): Promise<string> {
  const { bavail, bsize } = await statfs(disk.path);
  const filler = join(disk.path, `filler-${free}`);
  await writeFile(filler, Buffer.alloc(Math.max(0, bavail * bsize - free)));
  return filler;
}

async function contents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = await readFile(join(dir, name), 'utf8');
  return out;
}

/** Each file is whole: it ends the way its renderer ends it, and the JSON parses. */
function expectWhole(files: Record<string, string>): void {
  expect(Object.keys(files)).toEqual(FILES);
  expect(JSON.parse(files['report.json']!)).toMatchObject({ schemaVersion: 2 });
  expect(files['report.html']).toMatch(/<\/html>\n$/);
  expect(files['metrics.prom']).toMatch(/\ndbops_monitor_check_findings\{[^\n]*\} \d+\n/);
  expect(files['summary.md']).toMatch(/<\/details>\n$/);
}

it('a full disk leaves the previous report files whole and as they were, with a clear error', async () => {
  const out = join(disk.path, 'textfile');
  await run(out);
  const before = await contents(out);
  expectWhole(before);

  // The next report is longer (every table a finding) than the last, and the disk is full.
  const settings = await parseThresholds(
    'checks:\n  xid-wraparound: { warning: 0 }\n  multixact-wraparound: { warning: 0 }\n',
    'inline',
    POSTGRES_CHECKS,
  );
  const filler = await leave(0);
  try {
    await expect(run(out, settings)).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: expect.stringMatching(
        /^Cannot write the report to output-dir \(.*textfile\): .*no space left on device/i,
      ),
      input: 'output-dir',
    });
  } finally {
    await rm(filler);
  }
  expect(await contents(out)).toEqual(before);
});

it('on a disk of any size left, a run writes every file whole or fails and writes none', async () => {
  const probe = join(disk.path, 'probe');
  await run(probe);
  const size = Object.values(await contents(probe)).reduce((n, text) => n + Buffer.byteLength(text), 0);
  await rm(probe, { recursive: true });

  let failed = 0;
  let written = 0;
  // From nothing left to room for all, in steps that land inside each of the files.
  for (let free = 0; free <= size + 16 * 1024; free += 4096) {
    const out = join(disk.path, `run-${free}`);
    await mkdir(out);
    const filler = await leave(free);
    let ok = true;
    try {
      await run(out);
    } catch (error) {
      ok = false;
      expect(error).toMatchObject({ code: 'STORAGE_FAILED', input: 'output-dir' });
    } finally {
      await rm(filler);
    }
    const left = await contents(out);
    if (ok) {
      written++;
      expectWhole(left);
    } else {
      failed++;
      expect(left).toEqual({});
    }
    await rm(out, { recursive: true });
  }
  // The sweep covered both outcomes, or it proved nothing.
  expect(failed).toBeGreaterThan(0);
  expect(written).toBeGreaterThan(0);
});
