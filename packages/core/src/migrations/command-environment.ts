/**
 * What the migration command's environment says about the target: DATABASE_URL (Prisma, node-pg-migrate and most
 * tools read it) and libpq's PG* variables (psql), built from the parsed target so a service file, a password file or
 * discrete inputs reach the tool as they reached dbops. The password travels in the environment, never in argv.
 * Every PG* variable of the job is replaced (a PGHOST or PGDATABASE left over would send psql elsewhere: in check mode,
 * to production), except PGOPTIONS, the user's session settings, which runMigrationCommand extends with dbops's
 * timeouts. The action's own inputs (INPUT_*: database-url, passwords, S3 keys) are not the command's to see.
 */
import type { DatabaseTarget } from '../databases/engine.js';
import { libpqEnvironment } from '../databases/postgres/libpq-env.js';
import { asPgTarget, type PgTarget, withDatabase } from '../databases/postgres/target.js';

export interface CommandEnvironment {
  env: NodeJS.ProcessEnv;
  databaseUrl: string;
  /** Removes the files libpq reads (CA certificate, service file) once the command has exited. */
  dispose(): Promise<void>;
}

/**
 * `applicationName` names the command's sessions (PGAPPNAME for libpq tools and node-postgres, application_name in
 * the URL for the rest), so that a cancel can find the statements they left running (cancel-command-queries.ts).
 */
export async function commandEnvironment(
  target: DatabaseTarget,
  base: NodeJS.ProcessEnv,
  applicationName?: string,
): Promise<CommandEnvironment> {
  const pg = asPgTarget(target);
  const libpq = await libpqEnvironment(pg, withoutActionInputs(base));
  if (base.PGOPTIONS) libpq.env.PGOPTIONS = base.PGOPTIONS;
  // prefer is libpq's default, and node-postgres (the Prisma adapter, node-pg-migrate) reads an explicit prefer as
  // require: a server without TLS would refuse the tool that dbops itself reached.
  if (libpq.env.PGSSLMODE === 'prefer') delete libpq.env.PGSSLMODE;
  if (applicationName) libpq.env.PGAPPNAME = applicationName;
  const databaseUrl = connectionUrl(pg, libpq.env.PGSSLROOTCERT, applicationName);
  return { env: libpq.env, databaseUrl, dispose: libpq.dispose };
}

/** GitHub hands an action its inputs as INPUT_<NAME> variables; a run step never sees them, nor should the command. */
function withoutActionInputs(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.toUpperCase().startsWith('INPUT_')));
}

/**
 * postgresql://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=...&application_name=...&schema=...]; a socket directory goes
 * in the host parameter.
 */
export function connectionUrl(target: PgTarget, sslRootCertFile?: string, applicationName?: string): string {
  const user = encodeURIComponent(target.user);
  const password = target.password ? `:${encodeURIComponent(target.password)}` : '';
  const socket = target.host.startsWith('/');
  const host = socket
    ? ''
    : target.host.includes(':')
      ? `[${target.host}]:${target.port}`
      : `${target.host}:${target.port}`;
  // As in the environment: prefer, libpq's default, is left out.
  const parameters = new URLSearchParams(target.sslMode === 'prefer' ? {} : { sslmode: target.sslMode });
  if (socket) {
    parameters.set('host', target.host);
    parameters.set('port', String(target.port));
  }
  if (sslRootCertFile) parameters.set('sslrootcert', sslRootCertFile);
  if (applicationName) parameters.set('application_name', applicationName);
  // Prisma's parameters the user gave (schema: where Prisma migrates); only those, since psql refuses unknown ones.
  for (const [name, value] of Object.entries(target.prismaParameters ?? {})) parameters.set(name, value);
  const query = parameters.size > 0 ? `?${parameters}` : '';
  return `postgresql://${user}${password}@${host}/${encodeURIComponent(target.database)}${query}`;
}

/** The URL of another database on the target's server (a rehearsal's scratch database). */
export function databaseUrlOn(target: DatabaseTarget, database: string): string {
  return connectionUrl(withDatabase(asPgTarget(target), database));
}
