import { engineForUrl } from '../databases/index.js';
import type { MongoTarget } from '../databases/mongodb/target.js';
import { parsePgTarget, SSL_MODES, type PgTarget } from '../databases/postgres/target.js';
import { invalidInput } from '../errors.js';
import { PRISMA_PARAMETERS, URL_PARAMETERS } from '../databases/postgres/url-parameters.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition } from './types.js';

/**
 * How to reach a database server (the URL's scheme picks the engine): shared by every action that connects to one.
 * `urlName` names a second server.
 * Actions that run PostgreSQL's client tools add PG_BIN_DIR_INPUT.
 */
export function connectionInputs(urlName = 'database-url', urlEnv = ['DATABASE_URL']): InputDefinition[] {
  return [
    {
      name: urlName,
      description: `Connection URL: PostgreSQL (postgres://user:password@host:5432/db?sslmode=require) or MongoDB (mongodb://user:password@host:27017/db, mongodb+srv://...); the scheme picks the engine. Percent-encode special characters in the password. For PostgreSQL, libpq's files work as with psql: a connection service (?service=NAME or PGSERVICE; PGSERVICEFILE, ~/.pg_service.conf) and, without a password, the password file (PGPASSFILE, ~/.pgpass). PostgreSQL query parameters: ${URL_PARAMETERS.join(', ')}; Prisma's ${Object.keys(PRISMA_PARAMETERS).join(', ')} are accepted and not applied to dbops's sessions (docs/migrations.md); others are refused.`,
      type: 'url',
      schemes: ['postgres', 'postgresql', 'mongodb', 'mongodb+srv'],
      secret: true,
      env: urlEnv,
    },
    { name: 'host', description: "Server host, instead of (or overriding) the URL's.", type: 'string' },
    {
      name: 'port',
      description: "Server port (default 5432), instead of (or overriding) the URL's.",
      type: 'integer',
      min: 1,
      max: 65535,
    },
    { name: 'dbname', description: "Database name, instead of (or overriding) the URL's.", type: 'string' },
    { name: 'user', description: "User name, instead of (or overriding) the URL's.", type: 'string' },
    {
      name: 'password',
      description: "Password, when it is not in the URL (overrides the URL's).",
      type: 'string',
      secret: true,
      env: ['PGPASSWORD'],
    },
    {
      name: 'sslmode',
      description: "disable, allow, prefer, require, verify-ca or verify-full (overrides the URL's sslmode).",
      type: 'enum',
      values: SSL_MODES,
    },
    {
      name: 'ssl-root-cert',
      description: 'CA certificate for verify-ca / verify-full: PEM text or a path to a PEM file.',
      type: 'string',
    },
    {
      name: 'connect-timeout',
      description: 'Seconds to wait for a connection before retrying.',
      default: '10',
      type: 'integer',
      min: 1,
      max: 600,
    },
  ];
}

export const PG_BIN_DIR_INPUT: InputDefinition = {
  name: 'pg-bin-dir',
  description:
    'Directory holding pg_dump / pg_restore / psql. By default dbops finds a client at least as new as the server.',
  type: 'string',
};

/** The PostgreSQL-only inputs a MongoDB URL cannot be combined with (its URL says everything). */
const POSTGRES_ONLY = ['host', 'port', 'dbname', 'user', 'sslmode'] as const;

/** Async: a MongoDB URL's parser is loaded only when the URL is MongoDB's (databases/mongodb/parse-target.ts). */
export async function readConnection(reader: InputReader, urlName = 'database-url'): Promise<PgTarget | MongoTarget> {
  const url = reader.optional(urlName);
  if (url && engineForUrl(url, urlName).name === 'mongodb') {
    const pgOnly = POSTGRES_ONLY.find((name) => reader.given(name));
    if (pgOnly) {
      throw invalidInput(
        pgOnly,
        `is a PostgreSQL input, but ${urlName} is a MongoDB URL`,
        `the MongoDB URL alone (host, port, database and user go in it), e.g. mongodb://USER:PASSWORD@HOST:27017/DATABASE`,
      );
    }
    const { parseMongoTarget } = await import('../databases/mongodb/parse-target.js');
    return parseMongoTarget(url, urlName, reader.optional('ssl-root-cert'));
  }
  return readPgConnection(reader, urlName, url);
}

function readPgConnection(reader: InputReader, urlName: string, url: string | undefined): PgTarget {
  const discrete = {
    host: reader.optional('host'),
    port: reader.optional('port'),
    database: reader.optional('dbname'),
    user: reader.optional('user'),
  };
  // The scheme names the engine, and an unknown one is refused here.
  if (url) engineForUrl(url, urlName);
  // PGPASSWORD in the environment is a fallback for a URL (or service) without a password, never an override of one.
  const password = reader.given('password');
  const fallbackPassword = password ? undefined : reader.optional('password');
  const sslMode = reader.optional('sslmode') && reader.oneOf('sslmode');
  const sslRootCert = reader.optional('ssl-root-cert');
  const connectTimeout = reader.integer('connect-timeout');
  return parsePgTarget(
    {
      ...Object.fromEntries(Object.entries(discrete).filter(([, v]) => v !== undefined)),
      ...(url ? { url } : {}),
      ...(password ? { password } : {}),
      ...(fallbackPassword ? { fallbackPassword } : {}),
      ...(sslMode ? { sslMode } : {}),
      ...(sslRootCert ? { sslRootCert } : {}),
      // Unset, a service's connect_timeout applies (else 10 s).
      ...(reader.given('connect-timeout') && connectTimeout ? { connectTimeoutSeconds: connectTimeout } : {}),
      // libpq's service and password files, found as libpq finds them.
      env: reader.env,
    },
    urlName,
  );
}
