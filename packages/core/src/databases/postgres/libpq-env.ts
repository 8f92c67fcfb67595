import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLICATION_NAME } from './connection.js';
import type { PgTarget } from './target.js';

/**
 * libpq has no environment variables for TCP keepalives, but reads a service file named by one. A child's session
 * is silent while pg_dump waits on a lock or pg_restore builds a large index; NAT gateways drop silent connections
 * (a GitHub-hosted runner's outbound connections: after 4 minutes), which keepalives every minute prevent.
 */
const SERVICE = 'dbops';
const SERVICE_FILE = `[${SERVICE}]\nkeepalives=1\nkeepalives_idle=60\nkeepalives_interval=10\nkeepalives_count=6\n`;

/**
 * The environment that points pg_dump / pg_restore / psql at a target. The password travels in PGPASSWORD,
 * never on the command line (docs/architecture.md invariant 5); a CA certificate and the service file (keepalives) are
 * written to a private temp directory because libpq reads them from paths. Call dispose() when the child has exited.
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
  const dir = await mkdtemp(join(tmpdir(), 'dbops-libpq-'));
  try {
    // The target says everything, its password too (parsePgTarget read the service and password files): a child must
    // not find another password file (~/.pgpass) that dbops's own session did not use.
    if (!target.password) env.PGPASSFILE = join(dir, 'no-password-file');
    env.PGSERVICEFILE = join(dir, 'pg_service.conf');
    env.PGSERVICE = SERVICE;
    await writeFile(env.PGSERVICEFILE, SERVICE_FILE, { mode: 0o600 });
    if (target.sslRootCert) {
      env.PGSSLROOTCERT = join(dir, 'root.crt');
      await writeFile(env.PGSSLROOTCERT, target.sslRootCert, { mode: 0o600 });
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { env, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Stray PG* variables from the caller's environment must not redirect a child to another server. Those that name
 * libpq's files (PGSERVICE, PGPASSFILE...) have been applied already, to the target itself.
 */
function withoutLibpqVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('PG')));
}
