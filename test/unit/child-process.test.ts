// How a child process is stopped and how its end is reported (packages/core/src/pipeline/child-process.ts), with
// real processes: the exit status is the process's own even when an abort comes just as it ends, and a process
// that ignores SIGTERM is killed after the grace period instead of holding the run for ever.
import { KILL_GRACE_MS, spawnProcess } from '../../packages/core/src/pipeline/child-process.js';

test('a process stopped while it runs: killed by SIGTERM, reported as stopped', async () => {
  const abort = new AbortController();
  const proc = spawnProcess('sleep', ['600'], { signal: abort.signal });
  abort.abort();
  await expect(proc.exited).resolves.toMatchObject({ code: null, signal: 'SIGTERM', stopped: true });
});

test('a process already exiting with its own error when the stop comes: its own exit status is reported', async () => {
  // Like pg_dump when the server goes away: it has decided to exit 1 and SIGTERM changes nothing.
  const abort = new AbortController();
  const proc = spawnProcess(
    'sh',
    ['-c', "trap '' TERM; echo ready; sleep 0.5; echo 'server closed the connection' >&2; exit 1"],
    { signal: abort.signal },
  );
  await ready(proc);
  abort.abort();
  await expect(proc.exited).resolves.toMatchObject({
    code: 1,
    signal: null,
    stopped: true,
    stderr: 'server closed the connection',
  });
  await expect(proc.succeeded()).rejects.toThrow(/exited with code 1: server closed the connection/);
});

test('a process that had exited before the abort: not stopped, its exit code stands', async () => {
  const abort = new AbortController();
  const proc = spawnProcess('sh', ['-c', 'exit 3'], { signal: abort.signal });
  await proc.exited;
  abort.abort();
  await expect(proc.exited).resolves.toMatchObject({ code: 3, stopped: false });
});

test('an abort before the start: the process is stopped at once', async () => {
  const abort = new AbortController();
  abort.abort();
  const proc = spawnProcess('sleep', ['600'], { signal: abort.signal });
  await expect(proc.exited).resolves.toMatchObject({ signal: 'SIGTERM', stopped: true });
});

test(
  `a process that ignores SIGTERM is killed after ${KILL_GRACE_MS / 1000} s`,
  async () => {
    const abort = new AbortController();
    const proc = spawnProcess('sh', ['-c', "trap '' TERM; echo ready; exec sleep 600"], { signal: abort.signal });
    await ready(proc);
    abort.abort();
    await expect(proc.exited).resolves.toMatchObject({ signal: 'SIGKILL', stopped: true });
  },
  KILL_GRACE_MS + 30_000,
);

/** Waits for the script's first output: its SIGTERM trap is in place by then. */
async function ready(proc: ReturnType<typeof spawnProcess>): Promise<void> {
  for await (const _ of proc.child.stdout!) return;
  throw new Error('the script ended without saying ready');
}
