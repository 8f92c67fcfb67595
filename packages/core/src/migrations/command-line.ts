/**
 * The command that applies a tool's migrations, when the user names none.
 */
import { invalidInput } from '../errors.js';
import type { MigrationTool } from './source.js';

const DEFAULT_COMMANDS: Record<MigrationTool, string | undefined> = {
  prisma: 'npx prisma migrate deploy',
  'node-pg-migrate': 'npx node-pg-migrate up',
  // A folder of SQL files is applied by whatever the project uses; dbops cannot guess it.
  sql: undefined,
};

/** The user's command, or the tool's own deploy command; a plain SQL folder needs one said. */
export function migrationCommand(tool: MigrationTool, command: string | undefined): string {
  const given = command?.trim();
  if (given) return given;
  const fallback = DEFAULT_COMMANDS[tool];
  if (fallback) return fallback;
  throw invalidInput(
    'command',
    'is required for a folder of plain SQL migrations (dbops does not know which tool applies them)',
    'the shell command that applies them, e.g. `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f migrations/next.sql`',
  );
}
