import { mkdtemp, readdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { DbopsError } from '../../errors.js';
import { formatBytes } from '../../format.js';
import { spawnProcess } from '../../pipeline/child-process.js';
import type { DumpPart } from '../engine.js';
import type { ArchiveToc } from './archive-toc.js';
import { dumpFailure, pgDumpArgs, type DumpCommand } from './dump.js';
import { PartQueue } from './part-queue.js';

export interface DirectoryDumpOptions {
  dump: Omit<DumpCommand, 'directory' | 'output'>;
  jobs: number;
  /** Where the dump's directory is made (TMPDIR). */
  tempDir: string;
  /** The free space the dump needs there, at most: the tables' and large objects' size on disk. */
  neededBytes: number;
  /** Reads the table of contents of the finished directory (pg_restore --list), before toc.dat is handed over. */
  listToc(directory: string): Promise<ArchiveToc>;
}

export interface DirectoryDump {
  /** Each file once pg_dump has closed it; toc.dat last, once pg_dump has exited 0. */
  parts: AsyncIterable<DumpPart>;
  /** The archive's table of contents, read before toc.dat was handed over; set once `parts` has ended. */
  toc(): ArchiveToc;
  dispose(): Promise<void>;
}

/** pg_dump -v's line as a worker's table file is complete: "pg_dump: finished item 3348 TABLE DATA orders". */
const FINISHED_DATA = /^pg_dump: finished item (\d+) TABLE DATA /;
/** What pg_dump says when it fails, as opposed to its -v progress lines. */
const NOT_PROGRESS = /^pg_dump: (error|detail|hint|warning|fatal):|^(?!pg_dump: )/;

/**
 * pg_dump -Fd -j N into a private temp directory: one file per table, written by N workers in the dump's snapshot.
 * A table's file is handed over as soon as pg_dump reports it finished (its worker has closed it); the files no
 * report names (large objects) and toc.dat follow once pg_dump has exited 0. A failed pg_dump fails `parts`.
 */
export async function startDirectoryDump(options: DirectoryDumpOptions): Promise<DirectoryDump> {
  await checkFreeSpace(options.tempDir, options.neededBytes);
  const root = await mkdtemp(join(options.tempDir, 'dbops-dump-')).catch((error: unknown) => {
    throw tempDirError(options.tempDir, error);
  });
  const directory = join(root, 'archive');
  const stop = new AbortController();
  const outer = options.dump.signal;
  const onOuterAbort = () => stop.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  if (outer?.aborted) stop.abort();

  const { dump } = options;
  const proc = spawnProcess(dump.pgDump, pgDumpArgs({ ...dump, directory: { path: directory, jobs: options.jobs } }), {
    env: dump.env,
    signal: stop.signal,
    onFailure: (exit) => dumpFailure({ ...exit, stderr: withoutProgress(exit.stderr) }, dump.role),
  });
  proc.child.stdout!.resume(); // pg_dump writes to the directory; stdout stays empty

  const queue = new PartQueue();
  const handed = new Set<string>();
  const hand = (file: string) => {
    if (handed.has(file)) return;
    handed.add(file);
    queue.push({ file, path: join(directory, file) });
  };
  let pending = '';
  proc.child.stderr!.on('data', (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const finished = FINISHED_DATA.exec(line);
      if (finished) hand(`${finished[1]}.dat`);
    }
  });

  let toc: ArchiveToc | undefined;
  void (async () => {
    await proc.succeeded();
    // What no report named (large objects' files), then the table of contents, which makes the archive whole.
    for (const file of (await readdir(directory)).sort()) if (file !== 'toc.dat') hand(file);
    toc = await options.listToc(directory);
    hand('toc.dat');
    queue.end();
  })().catch((error: unknown) => queue.fail(error));

  return {
    parts: queue,
    toc() {
      if (!toc) throw new Error('The table of contents was read before the dump ended');
      return toc;
    },
    async dispose() {
      stop.abort();
      outer?.removeEventListener('abort', onOuterAbort);
      await proc.exited.catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** pg_dump's stderr without its -v progress lines, so that a failure's message is its error. */
function withoutProgress(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => NOT_PROGRESS.test(line))
    .join('\n')
    .trim();
}

/** The tables are written whole to local disk before they are stored (each is deleted once stored): check room. */
async function checkFreeSpace(tempDir: string, neededBytes: number): Promise<void> {
  const space = await statfs(tempDir).catch((error: unknown) => {
    throw tempDirError(tempDir, error);
  });
  const free = space.bavail * space.bsize;
  if (free < neededBytes) {
    throw new DbopsError(
      'DUMP_FAILED',
      `A parallel dump needs up to ${formatBytes(neededBytes)} (the tables' and large objects' size) of local disk in ${tempDir}, which has ${formatBytes(free)} free`,
      { input: 'jobs', hint: PARALLEL_TEMP_HINT },
    );
  }
}

const PARALLEL_TEMP_HINT =
  'Nothing was backed up. With jobs, pg_dump writes each table to TMPDIR before it is compressed, encrypted and ' +
  'stored: point TMPDIR at a disk with room for the tables and large objects, free space there, or leave jobs out to stream one archive.';

function tempDirError(tempDir: string, error: unknown): DbopsError {
  return new DbopsError(
    'DUMP_FAILED',
    `The parallel dump cannot use ${tempDir}: ${(error as Error).message ?? String(error)}`,
    { hint: PARALLEL_TEMP_HINT, cause: error },
  );
}
