import { execFile } from 'node:child_process';
import { close, constants, open } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { DbopsError } from '../errors.js';

/**
 * Copies one process's output to several processes, counting the bytes, on a worker thread with blocking reads
 * and writes on OS pipes. The bytes (a dump of many gigabytes) never enter Node's streams, which would cost
 * several times the CPU, and neither does `tee`, which copies 8 KiB at a time. A consumer that exits early
 * (pg_restore --list once it has read the table of contents) is dropped, not an error; the others go on.
 */
export interface FanOut {
  /** The write end of the input pipe: the producer's stdout. */
  input: number;
  /** The read ends of the output pipes: each consumer's stdin. */
  outputs: number[];
  /** Closes Node's copies of `input` and `outputs` once processes hold them (or never will), but those in `keep`. */
  handedOver(keep?: number[]): void;
  /** The number of bytes copied, once the producer has closed its output. */
  bytes: Promise<number>;
}

// The worker never closes a descriptor (Node warns when a worker closes one it did not open): Node's main thread
// closes them all when the worker exits, and that end of input is what lets each reader finish.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readSync, writeSync } = require('node:fs');
const { input, outputs } = workerData;
const open = outputs.map(() => true);
const buffer = Buffer.allocUnsafe(1 << 16);
const retry = (io) => { for (;;) { try { return io(); } catch (e) { if (e.code !== 'EINTR') throw e; } } };
let bytes = 0;
for (let n; (n = retry(() => readSync(input, buffer, 0, buffer.length, null))) > 0; ) {
  bytes += n;
  outputs.forEach((fd, i) => {
    if (!open[i]) return;
    try {
      for (let at = 0; at < n; ) at += retry(() => writeSync(fd, buffer, at, n - at));
    } catch (error) {
      if (error.code !== 'EPIPE') throw error;
      open[i] = false; // this reader has what it needs (or died: its own exit status says which)
    }
  });
}
parentPort.postMessage(bytes);
`;

/** The copy loop allocates one 64 KiB buffer: a small heap keeps the thread's memory (and the RSS limit) small. */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 4 };

/** `tmpDir`: where the FIFOs the pipes are made from exist for a moment (the system's temp directory by default). */
export async function startFanOut(branches: number, tmpDir = tmpdir()): Promise<FanOut> {
  const pipes: Pipe[] = [];
  try {
    const fifos = await makeFifos(tmpDir, branches + 1);
    try {
      // One at a time: each pair of blocking opens holds two of libuv's four threads until they meet.
      for (const fifo of fifos) pipes.push(await openPipe(fifo));
    } finally {
      await rm(join(fifos[0]!, '..'), { recursive: true, force: true });
    }
  } catch (error) {
    for (const pipe of pipes) closeQuietly(pipe.read, pipe.write);
    throw new DbopsError(
      'DUMP_FAILED',
      `Could not make the pipes that join pg_dump, zstd and the archive checks in ${tmpDir}: ${(error as Error).message}`,
      {
        cause: error,
        hint: 'TMPDIR (or /tmp) must be a writable directory on a file system with named pipes, and mkfifo (coreutils) must be installed.',
      },
    );
  }
  const [inputPipe, ...outputPipes] = pipes as [Pipe, ...Pipe[]];
  const workerEnds = [inputPipe.read, ...outputPipes.map((p) => p.write)];
  const worker = new Worker(WORKER, {
    eval: true,
    resourceLimits: WORKER_LIMITS,
    // A thread runs the process's preloads (NODE_OPTIONS=--require, node -r): an APM agent loaded there would only
    // copy bytes, and would not fit in the thread's small heap.
    execArgv: [],
    env: { ...process.env, NODE_OPTIONS: '' },
    workerData: { input: inputPipe.read, outputs: outputPipes.map((p) => p.write) },
  });
  const bytes = new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      closeQuietly(...workerEnds);
      reject(new Error(`The fan-out thread stopped (exit ${code}) before the input ended`));
    });
  });
  bytes.catch(() => undefined);
  let handed = false;
  return {
    input: inputPipe.write,
    outputs: outputPipes.map((p) => p.read),
    handedOver(keep = []) {
      if (handed) return;
      handed = true;
      closeQuietly(...[inputPipe.write, ...outputPipes.map((p) => p.read)].filter((fd) => !keep.includes(fd)));
    },
    bytes,
  };
}

interface Pipe {
  read: number;
  write: number;
}

async function makeFifos(tmpDir: string, count: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpDir, 'dbops-pipe-'));
  const paths = Array.from({ length: count }, (_, i) => join(dir, `pipe${i}`));
  try {
    await promisify(execFile)('mkfifo', ['-m', '600', ...paths]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return paths;
}

/** Node cannot make an anonymous pipe; a FIFO opened at both ends is one (and blocking at both ends, unlike O_NONBLOCK). */
async function openPipe(fifo: string): Promise<Pipe> {
  const openEnd = (flags: number) =>
    promisify(open)(fifo, flags).catch(async (error: unknown) => {
      // The other end's open waits for this one: stand in for it without blocking, so that it completes rather than
      // hold a thread for ever.
      await promisify(open)(fifo, flags | constants.O_NONBLOCK).then(closeQuietly, () => undefined);
      throw error;
    });
  const [read, write] = await Promise.allSettled([openEnd(constants.O_RDONLY), openEnd(constants.O_WRONLY)]);
  if (read.status === 'fulfilled' && write.status === 'fulfilled') return { read: read.value, write: write.value };
  for (const end of [read, write]) if (end.status === 'fulfilled') closeQuietly(end.value);
  throw (read.status === 'rejected' ? read.reason : (write as PromiseRejectedResult).reason) as Error;
}

function closeQuietly(...fds: number[]): void {
  for (const fd of fds) close(fd, () => undefined);
}
