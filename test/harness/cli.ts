import { definitions } from '@dbops/core';
import { buildProgram } from '../../packages/cli/src/program.js';

export interface CliRun {
  /** The exit code the program reported; -1 when it reported none. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `dbops <args>` in-process, as a terminal would, with only PATH and `env` in its environment. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const run: CliRun = { code: -1, stdout: '', stderr: '' };
  const program = buildProgram(
    definitions,
    {
      stdout: (text) => (run.stdout += text),
      stderr: (text) => (run.stderr += text),
      env: { PATH: process.env.PATH, ...env },
      signal: new AbortController().signal,
    },
    (code) => (run.code = code),
  );
  await program.parseAsync(['node', 'dbops', ...args]);
  return run;
}
