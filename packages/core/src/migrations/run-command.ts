/**
 * Runs the user's migration command (`npx prisma migrate deploy`, `npx node-pg-migrate up`, a psql script) through
 * /bin/sh in the project folder. The target reaches it in DATABASE_URL, never argv (argv is visible in `ps`), and
 * PGOPTIONS carries lock_timeout so every statement of a libpq or node-postgres tool is bounded: a migration queued
 * behind a long transaction fails fast instead of blocking every query queued behind it. What the command prints
 * passes through the secret register before anyone sees it, since tools echo their URL in errors.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DbopsError } from '../errors.js';
import type { Secrets } from '../secrets.js';

export interface MigrationCommandOptions {
  /** A shell command line, as the user wrote it. */
  command: string;
  /** The project folder the command runs in. */
  cwd: string;
  /** The target's connection URL; registered as a secret (with its password) here. */
  databaseUrl: string;
  secrets: Secrets;
  /** lock_timeout for every session the tool opens; 0 means none. */
  lockTimeoutMs: number;
  /** statement_timeout for every session the tool opens; 0 or undefined means none. */
  statementTimeoutMs?: number;
  /** The environment the command inherits (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** Each line the command prints, stdout and stderr alike, already redacted. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  /** How many of the last lines to keep for the result and the error (default 40). */
  tailLines?: number;
}

export interface MigrationCommandResult {
  exitCode: number;
  durationMs: number;
  /** The last lines printed, redacted. */
  lastLines: string[];
}

/** How long the command's process group has to exit after SIGTERM before it is killed. */
export const COMMAND_KILL_GRACE_MS = 10_000;

/** The value of PGOPTIONS for the command: the inherited options, then dbops's timeouts (the last -c wins). */
export function migrationPgOptions(inherited: string | undefined, lockTimeoutMs: number, statementTimeoutMs = 0) {
  const ours = [
    ...(lockTimeoutMs > 0 ? [`-c lock_timeout=${Math.round(lockTimeoutMs)}`] : []),
    ...(statementTimeoutMs > 0 ? [`-c statement_timeout=${Math.round(statementTimeoutMs)}`] : []),
  ];
  return [inherited?.trim(), ...ours].filter(Boolean).join(' ');
}

/**
 * Runs the command and resolves with its exit once it exited 0. A non-zero exit, a signal or an abort rejects with an
 * error naming the command and its last lines. On abort the whole process group is stopped: `sh -c "npx prisma ..."`
 * has grandchildren that a signal to the shell alone would leave running against the database.
 */
export async function runMigrationCommand(options: MigrationCommandOptions): Promise<MigrationCommandResult> {
  const { secrets } = options;
  secrets.add(options.databaseUrl);
  const inherited = options.env ?? process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    DATABASE_URL: options.databaseUrl,
    PGOPTIONS: migrationPgOptions(inherited.PGOPTIONS, options.lockTimeoutMs, options.statementTimeoutMs),
  };
  const keep = options.tailLines ?? 40;
  const lastLines: string[] = [];
  const started = Date.now();

  // detached: the child leads a process group of its own, which a kill of -pid reaches as a whole.
  const child = spawn('/bin/sh', ['-c', options.command], {
    cwd: options.cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lineClosed: Array<Promise<void>> = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = createInterface({ input: child[stream]!, crlfDelay: Infinity });
    lines.on('line', (raw) => {
      const line = secrets.redact(raw);
      lastLines.push(line);
      if (lastLines.length > keep) lastLines.shift();
      options.onLine?.(line, stream);
    });
    lineClosed.push(new Promise((resolve) => lines.once('close', () => resolve())));
  }

  let stopped = false;
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    stopped = true;
    killGroup(child.pid, 'SIGTERM');
    const kill = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), COMMAND_KILL_GRACE_MS);
    kill.unref();
    child.once('exit', () => clearTimeout(kill));
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', (error) =>
      // spawn reports a missing working directory as if /bin/sh were missing: name the folder too.
      reject(
        new DbopsError(
          'INVALID_INPUT',
          `The migration command could not be started in ${options.cwd}: ${error.message}`,
          {
            hint: 'The project folder must exist and /bin/sh must be installed.',
          },
        ),
      ),
    );
    child.once('exit', (c, s) => resolve([c, s]));
  }).finally(() => options.signal?.removeEventListener('abort', stop));
  await Promise.all(lineClosed);

  const durationMs = Date.now() - started;
  if (code === 0 && !stopped) return { exitCode: 0, durationMs, lastLines };
  throw commandFailed(options.command, secrets, code, signal, stopped, lastLines);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has exited already.
  }
}

function commandFailed(
  command: string,
  secrets: Secrets,
  code: number | null,
  signal: NodeJS.Signals | null,
  stopped: boolean,
  lastLines: string[],
): DbopsError {
  const shown = secrets.redact(command);
  const output = lastLines.length > 0 ? `; its last output:\n${lastLines.join('\n')}` : '; it printed nothing';
  if (stopped) {
    return new DbopsError('CANCELLED', `The migration command \`${shown}\` was stopped by a cancel${output}`, {
      hint:
        'A migration may have been interrupted halfway: check the migration status before running again ' +
        '(on PostgreSQL a migration without COMMIT or CONCURRENTLY is rolled back as a whole).',
    });
  }
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return new DbopsError('CHECK_FAILED', `The migration command \`${shown}\` ${how}${output}`, {
    input: 'command',
    hint:
      'Read the output above for the migration and the database error. A "canceling statement due to lock ' +
      'timeout" means another session held a lock the migration needed: run again when it is done, or raise ' +
      'lock-timeout.',
  });
}
