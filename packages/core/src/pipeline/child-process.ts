import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex, type Readable } from 'node:stream';

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Turns a failed exit into the error the caller wants to show (stderr is already trimmed to its tail). */
  onFailure?: (exit: ProcessExit) => Error;
  /**
   * The read end of an OS pipe (a file descriptor) to use as stdin instead of a pipe from Node, so that bytes go
   * from process to process without passing through Node. The caller closes its copy once the child has it.
   */
  input?: number;
  /** The write end of an OS pipe to use as stdout instead of a pipe to Node (the caller closes its copy). */
  output?: number;
}

export interface ProcessExit {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /**
   * The abort signal fired while the process still ran (as far as Node knew): it was told to stop. Its exit may
   * still be its own (it was already exiting), or how it handles SIGTERM (pg_dump exits 1, "terminated by user").
   */
  stopped: boolean;
}

const STDERR_TAIL_BYTES = 8192;
/** How long a stopped process has to exit after SIGTERM before it is killed (pg_dump first cancels its query). */
export const KILL_GRACE_MS = 10_000;

/**
 * A child process whose stdout is a stream that fails unless the process exits 0: a producer that dies half way
 * (pg_dump when the server goes away) must fail the pipeline, not end it quietly with a short output.
 * On abort the child is killed.
 */
export function spawnProcess(command: string, args: string[], options: ProcessOptions = {}) {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    stdio: [options.input ?? 'pipe', options.output ?? 'pipe', 'pipe'],
  });
  const stopped = stopOnAbort(child, options.signal);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_BYTES);
  });
  const exited = new Promise<ProcessExit>((resolve, reject) => {
    child.on('error', (error) => reject(spawnError(command, error)));
    child.once('close', (code, signal) =>
      resolve({ command, code, signal, stderr: stderr.trim(), stopped: stopped() }),
    );
  });
  // The exit is awaited by the stream below; this keeps an early rejection from being reported as unhandled.
  exited.catch(() => undefined);

  const failure = (exit: ProcessExit) => options.onFailure?.(exit) ?? defaultFailure(exit);
  /** Resolves once the process has exited 0; rejects with its failure otherwise. */
  async function succeeded(): Promise<void> {
    const exit = await exited;
    if (exit.code !== 0) throw failure(exit);
  }
  async function* output(): AsyncGenerator<Buffer> {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) yield chunk;
    await succeeded();
  }
  return { child, exited, succeeded, output, stdin: child.stdin, stderrText: () => stderr };
}

/** A child process as a Duplex: bytes written go to its stdin, bytes read come from its stdout. */
export function processDuplex(command: string, args: string[], options: ProcessOptions = {}): Duplex {
  const proc = spawnProcess(command, args, options);
  return Duplex.from({ writable: proc.stdin!, readable: proc.output() as unknown as Readable });
}

/**
 * On abort, SIGTERM, then SIGKILL if the child outlives KILL_GRACE_MS. Node's own `signal` option is not used:
 * it reports an AbortError even for a child that had already exited on its own, which hides how it ended.
 * Returns whether the abort found the child running.
 */
function stopOnAbort(child: ChildProcess, signal: AbortSignal | undefined): () => boolean {
  let stopped = false;
  if (!signal) return () => stopped;
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = () => {
    if (!running()) return;
    stopped = true;
    child.kill('SIGTERM');
    const kill = setTimeout(() => running() && child.kill('SIGKILL'), KILL_GRACE_MS);
    kill.unref(); // the child's own handle keeps the process alive while it runs
    child.once('exit', () => clearTimeout(kill));
  };
  if (signal.aborted) stop();
  else {
    signal.addEventListener('abort', stop, { once: true });
    child.once('exit', () => signal.removeEventListener('abort', stop));
  }
  return () => stopped;
}

export async function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('close', resolve));
}

function defaultFailure(exit: ProcessExit): Error {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return new Error(`${exit.command} ${how}${exit.stderr ? `: ${exit.stderr}` : ''}`);
}

function spawnError(command: string, error: NodeJS.ErrnoException): Error {
  if (error.code === 'ENOENT') return new Error(`${command} was not found`);
  return error;
}
