import stringArgv from 'string-argv';
import { DbopsError, invalidInput } from '../../errors.js';
import { spawnProcess, type ProcessExit } from '../../pipeline/child-process.js';
import type { DumpScope } from './inventory.js';

/** Flags dbops sets itself; letting users override them would break the archive format or leak a password. */
const RESERVED_FLAGS = [
  '-f', '--file', '-F', '--format', '-Z', '--compress', '-d', '--dbname', '-h', '--host', '-p', '--port', '-U',
  '--username', '-W', '--password', '-w', '--no-password', '--snapshot', '-j', '--jobs', '-v', '--verbose',
];

export function parsePgDumpArgs(text: string | undefined, input = 'pg-dump-args'): string[] {
  if (!text || text.trim() === '') return [];
  const args = stringArgv(text.trim());
  for (const arg of args) {
    const flag = arg.startsWith('--') ? arg.split('=')[0]! : arg.startsWith('-') ? arg.slice(0, 2) : undefined;
    if (flag && RESERVED_FLAGS.includes(flag)) {
      throw invalidInput(input, `sets ${flag}, which dbops controls`, 'extra pg_dump flags other than output, format, compression, connection and job flags, e.g. "--no-owner --exclude-table-data=audit_log"');
    }
  }
  return args;
}

export interface DumpCommand {
  pgDump: string;
  scope: DumpScope;
  snapshot?: string;
  extraArgs: string[];
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export function pgDumpArgs(command: Omit<DumpCommand, 'pgDump' | 'env' | 'signal'>): string[] {
  const args = ['--format=custom', '--compress=0', '--no-password'];
  if (command.snapshot) args.push(`--snapshot=${command.snapshot}`);
  for (const p of command.scope.schemas) args.push(`--schema=${p}`);
  for (const p of command.scope.excludeSchemas) args.push(`--exclude-schema=${p}`);
  for (const p of command.scope.tables) args.push(`--table=${p}`);
  for (const p of command.scope.excludeTables) args.push(`--exclude-table=${p}`);
  return [...args, ...command.extraArgs];
}

/** Starts pg_dump writing a custom-format archive, uncompressed (dbops compresses faster), to its stdout. */
export function startDump(command: DumpCommand) {
  return spawnProcess(command.pgDump, pgDumpArgs(command), {
    env: command.env,
    ...(command.signal ? { signal: command.signal } : {}),
    onFailure: dumpFailure,
  });
}

function dumpFailure(exit: ProcessExit): DbopsError {
  const detail = exit.stderr.split('\n').filter(Boolean).slice(-3).join(' | ') || 'no message';
  if (/server closed the connection|connection to server .* lost|terminating connection|could not receive data/i.test(exit.stderr)) {
    return new DbopsError('DUMP_FAILED', `The PostgreSQL server closed the connection during the dump: ${detail}`, {
      hint: 'The server restarted or was stopped mid-dump; nothing was recorded as a backup. Run again when it is up.',
    });
  }
  if (/permission denied/i.test(exit.stderr)) {
    return new DbopsError('DUMP_FAILED', `pg_dump lacks a privilege: ${detail}`, {
      hint: 'Back up with a role that can read every dumped object (the owner, or a role granted pg_read_all_data), or exclude the object.',
    });
  }
  const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
  return new DbopsError('DUMP_FAILED', `pg_dump ${how}: ${detail}`, { hint: 'See the pg_dump message above.' });
}
