import { spawnProcess } from '../../pipeline/child-process.js';
import { readToc, type ArchiveToc } from './archive-toc.js';

export interface PgRestoreCommand {
  pgRestore: string;
  archivePath: string;
  database: string;
  jobs: number;
  /** Skip ownership and grants: the roles of the source rarely exist on a scratch server. */
  noOwner: boolean;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface PgRestoreOutcome {
  ok: boolean;
  /** pg_restore's "error:" lines: with errors it keeps going and reports them at the end. */
  errors: string[];
  exitCode: number | null;
}

/** Runs pg_restore from a local archive file into a database, in parallel where the archive allows it. */
export async function runPgRestore(command: PgRestoreCommand): Promise<PgRestoreOutcome> {
  const args = [
    `--dbname=${conninfoDbname(command.database)}`,
    `--jobs=${command.jobs}`,
    '--no-password',
    '--exit-on-error',
  ];
  if (command.noOwner) args.push('--no-owner', '--no-privileges');
  args.push(command.archivePath);
  const proc = spawnProcess(command.pgRestore, args, {
    env: command.env,
    ...(command.signal ? { signal: command.signal } : {}),
  });
  for await (const _ of proc.child.stdout!) {
    // pg_restore -d writes nothing to stdout.
  }
  const exit = await proc.exited;
  const errors = exit.stderr.split('\n').filter((line) => /error|FATAL/i.test(line));
  return {
    ok: exit.code === 0,
    errors: exit.code === 0 ? [] : errors.length > 0 ? errors : [exit.stderr || `exit ${exit.code}`],
    exitCode: exit.code,
  };
}

/** pg_restore reads --dbname as a connection string when it contains '='; quote such names as one. */
function conninfoDbname(database: string): string {
  return /[=\s']/.test(database) ? `dbname='${database.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : database;
}

/** The table of contents of a local archive file (pg_restore --list). */
export async function listArchiveFile(
  pgRestore: string,
  archivePath: string,
  signal?: AbortSignal,
): Promise<ArchiveToc> {
  const proc = spawnProcess(pgRestore, ['--list', archivePath], signal ? { signal } : {});
  return readToc(proc.output());
}

/** Whether the archive creates `schema` itself (a SCHEMA entry "- <name> <owner>"), with its comment and grants. */
export function archiveCreatesSchema(toc: ArchiveToc, schema: string): boolean {
  return toc.entries.some((entry) => entry.type === 'SCHEMA' && entry.rest.startsWith(`- ${schema} `));
}
