import { invalidInput } from '../../errors.js';
import { OWN_PARAMETERS } from './service-file.js';

/**
 * The query parameters of a PostgreSQL URL that dbops applies: sslmode, sslrootcert, service and passfile with
 * libpq's meaning (target.ts), host, port, user and password as parts of the address.
 */
export const URL_PARAMETERS = [
  'sslmode',
  'sslrootcert',
  'service',
  'passfile',
  'host',
  'port',
  'user',
  'password',
] as const;

/**
 * Prisma's own connection-string parameters (prisma init writes ?schema=public), accepted so that the DATABASE_URL
 * a Prisma project deploys with works for dbops too. None changes dbops's own sessions; each says why.
 */
export const PRISMA_PARAMETERS: Record<string, string> = {
  // The schema Prisma works in: a backup or monitor covers the whole database either way.
  schema: 'the schema Prisma works in',
  // The next four tune Prisma's client pool and statement cache, not a session dbops opens.
  connection_limit: "Prisma's pool size",
  pool_timeout: "Prisma's pool wait",
  statement_cache_size: "Prisma's statement cache",
  socket_timeout: "Prisma's query socket timeout",
  // Tells Prisma the server is PgBouncer; migrate-deploy's lock needs a session-mode connection (deploy-lock.ts).
  pgbouncer: 'Prisma behind PgBouncer',
};

/** Prisma's TLS parameters: refused, because dbops cannot honour them with the same meaning. */
const PRISMA_TLS: Record<string, string> = {
  // sslaccept=strict means "verify the certificate"; libpq's sslmode=require does not, so mapping it would weaken TLS.
  sslaccept:
    'use sslmode=verify-full with sslrootcert=/path/to/ca.pem (or the ssl-root-cert input) to verify the certificate, or sslmode=require not to',
  // dbops connects without client certificates (target.ts has none): refusing says so, rather than authenticate otherwise.
  sslcert: 'dbops does not present client certificates; authenticate with a password (or ~/.pgpass) instead',
  sslidentity: 'dbops does not present client certificates; authenticate with a password (or ~/.pgpass) instead',
  sslpassword: 'dbops does not present client certificates; authenticate with a password (or ~/.pgpass) instead',
};

/** What to do instead, for libpq parameters that users write and dbops does not apply. */
const INSTEAD: Record<string, string> = {
  options: 'set the server settings for the role instead (ALTER ROLE name SET setting = value), or leave options out',
  connect_timeout: 'use the connect-timeout input instead',
  dbname: "put the database in the URL's path (postgres://host/DATABASE) or use the dbname input",
  ssl: 'use sslmode=require (or verify-ca / verify-full) instead',
};

/**
 * Refuses a URL parameter that dbops would not apply: libpq refuses an unknown one, and ignoring it would change
 * what the user asked for without a word (a typo such as sslmod=require would connect without TLS). `options`
 * (libpq's -c settings) is refused too: dbops's sessions and pg_dump's would not get it alike. Messages name the
 * parameter, never its value, and a name that does not look like one is not echoed (it may be part of a password).
 */
export function checkUrlParameters(url: string, input: string): void {
  const at = url.indexOf('?');
  if (at === -1) return;
  const accepted = `the parameters dbops accepts: ${URL_PARAMETERS.join(', ')}; Prisma's ${Object.keys(PRISMA_PARAMETERS).join(', ')}`;
  for (const name of new URLSearchParams(url.slice(at + 1)).keys()) {
    if ((URL_PARAMETERS as readonly string[]).includes(name) || OWN_PARAMETERS.has(name)) continue;
    if (Object.hasOwn(PRISMA_PARAMETERS, name)) continue;
    if (!/^[a-z_]{1,40}$/.test(name)) {
      throw invalidInput(input, 'has a query parameter that is not name=value', accepted);
    }
    if (name === 'options') {
      throw invalidInput(input, "has the parameter 'options', which dbops does not apply", INSTEAD[name]!);
    }
    if (Object.hasOwn(PRISMA_TLS, name)) {
      throw invalidInput(input, `has Prisma's parameter '${name}', which dbops does not apply`, PRISMA_TLS[name]!);
    }
    const instead = INSTEAD[name];
    throw invalidInput(input, `has an unknown parameter '${name}'`, instead ? `${instead}; ${accepted}` : accepted);
  }
}
