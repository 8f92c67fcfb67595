// Runs the pg_repack client for one table: the connection in PG* variables (the password never in its arguments),
// waiting at most lock-timeout for its locks and never killing other sessions, interrupted like a user's Ctrl-C so
// that it drops its log table and trigger itself.
//
// --wait-timeout alone does not bound its waits: pg_repack 1.4 bounds only its own LOCK TABLE retries (each a
// SET LOCAL statement_timeout of at most 1 s, retried until --wait-timeout). When it gives up, or is interrupted, it
// drops its objects with repack_drop(), which takes ACCESS EXCLUSIVE on the table with no limit: queued there, it
// blocks every later query on the table. So each of its sessions also gets lock_timeout = lock-timeout (PGOPTIONS):
// that cleanup then fails after lock-timeout and leaves its objects for the next run. Its retries are unchanged when
// lock-timeout is 1 s or more (their statement_timeout ends each wait first); below 1 s, a retry that would wait
// longer than lock-timeout fails instead, so pg_repack gives up early. A failed cleanup is retried from pg_repack's
// exit handler, reconnecting, without end (and deaf to SIGINT): the first failure ends the process instead.
//
// --no-analyze: pg_repack's own ANALYZE after the swap would run under that lock_timeout too, and a session holding
// the table then (a VACUUM, a SHARE UPDATE EXCLUSIVE lock) would make it exit with an error though the table was
// rebuilt. The caller analyzes the table itself (maintenance/apply.ts), where a lock there is only a note.
import type { ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { DatabaseTarget } from '../engine.js';
import { DbopsError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { spawnProcess } from '../../pipeline/child-process.js';
import { libpqEnvironment } from './libpq-env.js';
import { RepackRunningError } from './repack-leftovers.js';
import { asPgTarget } from './target.js';

export interface RepackSettings {
  lockTimeoutMs: number;
  /** The step's time limit: then pg_repack is interrupted (SIGINT), which rolls its work back. */
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  log: Logger;
  signal?: AbortSignal;
}

/** pg_repack's own lock wait failed: the step did not get its lock, as a lock_timeout would say. */
export class RepackLockError extends Error {}

const GRACE_MS = 10_000;

export async function runPgRepack(target: DatabaseTarget, table: string, settings: RepackSettings): Promise<void> {
  const program = await findPgRepack(settings.env.PATH);
  const libpq = await libpqEnvironment(asPgTarget(target), settings.env);
  // libpqEnvironment drops the caller's PG* variables: these are the only options.
  libpq.env.PGOPTIONS = `-c lock_timeout=${Math.max(1, Math.round(settings.lockTimeoutMs))}`;
  const waitSeconds = Math.max(1, Math.ceil(settings.lockTimeoutMs / 1000));
  let cleanupFailed = false;
  try {
    const proc = spawnProcess(
      program,
      ['--no-kill-backend', '--no-analyze', `--wait-timeout=${waitSeconds}`, '--table', table],
      {
        env: libpq.env,
        onFailure: (exit) => {
          const how = cleanupFailed
            ? 'could not remove its objects and was stopped before it retried'
            : exit.signal
              ? `was stopped by ${exit.signal}`
              : `exited with code ${exit.code}`;
          const text = `pg_repack ${how}: ${exit.stderr || 'no message'}`;
          // Its advisory lock on the table is held: the pg_repack objects there are that run's, in use.
          if (ANOTHER_RUNNING.test(exit.stderr))
            return new RepackRunningError(`another pg_repack holds the table (pg_repack's advisory lock): ${text}`);
          return /lock|timed out/i.test(exit.stderr) ? new RepackLockError(text) : new Error(text);
        },
      },
    );
    stopOnFailedCleanup(proc.child, () => {
      cleanupFailed = true;
    });
    const interrupt = () => {
      proc.child.kill('SIGINT');
      setTimeout(() => proc.child.exitCode === null && proc.child.kill('SIGKILL'), GRACE_MS).unref();
    };
    const timer = setTimeout(interrupt, settings.timeoutMs);
    settings.signal?.addEventListener('abort', interrupt, { once: true });
    try {
      for await (const line of proc.output()) settings.log.debug(line.toString().trimEnd());
      // With --no-kill-backend, a lock it could not get within --wait-timeout is a warning and exit 0.
      const said = proc.stderrText();
      if (/skipping repack|timed out/i.test(said)) throw new RepackLockError(said.trim());
      // A killed run's trigger on the table: a warning and exit 0 too, with nothing rebuilt.
      if (/already has a trigger/i.test(said)) throw new Error(`pg_repack refused the table: ${said.trim()}`);
    } finally {
      clearTimeout(timer);
      settings.signal?.removeEventListener('abort', interrupt);
    }
  } finally {
    await libpq.dispose();
  }
}

/** pg_repack's words when another session holds its advisory lock on the table (bin/pg_repack.c, advisory_lock). */
const ANOTHER_RUNNING = /Another pg_repack command may be running on the table/;

/** pgut's detail of a failed statement (its own words, never translated): here, pg_repack's cleanup. */
const CLEANUP_FAILED = /query was: SELECT repack\.repack_drop\(/;

/**
 * Kills pg_repack once its stderr says its cleanup failed: from then on it only retries that cleanup, each retry
 * queued again for the table's ACCESS EXCLUSIVE lock (for up to lock_timeout). A retry already sent ends at its
 * lock_timeout; what pg_repack left is reported, and removed by the next run.
 */
function stopOnFailedCleanup(child: ChildProcess, onStop: () => void): void {
  let recent = '';
  const watch = (text: string) => {
    recent = (recent + text).slice(-1024);
    if (!CLEANUP_FAILED.test(recent)) return;
    child.stderr!.off('data', watch);
    onStop();
    child.kill('SIGKILL');
  };
  child.stderr!.on('data', watch);
}

/** pg_repack on PATH, else in an installed PostgreSQL's bin directory (Debian's postgresql-NN-repack puts it there). */
async function findPgRepack(path: string | undefined): Promise<string> {
  const versioned = (await readdir('/usr/lib/postgresql').catch(() => [] as string[]))
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => join('/usr/lib/postgresql', major, 'bin'));
  for (const dir of [...(path ?? '').split(delimiter).filter(Boolean), ...versioned]) {
    const file = join(dir, 'pg_repack');
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  throw new DbopsError('CLIENT_NOT_FOUND', 'The pg_repack client was not found on PATH', {
    hint: 'Install the pg_repack client of the extension’s version (Debian/Ubuntu: postgresql-<major>-repack), or drop the extension to fall back to VACUUM FULL.',
  });
}
