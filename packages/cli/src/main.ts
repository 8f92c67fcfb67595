import { CommanderError } from 'commander';
import { constants } from 'node:os';
import { definitions, keepYoungGenerationSmall } from '@dbops/core';
import { buildProgram } from './program.js';

keepYoungGenerationSmall();

// First SIGINT/SIGTERM cancels cleanly (child processes stopped, uploads aborted); a second one exits at once.
// A cancelled run exits as shells expect of one ended by a signal: 128 + its number (SIGINT 130, SIGTERM 143).
const abort = new AbortController();
let received: NodeJS.Signals | undefined;
const onSignal = (signal: NodeJS.Signals) => {
  if (abort.signal.aborted) process.exit(128 + constants.signals[received ?? signal]);
  received = signal;
  process.stderr.write(`\nReceived ${signal}: cancelling…\n`);
  abort.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const program = buildProgram(
  definitions,
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    signal: abort.signal,
  },
  (code) => {
    process.exitCode = received && code !== 0 ? 128 + constants.signals[received] : code;
  },
);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has printed the message; --help and --version end here too, with exit code 0.
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}
