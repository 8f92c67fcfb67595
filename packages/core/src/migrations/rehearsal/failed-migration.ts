/**
 * Which migration a failed command failed in, and the database's error, from what the run left: the tool's record
 * (Prisma keeps the failed attempt with its log), else the command's output (node-pg-migrate prints each
 * migration's name before running it, psql prefixes an error with the file, which carries the name: the last
 * pending migration the output names), else, for a tool with a record, the first migration still pending.
 */
import type { AppliedDiff } from '../applied-diff.js';

export interface RehearsalFailure {
  /** The migration that failed, when the run tells. */
  migration?: string;
  /** The database's error ("division by zero"), or the command's error when no database error was printed. */
  error: string;
}

export function failedMigration(
  diff: AppliedDiff | undefined,
  candidates: string[],
  output: string[],
  commandError: string,
): RehearsalFailure {
  const recorded = diff?.failed[0];
  const named = recorded?.name ?? lastNamed(candidates, output) ?? firstStillPending(diff, candidates);
  const error = databaseError(recorded?.logs ?? '') ?? databaseError(output.join('\n')) ?? commandError.split('\n')[0]!;
  return { ...(named ? { migration: named } : {}), error };
}

function lastNamed(candidates: string[], output: string[]): string | undefined {
  // Longest names first, so 1_add_status_index is not read as 1_add_status.
  const byLength = [...candidates].sort((a, b) => b.length - a.length);
  for (let i = output.length - 1; i >= 0; i--) {
    const found = byLength.find((name) => output[i]!.includes(name));
    if (found) return found;
  }
  return undefined;
}

function firstStillPending(diff: AppliedDiff | undefined, candidates: string[]): string | undefined {
  if (!diff) return undefined;
  const pending = new Set(diff.stillPending);
  return candidates.find((name) => pending.has(name));
}

/** PostgreSQL's message as libpq tools and Prisma print it: "ERROR:  division by zero". */
function databaseError(text: string): string | undefined {
  const match = /\bERROR:\s+(.+)/.exec(text);
  return match?.[1]?.trim();
}
