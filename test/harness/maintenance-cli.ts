/** `dbops maintenance --json` against a test server, for tests of table and index steps (sizes down to 1 MB). */
import { runCli } from './cli.js';
import type { PostgresServer } from './postgres.js';

/** Runs it on `db` with `env` added to the CLI's environment; nothing printed holds the password. */
export async function maintenanceCli(server: PostgresServer, db: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = await runCli(
    [
      'maintenance',
      '--database-url',
      server.url(db),
      '--min-table-size',
      '1MB',
      '--min-index-size',
      '1MB',
      '--json',
      ...args,
    ],
    env,
  );
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toContain(server.password);
    expect(text).not.toContain(encodeURIComponent(server.password));
  }
  return { ...run, result: run.stdout ? JSON.parse(run.stdout) : undefined };
}
