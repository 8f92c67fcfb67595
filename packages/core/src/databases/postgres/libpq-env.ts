import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLICATION_NAME } from './connection.js';
import type { PgTarget } from './target.js';

/**
 * The environment that points pg_dump / pg_restore / psql at a target. The password travels in PGPASSWORD,
 * never on the command line (DESIGN.md invariant 5); a CA certificate is written to a private temp file because
 * libpq reads it from a path. Call dispose() when the child has exited.
 */
export async function libpqEnvironment(
  target: PgTarget,
  baseEnv: NodeJS.ProcessEnv,
): Promise<{ env: NodeJS.ProcessEnv; dispose: () => Promise<void> }> {
  const env: NodeJS.ProcessEnv = { ...withoutLibpqVariables(baseEnv) };
  env.PGHOST = target.host;
  env.PGPORT = String(target.port);
  env.PGDATABASE = target.database;
  env.PGUSER = target.user;
  env.PGSSLMODE = target.sslMode;
  env.PGAPPNAME = APPLICATION_NAME;
  env.PGCONNECT_TIMEOUT = String(target.connectTimeoutSeconds);
  if (target.password) env.PGPASSWORD = target.password;
  let dir: string | undefined;
  if (target.sslRootCert) {
    dir = await mkdtemp(join(tmpdir(), 'dbops-ssl-'));
    const path = join(dir, 'root.crt');
    await writeFile(path, target.sslRootCert, { mode: 0o600 });
    env.PGSSLROOTCERT = path;
  }
  return { env, dispose: async () => (dir ? rm(dir, { recursive: true, force: true }) : undefined) };
}

/** Stray PG* variables from the caller's environment must not redirect a child to another server. */
function withoutLibpqVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('PG')));
}
